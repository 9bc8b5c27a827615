# SPDX-License-Identifier: GPL-2.0
"""Parse vbench's output and compare configurations.

Pure functions, no I/O, so tests/unit/test_bench_results.py can check them.

A vbench line looks like
    VBENCH name=stat unit=us runs=5 ops=5000 median=1.5 min=1.4 max=1.7 \
        samples=1.5,1.4,1.7,1.5,1.6
"us" results are microseconds per operation (lower is better), "MB/s"
results are bandwidths (higher is better).

The *cost ratio* of a configuration for one benchmark says how many times
more expensive the benchmark is there than on native: time/time_native for
latencies, bandwidth_native/bandwidth for bandwidths. 1.0 means no overhead,
2.0 means twice as slow, whatever the unit.
"""

import math
import re

UNITS = ("us", "MB/s")
_FIELD = re.compile(r"(\w+)=(\S+)")


class ParseError(ValueError):
    pass


def parse_line(line):
    """One VBENCH line as a dict, or None if the line is not one.

    Raises ParseError for a VBENCH line that is malformed, naming why.
    """
    line = line.strip()
    start = line.find("VBENCH ")
    if start < 0:
        return None
    fields = dict(_FIELD.findall(line[start + len("VBENCH "):]))
    for key in ("name", "unit", "runs", "ops", "median", "min", "max",
                "samples"):
        if key not in fields:
            raise ParseError("VBENCH line without %s: %r" % (key, line))
    if fields["unit"] not in UNITS:
        raise ParseError("unknown unit %r in %r" % (fields["unit"], line))
    try:
        result = {
            "name": fields["name"],
            "unit": fields["unit"],
            "runs": int(fields["runs"]),
            "ops": int(fields["ops"]),
            "median": float(fields["median"]),
            "min": float(fields["min"]),
            "max": float(fields["max"]),
            "samples": [float(s) for s in fields["samples"].split(",")],
        }
    except ValueError as e:
        raise ParseError("bad number in %r: %s" % (line, e))
    if len(result["samples"]) != result["runs"]:
        raise ParseError("%s: %d samples for %d runs" %
                         (result["name"], len(result["samples"]),
                          result["runs"]))
    if not all(math.isfinite(s) and s > 0 for s in result["samples"]):
        raise ParseError("%s: samples must be positive numbers" %
                         result["name"])
    return result


def parse_output(text):
    """All results in a console log, keyed by benchmark name, and whether
    vbench reported that it finished (VBENCH-DONE)."""
    results = {}
    for line in text.splitlines():
        r = parse_line(line)
        if r is not None:
            if r["name"] in results:
                raise ParseError("%s reported twice" % r["name"])
            results[r["name"]] = r
    return results, "VBENCH-DONE" in text


def median(values):
    values = sorted(values)
    if not values:
        raise ValueError("median of nothing")
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def spread(result):
    """(max - min) / median of one result, a rough noise measure."""
    return (result["max"] - result["min"]) / result["median"]


def cost_ratio(result, native):
    """How many times more expensive `result` is than `native` (> 1 is
    slower), for either unit."""
    if result["unit"] != native["unit"]:
        raise ValueError("%s: units differ (%s vs %s)" %
                         (result["name"], result["unit"], native["unit"]))
    if result["unit"] == "us":
        return result["median"] / native["median"]
    return native["median"] / result["median"]


def ratios(configs, baseline="native"):
    """{config: {bench: ratio}} for every config with results, relative
    to the baseline config; benchmarks missing on either side are left
    out."""
    base = configs.get(baseline, {}).get("results") or {}
    out = {}
    for name, cfg in configs.items():
        res = cfg.get("results")
        if not res:
            continue
        out[name] = {b: cost_ratio(r, base[b])
                     for b, r in res.items() if b in base}
    return out


def markdown_table(configs, bench_order, baseline="native"):
    """A Markdown table: one row per benchmark, one column per
    configuration, each cell "median unit (ratio x)"."""
    names = list(configs)
    rat = ratios(configs, baseline)
    head = "| benchmark | unit | " + " | ".join(names) + " |"
    rule = "|---|---|" + "---|" * len(names)
    rows = [head, rule]
    for b in bench_order:
        unit = None
        cells = []
        for n in names:
            cfg = configs[n]
            r = (cfg.get("results") or {}).get(b)
            if not cfg.get("available", True):
                cells.append("not available")
            elif r is None:
                cells.append("—")
            else:
                unit = r["unit"]
                cell = "%.4g" % r["median"]
                if n in rat and b in rat[n] and n != baseline:
                    cell += " (%.2fx)" % rat[n][b]
                cells.append(cell)
        rows.append("| %s | %s | %s |" % (b, unit or "", " | ".join(cells)))
    return "\n".join(rows) + "\n"
