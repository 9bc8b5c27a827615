# SPDX-License-Identifier: GPL-2.0
"""PV test kernels (tests/pv/) booted as dom0 on Veneer under QEMU.

The same kernels `make test-xen` runs on real Xen 4.17 (which keeps their
expectations honest), here on build/veneer.elf: `make test-pv`, and part
of `make test-system`.  Each kernel prints `Test result: SUCCESS` or
`Test result: FAILURE <why>` and shuts down (poweroff on success, crash on
failure).  Veneer logs `(veneer) d0 shutdown: <reason>` and ends QEMU
through isa-debug-exit with a status per reason (poweroff 33, crash 35),
so both the verdict line and the exit status are checked.

A kernel whose behaviour Veneer does not implement yet must be listed in
VENEER_KNOWN_FAILURES with the reason: it then runs as a strict xfail, so
it can neither fail silently nor pass unnoticed.  Negative tests must also
leave a line in the hypervisor's log showing it noticed and survived
(NEGATIVE_LOG_LINES).
"""

import os
import re

import pytest

import qemu
import test_pv_on_xen as pvx

EXIT_POWEROFF = 33      # (0x10 << 1) | 1
EXIT_CRASH = 35         # (0x11 << 1) | 1
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# Nothing is known to fail on Veneer; add "name": "reason" when a kernel
# tests something not implemented yet.
VENEER_KNOWN_FAILURES = {}

# Per test kernel: log lines (regexes) the hypervisor must print for the
# negative cases the kernel tries.
NEGATIVE_LOG_LINES = {
    "bad_pointers": [
        r"\(d0v0\) hypercall 18\(0, 0x10, 0x1000\): -EFAULT",
        r"\(d0v0\) hypercall 0\(0xffff830000000000, .*\): -EFAULT",
        r"\(d0v0\) hypercall 26\(0xffff800000000000, .*\): -EFAULT",
        r"\(d0v0\) hypercall 29\(0x2, 0x8000000000000000, .*\): -EFAULT",
    ],
    "console_io": [r"\(d0v0\) hypercall 18\(0, 0x1000, 0x[0-9a-f]+\): "
                   r"-EFAULT"],
    "int_n": [r"int \$0x41 at 0x[0-9a-f]+: trap-table entry has too low "
              r"a DPL: #GP\(0x20a\)",
              r"int \$0x42 at 0x[0-9a-f]+: trap-table entry is empty: "
              r"#GP\(0x212\)"],
    "fault_user_after_int_n": [
        r"\(d0v0\) int \$0xcd at 0x[0-9a-f]+: trap-table entry is empty: "
        r"#GP\(0x66a\)"],
    "segbase": [r"wrmsr 0xc0000100: non-canonical base 0x800000000000: #GP",
                r"set_segment_base\(2\): non-canonical 0x800000000000: "
                r"-EINVAL"],
    "vcpu_ops": [r"\(d0v0\) VCPUOP_initialise of vCPU 1 refused: -22",
                 r"\(d0v0\) VCPUOP_initialise of vCPU 1 refused: -17"],
    "unknown_hypercall": [r"unknown hypercall 43: -ENOSYS",
                          r"unknown hypercall 18446744073709551615: "
                          r"-ENOSYS"],
    # The PV memory model (docs/pv-memory.md): every refusal says why.
    "mmu_update_pinned": [
        r"mmu_update 0x[0-9a-f]+ = 0x[0-9a-f]+ refused: writable mapping "
        r"of a page table",
        r"update_va_mapping 0x[0-9a-f]+ = 0x[0-9a-f]+ refused: writable "
        r"mapping of a page table",
        r"unpin 0x[0-9a-f]+ refused: frame is not pinned",
        r"pin L1 0x[0-9a-f]+ refused: frame is in use as another type"],
    "mmu_update_ownership": [
        r"refused: mapping of a frame the domain does not own",
        r"refused: L1 entry maps a frame that is not RAM",
        r"mmu_update 0x[0-9a-f]+800 = 0 refused: L4 slot reserved for the "
        r"hypervisor"],
    "pin_linear": [
        r"pin L1 0x[0-9a-f]+ refused: writable mapping of a page table",
        r"refused: writable linear page-table entry"],
    "uvm_flush": [r"update_va_mapping 0x1000 = 0 refused: no L1 table maps "
                  r"the address"],
    "multicall_mixed": [r"update_va_mapping 0x[0-9a-f]+ = 0x[0-9a-f]+ "
                        r"refused: mapping of a frame the domain does not "
                        r"own"],
    "ptwr_emulation": [
        r"ptwr: write of 0x[0-9a-f]+ to L1 entry 0x[0-9a-f]+ at "
        r"0x[0-9a-f]+ refused: writable mapping of a page table",
        r"ptwr: write of 0x[0-9a-f]+ to L1 entry 0x[0-9a-f]+ at "
        r"0x[0-9a-f]+ refused: mapping of a frame the domain does not own"],
    "machphys_update": [r"machphys update of frame 0x[0-9a-f]+ refused"],
    "foreign_map": [
        r"\(d0v0\) mmu_update 0x[0-9a-f]+ = 0x[0-9a-f]+ \(foreign\) "
        r"refused: mapping of a frame neither the domain nor the foreign "
        r"domain owns",
        r"machphys update of frame 0x[0-9a-f]+ refused: not d\d+'s",
        r"d\d+ destroyed: \d+ pages freed, 2 still referenced elsewhere",
        # the created domain's audit, with dom0 mapping its frames
        r"\(d\d+\) pt_audit \(foreign pin\): L1 1 .*: ok"],
    "set_gdt_bad": [r"set_gdt: bad descriptor 2: 0x890000000067"],
    "mgmt_dom0": [r"\(d0v0\) setvcpucontext of d\d+v0 refused: -16",
                  r"\(d0v0\) hypercall 56\(0x1000, .*\): -EFAULT",
                  r"d\d+: created by the toolstack: 2 vCPUs, at most 256 "
                  r"pages, paused",
                  r"d\d+: destroyed by the toolstack"],
    "mgmt_setvcpucontext": [
        r"\(d0v0\) setvcpucontext of d\d+v0 refused: -22: ctrlreg\[3\] "
        r"0x[0-9a-f]+: not a usable L4",
        r"base pointer 0x[0-9a-f]+ refused: not an L4 the domain has pinned",
        r"setvcpucontext of d\d+v0 refused: -22: cs 0x1233 is not a code "
        r"selector",
        r"setvcpucontext of d\d+v0 refused: -16",
        r"d\d+: vCPU 1 has its initial context from the toolstack"],
    "iret_failsafe": [r"iret: bad frame rip 0x[0-9a-f]+ cs 0xfff0 .*: "
                      r"#GP\(0xfff0\) to the guest"],
}


