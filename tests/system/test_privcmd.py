# SPDX-License-Identifier: GPL-2.0
"""Linux's own privcmd maps another domain's memory on Veneer.

A Linux 6.1 PV dom0 runs tests/privcmd/privcmd_foreign.c: through
IOCTL_PRIVCMD_HYPERCALL it creates a domain (Veneer's management
hypercall) and populates it, then maps its frames with
IOCTL_PRIVCMD_MMAPBATCH_V2 (mmu_update with FOREIGNDOM underneath), one
bad frame inside the batch failing alone; then destroys the domain while
a frame is still mapped and sees the hypervisor's free pages come back
only after munmap (docs/pv-memory.md, "Foreign mappings").  Veneer only:
the management hypercall is ours.
"""

import re

import qemu

TIMEOUT = 300
CHECKS = ["physinfo", "create", "create2", "populate", "populate2",
          "mmapbatch-errors", "munmap", "mmapbatch", "contents", "munmap2",
          "mmapbatch-one", "destroy2", "destroy",
          "held-while-mapped", "readable-after-destroy", "munmap3",
          "freed-at-unmap"]


def test_privcmd_maps_a_created_domains_memory(guest_kernel,
                                               dom0_initramfs):
    with qemu.Machine("privcmd-veneer",
                      qemu.veneer_dom0_args(
                          qemu.GUEST_VMLINUX,
                          'console=hvc0 veneer.run='
                          '"/usr/libexec/veneer-privcmd/privcmd-foreign"',
                          initrd=qemu.DOM0_INITRAMFS),
                      timeout=TIMEOUT) as m:
        m.expect(qemu.READY_MARKER)
        m.expect(r"PRIVCMD DONE (PASS|FAIL)", timeout=TIMEOUT)
        status = qemu.run_exit_status(m, timeout=120)
        m.logfile.flush()
    with open(m.log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    for check in CHECKS:
        found = re.search(r"PRIVCMD %s (PASS|FAIL)([^\r\n]*)" % check, log)
        assert found, "no result for %s" % check
        assert found.group(1) == "PASS", "%s:%s" % (check, found.group(2))
    assert status == 0
    # The bad frame was refused by the hypervisor, and said why.
    assert re.search(r"\(d0v\d+\) mmu_update 0x[0-9a-f]+ = 0x[0-9a-f]+ "
                     r"\(foreign\) refused: mapping of a frame neither the "
                     r"domain nor the foreign domain owns", log)
    assert re.search(r"d\d+ destroyed: \d+ pages freed, 1 still referenced "
                     r"elsewhere", log)
    for bad in ("Oops", "BUG:", "Kernel panic", "INVARIANTS BROKEN",
                "PANIC", "FATAL"):
        assert bad not in log, bad
