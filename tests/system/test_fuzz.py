# SPDX-License-Identifier: GPL-2.0
"""The hostile-guest fuzzer (tests/pv/fuzz/, docs/fuzzing.md).

Boots Veneer with dom0 (tests/pv/domu/dom0_waiter) and the fuzzer as an
unprivileged domU (d1), as tests/system/test_isolation.py boots its attack
kernels, with the page-type audit on.  The fuzzer makes random and
structure-aware hypercalls from a seeded PRNG, then powers off.  The run
passes if:

  - the hypervisor lived: no FATAL TRAP, PANIC or broken invariant;
  - dom0 lived: its timer-driven loop ran the whole time, it saw d1 go
    and finished its own checks (its verdict), then powered off;
  - the page-type audit never complained ("(dN) pt_audit: ...");
  - d1 gave its verdict (the fuzzer's own isolation checks held) and
    every one of its pages came back when it was destroyed.

Under pytest (make test) it is the short run: 200,000 calls from each of
seeds 1 and 2.  Run as a script (make fuzz) it makes FUZZ_CALLS calls
from FUZZ_SEED, or runs random seeds for FUZZ_TIME seconds, each boot
FUZZ_RUN_SECONDS long; it stops at the first failure with the command
line that replays it.
"""

import os
import random
import re
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import qemu  # noqa: E402

DOMU_BUILD = os.path.join(qemu.BUILD, "tests", "pv", "domu")
FUZZ_ELF = os.path.join(qemu.BUILD, "tests", "pv", "fuzz", "fuzz.elf")
EXIT_POWEROFF = 33
DOMU_MEM_MB = 16
RESULT_RE = r"\nTest result: (SUCCESS|FAILURE)([^\r\n]*)\r*\n"
SUMMARY_RE = (r"fuzz: seed=(\d+): (\d+) calls \((\d+) ok, (\d+) refused\) "
              r"in (\d+) ms, (\d+) calls/s")
# pexpect searches this much of the console's tail for each pattern; the
# log grows by megabytes (every refused call may log a line).
WINDOW = 8192

# The short run in `make test`: (seed, calls).
SHORT_RUNS = [(1, 200000), (2, 200000)]


def kernel_path(path, target):
    if not os.path.exists(path):
        raise FileNotFoundError("%s is missing: run 'make %s'" %
                                (os.path.relpath(path, qemu.TOP), target))
    return path


def replay_command(seed, calls=None, secs=None, known_bugs=1):
    extra = ("CALLS=%d" % calls) if calls else \
            ("FUZZ_RUN_SECONDS=%d FUZZ_TIME=%d" % (secs, secs))
    if not known_bugs:
        extra += " KNOWN_BUGS=0"
    return "make fuzz SEED=%d %s" % (seed, extra)


def expect(m, pattern, timeout):
    try:
        m.child.expect(pattern, timeout=timeout, searchwindowsize=WINDOW)
    except Exception as e:   # pexpect.TIMEOUT / EOF: say where we were
        raise AssertionError("waiting for %r: %s (%.0fs since boot); "
                             "console tail:\n%s" %
                             (pattern, type(e).__name__, m.elapsed(),
                              m.tail()))
    return m.child.match


def read_log(m):
    m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        return f.read()


def judge(log, status):
    """What went wrong in a finished run's log, as a list (empty: ok)."""
    bad = []
    for word in ("FATAL TRAP", "PANIC", "INVARIANTS BROKEN"):
        if word in log:
            bad.append("the hypervisor printed %r" % word)
    complaints = re.findall(r"\(d\d+\) pt_audit: [^\r\n]*", log)
    if complaints:
        bad.append("pt_audit complained: %s" % complaints[:5])
    verdict = re.search(r"\(d1\) Test result: (SUCCESS|FAILURE)([^\r\n]*)",
                        log)
    if not verdict:
        bad.append("d1 gave no verdict")
    elif verdict.group(1) != "SUCCESS":
        bad.append("d1: %s" % verdict.group(2).strip())
    if "d1 shutdown: poweroff" not in log:
        bad.append("d1 did not power off")
    # Every page of d1's reservation came back at destroy, or was still
    # referenced elsewhere and came back at its last reference; the
    # grant-table frames are the table's own (freed with it).  The heap's
    # free count after d1 is gone is the count before it was created.
    pages = DOMU_MEM_MB << 8
    gone = re.search(r"d1 destroyed: (\d+) pages freed(?:, (\d+) still "
                     r"referenced elsewhere)?", log)
    if not gone or int(gone.group(1)) + int(gone.group(2) or 0) != pages:
        bad.append("not every page of d1 came back (%d expected): %s" %
                   (pages, re.findall(r"d1 destroyed: [^\r\n]*", log)))
    before = re.search(r"d1: creating, (\d+) pages free", log)
    after = re.findall(r"d1: domain and vCPU structures freed, (\d+) pages "
                       r"free", log)
    if not before or not after or int(after[-1]) != int(before.group(1)):
        bad.append("free pages: %s before d1, %s after" %
                   (before.group(1) if before else "?",
                    after[-1] if after else "?"))
    if "BREACH" in log:
        bad.append("the fuzzer saw an isolation breach: %s" %
                   re.findall(r"fuzz: BREACH[^\r\n]*", log)[:3])
    if "dom0_waiter: all 1 domUs gone" not in log:
        bad.append("dom0 did not see d1 go")
    d0 = re.search(r"(?m)^Test result: (SUCCESS|FAILURE)([^\r\n]*)", log)
    if not d0 or d0.group(1) != "SUCCESS":
        bad.append("dom0: %s" % (d0.group(0).strip() if d0 else
                                 "no verdict"))
    if status != EXIT_POWEROFF:
        bad.append("QEMU exit status %s, not %d (dom0 powered off)" %
                   (status, EXIT_POWEROFF))
    return bad


