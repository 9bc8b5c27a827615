# SPDX-License-Identifier: GPL-2.0
"""Our guest kernel and dom0 initramfs boot natively under QEMU (full
virtualization by the emulator): the baseline the benchmark harness uses and
what `make run` shows until Veneer boots Linux."""

import qemu

BOOT_TIMEOUT = 300  # TCG on a loaded 2-core machine; generous on purpose


def boot_and_run(name, command):
    append = qemu.kernel_append("console=ttyS0", "panic=-1", run=command)
    with qemu.Machine(name, qemu.native_linux_args(append),
                      timeout=BOOT_TIMEOUT) as m:
        m.expect(qemu.READY_MARKER)
        ready = m.elapsed()
        status = qemu.run_exit_status(m, timeout=120)
        output = m.child.before
        assert m.wait_exit(timeout=60) == 0, "QEMU did not exit cleanly"
        print("%s: ready marker after %.1fs, powered off after %.1fs "
              "(wall time, no assertion)" % (name, ready, m.elapsed()))
        return status, qemu.strip_ansi(output)


def test_native_boot_runs_command_and_powers_off(guest_kernel,
                                                 dom0_initramfs):
    status, output = boot_and_run(
        "native-boot",
        "echo arch=$(uname -m); echo sum=$((6 * 7)); "
        "grep -c ^processor /proc/cpuinfo; mount")
    assert status == 0
    assert "arch=x86_64" in output
    assert "sum=42" in output
    # init mounted what it promises
    for fs in ("proc on /proc", "sysfs on /sys", "devtmpfs on /dev",
               "tmpfs on /tmp"):
        assert fs in output, "%r not mounted:\n%s" % (fs, output)


def test_native_boot_reports_failing_command_status(guest_kernel,
                                                    dom0_initramfs):
    status, output = boot_and_run("native-boot-status",
                                  "echo about-to-fail; exit 3")
    assert "about-to-fail" in output
    assert status == 3
