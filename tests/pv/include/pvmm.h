/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table helpers for the PV memory-model test kernels (lib/mm.c).
 *
 * The test image is one run of pages at VIRT_BASE, mapped by the
 * bootstrap tables the domain builder made (read-only, pinned).  These
 * helpers walk those tables from start_info->pt_base, turn machine frames
 * back into addresses of the image through the read-only M2P, and wrap
 * the MMU hypercalls in one-request forms.
 */
#ifndef PVMM_H
#define PVMM_H

#include "pv.h"

#define PTE_MFN_MASK	0x000ffffffffff000UL
#define PTE_FLAGS_RW	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | \
			 _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_FLAGS_RO	(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

/* The read-only M2P every PV guest sees at the start of Xen's range. */
static inline uint64_t m2p(uint64_t mfn)
{
	return ((const uint64_t *)MACH2PHYS_VIRT_START)[mfn];
}

/* Where frame @mfn of the image is mapped (it must be one of ours). */
static inline void *mfn_to_virt(uint64_t mfn)
{
	return (void *)(VIRT_BASE + (m2p(mfn) << 12));
}

static inline uint64_t pte_mfn(uint64_t e)
{
	return (e & PTE_MFN_MASK) >> 12;
}

/* The kernel L4 and the tables on the way to @va (level 4..1). */
const uint64_t *table_of(const void *va, unsigned int level);
/* Machine address of the entry that maps @va at @level (1 = the PTE). */
uint64_t entry_maddr(const void *va, unsigned int level);

long mmu_update1(uint64_t ptr, uint64_t val);
long mmuext1(unsigned int cmd, uint64_t arg1);
long pin_table(void *va, unsigned int level);
long unpin_table(void *va);
/* Map @va to @mfn with @flags (update_va_mapping, INVLPG). */
long remap(void *va, uint64_t mfn, uint64_t flags);

/* A refused call: print the result and insist it is an error. */
#define check_refused(call)						\
	do {								\
		long _rc = (call);					\
		printk("  %s = %ld (refused, as it must be)\n", #call, _rc); \
		if (_rc >= 0)						\
			fail("%s:%d: %s returned %ld, want an error",	\
			     __FILE__, __LINE__, #call, _rc);		\
	} while (0)

#endif /* PVMM_H */
