// SPDX-License-Identifier: GPL-2.0
/*
 * page_fault: #PF reaches the guest with the faulting address in
 * vcpu_info.arch.cr2 (not a register) and an error code as seen from
 * guest kernel mode.
 *
 * The guest kernel runs in ring 3, so the hardware error code always has
 * the user bit (bit 2) set; Xen rewrites it to say whether the guest was
 * in its kernel or its user mode, so a kernel-mode fault has bit 2 clear.
 */
#include "pv.h"

const char test_name[] = "page_fault";

#define PFEC_PRESENT	0x01
#define PFEC_WRITE	0x02
#define PFEC_USER	0x04
#define PFEC_INSN	0x10

/* Nothing is mapped in the low half of dom0's address space. */
#define UNMAPPED	0x1000UL

static void expect_pf(uint64_t err, uint64_t addr, uint64_t rip)
{
	check_kernel_frame(14, 1, err, rip);
	printk("  cr2 0x%lx\n", probe_rec.cr2);
	check_eq(probe_rec.cr2, addr);
}

void test_main(void)
{
	uint64_t *ro = (uint64_t *)start_info->pt_base;

	printk("#PF: read of an unmapped address\n");
	probe_arm(14);
	PROBE("movq (%%rax), %%rcx", , "a"(UNMAPPED));
	expect_pf(0, UNMAPPED, probe_rec.fault_rip);

	printk("#PF: write to an unmapped address\n");
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(UNMAPPED + 8), "d"(0));
	expect_pf(PFEC_WRITE, UNMAPPED + 8, probe_rec.fault_rip);

	printk("#PF: write to a read-only page (our pinned L4)\n");
	probe_arm(14);
	PROBE("movq (%%rax), %%rcx; movq %%rcx, (%%rax)", , "a"(ro));
	/* The write is the second instruction of the probe. */
	expect_pf(PFEC_PRESENT | PFEC_WRITE, (uint64_t)ro,
		  probe_rec.fault_rip + 3);

	printk("#PF: instruction fetch from an unmapped address\n");
	probe_arm(14);
	PROBE("jmp *%%rax", , "a"(UNMAPPED + 0x800));
	expect_pf(PFEC_INSN, UNMAPPED + 0x800, UNMAPPED + 0x800);
}
