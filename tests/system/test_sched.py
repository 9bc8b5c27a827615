# SPDX-License-Identifier: GPL-2.0
"""The credit scheduler (hypervisor/common/sched.c, docs/scheduler.md),
measured by its own counters on a 2-CPU QEMU machine.

Each test boots Veneer with the scheduler test kernels of tests/pv/sched/:
`sleeper` as dom0, which sleeps (timer + SCHEDOP_block) for sleep_ms of
system time and powers off, and CPU-bound `spin`, never-waking `block`
or always-yielding `yield` kernels as boot-time domUs (extra Multiboot modules with veneer.weight= /
veneer.cap= on their command line).  When dom0 powers off, Veneer prints
one line per vCPU (sched_report()):

    sched: report now_ms 21060 cpus 2 timeslice_ms 30
    sched: d1v0 weight 256 cap 0 run_ms 10501 runs 340 blocks 0 ...
            migrations 1 first_ms 83 hypercalls 253

    sched: cpu0 idle_ms 12

A domU's share of a CPU is its run_ms over the CPU time one CPU really
had: (sum of every vCPU's run_ms + every CPU's idle_ms) / cpus.  That is
close to the system time elapsed, except where QEMU's own threads were
descheduled by a busy host: the scheduler does not charge such stalls to
anyone (sched.c, charge()), so they are left out on both sides.  These
are the only timing assertions in the suite, and they are on the
hypervisor's counters (tolerances below), never on wall-clock time.
"""

import os
import re

import pytest

import qemu

SCHED_BUILD = os.path.join(qemu.BUILD, "tests", "pv", "sched")
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
EXIT_POWEROFF = 33

# Measure over at least this much system time per domU.
SLEEP_MS = 21000
MIN_WINDOW_MS = 20000
# The share tolerance is relative (+-10 % of the expected share); the cap
# tolerance is absolute (+-5 percentage points of one CPU).
SHARE_TOLERANCE = 0.10
CAP_TOLERANCE = 0.05
# A blocked domain may run while it boots, then never again.
BLOCKED_MAX_MS = 100

REPORT_RE = re.compile(r"^sched: report now_ms (\d+) cpus (\d+) "
                       r"timeslice_ms (\d+)", re.M)
IDLE_RE = re.compile(r"^sched: cpu(\d+) idle_ms (\d+)", re.M)
VCPU_RE = re.compile(r"^sched: d(\d+)v(\d+) weight (\d+) cap (\d+) "
                     r"run_ms (\d+) runs (\d+) blocks (\d+) migrations (\d+) "
                     r"first_ms (\d+) hypercalls (\d+)", re.M)


def kernel(name):
    path = os.path.join(SCHED_BUILD, name + ".elf")
    if not os.path.exists(path):
        pytest.fail("%s is missing: run 'make pv-sched-kernels'" %
                    os.path.relpath(path, qemu.TOP))
    return path