def veneer_args(kernel, cmdline):
    assert "," not in kernel and "," not in cmdline
    # pt_audit: recount every page-type reference after each pin and
    # unpin and at shutdown; a broken invariant fails the test below.
    n = pvx.vcpus_of(kernel)
    return ["-m", "512M", "-smp", str(n), "-kernel", qemu.VENEER_ELF,
            "-append", "noreboot pt_audit dom0_max_vcpus=%d" % n,
            "-initrd", "%s %s" % (kernel, cmdline)] + DEBUG_EXIT


VENEER = pvx.Hypervisor("veneer", veneer_args,
                        poweroff_re=r"\(veneer\) d0 shutdown: poweroff",
                        crash_re=r"\(veneer\) d0 (shutdown: crash|crashed)",
                        known_failures=VENEER_KNOWN_FAILURES)


def run_on_veneer(name):
    """Boot `name`; return (verdict, reason, exit status, console text)."""
    kernel = os.path.join(pvx.PV_BUILD, name + ".elf")
    if not os.path.exists(kernel):
        pytest.fail("%s is missing: run 'make pv-kernels'" %
                    os.path.relpath(kernel, qemu.TOP))
    if not os.path.exists(qemu.VENEER_ELF):
        pytest.fail("build/veneer.elf is missing: run 'make hypervisor'")
    with qemu.Machine("pv-veneer-%s" % name,
                      VENEER.args(kernel, "pvtest=" + name),
                      timeout=pvx.BOOT_TIMEOUT) as m:
        match = m.expect(pvx.RESULT_RE)
        verdict, reason = match.group(1), match.group(2).strip()
        m.expect(VENEER.poweroff_re if verdict == "SUCCESS"
                 else VENEER.crash_re, timeout=pvx.SHUTDOWN_TIMEOUT)
        status = m.wait_exit(timeout=pvx.SHUTDOWN_TIMEOUT)
        print("%s on veneer: %s, exit %s after %.1fs (wall time, no "
              "assertion)" % (name, verdict, status, m.elapsed()))
        m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return verdict, reason, status, text


@pytest.mark.parametrize("name", pvx.params(VENEER))
def test_pv_kernel_on_veneer(name):
    verdict, reason, status, text = run_on_veneer(name)
    assert verdict == "SUCCESS", "%s: %s" % (name, reason)
    assert status == EXIT_POWEROFF, "exit status %s" % status
    assert "FATAL TRAP" not in text and "PANIC" not in text
    assert "INVARIANTS BROKEN" not in text
    assert re.search(r"pt_audit \(shutdown\): .*: ok", text), \
        "no page-type audit at shutdown"
    for line in NEGATIVE_LOG_LINES.get(name, []):
        assert re.search(line, text), "no log line /%s/" % line
