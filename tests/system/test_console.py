# SPDX-License-Identifier: GPL-2.0
"""The console back end and the store for domUs vctl creates, in a Veneer
dom0 under QEMU (docs/console.md, docs/vctl.md "The store").

dom0's init starts stored and consoled.  The test creates two Linux
domUs from dom0 (our vmlinux, dom0's initramfs as their ramdisk,
console=hvc0; in a domU with a console ring that initramfs runs a shell
on hvc0) and checks:

  - its ready marker reaches /var/log/veneer/console/<name>.log;
  - `vctl console NAME` shows it (the scrollback), a command typed there
    runs in the guest (its output is computed there: TYPED-42), and
    Ctrl-] detaches back to dom0's shell;
  - Debian's xenstore-utils: in dom0 `xenstore-ls` shows a domU's tree
    (name, memory/target); in the domU, `xenstore-read name` reads its
    own node, and reading the other domU's or dom0's nodes is refused;
  - destroy ends the console (consoled's log says so) and a console of a
    domain that is gone cannot be attached.
"""

import os
import re
import time

import pytest

import qemu
from test_vctl import SHELL_HELPER
from test_vctl_create import Shell, domains, newc_cpio

TIMEOUT = 300
LINUX_MIB = 96
LOG = "/var/log/veneer/console/con1.log"

