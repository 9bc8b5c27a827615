// SPDX-License-Identifier: GPL-2.0
/*
 * mmu_update_pinned: no writable mapping of a live page table, at any
 * level; a valid L1 update is accepted; unpinning makes a table page
 * ordinary memory again.
 *
 * A frame has one type at a time: a pinned (or reachable) table holds a
 * page-table type, a writable mapping a writable type, and neither can
 * be taken while the other is held.  Both mmu_update and
 * update_va_mapping must refuse, and a refused request changes nothing.
 */
#include "pvmm.h"

const char test_name[] = "mmu_update_pinned";

static uint64_t l1[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t victim[512] __attribute__((aligned(PAGE_SIZE)));

static void flush(void)
{
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
}

static uint64_t victim_pte(void)
{
	return table_of((void *)victim, 1)[((uint64_t)victim >> 12) & 511];
}

static void refuse_writable(const char *what, const void *table)
{
	uint64_t mfn = virt_to_mfn(table);
	uint64_t before = victim_pte();

	printk("writable mapping of %s (mfn 0x%lx)\n", what, mfn);
	check_refused(mmu_update1(entry_maddr((void *)victim, 1),
				  (mfn << 12) | PTE_FLAGS_RW));
	check_refused(hyp_update_va_mapping((unsigned long)victim,
					    (mfn << 12) | PTE_FLAGS_RW,
					    UVMF_INVLPG));
	check_eq(victim_pte(), before);
}

void test_main(void)
{
	uint64_t vmfn = virt_to_mfn((void *)victim);
	uint64_t vptr = entry_maddr((void *)victim, 1);
	uint64_t l1mfn = virt_to_mfn(l1);

	printk("a valid L1 update: read-only, then writable again\n");
	check_rc(mmu_update1(vptr, (vmfn << 12) | PTE_FLAGS_RO), 0);
	check_eq(victim_pte() & (PTE_MFN_MASK | _PAGE_RW), vmfn << 12);
	check_rc(mmu_update1(vptr, (vmfn << 12) | PTE_FLAGS_RW), 0);
	flush();
	victim[0] = 0x1234;
	check_eq(victim[0], 0x1234);

	printk("pin an empty L1 table\n");
	make_page_readonly(l1);
	check_rc(pin_table(l1, 1), 0);
	refuse_writable("a pinned L1", l1);
	refuse_writable("the L1 that maps us", table_of((void *)victim, 1));
	refuse_writable("our L2", table_of((void *)victim, 2));
	refuse_writable("our L3", table_of((void *)victim, 3));
	refuse_writable("our L4", table_of((void *)victim, 4));

	printk("a read-only mapping of the pinned L1 is fine\n");
	check_rc(mmu_update1(vptr, (l1mfn << 12) | PTE_FLAGS_RO), 0);
	flush();
	check_eq(victim[0], 0);		/* the empty table */
	check_rc(mmu_update1(vptr, (vmfn << 12) | PTE_FLAGS_RW), 0);
	flush();
	check_eq(victim[0], 0x1234);

	printk("unpin: the page may be mapped writable again\n");
	check_rc(unpin_table(l1), 0);
	check_refused(unpin_table(l1));		/* not pinned any more */
	check_rc(remap(l1, l1mfn, PTE_FLAGS_RW), 0);
	l1[7] = 0x5a;
	check_eq(l1[7], 0x5a);
	printk("and a page mapped writable cannot be pinned\n");
	l1[7] = 0;
	check_refused(pin_table(l1, 1));
}
