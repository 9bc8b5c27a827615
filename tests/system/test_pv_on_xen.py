# SPDX-License-Identifier: GPL-2.0
"""PV test kernels (tests/pv/) booted as dom0 on real Xen 4.17 under QEMU.

Real Xen is the oracle for our PV ABI: every test kernel must pass here
before Veneer is asked to pass it (`make test-pv`, later).  The hypervisor
comes from Debian's xen-hypervisor-4.17-amd64 package, which scripts/fetch-xen
fetches with `apt-get download` into $VENEER_CACHE/xen-4.17/<version>/ and
unpacks there with `dpkg-deb -x`; nothing is installed into /boot.

Each test kernel prints `Test result: SUCCESS` or `Test result: FAILURE
<why>` and then shuts down: poweroff on success, crash on failure.  Xen
halts the machine when dom0 powers off (QEMU keeps running, so we wait for
Xen's message and stop QEMU), and reboots it when dom0 crashes (-no-reboot
makes QEMU exit).  Everything hypervisor-specific is in a `Hypervisor`
record so the same loop can boot the kernels on Veneer.
"""

import glob
import os

import pytest

import qemu

PV_SRC = os.path.join(qemu.TOP, "tests", "pv")
PV_BUILD = os.path.join(qemu.BUILD, "tests", "pv")

BOOT_TIMEOUT = 180      # TCG on a shared 2-core machine: generous
SHUTDOWN_TIMEOUT = 60   # from the result line to the hypervisor's message
# A whole line, so that a dump of memory cannot pass for a verdict.
RESULT_RE = r"\nTest result: (SUCCESS|FAILURE)([^\r\n]*)\r*\n"


class Hypervisor:
    """How to boot a PV test kernel as dom0 on one hypervisor."""

    def __init__(self, name, args, poweroff_re, crash_re, known_failures):
        self.name = name
        self.args = args                  # (kernel, cmdline) -> QEMU args
        self.poweroff_re = poweroff_re    # printed after dom0 powers off
        self.crash_re = crash_re          # printed after dom0 crashes
        self.known_failures = known_failures  # test name -> reason


# QEMU 7.2's TCG pushes the wrong #GP error code for `int $n` in long mode
# when the IDT gate's DPL forbids it: (n << 4) | 2 instead of (n << 3) | 2.
# Xen's #GP handler trusts that error code to find n (the vector a guest
# asked for), so it delivers the wrong trap-table entry (or #GP with the
# wrong error code).  Real hardware and a decoding hypervisor are fine.
QEMU_INT_N_BUG = ("QEMU 7.2 TCG reports #GP error code n*16+2 for `int $n`"
                  " (hardware: n*8+2), and Xen derives n from it")

XEN_KNOWN_FAILURES = {
    "int_n": QEMU_INT_N_BUG,
    "mgmt_dom0": "Veneer's own management hypercall (56): Xen 4.17 has "
                 "none there and answers -ENOSYS",
    "mgmt_setvcpucontext": "Veneer's own management hypercall (56): "
                           "-ENOSYS on Xen",
    # Creates its second domain with Veneer's management hypercall.
    "foreign_map": "needs Veneer's management hypercall (56) to create "
                   "a domain: -ENOSYS on Xen",
}


# Test kernels that need more than one vCPU (QEMU CPUs = dom0 vCPUs).
PV_KERNEL_VCPUS = {
    "vcpu_ops": 2,
    "debugreg": 2,
    "flt_crash_audit": 2,       # tests/pv/isolation/
}


def vcpus_of(kernel):
    """How many vCPUs the test kernel at path `kernel` is booted with."""
    name = os.path.splitext(os.path.basename(kernel))[0]
    return PV_KERNEL_VCPUS.get(name, 1)


def xen_hypervisor():
    def args(kernel, cmdline):
        # QEMU's multiboot loader takes "file args" per module and passes
        # the whole string as the module command line; Xen drops the first
        # word (the file name) and gives dom0 the rest.  Commas separate
        # modules, so neither part may contain one.
        assert "," not in kernel and "," not in cmdline
        n = vcpus_of(kernel)
        return ["-m", "1G", "-smp", str(n), "-kernel", qemu.fetch_xen(),
                "-append", "console=com1 com1=115200,8n1 "
                           "dom0_mem=128M,max:128M loglvl=all "
                           "guest_loglvl=all dom0_max_vcpus=%d" % n,
                "-initrd", "%s %s" % (kernel, cmdline)]
    return Hypervisor("xen", args,
                      poweroff_re=r"Hardware Dom0 halted",
                      crash_re=r"Hardware Dom0 crashed",
                      known_failures=XEN_KNOWN_FAILURES)


def pv_kernel_names():
    """Every tests/pv/<name>.c is a test kernel."""
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(PV_SRC, "*.c")))


def run_pv_kernel(hv, name):
    """Boot test kernel `name` on `hv`; return (verdict, reason, log)."""
    kernel = os.path.join(PV_BUILD, name + ".elf")
    if not os.path.exists(kernel):
        pytest.fail("%s is missing: run 'make pv-kernels'" %
                    os.path.relpath(kernel, qemu.TOP))
    with qemu.Machine("pv-%s-%s" % (hv.name, name),
                      hv.args(kernel, "pvtest=" + name),
                      timeout=BOOT_TIMEOUT) as m:
        match = m.expect(RESULT_RE, timeout=BOOT_TIMEOUT)
        verdict, reason = match.group(1), match.group(2).strip()
        # The shutdown reason must reach the hypervisor too.
        m.expect(hv.poweroff_re if verdict == "SUCCESS" else hv.crash_re,
                 timeout=SHUTDOWN_TIMEOUT)
        print("%s on %s: %s after %.1fs (wall time, no assertion)" %
              (name, hv.name, verdict, m.elapsed()))
        return verdict, reason, m.log_path


def params(hv):
    out = []
    for name in pv_kernel_names():
        marks = []
        if name in hv.known_failures:
            marks.append(pytest.mark.xfail(strict=True,
                                           reason=hv.known_failures[name]))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


XEN = xen_hypervisor()


@pytest.mark.parametrize("name", params(XEN))
def test_pv_kernel_on_xen(name):
    verdict, reason, log = run_pv_kernel(XEN, name)
    assert verdict == "SUCCESS", "%s: %s (console log: %s)" % (
        name, reason, os.path.relpath(log, qemu.TOP))