def boot(name, domus, append="", sleep_ms=SLEEP_MS):
    """Boot sleeper as dom0 plus `domus` ([(kernel, options)]) on 2 CPUs;
    return (report, {domid: vcpu0 counters}, console text)."""
    if not os.path.exists(qemu.VENEER_ELF):
        pytest.fail("build/veneer.elf is missing: run 'make hypervisor'")
    modules = ["%s sleep_ms=%d" % (kernel("sleeper"), sleep_ms)]
    modules += ["%s %s" % (kernel(k), opts) for k, opts in domus]
    assert not any("," in m for m in modules)
    args = ["-m", "512M", "-smp", "2", "-kernel", qemu.VENEER_ELF,
            "-append", ("noreboot domu_console " + append).strip(),
            "-initrd", ",".join(modules)] + DEBUG_EXIT
    with qemu.Machine("sched-" + name, args, timeout=60) as m:
        m.expect(r"Test result: SUCCESS", timeout=sleep_ms / 1000 * 4 + 60)
        m.expect(r"\(veneer\) d0 shutdown: poweroff")
        status = m.wait_exit(timeout=60)
        print("%s: %.1fs wall time (no assertion)" % (name, m.elapsed()))
        m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        text = f.read().replace("\r", "")
    assert status == EXIT_POWEROFF, "exit status %s" % status
    assert "FATAL TRAP" not in text and "PANIC" not in text
    r = REPORT_RE.search(text)
    assert r, "no 'sched: report' line in the log"
    report = {"now_ms": int(r.group(1)), "cpus": int(r.group(2)),
              "timeslice_ms": int(r.group(3))}
    assert report["cpus"] == 2
    vcpus, total_run_ms = {}, 0
    for v in VCPU_RE.finditer(text):
        dom, vcpu = int(v.group(1)), int(v.group(2))
        keys = ("weight", "cap", "run_ms", "runs", "blocks", "migrations",
                "first_ms", "hypercalls")
        c = dict(zip(keys, (int(x) for x in v.groups()[2:])))
        c["window_ms"] = report["now_ms"] - c["first_ms"]
        total_run_ms += c["run_ms"]
        if vcpu == 0:
            vcpus[dom] = c
            c["vcpus"] = [c["run_ms"]]
        else:
            vcpus[dom]["vcpus"].append(c["run_ms"])
    idle_ms = sum(int(i.group(2)) for i in IDLE_RE.finditer(text))
    cpu_ms = (total_run_ms + idle_ms) / report["cpus"]
    print("  one CPU had %.0f ms in %d ms of system time (the rest: QEMU "
          "stalled by the host)" % (cpu_ms, report["now_ms"]))
    for dom in sorted(vcpus):
        c = vcpus[dom]
        c["share"] = c["run_ms"] / cpu_ms
        c["domain_share"] = sum(c["vcpus"]) / cpu_ms
        print("  d%d: weight %d cap %d: ran %d ms = %.3f CPU (%.3f of the "
              "%d ms since it started; %d runs, %d blocks, %d migrations)" %
              (dom, c["weight"], c["cap"], c["run_ms"], c["share"],
               c["run_ms"] / c["window_ms"], c["window_ms"], c["runs"],
               c["blocks"], c["migrations"]))
        if len(c["vcpus"]) > 1:
            print("  d%d: %d vCPUs ran %s ms = %.3f CPU together" %
                  (dom, len(c["vcpus"]), "+".join(map(str, c["vcpus"])),
                   c["domain_share"]))
    assert sorted(vcpus) == list(range(len(domus) + 1)), \
        "expected dom0 and %d domUs in the report" % len(domus)
    return report, vcpus, text


def test_weights_share_two_cpus_256_256_512():
    """Three CPU-bound domUs with weights 256, 256 and 512 on 2 CPUs get
    0.5, 0.5 and 1.0 CPU, each within 10 %."""
    domus = [("spin", "veneer.mem=16M veneer.weight=256"),
             ("spin", "veneer.mem=16M veneer.weight=256"),
             ("spin", "veneer.mem=16M veneer.weight=512")]
    _, vcpus, _ = boot("weights", domus)
    for dom, want in ((1, 0.5), (2, 0.5), (3, 1.0)):
        c = vcpus[dom]
        assert c["window_ms"] >= MIN_WINDOW_MS, \
            "d%d measured over only %d ms" % (dom, c["window_ms"])
        assert abs(c["share"] - want) <= SHARE_TOLERANCE * want, \
            "d%d (weight %d) got %.3f CPU, want %.2f +-10%%" % (
                dom, c["weight"], c["share"], want)
    # dom0 slept all along.
    assert vcpus[0]["run_ms"] < BLOCKED_MAX_MS


def test_four_domus_on_two_cpus_share_by_weight_while_migrating():
    """Weights 256, 256, 256 and 128 on 2 CPUs: 4/7, 4/7, 4/7 and 2/7 of
    a CPU, each within 10 %.  No placement gives that without moving
    vCPUs between CPUs, so every domU must have migrated."""
    domus = [("spin", "veneer.mem=16M")] * 3 + \
            [("spin", "veneer.mem=16M veneer.weight=128")]
    _, vcpus, _ = boot("migrate", domus, sleep_ms=12000)
    for dom, want in ((1, 4 / 7), (2, 4 / 7), (3, 4 / 7), (4, 2 / 7)):
        c = vcpus[dom]
        assert abs(c["share"] - want) <= SHARE_TOLERANCE * want, \
            "d%d (weight %d) got %.3f CPU, want %.3f +-10%%" % (
                dom, c["weight"], c["share"], want)
        assert c["migrations"] > 0, "d%d never moved" % dom


def test_hard_affinity_is_honoured():
    """Two domUs pinned to CPU1 share it (0.5 each) while an unpinned one
    has CPU0 to itself (1.0); without the pinning, equal weights would
    give each 2/3 of a CPU."""
    domus = [("spin", "veneer.mem=16M veneer.affinity=1")] * 2 + \
            [("spin", "veneer.mem=16M")]
    _, vcpus, _ = boot("affinity", domus, sleep_ms=12000)
    for dom, want in ((1, 0.5), (2, 0.5), (3, 1.0)):
        c = vcpus[dom]
        assert abs(c["share"] - want) <= SHARE_TOLERANCE * want, \
            "d%d got %.3f CPU, want %.2f +-10%%" % (dom, c["share"], want)


