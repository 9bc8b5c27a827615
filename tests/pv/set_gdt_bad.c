// SPDX-License-Identifier: GPL-2.0
/*
 * set_gdt_bad: set_gdt checks every descriptor it is given.  A GDT with
 * a TSS descriptor (a system descriptor, which a guest may never
 * install) is refused as a whole; the same frame with only a flat data
 * segment is accepted (its DPL forced to 3).  The frame is read-only, as
 * Xen requires of a descriptor page.  Xen checks all 512 descriptors of
 * a GDT frame, not only the first `entries`, so the TSS is removed from
 * the frame, not just left beyond the limit.
 */
#include "pv.h"

const char test_name[] = "set_gdt_bad";

static uint64_t gdt[512] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
	unsigned long frames[1];

	gdt[1] = 0x00cf92000000ffffUL;	/* flat data, DPL 0 */
	gdt[2] = 0x0000890000000067UL;	/* present 64-bit TSS */
	gdt[3] = 0;
	make_page_readonly(gdt);
	frames[0] = virt_to_mfn(gdt);
	printk("GDT with a TSS descriptor\n");
	{
		long rc = hypercall2(__HYPERVISOR_set_gdt, frames, 4);

		printk("  set_gdt(4 entries) = %ld (refused, as it must be)\n",
		       rc);
		check(rc < 0);
	}
	printk("GDT with the data segment only\n");
	check_rc(hyp_update_va_mapping((unsigned long)gdt,
				       (frames[0] << 12) | _PAGE_PRESENT |
				       _PAGE_RW | _PAGE_ACCESSED |
				       _PAGE_DIRTY, UVMF_INVLPG), 0);
	gdt[2] = 0;
	make_page_readonly(gdt);
	check_rc(hypercall2(__HYPERVISOR_set_gdt, frames, 2), 0);
}
