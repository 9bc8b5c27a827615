# SPDX-License-Identifier: GPL-2.0
"""User programs in a PV dom0 see what they would see on bare metal.

The programs in tests/user/ (docs/user-tests.md) check, from user space,
what a native kernel on a real CPU gives them: segment selectors, faults
and their signals, I/O privilege, ...  They run in a Linux dom0 with two
vCPUs on Veneer and on real Xen 4.17 (the oracle), all in one boot, so
state that leaks across context switches shows.  Each case prints
"USERTEST <program>.<case> PASS|FAIL <detail>"; the verdicts must be the
same on both hypervisors (and PASS, unless a known difference is listed
below with its reason), dom0 must stay alive to the end, and its kernel
must log no Oops, BUG or WARNING.
"""

import os
import re

import pytest

import qemu

TIMEOUT = 1200

# (hypervisor, program.case) -> why it is expected to fail there (strict:
# a listed case that passes fails the test, so the list stays true).
KNOWN_FAILURES = {}

HYPERVISORS = {
    "xen": (qemu.xen_dom0_args, 0),
    "veneer": (qemu.veneer_dom0_args, 33),
}

KERNEL_TROUBLE_RE = r"(Oops|BUG:|WARNING:|Kernel panic|general protection)"
# The hypervisor's own lines are "(veneer) ..." or "(XEN) ...": its
# warnings about refused calls are not dom0's kernel complaining, but a
# crash or a broken invariant is a failure of its own.
HV_LINE_RE = r"^\((?:veneer|XEN)\) "
HV_TROUBLE_RE = (r"^\((?:veneer|XEN)\) .*(PANIC|Panic|FATAL|INVARIANTS BROKEN|"
                 r"d0 crashed|Domain 0 crashed)")


def run_programs(hv):
    """Boot dom0 on `hv`, run every program; return (problem, log): the
    problem is None if the run ended normally, else what went wrong (the
    machine died, a timeout), which each test then reports."""
    args, poweroff = HYPERVISORS[hv]
    problem = None
    with qemu.Machine("user-%s" % hv,
                      args(qemu.GUEST_VMLINUX,
                           'console=hvc0 veneer.run="veneer-user-tests"',
                           initrd=qemu.DOM0_INITRAMFS, vcpus=2),
                      timeout=TIMEOUT) as m:
        try:
            m.expect(qemu.READY_MARKER)
            m.expect("USERTESTS DONE", timeout=TIMEOUT)
            qemu.run_exit_status(m, timeout=120)
            status = m.wait_exit(timeout=120)
            if status != poweroff:
                problem = "QEMU exit status %s, want %s" % (status, poweroff)
        except AssertionError as e:
            problem = str(e).splitlines()[0]
        m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    return problem, log


# The kernel prints to the same console as the programs: a message such as
# "random: crng init done" can land inside a record's line.  Each kernel
# line is "[  seconds] text" ended by its own newline, so taking it out
# joins the record's two halves again.
PRINTK_RE = re.compile(r"\[\s*\d+\.\d+\] [^\n]*\n")


