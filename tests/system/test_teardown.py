# SPDX-License-Identifier: GPL-2.0
"""A dying domain is taken apart in bounded steps (common/domain.c,
docs/hypervisor.md "Teardown"), while other domains keep running.

tests/pv/sched/ticker runs as dom0: a timer loop (10 ms ticks) that
prints its progress.  Beside it, two boot-time domUs end early on their
own: domu_hello (64 MiB) powers off, domu_crash (16 MiB) crashes.  Their
teardown runs from the hypervisor's deferred work, one step at a time,
while the ticker ticks.  The test asserts only progress and memory: both
domUs gone with every page back, in more than one step each, the ticker
still ticking after they went and finishing all its ticks.  The worst
step and the ticker's worst lateness are printed, not judged (timing
under emulation is the host's).  The destroy by dom0 through
VENEER_MGMT_destroydomain (one step per entry, with continuations) is
test_mgmt.py's.
"""

import os
import re

import pytest

import qemu
import test_domu
import test_isolation

EXIT_POWEROFF = 33
SCHED_DIR = os.path.join(qemu.BUILD, "tests", "pv", "sched")
TICKS = 300

STEPS_RE = (r"d%d: teardown in (\d+) steps over (\d+) us, the longest "
            r"(\d+) us \((\w+)\), (\d+) over 1 ms")


def test_self_ended_domus_are_torn_down_in_steps_while_dom0_ticks():
    ticker = os.path.join(SCHED_DIR, "ticker.elf")
    if not os.path.exists(ticker):
        pytest.fail("%s is missing: run 'make pv-sched-kernels'" % ticker)
    domains = [
        (ticker, "ticks=%d tick_ms=10 domus=1,2" % TICKS),
        (test_domu.domu_kernel("domu_hello"), "veneer.mem=64M"),
        (test_domu.domu_kernel("domu_crash"), "veneer.mem=16M"),
    ]
    with qemu.Machine("teardown", test_domu.veneer_domains_args(
            domains, append="domu_console pt_audit"), timeout=240) as m:
        m.expect(r"ticker: done, (\d+) ticks, worst lateness (\d+) us")
        done = m.child.match.group(1), m.child.match.group(2)
        m.expect("Test result: (SUCCESS|FAILURE)([^\r\n]*)")
        verdict = m.child.match.group(1), m.child.match.group(2)
        status = m.wait_exit(timeout=60)
        log = test_domu.read_log(m)
    assert verdict[0] == "SUCCESS", verdict[1]
    assert status == EXIT_POWEROFF, log[-3000:]
    assert int(done[0]) == TICKS
    assert "d1 shutdown: poweroff" in log
    assert "d2 shutdown: crash" in log
    for d, mib in ((1, 64), (2, 16)):
        assert "d%d destroyed: %d pages freed" % (d, test_domu.pages(mib)) \
            in log, re.findall(r"d%d destroyed[^\r\n]*" % d, log)
        steps = re.search(STEPS_RE % d, log)
        assert steps, "no teardown summary for d%d" % d
        # cut into steps (their length is reported, not judged)
        assert int(steps.group(1)) > 1, steps.group(0)
        print("d%d: %s steps over %s us, the longest %s us (%s), %s over 1 ms "
              "(no assertion)" % ((d,) + steps.groups()))
        # dom0's timer loop went on after the domU was gone
        assert log.index("d%d destroyed" % d) < log.index("ticker: done")
    print("ticker: worst lateness %s us (no assertion)" % done[1])
    test_isolation.assert_free_pages_back(log)
    assert "FATAL TRAP" not in log and "PANIC" not in log
    assert "INVARIANTS BROKEN" not in log
    assert not re.search(r"\(d\d\) pt_audit: ", log), "pt_audit complaint"
