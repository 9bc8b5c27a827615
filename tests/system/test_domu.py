# SPDX-License-Identifier: GPL-2.0
"""Boot-time domUs (docs/domains.md): built from extra Multiboot modules,
their console output in the hypervisor log, destroyed when they shut down
or crash while dom0 and the other domains keep running.

The PV test-kernel part uses tests/pv/domu/: dom0_waiter (dom0) connects
an event channel with each domU, waits for VIRQ_DOM_EXC and for its end
of every channel to fall back to unbound, then powers off; domu_hello
says hello through console_io and powers off; domu_crash faults with no
trap handler (a PV triple fault). The Linux part boots our dom0 kernel
and initramfs three times: as dom0 and as two domUs.
"""

import os
import re

import pytest

import qemu

EXIT_POWEROFF = 33
DOMU_DIR = os.path.join(qemu.BUILD, "tests", "pv", "domu")


def domu_kernel(name):
    path = os.path.join(DOMU_DIR, name + ".elf")
    if not os.path.exists(path):
        pytest.fail("%s is missing: run 'make domu-kernels'" % path)
    return path


def veneer_domains_args(domains, append="domu_console", memory="512M",
                        smp=2):
    """Veneer with one kernel module per domain, dom0 first. `domains` is
    a list of (kernel, cmdline[, initrd]); QEMU's -initrd list is
    comma-separated, so commas in a command line are doubled."""
    mods = []
    for dom in domains:
        kernel, cmdline = dom[0], dom[1]
        mods.append(("%s %s" % (qemu.elf_kernel(kernel), cmdline))
                    .rstrip().replace(",", ",,"))
        if len(dom) > 2 and dom[2]:
            mods.append(dom[2])
    return ["-m", memory, "-smp", str(smp), "-kernel", qemu.VENEER_ELF,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-append", append, "-initrd", ",".join(mods)]


def read_log(m):
    m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        return f.read()


def pages(mib):
    return mib << 8


def test_pv_domus_shut_down_and_crash_while_dom0_waits():
    domains = [
        (domu_kernel("dom0_waiter"), "domus=1,2"),
        # d1: options parsed and stripped; pinned to CPU1
        (domu_kernel("domu_hello"),
         "veneer.mem=32M veneer.affinity=1 veneer.weight=512 veneer.cap=50"),
        (domu_kernel("domu_crash"), "veneer.mem=16M"),
        # d3: a bad option value: not built, the rest boots
        (domu_kernel("domu_hello"), "veneer.vcpus=99"),
    ]
    with qemu.Machine("domu-pv", veneer_domains_args(domains),
                      timeout=120) as m:
        m.expect(r"dom0_waiter: all 2 domUs gone after (\d+) ms, "
                 r"VIRQ_DOM_EXC seen (\d+) times")
        gone_ms = int(m.child.match.group(1))
        m.expect("Test result: SUCCESS")
        status = m.wait_exit(timeout=60)
        log = read_log(m)
    print("domUs gone %d ms after dom0 started" % gone_ms)
    assert status == EXIT_POWEROFF, log[-3000:]
    # built as asked; the bad one left out with a clear reason
    assert re.search(r"d1: 'Veneer-PV-test' 32 MiB, 1 vCPU, .*cmdline ''",
                     log)
    assert re.search(r"d2: 'Veneer-PV-test' 16 MiB, 1 vCPU", log)
    assert re.search(r"ERROR: d3: module 3: bad value '99' for "
                     r"veneer.vcpus: .*domain not built", log)
    assert "domUs: 2 of 3 built" in log
    assert "d3 shutdown" not in log
    # d1's console line arrives whole, written in two hypercalls
    assert "(d1) domu_hello: hello from a domU, channel to dom0 up" in log
    assert "(d1) Test result: SUCCESS" in log
    # both ended, were logged, and gave every page back
    assert "d1 shutdown: poweroff" in log
    assert "d2 crashed: unhandled exception" in log
    assert "(d2) domu_crash: last words without a newline\n" in log
    assert "d2 shutdown: crash" in log
    assert "d1 destroyed: %d pages freed" % pages(32) in log
    assert "d2 destroyed: %d pages freed" % pages(16) in log
    # and then their struct domain and vCPUs
    assert "d1: domain and vCPU structures freed" in log
    assert "d2: domain and vCPU structures freed" in log
    import test_isolation
    test_isolation.assert_free_pages_back(log)
    # dom0 outlived them
    assert log.index("d2 destroyed") < log.index("d0 shutdown: poweroff")
    assert log.index("d1 destroyed") < log.index("d0 shutdown: poweroff")


def test_domu_console_is_refused_without_domu_console():
    domains = [
        (domu_kernel("dom0_waiter"), "domus=1"),
        (domu_kernel("domu_hello"), "veneer.mem=8M"),
    ]
    with qemu.Machine("domu-pv-noconsole",
                      veneer_domains_args(domains, append=""),
                      timeout=120) as m:
        m.expect("Test result: SUCCESS")
        status = m.wait_exit(timeout=60)
        log = read_log(m)
    assert status == EXIT_POWEROFF, log[-3000:]
    refused = re.findall(r"d1: console_io write refused \(-EPERM\)", log)
    assert len(refused) == 1, log[-3000:]
    assert "(d1)" not in log
    # domu_hello checks its write and crashes when refused
    assert "d1 shutdown: crash" in log
    assert "d1 destroyed: %d pages freed" % pages(8) in log


def test_segment_selectors_stay_with_their_vcpu():
    """Two domUs share CPU0 and spin through many time slices, one with
    %fs = the flat data selector, one with null selectors: neither may
    see the other's (arch_context_switch() saves and loads them)."""
    domains = [
        (domu_kernel("dom0_waiter"), "domus=1,2"),
        (domu_kernel("domu_selectors"),
         "sel=set veneer.mem=8M veneer.affinity=0"),
        (domu_kernel("domu_selectors"),
         "sel=null veneer.mem=8M veneer.affinity=0"),
    ]
    with qemu.Machine("domu-pv-selectors", veneer_domains_args(domains),
                      timeout=120) as m:
        m.expect(r"all 2 domUs gone")
        status = m.wait_exit(timeout=60)
        log = read_log(m)
    assert status == EXIT_POWEROFF, log[-3000:]
    for d, what in ((1, "flat %fs"), (2, "null %fs/%gs")):
        assert re.search(r"\(d%d\) domu_selectors: %s kept for 1500 ms, "
                         r"\d+ checks, \d+ slices away" % (d, what), log), \
            log[-3000:]
        assert "d%d shutdown: poweroff" % d in log


# --- Linux ------------------------------------------------------------------
#
# One machine for both Linux tests (each Linux boot costs a minute of
# emulation): dom0 and two domUs (2 vCPUs each) run the dom0 workload at
# once, a third domU panics. dom0 then waits on its console until the test has seen
# every domU destroyed, and powers off.

LINUX_TIMEOUT = 900
DOMU_MEM_MIB = 448      # the workload keeps a 256 MiB file in tmpfs
PANIC_MEM_MIB = 192
DOMU_APPEND = "earlyprintk=xen keep_bootcon"

# What Linux domains may be refused (each logged once): the calls Linux
# makes, tolerates failing, and Veneer does not implement
# (test_dom0_linux.py's list, for any domain).
EXPECTED_REFUSALS = [
    r"\(d\d+v\d+\) (platform_op|memory_op|event_channel_op|physdev_op) "
    r"\d+: not implemented: -ENOSYS",
    r"\(d\d+v\d+\) unknown hypercall 40: -ENOSYS",
    # the panicking domU
    r"d3 crashed: .*",
]


def domain_lines(log, domid):
    """What domain `domid` printed: dom0's console lines are unprefixed,
    a domU's are "(dN) [  time] text" (its kernel log). A domU's line is
    always whole, but may land in the middle of one of dom0's, which
    writes its console in pieces."""
    out = []
    for line in log.splitlines():
        line = line.rstrip("\r")
        pieces = re.split(r"(?=\(d\d+\) )", line)
        if pieces and pieces[0] and not line.startswith("(veneer)"):
            if domid == 0:
                out.append(pieces[0])
        for piece in pieces[1:]:
            m = re.match(r"\(d(\d+)\) (?:\[ *\d+\.\d+\] )?(.*)$", piece)
            if m and int(m.group(1)) == domid:
                out.append(m.group(2))
    return "\n".join(out)


def workload_steps(text):
    """{step: "OK" or "FAIL ..."} and whether the DONE line says 5 of 5."""
    steps = dict(re.findall(r"^WORKLOAD (\w+) (OK|FAIL[^\n]*)", text, re.M))
    steps.pop("DONE", None)
    done = re.search(r"^WORKLOAD DONE pass=5 fail=0$", text, re.M)
    return steps, bool(done)


@pytest.fixture(scope="module")
def linux_run():
    import test_dom0_linux as t
    for path, target in ((qemu.GUEST_VMLINUX, "guest-kernel"),
                         (qemu.DOM0_INITRAMFS, "initramfs")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run 'make %s'" % (path, target))
    kernel, initrd = qemu.GUEST_VMLINUX, qemu.DOM0_INITRAMFS
    dom0_run = ("veneer-workload 0 %s; r=$?; echo DOM0-WAITING-FOR-DOMUS; "
                "read -t 900 x; exit $r" % t.expected_tmpfs_sha("0"))
    domains = [(kernel, "console=hvc0 " + qemu.kernel_append(run=dom0_run),
                initrd)]
    for tag in ("1", "2"):
        run = "veneer-workload %s %s" % (tag, t.expected_tmpfs_sha(tag))
        domains.append((kernel, "veneer.mem=%dM veneer.vcpus=2 %s %s" % (
            DOMU_MEM_MIB, DOMU_APPEND, qemu.kernel_append(run=run)), initrd))
    # our kernel has no magic SysRq: the stock Debian kernel panics
    domains.append((qemu.fetch_debian_kernel(), "veneer.mem=%dM %s %s" % (
        PANIC_MEM_MIB, DOMU_APPEND,
        qemu.kernel_append(run="echo c > /proc/sysrq-trigger")), initrd))
    args = veneer_domains_args(
        domains, append="domu_console dom0_mem=512M dom0_max_vcpus=2",
        memory="2G", smp=2)
    with qemu.Machine("domu-linux", args, timeout=LINUX_TIMEOUT) as m:
        times = {}
        # in the order they happen to come; pexpect takes the earliest
        waiting = {"dom0 ready": r"\nVENEER-DOM0-READY",
                   "d1 destroyed": r"d1 destroyed: \d+ pages freed",
                   "d2 destroyed": r"d2 destroyed: \d+ pages freed",
                   "d3 destroyed": r"d3 destroyed: \d+ pages freed",
                   "dom0 waiting": r"\nDOM0-WAITING-FOR-DOMUS"}
        while waiting:
            names = list(waiting)
            match = m.expect([waiting[n] for n in names])
            name = next(n for n in names
                        if match.re.pattern == waiting[n])
            times[name] = m.elapsed()
            del waiting[name]
        m.sendline("")
        m.expect(r"\nVENEER-RUN-EXIT=(\d+)")
        dom0_exit = int(m.child.match.group(1))
        status = m.wait_exit(timeout=120)
        times["end"] = m.elapsed()
        log = read_log(m)
    print("Linux domUs: %s" % ", ".join("%s %.0fs" % kv
                                        for kv in times.items()))
    return {"log": log, "status": status, "dom0_exit": dom0_exit}


def test_linux_dom0_and_two_domus_run_the_workload_at_once(linux_run):
    """dom0 and two Linux domUs, 2 vCPUs each on 2 CPUs, each runs the
    dom0 workload at the same time: all pass, nothing refused."""
    log = linux_run["log"]
    assert linux_run["status"] == EXIT_POWEROFF, log[-3000:]
    assert linux_run["dom0_exit"] == 0, domain_lines(log, 0)[-3000:]
    for d in (1, 2):
        assert re.search(r"d%d: 'linux' %d MiB, 2 vCPUs" % (d, DOMU_MEM_MIB),
                         log)
        out = domain_lines(log, d)
        assert re.search(r"VENEER-DOMU-READY kernel=\S+ cpus=2", out), \
            out[-3000:]
        assert "VENEER-RUN-EXIT=0" in out, out[-3000:]
        assert "d%d shutdown: poweroff" % d in log
        # all its memory back (+ the grant-table frames it grew)
        m = re.search(r"d%d destroyed: (\d+) pages freed" % d, log)
        assert m and int(m.group(1)) >= pages(DOMU_MEM_MIB), m
    for d in (0, 1, 2):
        steps, done = workload_steps(domain_lines(log, d))
        failed = {k: v for k, v in steps.items() if v != "OK"}
        assert not failed, (d, failed)
        assert set(steps) >= {"fork_exec", "pipe_pingpong", "mmap_64m",
                              "tmpfs_256m", "sleep_2"}, (d, steps)
        assert done, d
    # the domUs had no store daemon and dom0 had its own
    assert "init: store daemon started" in domain_lines(log, 0)
    assert re.search(r"VENEER-DOM0-READY kernel=\S+ cpus=2",
                     domain_lines(log, 0)), "dom0 is not on 2 vCPUs"
    assert "store daemon" not in domain_lines(log, 1)
    import test_dom0_linux as t
    bad = t.unexpected_refusals(log, EXPECTED_REFUSALS)
    assert not bad, "unexpected hypervisor refusals:\n" + "\n".join(bad)


def test_linux_domu_panic_destroys_only_that_domain(linux_run):
    log = linux_run["log"]
    out = domain_lines(log, 3)
    assert "Kernel panic - not syncing: sysrq triggered crash" in out, \
        out[-3000:]
    assert "d3 shutdown: crash" in log
    m = re.search(r"d3 destroyed: (\d+) pages freed", log)
    assert m and int(m.group(1)) >= pages(PANIC_MEM_MIB)
    # dom0 and the other domUs went on to finish their work
    assert log.index("d3 destroyed") < log.index("d1 shutdown: poweroff")
    assert log.index("d3 destroyed") < log.index("d2 shutdown: poweroff")
    assert linux_run["status"] == EXIT_POWEROFF
