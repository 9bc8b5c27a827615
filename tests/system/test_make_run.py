# SPDX-License-Identifier: GPL-2.0
"""`make run` (scripts/run-qemu) leaves the user at a working dom0 shell
on the serial console, and Ctrl-A X quits QEMU, as the README says: by
default on Veneer (our kernel as its dom0), and with VENEER_RUN=native
with the same kernel booted natively.  On Veneer, `vctl create
/etc/veneer/example.cfg -c` there boots the sample guest dom0 carries
(dom0/guest.mk) and lands at its shell; Ctrl-] comes back to dom0."""

import os
import time

import pexpect
import pytest

import qemu

RUN_QEMU = os.path.join(qemu.TOP, "scripts", "run-qemu")


@pytest.mark.parametrize("mode", ["veneer", "native"])
def test_run_gives_a_shell_and_ctrl_a_x_quits(mode, guest_kernel,
                                              dom0_initramfs):
    if mode == "veneer" and not os.path.exists(qemu.VENEER_ELF):
        pytest.fail("build/veneer.elf is missing: run 'make hypervisor'")
    os.makedirs(qemu.LOG_DIR, exist_ok=True)
    log = open(os.path.join(qemu.LOG_DIR, "make-run-%s.log" % mode), "w")
    started = time.monotonic()
    child = pexpect.spawn(RUN_QEMU, encoding="utf-8", timeout=300,
                          logfile=log, env=dict(os.environ, VENEER_SMP="1",
                                                VENEER_RUN=mode))
    try:
        child.expect(qemu.READY_MARKER)
        # The same kernel and initramfs both ways: the two lines compare
        # a dom0 boot on Veneer with a native one (no assertion).
        print("make run (%s): dom0 ready marker after %.1fs" %
              (mode, time.monotonic() - started))
        child.expect("Quit QEMU with Ctrl-A X")
        child.sendline("echo typed-$((2 + 3)) in $(hostname)")
        child.expect("typed-5 in veneer-dom0", timeout=60)
        if mode == "veneer":
            sample_guest(child)
        child.sendcontrol("a")
        child.send("x")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        if child.isalive():
            child.terminate(force=True)
        log.close()


def sample_guest(child):
    """The README's first step at dom0's shell: create the sample guest
    and use its console."""
    child.sendline("vctl create /etc/veneer/example.cfg -c")
    created = time.monotonic()
    child.expect(r"Domain example created \(id (\d+)\)", timeout=60)
    child.expect("VENEER-DOMU-READY", timeout=180)
    print("make run: sample guest ready %.1fs after vctl create" %
          (time.monotonic() - created))
    child.expect("init: domU shell on hvc0", timeout=60)
    child.expect(r"# ", timeout=60)
    time.sleep(1)  # busybox sets the terminal up after its prompt
    child.sendline("echo guest-$((4 + 3)) in $(hostname)")
    child.expect("guest-7 in veneer-domU", timeout=60)
    child.send("\x1d")
    child.sendline("echo back-$((1 + 1)) in $(hostname); vctl destroy "
                   "example && echo DESTROYED")
    child.expect("back-2 in veneer-dom0", timeout=60)
    child.expect("DESTROYED", timeout=60)
