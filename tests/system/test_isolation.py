# SPDX-License-Identifier: GPL-2.0
"""Isolation test kernels (tests/pv/isolation/, docs/security.md).

Each kernel tries one attack an unprivileged guest kernel could make on
the hypervisor and checks that it is refused.  On Veneer it runs as an
unprivileged boot-time domU (d1) beside dom0 (tests/pv/domu/dom0_waiter),
which is where an attacker sits; the test then checks that the domU ended
with its verdict, that dom0 outlived it, that the page-type audit held and
that every one of the domU's pages came back.  On Xen 4.17, which builds
no domUs at boot, the same kernel runs as dom0, which keeps the expected
behaviour honest.

A kernel describes itself in its source (see tests/pv/isolation/
isolation.h): `veneer-log:` lines the hypervisor must print, `xen: skip`
or `xen: xfail` with a reason, `mem:` for the domU's memory in MiB,
`domus:` for how many copies, `dom0-args:` for words added to
dom0_waiter's command line (e.g. `recreate=1`), `domu-args:` for words added to each domU's
command line on Veneer (e.g. `veneer.affinity=1`), `veneer-args:` for
words added to the hypervisor's (e.g. `pt_audit_pins=off`: the audit
still runs at shutdown), `veneer-end: crash` for
a kernel that crashes on purpose on Veneer (no verdict, "shutdown: crash").
"""

import glob
import os
import re

import pytest

import qemu
import test_pv_on_xen as pvx

ISO_SRC = os.path.join(qemu.TOP, "tests", "pv", "isolation")
ISO_BUILD = os.path.join(qemu.BUILD, "tests", "pv", "isolation")
DOMU_BUILD = os.path.join(qemu.BUILD, "tests", "pv", "domu")
EXIT_POWEROFF = 33
TIMEOUT = 300

META_RE = re.compile(r"^\s*\*?\s*(veneer-log|xen|mem|domus|domu-args|"
                     r"dom0-args|veneer-args|veneer-end):\s*(.*?)\s*$", re.M)


def names():
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(ISO_SRC, "*.c")))


def meta(name):
    with open(os.path.join(ISO_SRC, name + ".c"), encoding="utf-8") as f:
        text = f.read()
    out = {"veneer-log": [], "xen": None, "mem": 16, "domus": 1,
           "domu-args": "", "dom0-args": "", "veneer-args": "", "veneer-end": "poweroff"}
    for key, value in META_RE.findall(text):
        if key == "veneer-log":
            out["veneer-log"].append(value)
        elif key == "xen":
            out["xen"] = value.split(None, 1)
        elif key in ("domu-args", "dom0-args", "veneer-args",
                     "veneer-end"):
            out[key] = value
        else:
            out[key] = int(value)
    return out


def kernel(directory, name):
    path = os.path.join(directory, name + ".elf")
    if not os.path.exists(path):
        pytest.fail("%s is missing: run 'make isolation-kernels'" %
                    os.path.relpath(path, qemu.TOP))
    return path


def read_log(m):
    m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        return f.read()


def assert_free_pages_back(log):
    """The heap's free count once the last domU's shell is freed is the
    count before d1 was created: no frame kept, none lost (a frame held
    past its owner's death is freed at its last reference)."""
    before = re.search(r"d1: creating, (\d+) pages free", log)
    after = re.findall(r"d\d+: domain and vCPU structures freed, "
                       r"(\d+) pages free", log)
    assert before and after, "no free-page counts in the log"
    assert int(after[-1]) == int(before.group(1)), \
        "free pages: %s before d1, %s after" % (before.group(1), after[-1])


@pytest.mark.parametrize("name", names())
def test_isolation_on_veneer_as_domu(name):
    info = meta(name)
    n = info["domus"]
    mods = [("%s domus=%s %s" % (kernel(DOMU_BUILD, "dom0_waiter"),
                                 ",,".join(str(i) for i in range(1, n + 1)),
                                 info["dom0-args"])).rstrip()]
    for i in range(1, n + 1):
        mods.append(("%s pvtest=%s iso_role=%d veneer.mem=%dM %s" %
                     (kernel(ISO_BUILD, name), name, i, info["mem"],
                      info["domu-args"])).rstrip())
    args = ["-m", "512M", "-smp", "2", "-kernel", qemu.VENEER_ELF,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-append", ("noreboot pt_audit domu_console " +
                        info["veneer-args"]).rstrip(),
            "-initrd", ",".join(mods)]
    with qemu.Machine("iso-veneer-%s" % name, args, timeout=TIMEOUT) as m:
        m.expect(r"dom0_waiter: all %d domUs gone" % n)
        m.expect(pvx.RESULT_RE)
        status = m.wait_exit(timeout=60)
        log = read_log(m)
    for d in range(1, n + 1):
        verdict = re.search(r"\(d%d\) Test result: (SUCCESS|FAILURE)"
                            r"([^\r\n]*)" % d, log)
        if info["veneer-end"] == "crash":
            assert not verdict, verdict.group(0)
        else:
            assert verdict, "d%d gave no verdict:\n%s" % (d, log[-3000:])
            assert verdict.group(1) == "SUCCESS", verdict.group(2)
        assert "d%d shutdown: %s" % (d, info["veneer-end"]) in log
        # every page of the domU came back, or was still referenced
        # elsewhere and came back at its last reference (the free-page
        # count below)
        gone = re.search(r"d%d destroyed: (\d+) pages freed(?:, (\d+) "
                         r"still referenced elsewhere)?" % d, log)
        assert gone and (int(gone.group(1)) + int(gone.group(2) or 0) ==
                         info["mem"] << 8), \
            re.findall(r"d%d destroyed: [^\r\n]*" % d, log)
    assert status == EXIT_POWEROFF, log[-3000:]
    assert_free_pages_back(log)
    assert "FATAL TRAP" not in log and "PANIC" not in log
    assert "INVARIANTS BROKEN" not in log
    assert not re.search(r"\(d\d\) pt_audit: ", log), "pt_audit complaint"
    for line in info["veneer-log"]:
        assert re.search(line, log), "no log line /%s/" % line


def xen_params():
    out = []
    for name in names():
        xen = meta(name)["xen"]
        marks = []
        if xen and xen[0] == "skip":
            marks.append(pytest.mark.skip(reason=xen[1]))
        elif xen and xen[0] == "xfail":
            marks.append(pytest.mark.xfail(strict=True, reason=xen[1]))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.parametrize("name", xen_params())
def test_isolation_on_xen_as_dom0(name):
    path = kernel(ISO_BUILD, name)
    with qemu.Machine("iso-xen-%s" % name,
                      pvx.XEN.args(path, "pvtest=" + name),
                      timeout=pvx.BOOT_TIMEOUT) as m:
        match = m.expect(pvx.RESULT_RE, timeout=pvx.BOOT_TIMEOUT)
        verdict, reason = match.group(1), match.group(2).strip()
        m.expect(pvx.XEN.poweroff_re if verdict == "SUCCESS"
                 else pvx.XEN.crash_re, timeout=pvx.SHUTDOWN_TIMEOUT)
    assert verdict == "SUCCESS", reason
