// SPDX-License-Identifier: GPL-2.0
/*
 * mmu_update_preserve_ad: MMU_PT_UPDATE_PRESERVE_AD keeps the Accessed
 * and Dirty bits the hardware set in the entry since the guest read it
 * (Linux's ptep_modify_prot_commit); MMU_NORMAL_PT_UPDATE writes the new
 * value as given.
 */
#include "pvmm.h"

const char test_name[] = "mmu_update_preserve_ad";

static volatile uint64_t victim[512] __attribute__((aligned(PAGE_SIZE)));

static uint64_t victim_pte(void)
{
	return table_of((void *)victim, 1)[((uint64_t)victim >> 12) & 511];
}

void test_main(void)
{
	uint64_t mfn = virt_to_mfn((void *)victim);
	uint64_t ptr = entry_maddr((void *)victim, 1);
	uint64_t bare = (mfn << 12) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;

	printk("NORMAL: no A/D, then the hardware sets both\n");
	check_rc(mmu_update1(ptr, bare), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	check_eq(victim_pte() & (_PAGE_ACCESSED | _PAGE_DIRTY), 0);
	victim[0] = 1;
	check_eq(victim_pte() & (_PAGE_ACCESSED | _PAGE_DIRTY),
		 _PAGE_ACCESSED | _PAGE_DIRTY);

	printk("PRESERVE_AD with a value without A/D keeps them\n");
	check_rc(mmu_update1(ptr | MMU_PT_UPDATE_PRESERVE_AD, bare), 0);
	check_eq(victim_pte() & (_PAGE_ACCESSED | _PAGE_DIRTY),
		 _PAGE_ACCESSED | _PAGE_DIRTY);

	printk("NORMAL with the same value drops them\n");
	check_rc(mmu_update1(ptr, bare), 0);
	check_eq(victim_pte() & (_PAGE_ACCESSED | _PAGE_DIRTY), 0);
	check_rc(mmu_update1(ptr, (mfn << 12) | PTE_FLAGS_RW), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
}