def run_fuzz(seed, calls=None, secs=None, name=None, known_bugs=1,
             extra=""):
    """One boot; returns (problems, summary match or None, log path)."""
    fuzz_args = "seed=%d domid=1 known_bugs=%d %s" % (seed, known_bugs,
                                                      extra)
    if calls:
        fuzz_args += " calls=%d" % calls
    if secs:
        fuzz_args += " secs=%d" % secs
    mods = ["%s domus=1" % kernel_path(os.path.join(DOMU_BUILD,
                                                    "dom0_waiter.elf"),
                                       "domu-kernels"),
            "%s %s veneer.mem=%dM" % (kernel_path(FUZZ_ELF, "fuzz-kernel"),
                                      fuzz_args, DOMU_MEM_MB)]
    args = ["-m", "512M", "-smp", "2", "-kernel",
            kernel_path(qemu.VENEER_ELF, "hypervisor"),
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-append", "noreboot pt_audit domu_console",
            "-initrd", ",".join(mods)]
    # Generous: a loaded machine runs TCG slowly; a hang still ends.
    limit = 600 + (secs or 0) * 2 + (calls or 0) // 500
    summary = None
    with qemu.Machine(name or "fuzz-%d" % seed, args, timeout=limit) as m:
        expect(m, r"dom0_waiter: connected to d1", 120)
        expect(m, r"fuzz: seed=%d " % seed, 60)
        # Stop waiting at once if the host died (noreboot halts it).
        dead = False
        try:
            i = m.child.expect([SUMMARY_RE, r"PANIC on CPU", r"FATAL TRAP",
                                r"\(d1\) Test result: FAILURE"],
                               timeout=limit, searchwindowsize=WINDOW)
            if i == 0:
                summary = m.child.match
            dead = i in (1, 2)
        except Exception:
            pass
        if dead:
            try:    # the backtrace and the trace ring, for the report
                m.child.expect(r"noreboot: halting", timeout=30)
            except Exception:
                pass
        status = None
        try:
            if not dead:
                m.child.expect(r"dom0_waiter: all 1 domUs gone",
                               timeout=120, searchwindowsize=WINDOW)
                m.child.expect(RESULT_RE, timeout=60,
                               searchwindowsize=WINDOW)
                status = m.wait_exit(timeout=60)
        except Exception:
            pass
        log = read_log(m)
        path = m.log_path
    bad = judge(log, status)
    if not summary:
        bad.append("no summary line from the fuzzer")
    return bad, summary, path


@pytest.mark.parametrize("seed,calls", SHORT_RUNS,
                         ids=["seed%d" % s for s, _ in SHORT_RUNS])
def test_fuzz_short(seed, calls):
    t0 = time.monotonic()
    bad, summary, path = run_fuzz(seed, calls=calls)
    wall = time.monotonic() - t0
    if summary:
        print("fuzz seed %d: %s calls in %s ms of guest time (%s calls/s), "
              "%.1f s wall" % (seed, summary.group(2), summary.group(5),
                               summary.group(6), wall))
    assert not bad, "seed %d (replay: %s; log %s):\n  %s" % (
        seed, replay_command(seed, calls=calls),
        os.path.relpath(path, qemu.TOP), "\n  ".join(bad))
    assert int(summary.group(2)) >= calls


def main():
    """make fuzz: CALLS calls from SEED, or random seeds for FUZZ_TIME."""
    total = int(os.environ.get("FUZZ_TIME") or 600)
    per_run = int(os.environ.get("FUZZ_RUN_SECONDS") or 120)
    calls = int(os.environ.get("FUZZ_CALLS") or 0)
    fixed = os.environ.get("FUZZ_SEED")
    # The known bugs' call shapes are in by default since their fixes
    # landed; KNOWN_BUGS=0 leaves them out again.
    known_bugs = int(os.environ.get("FUZZ_KNOWN_BUGS") or 1)
    extra = os.environ.get("FUZZ_ARGS") or ""    # e.g. "trace=N audit=N"
    end = time.monotonic() + total
    runs = 0
    while True:
        seed = int(fixed, 0) if fixed else random.getrandbits(48)
        secs = None if calls else max(1, min(per_run,
                                             int(end - time.monotonic())))
        print("fuzz: run %d, seed %d (%s)" %
              (runs + 1, seed, ("%d calls" % calls) if calls else
               ("%d s" % secs)), flush=True)
        bad, summary, path = run_fuzz(seed, calls=calls or None, secs=secs,
                                      name="fuzz-run-%d-%s" %
                                      (seed, time.strftime("%Y%m%d-%H%M%S")),
                                      known_bugs=known_bugs, extra=extra)
        runs += 1
        if summary:
            print("fuzz:   %s calls in %s ms, %s calls/s" %
                  (summary.group(2), summary.group(5), summary.group(6)),
                  flush=True)
        if bad:
            print("fuzz: FAILED with seed %d (log %s):\n  %s\nreplay: %s" %
                  (seed, os.path.relpath(path, qemu.TOP), "\n  ".join(bad),
                   replay_command(seed, calls=(int(summary.group(2))
                                               if summary else calls or None),
                                  secs=secs, known_bugs=known_bugs)),
                  flush=True)
            return 1
        if calls or fixed or time.monotonic() >= end:
            break
    print("fuzz: %d runs, no failure" % runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
