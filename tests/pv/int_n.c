// SPDX-License-Identifier: GPL-2.0
/*
 * int_n: `int $n` for an n the hypervisor has no gate of its own for.
 * A DPL-3 trap-table entry gets the software interrupt (rip after the
 * instruction, no error code); a DPL-0 entry, or none at all, gets #GP
 * with error code n * 8 + 2.
 *
 * The CPU raises #GP for these (the hypervisor's IDT gate has DPL 0) and
 * the hypervisor must find n.  Xen takes n from the #GP error code;
 * QEMU 7.2's TCG reports n * 16 + 2 there, so on Xen under QEMU this test
 * fails (a known failure in tests/system/test_pv_on_xen.py).  A
 * hypervisor that decodes the instruction passes it under QEMU too.
 */
#include "pv.h"

const char test_name[] = "int_n";

void test_main(void)
{
	printk("int $0x40 with a DPL-3 trap-table entry\n");
	check_rc(set_trap(0x40, 3, 0), 0);
	probe_arm(0x40);
	PROBE("int $0x40");
	check_kernel_frame(0x40, 0, 0, probe_rec.resume_rip);

	printk("int $0x41 with a DPL-0 trap-table entry: #GP(0x20a)\n");
	check_rc(set_trap(0x41, 0, 0), 0);
	probe_arm(13);
	PROBE("int $0x41");
	check_kernel_frame(13, 1, 0x41 * 8 + 2, probe_rec.fault_rip);

	printk("int $0x42 with no trap-table entry: #GP(0x212)\n");
	probe_arm(13);
	PROBE("int $0x42");
	check_kernel_frame(13, 1, 0x42 * 8 + 2, probe_rec.fault_rip);
}
