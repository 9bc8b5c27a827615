# SPDX-License-Identifier: GPL-2.0
"""`vctl create` (dom0/vctl/cmd_create.c) in a Veneer dom0 under QEMU.

One Linux dom0 (our kernel and initramfs, which carries the PV test
kernel tests/pv/domu/domu_vctl.c as /usr/lib/veneer/domu_vctl.elf).  At
its shell the test writes configuration files and runs:

  - create of the test kernel: it is built from dom0 user space (the
    builder library through privcmd, setvcpucontext), checks what it was
    given, says so on the console (the hypervisor log, domu_console) and
    powers off; `vctl list` shows it by name, shut down, reason poweroff;
    the name cannot be taken twice; destroy removes it and the free
    memory comes back to where it was;
  - Linux (our bzImage, its xz payload unpacked by vctl, with dom0's
    initramfs as its ramdisk) reaches its ready marker and powers off;
  - a bad config, a missing kernel, a gzip file that is no kernel, too little
    memory for the layout (a failure after the domain exists): one line,
    non-zero, no domain left, free memory unchanged.
"""

import json
import os
import re

import pytest

import qemu
from test_domu import read_log
from test_vctl import SHELL_HELPER, Dom0Shell, refused

TIMEOUT = 300
TINY_MIB = 16
KERNEL = "/usr/lib/veneer/domu_vctl.elf"

CONFIGS = {
    "ok": ['name = "tiny"', 'memory = %d' % TINY_MIB, 'maxmem = 24',
           'vcpus = 1', 'kernel = "%s"' % KERNEL,
           'extra = "vctlpages=%d"' % (TINY_MIB << 8),
           'on_poweroff = "preserve"'],
    "bad": ['name = "bad"', 'memory = "lots"', 'kernel = "%s"' % KERNEL],
    "nokernel": ['name = "nok"', 'kernel = "/no/such/kernel"'],
    "gzip": ['name = "gz"', 'kernel = "/tmp/k.gz"'],
    "small": ['name = "small"', 'memory = 1', 'kernel = "%s"' % KERNEL],
}


class Shell(Dom0Shell):
    """Dom0Shell without the hypervisor's own log lines ("(veneer) d1
    shutdown: ..."), which share the serial port and may land between a
    command's markers."""

    def run(self, *argv, timeout=120):
        status, out, err = super().run(*argv, timeout=timeout)
        hv = re.compile(r"^\(veneer\) [^\n]*\n?", re.M)
        res = (status, hv.sub("", out), hv.sub("", err))
        self.results[-1] = (" ".join(argv),) + res
        return res


def write_config(m, name, lines):
    m.sendline("rm -f /tmp/%s.cfg" % name)
    for line in lines:
        m.sendline("echo '%s' >> /tmp/%s.cfg" % (line, name))


def free_pages(sh):
    status, out, err = sh.run("vctl", "info", "--json")
    assert status == 0, err
    return json.loads(out)["free_pages"]


def domains(sh):
    status, out, err = sh.run("vctl", "list", "--json")
    assert status == 0, err
    return json.loads(out)


def wait_free_pages(sh, want, tries=20):
    """A destroyed domain's shell goes a little after its memory."""
    got = free_pages(sh)
    for _ in range(tries):
        if got == want:
            break
        sh.sleep(1)
        got = free_pages(sh)
    return got


def wait_shutdown(sh, name, tries):
    """The list record of domain `name` once it has shut down (or after
    `tries` seconds); None if it is gone."""
    state = None
    for _ in range(tries):
        doms = [d for d in domains(sh) if d["name"] == name]
        state = doms[0] if doms else None
        if state is None or state["shutdown"]:
            break
        sh.sleep(1)
    return state


