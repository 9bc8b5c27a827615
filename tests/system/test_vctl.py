# SPDX-License-Identifier: GPL-2.0
"""vctl (dom0/vctl, docs/vctl.md) in a Veneer dom0 with a boot-time domU.

One machine for all of it (each Linux boot costs most of a minute of
emulation): our kernel and initramfs as dom0 (2 vCPUs, 512 MiB) and as
domain 1 (1 vCPU, 128 MiB), which spins in a shell loop so that its CPU
time moves whenever it may run.  Once both are up, the test types vctl
commands at dom0's shell, collects what each printed and its exit status,
and powers dom0 off; the tests below check what was collected.

Each command runs through a shell function r that prints its stdout,
stderr and status between numbered markers, so a line another domain or
the hypervisor prints on the same serial port cannot be taken for output.
"""

import json
import os
import re

import pytest

import qemu
from test_domu import EXPECTED_REFUSALS, read_log, veneer_domains_args

TIMEOUT = 600
DOM0_MEM_MIB = 512
DOMU_MEM_MIB = 128
# Long enough that a running domU's time moves under TCG, whatever the
# load; the checks are "equal while paused" and "larger after", not rates.
WAIT_S = 5

# r N CMD...: CMD's stdout, stderr and status between markers with N.
SHELL_HELPER = ('r() { n=$1; shift; "$@" >/tmp/o 2>/tmp/e; c=$?; '
                'echo "@@B$n"; cat /tmp/o; echo "@@E$n"; cat /tmp/e; '
                'echo "@@R$n=$c"; }')


def clean(text):
    """What dom0 printed, without the lines the hypervisor put on the same
    serial port: a domU's console ("(d1) ...") and the log line it prints
    whenever a domain's last reference goes ("(veneer) d1: domain and vCPU
    structures freed ...", from a timer, so at any moment).  They are
    whole lines but may land in the middle of one of dom0's.  Other
    "(veneer)" lines are kept: `vctl dmesg` prints them."""
    return re.sub(r"\((?:d[1-9]\d*\) |veneer\) d\d+: domain and vCPU "
                  r"structures freed)[^\n]*\n?", "", text.replace("\r", ""))


class Dom0Shell:
    def __init__(self, m):
        self.m = m
        self.n = 0
        self.results = []

    def run(self, *argv, timeout=120):
        """Run argv in dom0; returns (status, stdout, stderr)."""
        self.n += 1
        n = self.n
        self.m.sendline("r %d %s" % (n, " ".join(argv)))
        self.m.expect(r"@@B%d\r*\n(.*?)@@E%d\r*\n(.*?)@@R%d=(\d+)"
                      % (n, n, n), timeout=timeout)
        g = self.m.child.match
        res = (int(g.group(3)), clean(g.group(1)), clean(g.group(2)))
        self.results.append((" ".join(argv),) + res)
        return res

    def sleep(self, seconds):
        self.run("sleep", str(seconds))


def domu_args():
    kernel, initrd = qemu.GUEST_VMLINUX, qemu.DOM0_INITRAMFS
    domains = [
        (kernel, "console=hvc0 " + qemu.kernel_append(), initrd),
        # veneer.toolstack: kept when it shuts down, as domains dom0
        # creates will be (docs/domains.md)
        (kernel, "veneer.mem=%dM veneer.vcpus=1 veneer.toolstack "
         "earlyprintk=xen keep_bootcon %s" % (DOMU_MEM_MIB, qemu.kernel_append(
             run="echo DOMU-SPINNING; while :; do :; done")), initrd),
    ]
    return veneer_domains_args(
        domains, append="domu_console dom0_mem=%dM dom0_max_vcpus=2"
        % DOM0_MEM_MIB, memory="1G", smp=2)


