# SPDX-License-Identifier: GPL-2.0
"""Linux 6.1 as a PV dom0 doing real work (the Linux dom0 issue's tests).

Written against real Xen 4.17 first, the oracle: each test is
parametrized over the hypervisors in HYPERVISORS, and Veneer joins the
list once it boots Linux (a Veneer entry that cannot boot would only burn
CI time on timeouts). Each hypervisor record says how to boot a dom0
kernel and what it prints when dom0 powers off.
"""

import hashlib
import re

import pytest

import qemu

BOOT_TIMEOUT = 300
WORKLOAD_TIMEOUT = 600
TMPFS_BYTES = 256 << 20


# What Veneer may say while Linux boots and works as dom0: the calls Linux
# makes, tolerates failing, and Veneer does not implement (each logged
# once; docs/hypervisor.md lists why each is safe). Any other warning or
# error from the hypervisor is an unexpected refusal.
VENEER_EXPECTED_REFUSALS = [
    r"\(d0v\d+\) (platform_op|memory_op|event_channel_op|physdev_op) \d+: "
    r"not implemented: -ENOSYS",
    r"\(d0v\d+\) unknown hypercall 40: -ENOSYS",  # xenpmu
]


def unexpected_refusals(console, expected=VENEER_EXPECTED_REFUSALS):
    """Hypervisor WARNING/ERROR lines that match none of the `expected`
    patterns (VENEER_EXPECTED_REFUSALS unless told otherwise)."""
    out = []
    for line in console.splitlines():
        m = re.search(r"\(veneer\) (?:WARNING|ERROR): (.*?)\r?$", line)
        if m and not any(re.fullmatch(p, m.group(1)) for p in expected):
            out.append(m.group(1))
    return out


class Hypervisor:
    def __init__(self, name, args, poweroff_exit, crash, skip=None):
        self.name = name
        self.args = args                    # (kernel, cmdline, **kw) -> args
        self.poweroff_exit = poweroff_exit  # QEMU status after poweroff
        # after a dom0 panic: (what the hypervisor prints, QEMU's exit
        # status, or None if the machine stays up halted)
        self.crash = crash
        self.skip = skip or {}              # test name -> why it cannot pass


HYPERVISORS = [
    # Xen powers the machine off through ACPI S5: QEMU exits with 0.
    Hypervisor("xen", qemu.xen_dom0_args, poweroff_exit=0,
               crash=(r"Hardware Dom0 crashed", None)),
    # Veneer's isa-debug-exit status for a dom0 poweroff is 33.
    # Veneer's isa-debug-exit status for a dom0 crash is 35.
    Hypervisor("veneer", qemu.veneer_dom0_args, poweroff_exit=33,
               crash=(r"d0 shutdown: crash", 35)),
]


@pytest.fixture(params=HYPERVISORS, ids=lambda h: h.name)
def hv(request, guest_kernel, dom0_initramfs):
    reason = request.param.skip.get(request.function.__name__)
    if reason:
        pytest.skip("%s: %s" % (request.param.name, reason))
    return request.param


def dom0(hv, name, cmdline, kernel=None, **kw):
    kernel = kernel or qemu.GUEST_VMLINUX
    return qemu.Machine("dom0-%s-%s" % (hv.name, name),
                        hv.args(kernel, "console=hvc0 " + cmdline,
                                initrd=qemu.DOM0_INITRAMFS, **kw),
                        timeout=BOOT_TIMEOUT)


