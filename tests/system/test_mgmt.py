# SPDX-License-Identifier: GPL-2.0
"""The management interface (docs/management-abi.md) driving running
domains: tests/pv/domu/mgmt_ctl as dom0 and three boot-time domUs that
are toolstack domains (veneer.toolstack: kept when they shut down, until
dom0 destroys them, as the domains dom0 creates are).  dom0 pauses a
spinning domU (its CPU time stands still), unpauses it, sees one domU
powered off and one crashed stay with their reason, destroys all three
(the spinner while it runs) and powers off.  The single-domain checks
(create/destroy cycles, list, limits, log ring, counters) are
tests/pv/mgmt_dom0.c in test_pv_on_veneer.py; the refusal to a domU is
tests/pv/isolation/mgmt_refused.c.
"""

import os
import re

import pytest

import qemu
import test_domu
import test_isolation

EXIT_POWEROFF = 33
SCHED_DIR = os.path.join(qemu.BUILD, "tests", "pv", "sched")


def test_toolstack_domains_pause_stay_shut_down_and_are_destroyed():
    spin = os.path.join(SCHED_DIR, "spin.elf")
    if not os.path.exists(spin):
        pytest.fail("%s is missing: run 'make pv-sched-kernels'" % spin)
    domains = [
        (test_domu.domu_kernel("mgmt_ctl"), ""),
        (test_domu.domu_kernel("domu_hello"),
         "veneer.mem=48M veneer.toolstack"),
        (spin, "veneer.mem=8M veneer.toolstack"),
        (test_domu.domu_kernel("domu_crash"),
         "veneer.mem=8M veneer.toolstack"),
    ]
    with qemu.Machine("mgmt-pv", test_domu.veneer_domains_args(
            domains, append="domu_console pt_audit"), timeout=180) as m:
        m.expect(r"mgmt_ctl: all domUs destroyed")
        m.expect("Test result: (SUCCESS|FAILURE)([^\r\n]*)")
        verdict = m.child.match.group(1), m.child.match.group(2)
        status = m.wait_exit(timeout=60)
        log = test_domu.read_log(m)
    assert verdict[0] == "SUCCESS", verdict[1]
    assert status == EXIT_POWEROFF, log[-3000:]
    # kept on shutdown and crash, destroyed by dom0 later
    assert "d1 shutdown: poweroff (kept until the toolstack destroys it)" \
        in log
    assert "d3 shutdown: crash (kept until the toolstack destroys it)" in log
    for d, mib in ((1, 48), (2, 8), (3, 8)):
        assert "d%d: destroyed by the toolstack" % d in log
        assert "d%d destroyed: %d pages freed" % (d, test_domu.pages(mib)) \
            in log, re.findall(r"d%d destroyed[^\r\n]*" % d, log)
        # one bounded step per entry of destroydomain, continued by
        # the hypervisor (common/domain.c); durations are not judged
        steps = re.search(r"d%d: teardown in (\d+) steps over \d+ us, the "
                          r"longest (\d+) us \((\w+)\), (\d+) over 1 ms" % d, log)
        assert steps and int(steps.group(1)) > 1, \
            re.findall(r"d%d: teardown[^\r\n]*" % d, log)
        print("d%d: %s steps, the longest %s us (%s), %s over 1 ms (no "
              "assertion)" % ((d,) + steps.groups()))
        assert log.index("d%d: destroyed by the toolstack" % d) > \
            log.index("mgmt_ctl: d2 unpaused")
    assert re.search(r"mgmt_ctl: d2 paused: CPU time (\d+) ns, 300 ms "
                     r"later \1 ns", log)
    test_isolation.assert_free_pages_back(log)
    assert "FATAL TRAP" not in log and "PANIC" not in log
    assert "INVARIANTS BROKEN" not in log
    assert not re.search(r"\(d\d\) pt_audit: ", log), "pt_audit complaint"
