# SPDX-License-Identifier: GPL-2.0
"""The guest kernel's KUnit suites of the PV ABI, run in dom0.

pv-guest/0001..0006 add built-in KUnit suites (xen_pv_version, xen_pv_mmu,
xen_pv_multicall, xen_pv_evtchn, xen_pv_grant, xen_pv_time) that check,
from inside Linux, the hypervisor behaviour Linux depends on; see
docs/kunit.md.  They run at boot when the kernel command line has
kunit.enable=1, before init starts, and print KTAP on the console.  This
test boots our guest kernel as dom0 with them enabled, waits for init's
ready marker (or a crash), parses the KTAP with tests/system/ktap.py and
fails naming every failed, skipped or missing case.

Real Xen 4.17 (Debian's xen-hypervisor-4.17-amd64, fetched into the cache
by scripts/fetch-xen) is the oracle: every case must pass there.  The same
test runs on Veneer, with the same two vCPUs, and every case must pass
there too.  A Hypervisor record can still carry a strict xfail (it turns
into a failure the day the run passes, so the mark cannot outlive its
reason) or named allowed skips; everything that differs between the two
is in that record.
"""

import os
import subprocess

import pytest

import ktap
import qemu

# The kernel command line for the suites.  xen.fifo_events=0 keeps Linux on
# the 2-level event channel ABI (Veneer's; Xen offers FIFO too), which the
# masking and timer cases read directly.
KUNIT_CMDLINE = ("kunit.enable=1 kunit.filter_glob=xen_pv_* "
                 "xen.fifo_events=0")
SUITES = ["xen_pv_version", "xen_pv_mmu", "xen_pv_multicall",
          "xen_pv_evtchn", "xen_pv_grant", "xen_pv_time"]

# Waits, generous because TCG on a shared 2-core machine is slow.  None is
# an assertion on speed.
START_TIMEOUT = 180     # from QEMU start to the dom0 kernel's banner (Xen)
RUN_TIMEOUT = 300       # from the banner to init (the suites run between)

# How the run ends: init's marker once the suites are done, or a crash.
END_PATTERNS = [qemu.READY_MARKER, r"Kernel panic - not syncing[^\r\n]*",
                r"Hardware Dom0 crashed", r"Domain 0 crashed"]


class Hypervisor:
    """How to boot a Linux dom0 with a given command line."""

    def __init__(self, name, args, start_timeout, xfail=None,
                 allowed_skips=()):
        self.name = name
        self.args = args        # (kernel, cmdline) -> QEMU arguments
        self.start_timeout = start_timeout  # until dom0's kernel banner
        self.xfail = xfail      # reason it is expected to fail, or None
        # Cases that may skip, each for a stated reason; any other skip
        # is a failure.
        self.allowed_skips = allowed_skips


def fetch_xen():
    """Path of Xen 4.17's image, downloading it into the cache if needed."""
    script = os.path.join(qemu.TOP, "scripts", "fetch-xen")
    try:
        out = subprocess.run([script], check=True, capture_output=True,
                             text=True)
    except subprocess.CalledProcessError as e:
        pytest.fail("scripts/fetch-xen failed: %s" % e.stderr.strip())
    return out.stdout.strip()


def multiboot_modules(kernel, cmdline):
    """QEMU's -initrd: dom0's kernel with its command line, then the
    initramfs.  Commas separate modules, so one inside a command line is
    written twice."""
    return "%s %s,%s" % (kernel, cmdline.replace(",", ",,"),
                         qemu.DOM0_INITRAMFS)


def xen_args(kernel, cmdline):
    return ["-m", "1G", "-smp", "2", "-kernel", fetch_xen(),
            "-append", "console=com1 com1=115200,8n1 "
                       "dom0_mem=512M,max:512M noreboot",
            "-initrd", multiboot_modules(kernel, cmdline)]


def veneer_args_for(vcpus):
    def veneer_args(kernel, cmdline):
        if not os.path.exists(qemu.VENEER_ELF):
            pytest.fail("build/veneer.elf is missing: run 'make hypervisor'")
        return ["-m", "1G", "-smp", "2", "-kernel", qemu.VENEER_ELF,
                "-append", "dom0_mem=512M dom0_max_vcpus=%d" % vcpus,
                "-initrd", multiboot_modules(kernel, cmdline)]
    return veneer_args


XEN = Hypervisor("xen", xen_args, START_TIMEOUT)
# Veneer itself is up in seconds (there is no Xen to boot first).  It
# runs the suites as Xen does, with two vCPUs, and every case must pass.
VENEER = Hypervisor("veneer", veneer_args_for(2), 60)


def run_suites(hv, kernel):
    """Boot, collect the console until init is up or the kernel died, and
    return (parsed report, how it ended, log path)."""
    cmdline = "console=hvc0 earlyprintk=xen " + KUNIT_CMDLINE
    with qemu.Machine("kunit-%s" % hv.name, hv.args(kernel, cmdline),
                      timeout=RUN_TIMEOUT) as m:
        m.expect(r"Linux version \d", timeout=hv.start_timeout)
        m.expect(END_PATTERNS, timeout=RUN_TIMEOUT)
        ending = m.child.after
        print("%s: KUnit run ended with %r after %.1fs (wall time, no "
              "assertion)" % (hv.name, ending, m.elapsed()))
        log_path = m.log_path
    with open(log_path, encoding="utf-8", errors="replace") as f:
        report = ktap.parse(qemu.strip_ansi(f.read()))
    return report, ending, log_path


def describe(report, name):
    """A failed test's name and the last lines it printed."""
    for full, t in report.walk():
        if full == name:
            detail = [line for line in t.log if "EXPECTATION FAILED" in line
                      or "ASSERTION FAILED" in line or line.startswith(
                          ("Expected", "#"))]
            return "%s\n      %s" % (name, "\n      ".join(detail[-8:]))
    return name


def summary(report):
    lines = []
    for t in report.tests:
        c = {"pass": 0, "fail": 0, "skip": 0}
        for leaf in _leaves(t):
            c["skip" if leaf.skipped else "pass" if leaf.ok else "fail"] += 1
        lines.append("%-6s %-18s pass:%d fail:%d skip:%d" % (
            "ok" if t.ok else "FAILED", t.name, c["pass"], c["fail"],
            c["skip"]))
    return "\n".join(lines)


def _leaves(t):
    if not t.children:
        return [t]
    return [leaf for c in t.children for leaf in _leaves(c)]


def params():
    out = []
    for hv in (XEN, VENEER):
        marks = []
        if hv.xfail:
            marks.append(pytest.mark.xfail(strict=True, reason=hv.xfail))
        out.append(pytest.param(hv, marks=marks, id=hv.name))
    return out


@pytest.mark.parametrize("hv", params())
def test_kunit_pv_abi_suites(hv, guest_kernel, dom0_initramfs):
    kernel = qemu.GUEST_VMLINUX
    report, ending, log = run_suites(hv, kernel)
    print("KTAP summary on %s:\n%s" % (hv.name, summary(report)))

    problems = list(report.problems())
    problems += ["skipped (no silent skips): " + n for n in report.skips()
                 if n not in hv.allowed_skips]
    names = [t.name for t in report.tests]
    problems += ["suite %s did not run" % s for s in SUITES if s not in names]
    if ending != qemu.READY_MARKER:
        problems.append("the kernel did not reach init: %s" % ending)
    assert not problems, "%d problem(s) on %s (console log: %s):\n  %s" % (
        len(problems), hv.name, os.path.relpath(log, qemu.TOP),
        "\n  ".join(describe(report, p[len("failed: "):])
                    if p.startswith("failed: ") else p for p in problems))
