// SPDX-License-Identifier: GPL-2.0
/*
 * pin_linear: tables that point at themselves.  Pinning an L1 whose
 * entry maps the L1 itself writable is refused (the table would be
 * writable through itself); read-only it pins fine.  A linear
 * (recursive) L4 entry is allowed read-only and refused writable.
 *
 * Xen also allows a linear entry to another table of the same level
 * (pv-linear-pt); Veneer does not, so only the self entry is checked.
 */
#include "pvmm.h"

const char test_name[] = "pin_linear";

static uint64_t l1[512] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	uint64_t l4mfn = virt_to_mfn(l4);
	uint64_t l1mfn = virt_to_mfn(l1);
	unsigned int slot = 2;
	uint64_t sptr = (l4mfn << 12) + slot * 8;
	const volatile uint64_t *lin;

	printk("pin an L1 that maps itself writable\n");
	l1[0] = (l1mfn << 12) | PTE_FLAGS_RW;
	make_page_readonly(l1);
	check_refused(pin_table(l1, 1));
	check_rc(remap(l1, l1mfn, PTE_FLAGS_RW), 0);
	printk("the same L1 mapping itself read-only\n");
	l1[0] = (l1mfn << 12) | PTE_FLAGS_RO;
	make_page_readonly(l1);
	check_rc(pin_table(l1, 1), 0);
	check_rc(unpin_table(l1), 0);

	printk("a linear L4 entry in free slot %u\n", slot);
	check_eq(l4[slot], 0);
	check_refused(mmu_update1(sptr, (l4mfn << 12) | PTE_FLAGS_RW));
	check_eq(l4[slot], 0);
	check_rc(mmu_update1(sptr, (l4mfn << 12) | PTE_FLAGS_RO), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	/* Through slot 2 four times, the L4 shows up as a page. */
	lin = (const volatile uint64_t *)(((uint64_t)slot << 39) | ((uint64_t)slot << 30) |
		((uint64_t)slot << 21) | ((uint64_t)slot << 12));
	check_eq(lin[511], l4[511]);
	check_rc(mmu_update1(sptr, 0), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	check_eq(l4[slot], 0);
}