def test_yield_gives_the_cpu_away():
    """A domU that loops on SCHEDOP_yield, pinned to CPU1 with a spinner,
    gets under 10 % of what CPU1 gives the two (without yield they would
    get half each)."""
    domus = [("spin", "veneer.mem=16M veneer.affinity=1"),
             ("yield", "veneer.mem=16M veneer.affinity=1")]
    _, vcpus, _ = boot("yield", domus, sleep_ms=6000)
    spinner, yielder = vcpus[1], vcpus[2]
    # Of the time CPU1 gave these two (CPU0 idles, so a busy host stalls
    # the two CPUs unevenly and a share of "one CPU" means little here).
    part = yielder["run_ms"] / (spinner["run_ms"] + yielder["run_ms"])
    print("  the yielder had %.3f of CPU1's time for these two" % part)
    assert part < 0.1, "the yielder used %.3f of CPU1" % part
    # It did yield (at least once a run), it was not just left out.
    assert yielder["hypercalls"] >= yielder["runs"] > 10


def test_weight_is_per_domain_not_per_vcpu():
    """A domU with two busy vCPUs and one with one, equal weights, on 2
    CPUs: each domain gets 1.0 CPU (+-10 %), the two vCPUs 0.5 each."""
    domus = [("spin", "veneer.mem=16M veneer.vcpus=2"),
             ("spin", "veneer.mem=16M")]
    _, vcpus, _ = boot("per-domain", domus, sleep_ms=12000)
    two, one = vcpus[1], vcpus[2]
    assert len(two["vcpus"]) == 2 and min(two["vcpus"]) > 0, \
        "d1's second vCPU never ran: %s" % two["vcpus"]
    for dom, c in ((1, two), (2, one)):
        assert abs(c["domain_share"] - 1.0) <= SHARE_TOLERANCE, \
            "d%d got %.3f CPU, want 1.0 +-10%%" % (dom, c["domain_share"])


def test_cap_above_100_for_two_vcpus():
    """A domU with two busy vCPUs capped at 150 % uses 1.5 CPUs (+-7.5
    points, the 5 % of the cap test scaled) on an otherwise idle 2-CPU
    machine."""
    domus = [("spin", "veneer.mem=16M veneer.vcpus=2 veneer.cap=150")]
    _, vcpus, _ = boot("cap150", domus, sleep_ms=12000)
    c = vcpus[1]
    assert len(c["vcpus"]) == 2 and min(c["vcpus"]) > 0
    assert abs(c["domain_share"] - 1.5) <= 1.5 * CAP_TOLERANCE, \
        "d1 (cap 150) got %.3f CPU" % c["domain_share"]


def test_cap_holds_and_blocked_domain_uses_nothing():
    """A CPU-bound domU capped at 20 % gets 20 % (+-5 points) although a
    CPU is free; a blocked domU uses no CPU; an uncapped spinner next to
    them is not held back.  Runs with a 10 ms time slice."""
    domus = [("spin", "veneer.mem=16M veneer.cap=20"),
             ("block", "veneer.mem=16M"),
             ("spin", "veneer.mem=16M")]
    report, vcpus, _ = boot("cap", domus, append="sched_timeslice_ms=10")
    assert report["timeslice_ms"] == 10
    capped, blocked, free = vcpus[1], vcpus[2], vcpus[3]
    assert capped["window_ms"] >= MIN_WINDOW_MS
    assert abs(capped["share"] - 0.20) <= CAP_TOLERANCE, \
        "capped d1 got %.3f CPU, want 0.20 +-0.05" % capped["share"]
    assert blocked["run_ms"] < BLOCKED_MAX_MS, \
        "blocked d2 ran %d ms" % blocked["run_ms"]
    assert blocked["blocks"] >= 1
    # Not a share measurement: with one CPU mostly idle and the other
    # busy, a busy host stalls the two unevenly, so only check that the
    # cap held back d1 alone.
    assert free["share"] > 0.5, \
        "uncapped d3 got only %.3f CPU" % free["share"]


def test_bad_timeslice_is_refused_with_a_warning():
    """sched_timeslice_ms outside 1..1000 is reported and the default
    (30 ms) stays."""
    report, _, text = boot("bad-timeslice", [],
                           append="sched_timeslice_ms=5000", sleep_ms=200)
    assert "bad value '5000' for option 'sched_timeslice_ms' ignored" in text
    assert report["timeslice_ms"] == 30
