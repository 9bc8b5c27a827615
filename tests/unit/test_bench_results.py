# SPDX-License-Identifier: GPL-2.0
"""bench/vbresults.py: parsing vbench lines and computing cost ratios."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "bench"))

import vbresults  # noqa: E402

LAT = ("VBENCH name=stat unit=us runs=3 ops=500 median=2.0000 min=1.0000 "
       "max=3.0000 samples=2.0000,1.0000,3.0000")
BW = ("VBENCH name=pipe_bw unit=MB/s runs=2 ops=1048576 median=100.0 "
      "min=90.0 max=110.0 samples=90.0,110.0")


def result(name, unit, med):
    return {"name": name, "unit": unit, "runs": 1, "ops": 1,
            "median": med, "min": med, "max": med, "samples": [med]}


def test_parse_line_reads_every_field():
    r = vbresults.parse_line("[   3.1] " + LAT)  # console prefix is fine
    assert r == {"name": "stat", "unit": "us", "runs": 3, "ops": 500,
                 "median": 2.0, "min": 1.0, "max": 3.0,
                 "samples": [2.0, 1.0, 3.0]}


def test_parse_line_ignores_other_lines():
    assert vbresults.parse_line("VENEER-DOM0-READY kernel=6.1") is None
    assert vbresults.parse_line("") is None


@pytest.mark.parametrize("bad, why", [
    (LAT.replace(" median=2.0000", ""), "without median"),
    (LAT.replace("unit=us", "unit=ms"), "unknown unit"),
    (LAT.replace("runs=3", "runs=4"), "3 samples for 4 runs"),
    (LAT.replace("median=2.0000", "median=two"), "bad number"),
    (LAT.replace("1.0000,3.0000", "-1.0,3.0"), "positive"),
    (LAT.replace("1.0000,3.0000", "nan,3.0"), "positive"),
])
def test_parse_line_names_what_is_wrong(bad, why):
    with pytest.raises(vbresults.ParseError, match=why):
        vbresults.parse_line(bad)


def test_parse_output_collects_results_and_done_marker():
    text = "noise\n%s\n%s\nVBENCH-DONE\n" % (LAT, BW)
    results, done = vbresults.parse_output(text)
    assert set(results) == {"stat", "pipe_bw"} and done
    _, done = vbresults.parse_output(LAT)
    assert not done


def test_parse_output_rejects_duplicate_benchmark():
    with pytest.raises(vbresults.ParseError, match="reported twice"):
        vbresults.parse_output(LAT + "\n" + LAT)


def test_cost_ratio_latency_is_time_over_native_time():
    assert vbresults.cost_ratio(result("a", "us", 6.0),
                                result("a", "us", 2.0)) == 3.0


def test_cost_ratio_bandwidth_is_native_over_bandwidth():
    # half the bandwidth costs twice as much
    assert vbresults.cost_ratio(result("b", "MB/s", 50.0),
                                result("b", "MB/s", 100.0)) == 2.0


def test_cost_ratio_refuses_mixed_units():
    with pytest.raises(ValueError, match="units differ"):
        vbresults.cost_ratio(result("a", "us", 1), result("a", "MB/s", 1))


def test_ratios_skip_unavailable_and_missing_benchmarks():
    configs = {
        "native": {"results": {"a": result("a", "us", 2.0),
                               "b": result("b", "MB/s", 10.0)}},
        "xen-pv": {"results": {"a": result("a", "us", 5.0)}},
        "veneer-pv": {"available": False, "reason": "later"},
    }
    rat = vbresults.ratios(configs)
    assert rat == {"native": {"a": 1.0, "b": 1.0}, "xen-pv": {"a": 2.5}}


def test_markdown_table_shows_ratio_and_unavailable():
    configs = {
        "native": {"results": {"a": result("a", "us", 2.0)}},
        "xen-pv": {"results": {"a": result("a", "us", 5.0)}},
        "veneer-pv": {"available": False, "reason": "later"},
    }
    table = vbresults.markdown_table(configs, ["a"])
    assert "| a | us | 2 | 5 (2.50x) | not available |" in table


def test_median_of_even_and_odd_counts():
    assert vbresults.median([3, 1, 2]) == 2
    assert vbresults.median([4, 1, 3, 2]) == 2.5
