# SPDX-License-Identifier: GPL-2.0
"""Debug keys on Veneer's serial console (common/keyhandler.c).

Boots our Linux dom0 as tests/system/test_dom0_linux.py does, then types
Ctrl-A three times: serial input goes to the hypervisor, which says so.
Each key then runs a handler whose output we check ('h' the list, 'r'
the scheduler, 'q' domains and vCPUs, 'm' memory, 'e' event channels,
't' the trace rings).  Ctrl-A three times again gives input back to dom0,
whose shell must answer a command: the keys typed meanwhile never reached
it (had they, the shell would see "hrqmet" before the command and fail
it).  Two Ctrl-As followed by a command reach the shell with it.  See docs/debugging-hypervisor.md.
"""

import qemu

BOOT_TIMEOUT = 300
KEY_TIMEOUT = 30
CTRL_A_3 = "\x01\x01\x01"


def test_debug_keys_switch_input_and_dump_state(guest_kernel,
                                                dom0_initramfs):
    args = qemu.veneer_dom0_args(qemu.GUEST_VMLINUX, "console=hvc0",
                                 initrd=qemu.DOM0_INITRAMFS)
    with qemu.Machine("debug-keys", args, timeout=BOOT_TIMEOUT) as m:
        m.expect(qemu.READY_MARKER)
        m.expect("Quit QEMU with Ctrl-A X")
        print("dom0 shell after %.1fs (wall time, no assertion)"
              % m.elapsed())

        m.child.send(CTRL_A_3)
        m.expect(r"\*\*\* Serial input to the hypervisor \(type 'CTRL-a' "
                 r"three times to switch input\)", timeout=KEY_TIMEOUT)

        m.child.send("h")
        m.expect(r"'h' pressed -> debug keys:", timeout=KEY_TIMEOUT)
        for key in "hqrtme":
            m.expect(r"  '%s' \w" % key, timeout=KEY_TIMEOUT)
        m.expect(r"Ctrl-A three times: serial input back to dom0",
                 timeout=KEY_TIMEOUT)

        m.child.send("r")
        m.expect(r"'r' pressed -> dumping run queues", timeout=KEY_TIMEOUT)
        m.expect(r"CPU0: (running d0v0|idle)", timeout=KEY_TIMEOUT)
        m.expect(r"d0: weight \d+", timeout=KEY_TIMEOUT)
        m.expect(r"d0v0: CPU\d+ \w+, ran \d+ ms in \d+ runs, blocked \d+ "
                 r"times, \d+ hypercalls", timeout=KEY_TIMEOUT)

        m.child.send("q")
        m.expect(r"'q' pressed -> dumping domains and vCPUs",
                 timeout=KEY_TIMEOUT)
        m.expect(r"d0: privileged \d+ pages .*shared_info mfn 0x[0-9a-f]+",
                 timeout=KEY_TIMEOUT)
        m.expect(r"d0v0: CPU\d+ \w+.*, (kernel|user) mode, kernel L4 0x",
                 timeout=KEY_TIMEOUT)
        m.expect(r"rip [0-9a-f]{4}:[0-9a-f]{16} rsp [0-9a-f]{16}",
                 timeout=KEY_TIMEOUT)
        m.expect(r"upcall pending \d mask \d", timeout=KEY_TIMEOUT)
        m.expect(r"grant table: \d+ frames?, \d+ live mappings?",
                 timeout=KEY_TIMEOUT)

        m.child.send("m")
        m.expect(r"'m' pressed -> dumping memory", timeout=KEY_TIMEOUT)
        m.expect(r"frames: \d+ usable, \d+ free", timeout=KEY_TIMEOUT)
        m.expect(r"d0: owns \d+ frames", timeout=KEY_TIMEOUT)

        m.child.send("e")
        m.expect(r"'e' pressed -> dumping event channels",
                 timeout=KEY_TIMEOUT)
        # dom0's hvc console is bound to VIRQ_CONSOLE (2)
        m.expect(r"port +\d+: virq 2, vcpu 0", timeout=KEY_TIMEOUT)
        m.expect(r"\d+ open ports?", timeout=KEY_TIMEOUT)

        m.child.send("t")
        m.expect(r"'t' pressed -> dumping trace rings", timeout=KEY_TIMEOUT)
        m.expect(r"Recent events on CPU0 \(oldest first\)",
                 timeout=KEY_TIMEOUT)

        m.child.send(CTRL_A_3)
        m.expect(r"\*\*\* Serial input to dom0 \(type 'CTRL-a' three "
                 r"times to switch input\)", timeout=KEY_TIMEOUT)
        m.sendline("echo back-in-dom0-$((6*7))")
        m.expect(r"back-in-dom0-42", timeout=60)

        # Two Ctrl-As are not a switch: they go to dom0 with the next key
        # (the shell takes Ctrl-A as "start of line", harmless on an empty
        # line), and nothing is lost.
        m.child.send("\x01\x01")
        m.sendline("echo held-back-$((2+3))")
        m.expect(r"held-back-5", timeout=60)
        assert "Serial input to" not in m.child.before
        print("keys answered, dom0 shell back after %.1fs (wall time, no "
              "assertion)" % m.elapsed())
