#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make fuzz-insn: the user-space instruction fuzzer, as long as asked.

Runs tests/user/insn_fuzz with SEED (random if not given) and CASES
(default 100000) in a Linux dom0 with two vCPUs on Veneer and on Xen 4.17,
then compares the records case by case, as the short run in make test
does (tests/system/test_user_conformance.py, docs/user-tests.md), and
checks that neither kernel complained.  Under TCG expect about 100-150
cases a second on each.  Exit status 0 when the records match.

DOMU=1 runs the Veneer side in an unprivileged Linux domU (2 vCPUs)
booted beside an idle Linux dom0 instead, with the hypervisor's
guest_log_ratelimit off so that every record of the domU reaches the
console; Xen 4.17 (which has no domU without its toolstack) still runs
it as dom0, and the records are compared the same way.
"""

import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import qemu  # noqa: E402
import test_domu  # noqa: E402
import test_user_conformance as uc  # noqa: E402

DOMU_MEM_MIB = 256


def domu_args(cmd, limit):
    """Veneer, an idle Linux dom0 and one Linux domU running `cmd`."""
    kernel, initrd = qemu.GUEST_VMLINUX, qemu.DOM0_INITRAMFS
    dom0_run = "echo DOM0-WAITING-FOR-DOMU; read -t %d x" % limit
    domains = [(kernel, "console=hvc0 " + qemu.kernel_append(run=dom0_run),
                initrd),
               (kernel, "veneer.mem=%dM veneer.vcpus=2 %s %s" % (
                   DOMU_MEM_MIB, test_domu.DOMU_APPEND,
                   qemu.kernel_append(run=cmd)), initrd)]
    return test_domu.veneer_domains_args(
        domains, append="domu_console guest_log_ratelimit=off "
        "dom0_mem=512M dom0_max_vcpus=1", memory="1G", smp=2)


def run(hv, seed, cases, domu=False):
    limit = 600 + cases // 20
    cmd = "/usr/libexec/veneer-tests/insn_fuzz %d %d" % (seed, cases)
    problem = None
    if domu:
        args = domu_args(cmd, limit)
    else:
        dom0 = qemu.veneer_dom0_args if hv == "veneer" else \
            qemu.xen_dom0_args
        args = dom0(qemu.GUEST_VMLINUX, 'console=hvc0 veneer.run="%s"' % cmd,
                    initrd=qemu.DOM0_INITRAMFS, vcpus=2)
    name = "fuzz-insn-%s%s-%d" % (hv, "-domu" if domu else "", seed)
    with qemu.Machine(name, args, timeout=limit) as m:
        try:
            if domu:
                m.expect(r"d1 destroyed: \d+ pages freed", timeout=limit)
                m.sendline("")
                m.wait_exit(timeout=120)
            else:
                m.expect(qemu.READY_MARKER)
                m.expect(r"VENEER-RUN-EXIT=\d+", timeout=limit)
        except AssertionError as e:
            problem = str(e).splitlines()[0]
        m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    records = uc.fuzz_records(test_domu.domain_lines(log, 1) if domu
                              else log, hv)
    if domu and "VENEER-RUN-EXIT=0" not in test_domu.domain_lines(log, 1):
        problem = problem or "the domU's insn_fuzz did not exit 0"
    trouble = [x.group(0) for x in re.finditer(
        r"^.*%s.*$" % uc.KERNEL_TROUBLE_RE, log, re.M)
        if not re.match(uc.HV_LINE_RE, x.group(0))]
    trouble += [x.group(0) for x in re.finditer(
        r"%s.*$" % uc.HV_TROUBLE_RE, log, re.M)]
    return problem, trouble, records, m.log_path


def main():
    seed = int(os.environ.get("SEED") or random.getrandbits(31))
    cases = int(os.environ.get("CASES") or 100000)
    domu = os.environ.get("DOMU", "") not in ("", "0")
    print("fuzz-insn: seed %d, %d cases, on Veneer (%s) and Xen 4.17 (dom0)"
          % (seed, cases, "domU" if domu else "dom0"), flush=True)
    res = {hv: run(hv, seed, cases, domu and hv == "veneer")
           for hv in ("veneer", "xen")}
    failed = False
    for hv, (problem, trouble, recs, path) in res.items():
        print("fuzz-insn: %s: %d records (log %s)" % (hv, len(recs), path))
        if problem or trouble or len(recs) != cases:
            failed = True
            print("fuzz-insn: %s: %s %s" % (hv, problem or "",
                                            "; ".join(trouble[:5])))
    ven, xen = res["veneer"][2], res["xen"][2]
    diff = [i for i in sorted(xen)
            if i in ven and not uc.same_record(ven[i], xen[i])]
    for i in diff[:40]:
        print("case %d: veneer %s | xen %s" % (i, ven[i], xen[i]))
    print("fuzz-insn: %d cases compared, %d differ (replay one: insn_fuzz "
          "%d N+1 v prints case N)" % (len(set(ven) & set(xen)), len(diff),
                                       seed))
    return 1 if failed or diff else 0


if __name__ == "__main__":
    sys.exit(main())
