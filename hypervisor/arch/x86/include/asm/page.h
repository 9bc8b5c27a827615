/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 page-table entry bits and the address conversions the
 * hypervisor's own mappings allow (see hv/layout.h).
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <hv/layout.h>
#include <hv/types.h>

#define _PAGE_PRESENT	(1UL << 0)
#define _PAGE_RW	(1UL << 1)
#define _PAGE_USER	(1UL << 2)
#define _PAGE_PWT	(1UL << 3)
#define _PAGE_PCD	(1UL << 4)
#define _PAGE_ACCESSED	(1UL << 5)
#define _PAGE_DIRTY	(1UL << 6)
#define _PAGE_PSE	(1UL << 7)
#define _PAGE_GLOBAL	(1UL << 8)
#define _PAGE_NX	(1UL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000UL

#define PAGE_HV_RW	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
			 _PAGE_DIRTY | _PAGE_NX)
#define PAGE_HV_RX	(_PAGE_PRESENT | _PAGE_ACCESSED)
#define PAGE_HV_RO	(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_HV_UC	(PAGE_HV_RW | _PAGE_PCD | _PAGE_PWT)

typedef u64 pte_t;

static inline unsigned int l4_index(unsigned long va) { return (va >> 39) & 511; }
static inline unsigned int l3_index(unsigned long va) { return (va >> 30) & 511; }
static inline unsigned int l2_index(unsigned long va) { return (va >> 21) & 511; }
static inline unsigned int l1_index(unsigned long va) { return (va >> 12) & 511; }

extern char __image_start[], __image_end[];

/* Machine address of a direct-map or image address. */
static inline paddr_t __pa(const void *va)
{
	unsigned long v = (unsigned long)va;

	if (v >= DIRECTMAP_VIRT)
		return v - DIRECTMAP_VIRT;
	return v - IMAGE_VIRT_OFFSET;
}

/* Direct-map address of a machine address. */
static inline void *__va(paddr_t pa)
{
	return (void *)(pa + DIRECTMAP_VIRT);
}

#endif /* ASM_PAGE_H */