@pytest.fixture(scope="module")
def session():
    for path, target in ((qemu.GUEST_VMLINUX, "guest-kernel"),
                         (qemu.DOM0_INITRAMFS, "initramfs")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run 'make %s'" % (path, target))
    args = qemu.veneer_dom0_args(qemu.GUEST_VMLINUX, "console=hvc0 " +
                                 qemu.kernel_append(), qemu.DOM0_INITRAMFS,
                                 memory="1G", dom0_mem="512M")
    i = args.index("-append")
    args[i + 1] += " domu_console"
    out = {}
    with qemu.Machine("vctl_create", args, timeout=TIMEOUT) as m:
        m.expect(r"Quit QEMU with Ctrl-A X", timeout=TIMEOUT)
        m.sendline(SHELL_HELPER)
        for name, lines in CONFIGS.items():
            write_config(m, name, lines)
        m.sendline("echo x | gzip > /tmp/k.gz")
        sh = Shell(m)
        out["free0"] = free_pages(sh)
        out["create"] = sh.run("vctl", "create", "/tmp/ok.cfg")
        out["tiny"] = wait_shutdown(sh, "tiny", 60)
        out["list"] = sh.run("vctl", "list")
        out["list_l"] = sh.run("vctl", "list", "-l", "tiny")
        out["again"] = sh.run("vctl", "create", "/tmp/ok.cfg")
        out["destroy"] = sh.run("vctl", "destroy", "tiny")
        out["after_destroy"] = domains(sh)
        out["free1"] = wait_free_pages(sh, out["free0"])
        out["gone"] = sh.run("vctl", "list", "tiny")
        for name in ("bad", "nokernel", "gzip", "small"):
            out[name] = sh.run("vctl", "create", "/tmp/%s.cfg" % name)
        out["after_failures"] = domains(sh)
        out["free2"] = wait_free_pages(sh, out["free0"])
        out["results"] = sh.results
        m.sendline("poweroff")
        out["status"] = m.wait_exit(timeout=120)
        out["log"] = read_log(m)
    print("\n".join("$ %s -> %d\n%s%s" % r for r in out["results"]))
    return out


def test_created_test_kernel_runs_and_powers_off(session):
    status, out, err = session["create"]
    assert status == 0, err
    m = re.fullmatch(r"Domain tiny created \(id (\d+)\)\n", out)
    assert m, out
    domid = int(m.group(1))
    tiny = session["tiny"]
    assert tiny is not None and tiny["domid"] == domid
    assert tiny["shutdown"] and tiny["shutdown_reason"] == "poweroff", tiny
    assert not tiny["crashed"]
    assert tiny["max_pages"] == 24 << 8
    assert tiny["max_vcpus"] == 1
    # The test kernel powers off only when every check passed (a failed
    # one crashes it): its counts of pages and the command line matched.
    # Its console lines are on the serial line, where dom0's typing may
    # land inside one: no whole-line match there.
    assert "Test result: FAILURE" not in session["log"]
    assert re.search(r"d%d: vCPU 0 has its initial context from the "
                     r"toolstack" % domid, session["log"])


def test_list_shows_the_name_and_state(session):
    status, out, _ = session["list"]
    assert status == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    tiny = [r for r in rows if r[0] == "tiny"]
    assert len(tiny) == 1, out
    assert "s" in tiny[0][4], out
    status, out, _ = session["list_l"]
    assert status == 0
    assert out.splitlines()[1].split()[0] == "tiny"
    assert "poweroff" in out


def test_a_name_in_use_is_refused(session):
    assert refused(session["again"]) == \
        'vctl: create: name "tiny" is in use'


def test_destroy_gives_everything_back(session):
    assert session["destroy"][0] == 0, session["destroy"]
    assert [d["domid"] for d in session["after_destroy"]] == [0]
    assert session["free1"] == session["free0"]
    assert refused(session["gone"]) == "vctl: list: no domain named 'tiny'"


def test_failed_creates_are_one_line_and_leave_nothing(session):
    assert re.fullmatch(r"vctl: create: /tmp/bad\.cfg:2: .*",
                        refused(session["bad"]))
    assert refused(session["nokernel"]) == \
        "vctl: create: kernel /no/such/kernel: No such file or directory"
    assert refused(session["gzip"]) == \
        "vctl: create: kernel /tmp/k.gz: the unpacked kernel is not an ELF"
    assert re.fullmatch(r"vctl: create: small: kernel layout: .*",
                        refused(session["small"]))
    assert [d["domid"] for d in session["after_failures"]] == [0]
    assert session["free2"] == session["free0"]


def test_dom0_powers_off_cleanly(session):
    assert session["status"] == 33


# --- Linux as a domU built by vctl --------------------------------------

LINUX_MIB = 128
STOCK_MIB = 160


def newc_cpio(entries):
    """A gzip'd newc cpio archive of (path, data) files (and their
    directories); Linux unpacks it after the initramfs it is appended to."""
    import gzip
    out = bytearray()
    ino = [0x7e000]

    def add(name, mode, data=b""):
        ino[0] += 1
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    dirs = set()
    for path, _ in entries:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    for d in sorted(dirs):
        add(d, 0o040755)
    for path, data in entries:
        add(path, 0o100644, data)
    add("TRAILER!!!", 0)
    out.extend(b"\0" * (-len(out) % 512))
    return gzip.compress(bytes(out), compresslevel=1)


@pytest.fixture(scope="module")
def linux_session(tmp_path_factory):
    for path, target in ((qemu.GUEST_VMLINUX, "guest-kernel"),
                         (qemu.DOM0_INITRAMFS, "initramfs")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run 'make %s'" % (path, target))
    # dom0's initramfs with our kernel and that same initramfs added, for
    # the domU
    with open(qemu.DOM0_INITRAMFS, "rb") as f:
        initramfs = f.read()
    # the bzImage: vctl unpacks its xz payload (liblzma)
    with open(os.path.join(os.path.dirname(qemu.GUEST_VMLINUX), "bzImage"),
              "rb") as f:
        bzimage = f.read()
    initrd = tmp_path_factory.mktemp("vctl") / "initrd.gz"
    with open(qemu.fetch_debian_kernel(), "rb") as f:
        debian = f.read()
    initrd.write_bytes(initramfs + newc_cpio([
        ("usr/lib/veneer/bzImage", bzimage),
        ("usr/lib/veneer/debian-vmlinuz", debian),
        ("usr/lib/veneer/initramfs.gz", initramfs)]))
    args = qemu.veneer_dom0_args(qemu.GUEST_VMLINUX, "console=hvc0 " +
                                 qemu.kernel_append(), str(initrd),
                                 memory="1G", dom0_mem="512M")
    i = args.index("-append")
    args[i + 1] += " domu_console"
    out = {}
    with qemu.Machine("vctl_create_linux", args, timeout=TIMEOUT) as m:
        m.expect(r"Quit QEMU with Ctrl-A X", timeout=TIMEOUT)
        m.sendline(SHELL_HELPER)
        m.sendline("cat > /tmp/linux.cfg <<'EOF'")
        for line in ['name = "linux1"', "memory = %d" % LINUX_MIB,
                     "vcpus = 1", 'kernel = "/usr/lib/veneer/bzImage"',
                     'ramdisk = "/usr/lib/veneer/initramfs.gz"',
                     "extra = 'earlyprintk=xen keep_bootcon "
                     "veneer.run=\"echo LINUX-DOMU-BUILT-BY-VCTL\"'",
                     'on_poweroff = "preserve"', "EOF"]:
            m.sendline(line)
        # The stock Debian kernel (its xz bzImage unpacked by vctl) with
        # console=hvc0: what it prints goes to its console ring, to
        # consoled and its log.  Its xenfs is a module it does not have
        # here, so dom0's init takes it for a native machine (marker
        # VENEER-DOM0-READY); it runs the command and powers off.
        m.sendline("cat > /tmp/stock.cfg <<'EOF'")
        for line in ['name = "stock"', "memory = %d" % STOCK_MIB,
                     "vcpus = 2",
                     'kernel = "/usr/lib/veneer/debian-vmlinuz"',
                     'ramdisk = "/usr/lib/veneer/initramfs.gz"',
                     "extra = 'console=hvc0 veneer.run=\"echo "
                     "STOCK-DOMU-$((6*7)); uname -r\"'",
                     'on_poweroff = "preserve"', "EOF"]:
            m.sendline(line)
        sh = Shell(m)
        out["free0"] = free_pages(sh)
        out["create"] = sh.run("vctl", "create", "/tmp/linux.cfg")
        out["state"] = wait_shutdown(sh, "linux1", 120)
        out["destroy"] = sh.run("vctl", "destroy", "linux1")
        out["free1"] = wait_free_pages(sh, out["free0"])
        out["stock_create"] = sh.run("vctl", "create", "/tmp/stock.cfg")
        out["stock_state"] = wait_shutdown(sh, "stock", 180)
        out["stock_log"] = sh.run("cat", "/var/log/veneer/console/stock.log")
        out["stock_destroy"] = sh.run("vctl", "destroy", "stock")
        out["free2"] = wait_free_pages(sh, out["free0"])
        out["results"] = sh.results
        m.sendline("poweroff")
        out["status"] = m.wait_exit(timeout=120)
        out["log"] = read_log(m)
    print("\n".join("$ %s -> %d\n%s%s" % r for r in out["results"]))
    return out


def test_linux_domu_built_by_vctl_reaches_its_ready_marker(linux_session):
    s = linux_session
    status, out, err = s["create"]
    assert status == 0, err
    domid = int(re.fullmatch(r"Domain linux1 created \(id (\d+)\)\n",
                             out).group(1))
    log = s["log"]
    assert re.search(r"\(d%d\) (?:\[ *\d+\.\d+\] )?VENEER-DOMU-READY"
                     % domid, log), log[-3000:]
    assert re.search(r"\(d%d\) (?:\[ *\d+\.\d+\] )?LINUX-DOMU-BUILT-BY-VCTL"
                     % domid, log)
    state = s["state"]
    assert state["shutdown"] and state["shutdown_reason"] == "poweroff", \
        state
    assert s["destroy"][0] == 0
    assert s["free1"] == s["free0"]
    assert s["status"] == 33


def test_stock_debian_kernel_built_by_vctl_runs_on_its_console(
        linux_session):
    s = linux_session
    status, out, err = s["stock_create"]
    assert status == 0, err
    status, log, err = s["stock_log"]
    assert status == 0, err
    assert "STOCK-DOMU-42" in log, log[-3000:]
    assert re.search(r"^6\.1\.\d+\S*-amd64\r?$", log, re.M), log[-3000:]
    state = s["stock_state"]
    assert state["shutdown"] and state["shutdown_reason"] == "poweroff", \
        state
    assert state["max_vcpus"] == 2
    assert s["stock_destroy"][0] == 0
    assert s["free2"] == s["free0"]
