# SPDX-License-Identifier: GPL-2.0
"""The console back end in a Veneer dom0 under QEMU (docs/console.md).

dom0's init starts consoled.  The test creates a Linux domU from dom0
(our vmlinux, dom0's initramfs as its ramdisk, console=hvc0; in a domU
with a console ring that initramfs runs a shell on hvc0) and checks:

  - its ready marker reaches /var/log/veneer/console/<name>.log;
  - `vctl console NAME` shows it (the scrollback), a command typed there
    runs in the guest (its output is computed there: TYPED-42), and
    Ctrl-] detaches back to dom0's shell;
  - destroy ends the console (consoled's log says so) and a console of a
    domain that is gone cannot be attached.
"""

import os
import re

import pytest

import qemu
from test_vctl import SHELL_HELPER, Dom0Shell
from test_vctl_create import domains, newc_cpio

TIMEOUT = 300
LINUX_MIB = 128
LOG = "/var/log/veneer/console/con1.log"

pytestmark = pytest.mark.skip(
    reason="vctl create gives a domU no console ring yet: "
    "dom0/vctl/guest_build.c does not set the builder's with_rings, so "
    "start_info has no console page or event channel (dom0 may allocate "
    "the domU's unbound port since event_channel commit 0e52861), and "
    "cmd_create.c does not yet tell consoled (vctl_console_add)")


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
        m.sendline("cat > /tmp/con1.cfg <<'EOF'")
        for line in ['name = "con1"', "memory = %d" % LINUX_MIB,
                     'kernel = "/usr/lib/veneer/vmlinux"',
                     'ramdisk = "/usr/lib/veneer/initramfs.gz"',
                     'extra = "console=hvc0"', "EOF"]:
            m.sendline(line)
        sh = Dom0Shell(m)
        out["create"] = sh.run("vctl", "create", "/tmp/con1.cfg")
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
        m.send("\x1d")
        m.expect(r"CONSOLE-EXIT=(\d+)", timeout=60)
        out["console_exit"] = int(m.child.match.group(1))
        out["log"] = sh.run("cat", LOG)
        out["destroy"] = sh.run("vctl", "destroy", "con1")
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
    assert session["marker_in_log"][0] == 0, session["marker_in_log"]


def test_vctl_console_shows_output_and_runs_what_is_typed(session):
    assert session["console_exit"] == 0
    status, log, _ = session["log"]
    assert status == 0
    # What the shell in the guest printed went to the log too.
    assert "TYPED-42" in log


def test_destroy_ends_the_console(session):
    assert session["destroy"][0] == 0
    assert [d["domid"] for d in session["after"]] == [0]
    status, log, _ = session["consoled_log"]
    assert re.search(r"domain \d+ \(con1\): domain destroyed", log), log
    status, out, err = session["gone"]
    assert status == 1 and out == ""
    assert err.startswith("vctl: console: ")
    assert session["status"] == 33