def expected_tmpfs_sha(tag):
    """The sha256 veneer-workload's tmpfs file must read back with: its
    content is `yes "veneer workload TAG"` cut at 256 MiB."""
    line = b"veneer workload %s\n" % tag.encode()
    data = (line * (TMPFS_BYTES // len(line) + 1))[:TMPFS_BYTES]
    return hashlib.sha256(data).hexdigest()


def workload_results(text):
    steps = dict(re.findall(r"WORKLOAD (\w+) (OK|FAIL[^\r\n]*)", text))
    failed = {k: v for k, v in steps.items() if k != "DONE" and v != "OK"}
    return steps, failed


def test_dom0_shell_sees_xen_and_clean_dmesg(hv):
    with dom0(hv, "shell", "") as m:
        m.expect(qemu.READY_MARKER)
        print("%s: dom0 ready marker after %.1fs (wall time, no assertion)"
              % (hv.name, m.elapsed()))
        m.expect("Quit QEMU with Ctrl-A X")
        m.sendline("cat /sys/hypervisor/type; echo caps=$(cat "
                   "/proc/xen/capabilities)")
        m.expect(r"\r\nxen\r*\n", timeout=60)
        m.expect(r"caps=control_d", timeout=60)
        m.sendline("dmesg | grep -cE 'WARNING|BUG|Oops|Call Trace'; "
                   "echo dmesg-checked")
        m.expect(r"\r\n(\d+)\r*\ndmesg-checked", timeout=60)
        assert m.child.match.group(1) == "0", \
            "dmesg has warnings:\n" + m.tail(80)


def test_dom0_workload(hv):
    sha = expected_tmpfs_sha("0")
    with dom0(hv, "workload", 'veneer.run="veneer-workload 0 %s"' % sha) as m:
        m.expect(qemu.READY_MARKER)
        status = qemu.run_exit_status(m, timeout=WORKLOAD_TIMEOUT)
        steps, failed = workload_results(m.child.before)
        assert not failed, failed
        assert set(steps) >= {"fork_exec", "pipe_pingpong", "mmap_64m",
                              "tmpfs_256m", "sleep_2"}
        assert status == 0
        if hv.name == "veneer":
            with open(m.log_path, encoding="utf-8", errors="replace") as f:
                bad = unexpected_refusals(f.read())
            assert not bad, "unexpected hypervisor refusals:\n" + \
                "\n".join(bad)


def test_dom0_two_workloads_at_once_on_two_vcpus(hv):
    run = ("veneer-workload 1 %s > /tmp/w1 2>&1 & p1=$!; "
           "veneer-workload 2 %s > /tmp/w2 2>&1 & p2=$!; "
           "wait $p1; r1=$?; wait $p2; r2=$?; cat /tmp/w1 /tmp/w2; "
           "echo cpus=$(grep -c ^processor /proc/cpuinfo); "
           "[ $r1 = 0 ] && [ $r2 = 0 ]" %
           (expected_tmpfs_sha("1"), expected_tmpfs_sha("2")))
    # two 256 MiB tmpfs files at once need more than 512 MiB
    with dom0(hv, "workload-smp", 'veneer.run="%s"' % run, vcpus=2,
              memory="2G", dom0_mem="1280M") as m:
        m.expect(qemu.READY_MARKER)
        status = qemu.run_exit_status(m, timeout=WORKLOAD_TIMEOUT)
        text = m.child.before
        steps, failed = workload_results(text)
        assert "cpus=2" in text
        assert text.count("WORKLOAD DONE pass=5 fail=0") == 2, text[-3000:]
        assert status == 0


def test_dom0_poweroff_shuts_the_machine_down(hv):
    with dom0(hv, "poweroff", "") as m:
        m.expect("Quit QEMU with Ctrl-A X")
        m.sendline("poweroff")
        assert m.wait_exit(timeout=120) == hv.poweroff_exit


def test_dom0_panic_is_reported_and_ends_the_machine(hv):
    """`echo c > /proc/sysrq-trigger` panics dom0; the hypervisor says so
    and (Veneer) QEMU exits with the failure status. The stock Debian
    kernel is used because ours is built without magic SysRq."""
    kernel = qemu.fetch_debian_kernel()
    pattern, status = hv.crash
    with dom0(hv, "panic", 'veneer.run="echo c > /proc/sysrq-trigger"',
              kernel=kernel) as m:
        m.expect(qemu.READY_MARKER)
        m.expect(r"Kernel panic - not syncing", timeout=120)
        m.expect(pattern, timeout=120)
        if status is not None:
            assert m.wait_exit(timeout=120) == status


def test_stock_debian_kernel_reaches_ready_marker(hv):
    kernel = qemu.fetch_debian_kernel()
    with dom0(hv, "debian-kernel", 'veneer.run="uname -r"',
              kernel=kernel) as m:
        m.expect(qemu.READY_MARKER + r" kernel=6\.1\.0-\d+-amd64")
        assert qemu.run_exit_status(m, timeout=120) == 0


def test_dom0_kernel_is_served_by_our_store_daemon(hv):
    """init starts stored on dom0's own xenbus ring. A watch the kernel
    registered over that ring (the balloon driver's memory/target) fires
    when a client writes through the socket, and the kernel's xenbus
    device reads the store back through the ring. Debian's xenstore-utils
    in the initramfs see the store and the permissions they set."""
    run = ("vstore write memory/target 400000 && sleep 2 && "
           "echo target_kb=$(cat /sys/devices/system/xen_memory/"
           "xen_memory0/target_kb) && "
           "echo via_kernel=$(vstore --kernel read "
           "/local/domain/0/memory/target) && "
           "echo dom0_nodes=$(vstore ls /local/domain/0) && "
           "xenstore-write /vm/t/x 1 && xenstore-chmod /vm/t/x n0 r5 && "
           "echo xsls=$(xenstore-ls -p /vm/t) && "
           "echo xs_target=$(xenstore-ls /local/domain/0 | grep -c target)")
    with dom0(hv, "store", 'veneer.run="%s"' % run) as m:
        m.expect("init: store daemon started")
        m.expect(qemu.READY_MARKER)
        status = qemu.run_exit_status(m, timeout=120)
        text = m.child.before
        assert status == 0, text[-2000:]
        assert "target_kb=400000" in text
        assert "via_kernel=400000" in text
        # the kernel itself wrote its nodes (e.g. control/) through the ring
        assert re.search(r"dom0_nodes=.*control", text)
        assert re.search(r'xsls=x = "1" [ .]*\(n0,r5\)', text), text[-2000:]
        assert "xs_target=1" in text
