# SPDX-License-Identifier: GPL-2.0
"""Veneer's bring-up under QEMU: the hypervisor alone, no guest.

Each test boots build/veneer.elf on the target machine (q35, TCG, 2 GiB)
and reads its serial console.  The built-in self-tests (`selftest` option,
hypervisor/common/selftest.c) do the checking inside the machine and end
it through QEMU's isa-debug-exit device: QEMU exits with 33 for
"selftest: PASS" and 35 for a failure or a panic (hypervisor/include/hv/
shutdown.h).  Every wait has a timeout; none asserts on timing.
"""

import os
import re

import pytest

import qemu

TIMEOUT = 120          # per wait; TCG on a loaded machine is slow
EXIT_PASS = 33         # (0x10 << 1) | 1
EXIT_FAIL = 35         # (0x11 << 1) | 1
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


@pytest.fixture
def veneer():
    if not os.path.exists(qemu.VENEER_ELF):
        pytest.fail("build/veneer.elf is missing: run 'make hypervisor' "
                    "(make test-system builds it)")
    return qemu.VENEER_ELF


def boot(name, append, smp=2, modules=None, exit_device=True):
    args = ["-m", "2G", "-smp", str(smp), "-kernel", qemu.VENEER_ELF,
            "-append", append]
    if modules:
        args += ["-initrd", ",".join(modules)]
    if exit_device:
        args += DEBUG_EXIT
    return qemu.Machine(name, args, timeout=TIMEOUT)


def test_selftest_passes_with_both_cpus_online(veneer):
    with boot("hv-selftest", "selftest") as m:
        m.expect(r"\(veneer\) CPU1 online")
        m.expect(r"smp: 2 of 2 CPUs online")
        m.expect(r"\(veneer\) ready: 2 CPUs")
        ready = m.elapsed()
        m.expect(r"selftest cpus: 2 of 2 CPUs online")
        m.expect(r"selftest timers: CPU0 fired 100 timers in deadline order")
        m.expect(r"selftest timers: CPU1 fired 100 timers in deadline order")
        m.expect(r"selftest ipi: 10 round trips CPU0->CPU1->CPU0")
        m.expect(r"selftest alloc: 2 CPUs x \d+ random alloc/free rounds")
        # NMI and #MC decide their GS base from the MSR (entry.S)
        m.expect(r"selftest nmi_mce_entry: NMI and #MC entries with guest "
                 r"GS bases run on ours and keep both: ok")
        m.expect(r"selftest: (PASS|FAIL[^\r\n]*)")
        assert m.child.match.group(1) == "PASS", m.tail()
        assert m.wait_exit(timeout=TIMEOUT) == EXIT_PASS
        print("veneer selftest: ready after %.1fs, exited after %.1fs "
              "(wall time, no assertion)" % (ready, m.elapsed()))


def test_deliberate_fault_gives_panic_dump_and_failure_status(veneer):
    with boot("hv-fault", "selftest=fault") as m:
        m.expect(r"PANIC on CPU0: FATAL TRAP: vector 14 \(page fault\) "
                 r"at 0x10: write not-present page")
        m.expect(r"RIP: +\[<0x[0-9a-f]{16}>\] selftest_fault_trigger\+0x")
        m.expect(r"rax: [0-9a-f]{16}  rbx: [0-9a-f]{16}")
        m.expect(r"cr0: [0-9a-f]{16}  cr2: 0000000000000010")
        m.expect(r"Backtrace:")
        m.expect(r"\] selftest_fault_trigger\+0x")
        m.expect(r"\] test_fault\+0x")
        m.expect(r"\] selftest_run\+0x")
        m.expect(r"\] start_hypervisor\+0x")
        m.expect(r"Recent events on CPU0")
        m.expect(r"trap +0xe 0x[0-9a-f]+ selftest_fault_trigger")
        m.expect(r"selftest: FAIL fault")
        assert m.wait_exit(timeout=TIMEOUT) == EXIT_FAIL


