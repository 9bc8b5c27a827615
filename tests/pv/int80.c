// SPDX-License-Identifier: GPL-2.0
/*
 * int80: `int $0x80` through the trap table.  With a DPL-3 entry the
 * handler for vector 0x80 runs with a frame like an exception's (no error
 * code, rip after the instruction), with events masked on entry if the
 * entry asks for it (flag bit 2).
 *
 * Xen reaches vector 0x80 through its own DPL-3 IDT gate and a "direct
 * trap" to the guest, not through #GP, so QEMU's wrong #GP error code
 * for `int $n` (see int_n.c) does not matter here.
 *
 * Not tested: a DPL-0 entry for 0x80.  The ABI says #GP(0x402), but
 * Xen 4.17's direct trap ignores the entry's DPL and delivers vector 0x80
 * anyway (docs/pv-tests.md); int_n.c checks the DPL rule on other
 * vectors.
 */
#include "pv.h"

const char test_name[] = "int80";

void test_main(void)
{
	printk("int $0x80 with a DPL-3 trap-table entry\n");
	check_rc(set_trap(0x80, 3, 0), 0);
	probe_arm(0x80);
	PROBE("int $0x80");
	check_kernel_frame(0x80, 0, 0, probe_rec.resume_rip);

	printk("int $0x80 with a DPL-3 entry that masks events\n");
	check_rc(set_trap(0x80, 3, 1), 0);
	vcpu0()->evtchn_upcall_mask = 0;
	probe_arm(0x80);
	PROBE("int $0x80");
	vcpu0()->evtchn_upcall_mask = 1;
	printk("  mask in handler %u, saved mask %lu, rflags 0x%lx\n",
	       probe_rec.upcall_mask, (probe_rec.b.cs >> 32) & 0xff,
	       probe_rec.b.rflags);
	check_eq(probe_rec.count, 1);
	check_eq(probe_rec.upcall_mask, 1);
	check_eq((probe_rec.b.cs >> 32) & 0xff, 0);
	check(probe_rec.b.rflags & X86_EFLAGS_IF);
}