@pytest.fixture(scope="module")
def results():
    for path, target in ((qemu.GUEST_VMLINUX, "guest-kernel"),
                         (qemu.DOM0_INITRAMFS, "initramfs")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run 'make %s'" % (path, target))
    out = {}
    for hv in HYPERVISORS:
        problem, log = run_programs(hv)
        plain = PRINTK_RE.sub("", log)
        cases = dict(re.findall(r"^USERTEST (\w+\.\w+) (PASS|FAIL)",
                                plain, re.M))
        exits = dict(re.findall(r"^USERTEST (\w+) EXIT (\d+)", plain,
                                re.M))
        trouble = [m.group(0) for m in re.finditer(
            r"^.*%s.*$" % KERNEL_TROUBLE_RE, log, re.M)
            if not re.match(HV_LINE_RE, m.group(0))]
        trouble += [m.group(0) for m in re.finditer(
            r"%s.*$" % HV_TROUBLE_RE, log, re.M)]
        out[hv] = {"problem": problem, "cases": cases, "exits": exits,
                   "trouble": trouble, "log": log}
    table = sorted(set().union(*(r["cases"] for r in out.values())))
    print("\n%-45s %-8s %-8s" % ("program.case", "veneer", "xen"))
    for case in table:
        print("%-45s %-8s %-8s" % (case,
                                   out["veneer"]["cases"].get(case, "-"),
                                   out["xen"]["cases"].get(case, "-")))
    return out


@pytest.mark.parametrize("hv", list(HYPERVISORS))
def test_dom0_survives_every_program(results, hv):
    r = results[hv]
    assert not r["problem"], "%s: %s; console tail:\n%s" % (
        hv, r["problem"], r["log"][-3000:])
    assert not r["trouble"], "dom0's kernel complained on %s:\n%s" % (
        hv, "\n".join(r["trouble"][:20]))
    assert r["exits"], "no program ran on %s:\n%s" % (hv, r["log"][-3000:])


@pytest.mark.parametrize("hv", list(HYPERVISORS))
def test_verdicts(results, hv):
    cases = results[hv]["cases"]
    assert cases
    bad = []
    for case, verdict in sorted(cases.items()):
        want = "FAIL" if (hv, case) in KNOWN_FAILURES else "PASS"
        if verdict != want:
            bad.append("%s: %s, want %s%s" % (
                case, verdict, want,
                " (%s)" % KNOWN_FAILURES[(hv, case)]
                if (hv, case) in KNOWN_FAILURES else ""))
    assert not bad, "\n".join(bad)


def test_same_cases_on_both(results):
    assert set(results["veneer"]["cases"]) == set(results["xen"]["cases"])


# QEMU 7.2's TCG pushes #GP error code n*16+2 instead of n*8+2 for a
# refused `int $n` (test_pv_on_xen.py, QEMU_INT_N_BUG); Xen trusts it,
# Veneer decodes the instruction.  A #GP whose error code names an IDT
# entry (bit 1 set: only a software interrupt through one of the DPL-0
# gates gives that in these runs) is recorded as the vector it names,
# read the way each hypervisor reports it; nothing else is changed.
def fuzz_records(log, hv="veneer"):
    shift = 4 if hv == "xen" else 3
    recs = {}
    log = PRINTK_RE.sub("", log)
    for i, rec in re.findall(r"^IF (\d+) (.*?)\r?$", log, re.M):
        m = re.match(r"11/\d+/13/(0x[0-9a-f]+) ", rec)
        if m and int(m.group(1), 16) & 3 == 2:
            rec = rec.replace("/13/%s " % m.group(1), "/13/int-%d " % (
                int(m.group(1), 16) >> shift), 1)
        recs[int(i)] = rec
    return recs


# QEMU 7.2's TCG raises #GP(0) for some instructions the CPU answers with
# #UD, which has priority: opcode 8f with a ModRM reg field other than 0,
# and a LOCK prefix on an instruction that cannot take one (TCG checks
# the memory operand or the privilege first).  Xen's #GP path re-decodes
# some of them into #UD and passes others on; Veneer turns these two
# classes into #UD as the CPU would (pv/emul-priv-op.c, ud_not_gp()).  So
# a #UD on one side and a #GP(0) on the other at the same instruction is
# the same answer here; everything else must match exactly.
UD_GP_RE = re.compile(r"(4/2/6/0|11/128/13/0) rip=(\S+) addr=\S+ op=(\S+)$")


def same_record(a, b):
    if a == b:
        return True
    ma, mb = UD_GP_RE.match(a), UD_GP_RE.match(b)
    return bool(ma and mb and ma.group(1) != mb.group(1) and
                ma.group(2) == mb.group(2) and ma.group(3) == mb.group(3))


def test_insn_fuzz_records_match_xen(results):
    ven = fuzz_records(results["veneer"]["log"])
    xen = fuzz_records(results["xen"]["log"], "xen")
    assert len(xen) >= 20000, "Xen ran %d cases" % len(xen)
    # a child that could not lock itself in (no seccomp) fuzzed nothing
    unlocked = [i for i in xen if xen[i] == "end/exit 99"]
    assert not unlocked, "%d cases never ran (exit 99: seccomp refused)" \
        % len(unlocked)
    assert set(ven) == set(xen), "cases missing on veneer: %s" % \
        sorted(set(xen) - set(ven))[:20]
    diff = ["case %d: veneer %s | xen %s" % (i, ven[i], xen[i])
            for i in sorted(xen) if not same_record(ven[i], xen[i])]
    qemu = sum(1 for i in xen if ven[i] != xen[i])
    print("insn_fuzz: %d cases, %d differ (%d more are QEMU's #GP for a "
          "#UD, see above)" % (len(xen), len(diff), qemu - len(diff)))
    assert not diff, "%d of %d records differ (replay: insn_fuzz 1 N+1 v " \
        "prints case N's bytes):\n%s" % (len(diff), len(xen),
                                         "\n".join(diff[:40]))