@pytest.fixture(scope="module")
def session(tmp_path_factory):
    for path, target in ((qemu.GUEST_VMLINUX, "guest-kernel"),
                         (qemu.DOM0_INITRAMFS, "initramfs")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run 'make %s'" % (path, target))
    with open(qemu.DOM0_INITRAMFS, "rb") as f:
        initramfs = f.read()
    with open(qemu.GUEST_VMLINUX, "rb") as f:
        vmlinux = f.read()
    initrd = tmp_path_factory.mktemp("console") / "initrd.gz"
    initrd.write_bytes(initramfs + newc_cpio([
        ("usr/lib/veneer/vmlinux", vmlinux),
        ("usr/lib/veneer/initramfs.gz", initramfs)]))
    args = qemu.veneer_dom0_args(qemu.GUEST_VMLINUX, "console=hvc0 " +
                                 qemu.kernel_append(), str(initrd),
                                 memory="1G", dom0_mem="512M")
    out = {}
    with qemu.Machine("console", args, timeout=TIMEOUT) as m:
        m.expect(r"Quit QEMU with Ctrl-A X", timeout=TIMEOUT)
        m.sendline(SHELL_HELPER)
        for name in ("con1", "con2"):
            m.sendline("cat > /tmp/%s.cfg <<'EOF'" % name)
            for line in ['name = "%s"' % name, "memory = %d" % LINUX_MIB,
                         'kernel = "/usr/lib/veneer/vmlinux"',
                         'ramdisk = "/usr/lib/veneer/initramfs.gz"',
                         'extra = "console=hvc0"', "EOF"]:
                m.sendline(line)
        sh = Shell(m)
        out["create"] = sh.run("vctl", "create", "/tmp/con1.cfg")
        out["create2"] = sh.run("vctl", "create", "/tmp/con2.cfg")
        ids = {}
        for name in ("con1", "con2"):
            for d in domains(sh):
                if d["name"] == name:
                    ids[name] = d["domid"]
        out["ids"] = ids
        out["xs_ls"] = sh.run("xenstore-ls", "-p",
                              "/local/domain/%d" % ids["con1"])
        found = None
        for _ in range(120):
            found = sh.run("grep", "-c", "VENEER-DOMU-READY", LOG)
            if found[0] == 0:
                break
            sh.sleep(1)
        out["marker_in_log"] = found
        # Interactive: the scrollback, a command run in the guest, Ctrl-].
        m.sendline("vctl console con1; echo CONSOLE-EXIT=$?")
        m.expect(r"VENEER-DOMU-READY", timeout=60)
        m.sendline("echo TYPED-$((6*7))")
        m.expect(r"TYPED-42", timeout=120)
        # The store from inside the guest, with Debian's xenstore-utils
        # (on /dev/xen/xenbus): its own node, then another domU's and
        # dom0's, which it may not read.  One line, typed once the shell
        # is back at its prompt (busybox's line editing drops what comes
        # while it sets the terminal up).
        m.expect(r"# ", timeout=60)
        time.sleep(1)
        m.sendline("echo XS-OWN=$(xenstore-read name); for p in "
                   "/local/domain/%d/name /local/domain/0; do "
                   "xenstore-read $p; echo XS-RC=$?; done" % ids["con2"])
        m.expect(r"XS-OWN=([^\s$]*)\r*\n", timeout=60)
        out["xs_own"] = m.child.match.group(1)
        for key in ("xs_other", "xs_dom0"):
            m.expect(r"(?s)(.*?)XS-RC=(\d+)", timeout=60)
            out[key] = (int(m.child.match.group(2)),
                        m.child.match.group(1))
        m.child.send("\x1d")
        m.expect(r"CONSOLE-EXIT=(\d+)", timeout=60)
        out["console_exit"] = int(m.child.match.group(1))
        out["log"] = sh.run("cat", LOG)
        out["dom0_reads"] = [sh.run("xenstore-read", p) for p in (
            "/local/domain/%d/name" % ids["con2"], "/local/domain/0")]
        out["destroy"] = sh.run("vctl", "destroy", "con1")
        out["xs_gone"] = sh.run("xenstore-ls", "/local/domain/%d"
                                % ids["con1"])
        out["after_one"] = domains(sh)
        out["con2_alive"] = sh.run("xenstore-read", "/local/domain/%d/name"
                                   % ids["con2"])
        out["destroy2"] = sh.run("vctl", "destroy", "con2")
        out["after"] = domains(sh)
        out["consoled_log"] = sh.run("cat", "/run/consoled.log")
        out["gone"] = sh.run("vctl", "console", "con1")
        m.sendline("poweroff")
        out["status"] = m.wait_exit(timeout=120)
    print("\n".join("$ %s -> %d\n%s%s" % r for r in sh.results))
    return out


def test_domu_console_output_reaches_its_log(session):
    status, out, err = session["create"]
    assert status == 0, err
    assert re.fullmatch(r"Domain con1 created \(id \d+\)\n", out), out
    assert session["create2"][0] == 0, session["create2"]
    assert session["marker_in_log"][0] == 0, session["marker_in_log"]


def test_store_shows_the_domu_tree(session):
    status, out, err = session["xs_ls"]
    assert status == 0, err
    domid = session["ids"]["con1"]
    assert re.search(r'^name = "con1"', out, re.M), out
    assert re.search(r'^domid = "%d"' % domid, out, re.M), out
    assert re.search(r'^ target = "%d"' % (LINUX_MIB << 10), out, re.M), out
    assert re.search(r'^ shutdown = ""', out, re.M), out
    # The domain's own directory: dom0 owns it, the domain reads it.
    assert re.search(r'^name = "con1"[ .]+\(n0,r%d\)$' % domid, out,
                     re.M), out
    # What Linux writes and clears there, the domain owns.
    assert re.search(r'^ shutdown = ""[ .]+\(n%d\)$' % domid, out, re.M), out


def test_a_domu_reads_its_own_nodes_only(session):
    assert session["xs_own"] == "con1"
    for key in ("xs_other", "xs_dom0"):
        status, out = session[key]
        assert status != 0, (key, out)
        assert "couldn't read path" in out, (key, out)
    # The same paths exist: dom0 reads them.
    (s1, name, e1), (s2, _, e2) = session["dom0_reads"]
    assert s1 == 0 and name == "con2\n", e1
    assert s2 == 0, e2


def test_vctl_console_shows_output_and_runs_what_is_typed(session):
    assert session["console_exit"] == 0
    status, log, _ = session["log"]
    assert status == 0
    # What the shell in the guest printed went to the log too.
    assert "TYPED-42" in log


def test_destroy_ends_the_console(session):
    assert session["destroy"][0] == 0
    # The other domU runs on, its store tree in place.
    left = {d["domid"]: d for d in session["after_one"]}
    con2 = left[session["ids"]["con2"]]
    assert session["ids"]["con1"] not in left
    assert not con2["shutdown"] and not con2["dying"], con2
    assert session["con2_alive"][:2] == (0, "con2\n"), session["con2_alive"]
    assert session["destroy2"][0] == 0
    assert session["xs_gone"][0] != 0, session["xs_gone"]
    assert [d["domid"] for d in session["after"]] == [0]
    status, log, _ = session["consoled_log"]
    # vctl's "del", or consoled's own scan if it saw the domain dying
    # first (it looks every 2 s): either way the console ended.
    assert re.search(r"domain \d+ \(con1\): domain (destroyed|gone)",
                     log), log
    status, out, err = session["gone"]
    assert status == 1 and out == ""
    assert err.startswith("vctl: console: ")
    assert session["status"] == 33
