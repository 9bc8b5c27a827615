# SPDX-License-Identifier: GPL-2.0
"""Host tests for tests/system/ktap.py, the KTAP parser the KUnit system
test uses.  The logs are shaped like Linux 6.1's KUnit output on a Xen
console: printk time stamps, other kernel messages in between,
parameterised cases as nested subtests."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "system"))

import ktap  # noqa: E402


def stamp(lines):
    """Put printk time stamps in front of the lines, as on the console."""
    return "\n".join("[%12.6f] %s" % (1.5 + i / 1000.0, line)
                     for i, line in enumerate(lines.strip("\n").split("\n")))


PASSING = """
KTAP version 1
1..2
    KTAP version 1
    # Subtest: xen_pv_version
    1..2
    # version_is_at_least_4_0: hypervisor version 4.17
    ok 1 version_is_at_least_4_0
    ok 2 pagesize_is_4k
# xen_pv_version: pass:2 fail:0 skip:0 total:2
# Totals: pass:2 fail:0 skip:0 total:2
ok 1 xen_pv_version
    KTAP version 1
    # Subtest: xen_pv_multicall
    1..2
        KTAP version 1
        # Subtest: multicall_reports_per_entry_results
        ok 1 1 entries
        ok 2 2 entries
        ok 3 32 entries
    # multicall_reports_per_entry_results: pass:3 fail:0 skip:0 total:3
    ok 1 multicall_reports_per_entry_results
    ok 2 multicall_of_nothing_succeeds
# xen_pv_multicall: pass:2 fail:0 skip:0 total:2
# Totals: pass:4 fail:0 skip:0 total:4
ok 2 xen_pv_multicall
"""


def test_passing_run_has_no_problems():
    r = ktap.parse("xen: booting\n" + stamp(PASSING) + "\nVENEER-DOM0-READY\n")
    assert r.problems() == []
    assert [t.name for t in r.tests] == ["xen_pv_version", "xen_pv_multicall"]
    assert r.counts() == {"pass": 6, "fail": 0, "skip": 0}
    names = [n for n, _ in r.walk()]
    assert "xen_pv_multicall.multicall_reports_per_entry_results.32 entries" \
        in names


def test_log_without_time_stamps_parses_too():
    assert ktap.parse(PASSING).problems() == []


def test_failed_case_is_named_with_its_log():
    log = PASSING.replace(
        "    ok 2 pagesize_is_4k\n",
        "    # pagesize_is_4k: EXPECTATION FAILED at version_kunit.c:77\n"
        "    Expected rc == 4096, but\n"
        "        rc == 8192\n"
        "    not ok 2 pagesize_is_4k\n").replace(
        "ok 1 xen_pv_version", "not ok 1 xen_pv_version")
    r = ktap.parse(stamp(log))
    assert r.failures() == ["xen_pv_version.pagesize_is_4k"]
    assert r.problems() == ["failed: xen_pv_version.pagesize_is_4k"]
    case = dict(r.walk())["xen_pv_version.pagesize_is_4k"]
    assert any("EXPECTATION FAILED" in line for line in case.log)
    assert "Expected rc == 4096, but" in case.log


def test_failed_parameter_is_named():
    log = PASSING.replace("        ok 2 2 entries",
                          "        not ok 2 2 entries").replace(
        "    ok 1 multicall_reports_per_entry_results",
        "    not ok 1 multicall_reports_per_entry_results").replace(
        "ok 2 xen_pv_multicall", "not ok 2 xen_pv_multicall")
    r = ktap.parse(stamp(log))
    assert r.failures() == [
        "xen_pv_multicall.multicall_reports_per_entry_results.2 entries"]


def test_failed_suite_without_failed_case_is_still_a_failure():
    # e.g. the suite's init failed before any case ran
    r = ktap.parse(PASSING.replace("ok 1 xen_pv_version",
                                   "not ok 1 xen_pv_version"))
    assert r.failures() == ["xen_pv_version"]


def test_skip_is_reported():
    log = PASSING.replace(
        "    ok 2 multicall_of_nothing_succeeds",
        "    ok 2 multicall_of_nothing_succeeds # SKIP needs two vCPUs")
    r = ktap.parse(stamp(log))
    assert r.failures() == []
    assert r.skips() == ["xen_pv_multicall.multicall_of_nothing_succeeds"]
    t = dict(r.walk())["xen_pv_multicall.multicall_of_nothing_succeeds"]
    assert t.reason == "needs two vCPUs"
    assert r.counts()["skip"] == 1


def test_old_style_dash_before_name():
    r = ktap.parse("TAP version 14\n1..1\n    # Subtest: s\n    1..1\n"
                   "    ok 1 - c\nok 1 - s\n")
    assert r.problems() == []
    assert [n for n, _ in r.walk()] == ["s", "s.c"]


def test_run_cut_short_by_a_crash_is_an_error():
    cut = PASSING[:PASSING.index("    ok 2 multicall_of_nothing_succeeds")]
    r = ktap.parse(stamp(cut + "BUG: unable to handle page fault\n"
                         "Kernel panic - not syncing: Fatal exception\n"))
    problems = r.problems()
    assert any("never finished" in p for p in problems), problems
    assert any("planned 2 suites, got 1" in p for p in problems), problems


def test_missing_case_breaks_the_plan():
    log = PASSING.replace("    ok 2 pagesize_is_4k\n", "")
    problems = ktap.parse(log).problems()
    assert any("xen_pv_version: planned 2 subtests, got 1" in p
               for p in problems), problems


def test_no_ktap_at_all():
    r = ktap.parse("(XEN) Xen version 4.17\nVENEER-DOM0-READY\n")
    assert r.problems() == ["no KTAP output found"]


def test_lines_after_the_run_are_ignored():
    r = ktap.parse(PASSING + "ok 7 something from user space\n")
    assert r.problems() == []
    assert len(r.tests) == 2


def test_messages_between_results_do_not_confuse_the_tree():
    log = PASSING.replace(
        "    ok 2 pagesize_is_4k\n",
        "xen:grant_table: WARNING: g.e. 0x9 still in use!\n"
        "input: ImExPS/2 Generic Explorer Mouse\n"
        "    ok 2 pagesize_is_4k\n")
    r = ktap.parse(stamp(log))
    assert r.problems() == []
    assert r.counts()["pass"] == 6
