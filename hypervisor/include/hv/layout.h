/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's virtual memory layout.
 *
 * Everything the hypervisor maps for itself lives in top-level (L4) slots
 * 256-271, 0xffff800000000000-0xffff87ffffffffff, because 64-bit PV guests
 * leave exactly that hole for us (Linux skips it as its "guard hole").  The
 * same entries are installed in every guest L4 later, so the split below is
 * visible in every address space; only the M2P is readable from ring 3.
 *
 *   slot 256  0xffff800000000000  M2P, read-only (guests read it directly)
 *   slot 257  0xffff808000000000  M2P, writable alias for the hypervisor
 *   slot 258  0xffff810000000000  frame table (struct page_info per frame)
 *   slot 259  0xffff818000000000  per-CPU GDT windows (16 pages each)
 *             0xffff818040000000  per-CPU LDT windows (16 pages each)
 *   slot 260  0xffff820000000000  hypervisor image: text, data, bss
 *   slots 264-271 0xffff840000000000  direct map of machine memory (4 TiB)
 *
 * Slots 261-263 are free for later use (per-domain mappings, a linear
 * page-table slot, ...).  This header is included from assembly too, so it
 * holds nothing but numbers.
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

#ifdef __ASSEMBLY__
#define _AC(x, y)	x
#else
#define _AC(x, y)	x##y
#endif

#define PAGE_SHIFT		12
#define PAGE_SIZE		(_AC(1, UL) << PAGE_SHIFT)
#define L2_PAGE_SIZE		(_AC(1, UL) << 21)
#define L4_SLOT_SIZE		(_AC(1, UL) << 39)

#define HV_VIRT_START		_AC(0xffff800000000000, UL)
#define HV_VIRT_END		_AC(0xffff880000000000, UL)
#define HV_FIRST_SLOT		256
#define HV_LAST_SLOT		271

#define M2P_RO_VIRT		_AC(0xffff800000000000, UL)
#define M2P_RO_VIRT_END		_AC(0xffff804000000000, UL)
#define M2P_RW_VIRT		_AC(0xffff808000000000, UL)
#define FRAMETABLE_VIRT		_AC(0xffff810000000000, UL)
#define GDT_WINDOW_VIRT		_AC(0xffff818000000000, UL)
#define GDT_WINDOW_SIZE		(_AC(16, UL) << PAGE_SHIFT)
#define LDT_WINDOW_VIRT		_AC(0xffff818040000000, UL)
#define LDT_WINDOW_SIZE		(_AC(16, UL) << PAGE_SHIFT)
#define IMAGE_VIRT_OFFSET	_AC(0xffff820000000000, UL)
#define DIRECTMAP_VIRT		_AC(0xffff840000000000, UL)
#define DIRECTMAP_VIRT_END	_AC(0xffff880000000000, UL)

/* Where the loader puts the image: 2 MiB, so it can sit in large pages. */
#define IMAGE_PHYS_BASE		_AC(0x200000, UL)

/* Real-mode entry of secondary CPUs; SIPI vector = TRAMPOLINE_PHYS >> 12. */
#define TRAMPOLINE_PHYS		_AC(0x8000, UL)

#define STACK_ORDER		2
#define STACK_SIZE		(PAGE_SIZE << STACK_ORDER)

#endif /* HV_LAYOUT_H */
