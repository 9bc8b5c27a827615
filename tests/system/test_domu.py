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
    assert "d2 shutdown: crash" in log
    assert "d1 destroyed: %d pages freed" % pages(32) in log
    assert "d2 destroyed: %d pages freed" % pages(16) in log
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