@pytest.fixture(scope="module")
def session():
    for path, target in ((qemu.GUEST_VMLINUX, "guest-kernel"),
                         (qemu.DOM0_INITRAMFS, "initramfs")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run 'make %s'" % (path, target))
    out = {}
    with qemu.Machine("vctl", domu_args(), timeout=TIMEOUT) as m:
        waiting = {"dom0": r"Quit QEMU with Ctrl-A X",
                   "domU": r"\(d1\) (?:\[ *\d+\.\d+\] )?DOMU-SPINNING"}
        while waiting:
            names = list(waiting)
            match = m.expect([waiting[k] for k in names])
            del waiting[next(k for k in names
                             if match.re.pattern == waiting[k])]
        m.sendline(SHELL_HELPER)
        sh = Dom0Shell(m)
        out["list"] = sh.run("vctl", "list")
        out["list_json"] = sh.run("vctl", "list", "--json")
        out["list_l"] = sh.run("vctl", "list", "-l")
        out["info"] = sh.run("vctl", "info")
        out["info_json"] = sh.run("vctl", "info", "--json")
        out["vcpu_list"] = sh.run("vctl", "vcpu-list", "--json")
        out["pin"] = sh.run("vctl", "vcpu-pin", "1", "0", "1")
        out["vcpu_list_1"] = sh.run("vctl", "vcpu-list", "--json", "1")
        out["sched_set"] = sh.run("vctl", "sched-credit", "-d", "1",
                                  "-w", "512", "-c", "80")
        out["sched"] = sh.run("vctl", "sched-credit")
        out["mem_max"] = sh.run("vctl", "mem-max", "1", "256m")
        out["counters"] = sh.run("vctl", "counters", "--json", "Domain-0")
        # pause: the domU's time stands still, then moves again
        out["before_pause"] = sh.run("vctl", "list", "--json", "1")
        out["pause"] = sh.run("vctl", "pause", "1")
        out["paused_1"] = sh.run("vctl", "list", "--json", "1")
        sh.sleep(WAIT_S)
        out["paused_2"] = sh.run("vctl", "list", "--json", "1")
        out["unpause"] = sh.run("vctl", "unpause", "1")
        sh.sleep(WAIT_S)
        out["unpaused"] = sh.run("vctl", "list", "--json", "1")
        out["unpause_again"] = sh.run("vctl", "unpause", "1")
        # refusals: one clear line, non-zero
        out["unknown_verb"] = sh.run("vctl", "frobnicate")
        out["create"] = sh.run("vctl", "create", "/etc/x.cfg")
        out["bad_name"] = sh.run("vctl", "pause", "no-such-guest")
        out["no_domain"] = sh.run("vctl", "pause", "42")
        out["pause_dom0"] = sh.run("vctl", "pause", "Domain-0")
        # consoled runs (dom0's init); a boot-time domU has no console
        # ring, so nothing to attach to
        out["console_1"] = sh.run("vctl", "console", "1")
        out["consoled_log"] = sh.run("cat", "/run/consoled.log")
        # destroy: the domU goes, dom0 stays
        out["destroy"] = sh.run("vctl", "destroy", "1")
        out["after_destroy"] = sh.run("vctl", "list", "--json")
        out["destroy_again"] = sh.run("vctl", "destroy", "1")
        out["dmesg"] = sh.run("vctl", "dmesg")
        out["dmesg_c"] = sh.run("vctl", "dmesg", "-c")
        out["dmesg_after_c"] = sh.run("vctl", "dmesg")
        out["alive"] = sh.run("echo", "dom0-still-here")
        out["results"] = sh.results
        m.sendline("poweroff")
        out["status"] = m.wait_exit(timeout=120)
        out["log"] = read_log(m)
    print("\n".join("$ %s -> %d\n%s%s" % r for r in out["results"]))
    return out


def ok(res):
    status, stdout, stderr = res
    assert status == 0, stderr
    assert stderr == ""
    return stdout


def refused(res):
    """A refusal: non-zero, nothing on stdout, one line on stderr."""
    status, stdout, stderr = res
    assert status != 0
    assert stdout == ""
    assert len(stderr.splitlines()) == 1, stderr
    return stderr.strip()


def by_id(doms):
    return {d["domid"]: d for d in doms}


def test_list_shows_dom0_and_the_domu_with_their_memory_and_vcpus(session):
    table = ok(session["list"]).splitlines()
    assert table[0].split() == ["Name", "ID", "Mem", "VCPUs", "State",
                                "Time(s)"]
    rows = {line.split()[1]: line.split() for line in table[1:]}
    assert set(rows) == {"0", "1"}, table
    assert rows["0"][0] == "Domain-0"
    assert rows["1"][0] == "1"    # domUs have no names yet
    doms = by_id(json.loads(ok(session["list_json"])))
    assert set(doms) == {0, 1}
    # what the command lines asked for (a domain may hold a few more
    # pages than asked: grant-table frames)
    for domid, mib, vcpus in ((0, DOM0_MEM_MIB, 2), (1, DOMU_MEM_MIB, 1)):
        d = doms[domid]
        assert mib <= d["mem_mib"] <= mib + 4, d
        assert d["vcpus"] == vcpus, d
        assert d["max_vcpus"] == vcpus, d
        assert int(rows[str(domid)][2]) == d["mem_mib"]
        assert int(rows[str(domid)][3]) == vcpus
        assert re.fullmatch(r"[r-][b-]----", d["state"]), d
        assert d["cpu_time_ns"] > 0
    assert doms[0]["name"] == "Domain-0"
    long_rows = ok(session["list_l"]).splitlines()
    assert long_rows[0].split()[6:] == ["MaxMem", "MaxVCPUs", "Shutdown"]


def test_info_describes_the_host(session):
    text = ok(session["info"])
    assert re.search(r"^nr_cpus +: 2$", text, re.M), text
    info = json.loads(ok(session["info_json"]))
    assert info["nr_cpus"] == 2
    # QEMU's -m 1G: the hypervisor manages most of it, dom0 and the domU
    # hold part of that
    assert 0 < info["free_memory_mib"] < info["total_memory_mib"] <= 1024
    assert info["total_memory_mib"] > DOM0_MEM_MIB + DOMU_MEM_MIB
    assert info["mgmt_version"] == "1.0"


def test_vcpu_list_and_pin(session):
    vcpus = json.loads(ok(session["vcpu_list"]))
    assert sorted((v["domid"], v["vcpu"]) for v in vcpus) == \
        [(0, 0), (0, 1), (1, 0)]
    assert all(v["online"] for v in vcpus)
    ok(session["pin"])
    (v,) = json.loads(ok(session["vcpu_list_1"]))
    assert v["affinity"] == "1" and v["affinity_mask"] == 2, v


def test_sched_credit_and_mem_max(session):
    ok(session["sched_set"])
    rows = {line.split()[1]: line.split()
            for line in ok(session["sched"]).splitlines()[1:]}
    assert rows["1"][2:] == ["512", "80"], rows
    ok(session["mem_max"])
    assert "d1: memory limit 65536 pages" in session["log"]


def test_counters_of_dom0(session):
    c = json.loads(ok(session["counters"]))
    assert c["domid"] == 0
    # vctl itself just made management hypercalls
    assert c["hypercalls"]["veneer_mgmt"] > 0
    assert c["hypercalls"]["mmu_update"] > 0


def test_pause_stops_the_domus_time_and_unpause_restarts_it(session):
    ok(session["pause"])
    before = json.loads(ok(session["before_pause"]))[0]
    p1 = json.loads(ok(session["paused_1"]))[0]
    p2 = json.loads(ok(session["paused_2"]))[0]
    assert p1["paused"] and p2["paused"] and "p" in p2["state"]
    assert not p2["running"]
    assert p1["cpu_time_ns"] >= before["cpu_time_ns"]
    assert p2["cpu_time_ns"] == p1["cpu_time_ns"], \
        "CPU time moved while paused"
    ok(session["unpause"])
    after = json.loads(ok(session["unpaused"]))[0]
    assert not after["paused"]
    assert after["cpu_time_ns"] > p2["cpu_time_ns"], \
        "CPU time did not move after unpause"
    assert refused(session["unpause_again"]) == \
        "vctl: unpause: 1: not paused (or being destroyed)"


def test_bad_verbs_and_domains_are_one_clear_line(session):
    assert refused(session["unknown_verb"]) == \
        "vctl: frobnicate: unknown verb (try 'vctl help')"
    assert refused(session["create"]).startswith(
        "vctl: create: /etc/x.cfg: ")
    assert refused(session["bad_name"]) == \
        "vctl: pause: no domain named 'no-such-guest'"
    assert refused(session["no_domain"]) == \
        "vctl: pause: 42: no such domain"
    assert refused(session["pause_dom0"]).startswith(
        "vctl: pause: Domain-0: dom0 cannot be paused")


def test_console_back_end_runs_and_a_boot_time_domu_has_no_console(session):
    log = ok(session["consoled_log"])
    assert log.startswith("consoled: serving consoles on "
                          "/var/run/veneer/consoled.sock"), log
    assert refused(session["console_1"]) == \
        "vctl: console: domain 1 has no console here"


def test_destroy_removes_the_domu_and_dom0_runs_on(session):
    ok(session["destroy"])
    doms = json.loads(ok(session["after_destroy"]))
    assert [d["domid"] for d in doms] == [0]
    assert refused(session["destroy_again"]) == \
        "vctl: destroy: 1: no such domain"
    assert ok(session["alive"]) == "dom0-still-here\n"
    m = re.search(r"d1 destroyed: (\d+) pages freed", session["log"])
    assert m and int(m.group(1)) >= DOMU_MEM_MIB << 8
    assert session["status"] == 33     # dom0's poweroff
    import test_dom0_linux as t
    bad = t.unexpected_refusals(session["log"], EXPECTED_REFUSALS)
    assert not bad, "unexpected hypervisor refusals:\n" + "\n".join(bad)


def test_dmesg_shows_the_hypervisor_log_and_clears_it(session):
    text = ok(session["dmesg"])
    assert re.search(r"d1 destroyed: \d+ pages freed", text), text[-2000:]
    # every line is one the hypervisor printed on its serial console
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines
    for line in lines[-20:]:
        assert line in session["log"], line
    ok(session["dmesg_c"])
    assert "d1 destroyed" not in ok(session["dmesg_after_c"])
