# SPDX-License-Identifier: GPL-2.0
"""A small KTAP parser for KUnit results read off a console log.

KUnit prints its results as KTAP (Documentation/dev-tools/ktap.rst in
the kernel tree): a version line, a plan "1..N", one result line per
test ("ok 3 name", "not ok 3 name", "ok 3 name # SKIP why"), and for a
test with subtests, the subtests' own KTAP block indented by four spaces
*before* the parent's result line.  Parameterised cases are subtests of
their case.

A console log mixes that with everything else the machine prints, and
the kernel puts a "[   12.345678] " time stamp in front of each line.
`parse()` keeps the lines that look like KTAP once the time stamp is
removed, rebuilds the tree from the indentation, and checks the plans,
so that a run that stops half way (a crash, a hang) is an error rather
than a short success.

    report = ktap.parse(console_text)
    report.failures()  # ["xen_pv_mmu.unpin_makes_table_writable", ...]
"""

import re

# printk's time stamp, and anything the console put before it.
_STAMP_RE = re.compile(r"^.*?\[\s*\d+\.\d+\]\s?")
_VERSION_RE = re.compile(r"^(\s*)K?TAP version (\d+)\s*$")
_PLAN_RE = re.compile(r"^(\s*)1\.\.(\d+)\s*$")
_RESULT_RE = re.compile(
    r"^(\s*)(ok|not ok) (\d+)(?: -)?(?: ([^#]*?))?\s*"
    r"(?:#\s*(SKIP|TODO)\b\s*(.*))?$")
_SUBTEST_RE = re.compile(r"^(\s*)# Subtest: (.*)$")
_INDENT_RE = re.compile(r"^(\s*)")


class Test:
    """One test: a suite, a case or a parameter of a case."""

    def __init__(self, name, number, ok, directive=None, reason="",
                 children=None, plan=None, log=None):
        self.name = name
        self.number = number
        self.ok = ok
        self.directive = directive      # "SKIP", "TODO" or None
        self.reason = reason
        self.children = children or []
        self.plan = plan                # planned number of children
        self.log = log or []            # lines printed before its result

    @property
    def skipped(self):
        return self.directive == "SKIP"

    def __repr__(self):
        return "Test(%r, %s%s)" % (self.name, "ok" if self.ok else "not ok",
                                   " # " + self.directive
                                   if self.directive else "")


class Report:
    """Everything parsed from one log: the top-level tests (the suites),
    the top-level plan and the problems found in the structure."""

    def __init__(self, tests, plan, errors, seen):
        self.tests = tests
        self.plan = plan
        self.errors = errors
        self.seen = seen                # a KTAP version line was found

    def walk(self):
        """(dotted name, Test) for every test, parents before children."""
        def visit(prefix, tests):
            for t in tests:
                name = prefix + t.name
                yield name, t
                yield from visit(name + ".", t.children)
        yield from visit("", self.tests)

    def leaves(self):
        return [(n, t) for n, t in self.walk() if not t.children]

    def failures(self):
        """Dotted names of the failed tests that have no failed children,
        i.e. the cases (or parameters) that actually failed, plus any
        parent that failed without saying which child did."""
        out = []
        for name, t in self.walk():
            if t.ok:
                continue
            if any(not c.ok for c in t.children):
                continue
            out.append(name)
        return out

    def skips(self):
        return [n for n, t in self.walk() if t.skipped]

    def counts(self):
        """pass/fail/skip counts over the leaves."""
        c = {"pass": 0, "fail": 0, "skip": 0}
        for _, t in self.leaves():
            if t.skipped:
                c["skip"] += 1
            elif t.ok:
                c["pass"] += 1
            else:
                c["fail"] += 1
        return c

    def problems(self):
        """Everything that should fail a run: structural errors, failed
        tests and a missing KTAP block."""
        out = list(self.errors)
        if not self.seen:
            out.append("no KTAP output found")
        out.extend("failed: " + n for n in self.failures())
        return out


def _strip(line):
    line = line.rstrip("\r\n").replace("\r", "")
    m = _STAMP_RE.match(line)
    if m:
        line = line[m.end():]
    return line.replace("\t", "    ")


def parse(text):
    """Parse the KUnit KTAP output found in a console log."""
    # Per indentation level: the results seen so far, the plan, the
    # subtest name announced and the diagnostics since the last result.
    levels = {}
    errors = []
    seen = False
    top_plan = None

    def level(indent):
        return levels.setdefault(indent, {"tests": [], "plan": None,
                                          "name": None, "log": []})

    def close_children(indent, parent_name):
        """Take the results collected one level deeper than `indent`."""
        child = levels.pop(indent + 4, None)
        # Deeper levels left open belong to a test that never finished.
        for deeper in sorted(k for k in levels if k > indent + 4):
            lv = levels.pop(deeper)
            errors.append("%s: subtests at depth %d never finished" %
                          (lv["name"] or parent_name, deeper // 4))
        if child is None:
            return [], None
        if child["plan"] is not None and len(child["tests"]) != child["plan"]:
            errors.append("%s: planned %d subtests, got %d" %
                          (parent_name, child["plan"], len(child["tests"])))
        return child["tests"], child["plan"]

    for raw in text.splitlines():
        line = _strip(raw)
        m = _VERSION_RE.match(line)
        if m:
            seen = True
            indent = len(m.group(1))
            if indent == 0 and levels.get(0, {}).get("tests"):
                errors.append("a second KTAP block started at top level")
            level(indent)
            continue
        if not seen:
            continue
        m = _PLAN_RE.match(line)
        if m:
            indent = len(m.group(1))
            level(indent)["plan"] = int(m.group(2))
            if indent == 0:
                top_plan = int(m.group(2))
            continue
        m = _SUBTEST_RE.match(line)
        if m:
            level(len(m.group(1)))["name"] = m.group(2).strip()
            continue
        m = _RESULT_RE.match(line)
        if m:
            indent = len(m.group(1))
            name = (m.group(4) or "").strip() or "test %s" % m.group(3)
            children, plan = close_children(indent, name)
            lv = level(indent)
            t = Test(name, int(m.group(3)), m.group(2) == "ok",
                     directive=m.group(5), reason=(m.group(6) or "").strip(),
                     children=children, plan=plan, log=lv["log"])
            lv["log"] = []
            lv["tests"].append(t)
            if indent == 0 and top_plan is not None and \
                    len(lv["tests"]) == top_plan:
                break           # the run is complete; the rest is not KTAP
            continue
        # Anything else (diagnostics, a failed expectation's detail, other
        # kernel messages) is kept as the log of the innermost open level.
        if line.strip() and levels:
            indent = len(_INDENT_RE.match(line).group(1))
            deepest = max((k for k in levels if k <= indent), default=0)
            level(deepest)["log"].append(line.strip())

    for indent in sorted((k for k in levels if k > 0), reverse=True):
        lv = levels.pop(indent)
        errors.append("%s: results at depth %d never finished (%d done)" %
                      (lv["name"] or "?", indent // 4, len(lv["tests"])))
    top = levels.get(0, {"tests": []})["tests"]
    if top_plan is not None and len(top) != top_plan:
        errors.append("planned %d suites, got %d" % (top_plan, len(top)))
    return Report(top, top_plan, errors, seen)