def test_bug_panics_with_backtrace_and_stops_other_cpus(veneer):
    with boot("hv-bug", "selftest=bug") as m:
        m.expect(r"PANIC on CPU0: BUG at hypervisor/common/selftest.c:\d+")
        m.expect(r"rsp: [0-9a-f]{16}")
        m.expect(r"Backtrace:")
        m.expect(r"\] panic\+0x")
        m.expect(r"\] selftest_bug_trigger\+0x")
        m.expect(r"\] test_bug\+0x")
        m.expect(r"\] start_hypervisor\+0x")
        # The panicking CPU stops the other one with an NMI (vector 2).
        m.expect(r"Recent events on CPU1")
        m.expect(r"trap +0x2 ")
        m.expect(r"selftest: FAIL bug")
        assert m.wait_exit(timeout=TIMEOUT) == EXIT_FAIL


def test_bug_reported_while_another_cpu_holds_the_log_ring(veneer):
    # A CPU the panic stops (NMI) while it holds the log ring's lock
    # must not keep the report from coming out (every line goes through
    # the ring first).
    with boot("hv-bug-log-held", "selftest=bug_log_held") as m:
        m.expect(r"PANIC on CPU0: BUG at hypervisor/common/selftest.c:\d+")
        m.expect(r"\] test_bug_log_held\+0x")
        m.expect(r"selftest: FAIL bug_log_held")
        assert m.wait_exit(timeout=TIMEOUT) == EXIT_FAIL


def test_boot_modules_are_reported_and_reserved(veneer, tmp_path):
    kernel = tmp_path / "kernel.bin"
    initrd = tmp_path / "initrd.img"
    kernel.write_bytes(os.urandom(300 * 1024))
    initrd.write_bytes(b"initramfs\n" * 1000)
    modules = ["%s console=hvc0 root=/dev/ram0" % kernel, str(initrd)]
    with boot("hv-modules", "selftest=frames", modules=modules) as m:
        m.expect(r"module 0: 0x[0-9a-f]+-0x[0-9a-f]+ \(300 KiB\) '%s "
                 r"console=hvc0 root=/dev/ram0'" % re.escape(str(kernel)))
        m.expect(r"reserved 0x[0-9a-f]+-0x[0-9a-f]+ boot module")
        m.expect(r"module 1: 0x[0-9a-f]+-0x[0-9a-f]+ \(9 KiB\) '%s'"
                 % re.escape(str(initrd)))
        m.expect(r"reserved 0x[0-9a-f]+-0x[0-9a-f]+ boot module")
        # The frames self-test checks the module frames are flagged and
        # reserved in the frame table, not in the free pool.
        m.expect(r"selftest frames: reserved, module and allocated frames")
        m.expect(r"selftest: PASS")
        assert m.wait_exit(timeout=TIMEOUT) == EXIT_PASS


def test_unknown_options_and_bad_values_are_reported(veneer):
    append = "frobnicate bogus=1 dom0_max_vcpus=two dom0_mem=512M selftest=cpus"
    with boot("hv-options", append, smp=1) as m:
        m.expect(r"WARNING: unknown command-line option 'frobnicate' ignored")
        m.expect(r"WARNING: unknown command-line option 'bogus' with value 1")
        m.expect(r"WARNING: bad value 'two' for option 'dom0_max_vcpus'")
        m.expect(r"selftest: PASS")
        assert m.wait_exit(timeout=TIMEOUT) == EXIT_PASS
        assert "option 'dom0_mem'" not in m.tail(200)


def test_loglvl_warn_hides_info_lines(veneer):
    with boot("hv-loglvl", "loglvl=warn selftest=cpus nosuchoption",
              smp=1) as m:
        m.expect(r"unknown command-line option 'nosuchoption'")
        m.expect(r"selftest: PASS")
        assert m.wait_exit(timeout=TIMEOUT) == EXIT_PASS
        log = m.tail(200)
        assert "memory map" not in log and "ready:" not in log, log


def test_without_debug_exit_device_acpi_powers_off(veneer):
    with boot("hv-acpi-off", "selftest=cpus", smp=1,
              exit_device=False) as m:
        m.expect(r"selftest: PASS")
        assert m.wait_exit(timeout=TIMEOUT) == 0
