/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segment selectors.  Selectors at and above 0xe000 are the hypervisor's
 * in every GDT (a PV guest's own GDT may use at most the 14 pages below).
 * The flat ring-3 ones that 64-bit PV guests run on, and the reserved
 * GDT range, are part of the ABI (<veneer/arch-x86_64.h>); the ring-0
 * ones are ours, with the values Xen uses.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <veneer/arch-x86_64.h>

#define HYPERVISOR_CS		0xe008	/* ring 0, 64-bit code */
#define HYPERVISOR_DS		0xe010	/* ring 0, data */
#define HYPERVISOR_CS32		0xe018	/* ring 0, 32-bit code */
#define TSS_SELECTOR		0xe040	/* 16-byte system descriptor */
#define LDT_SELECTOR		0xe050	/* this CPU's LDT window (desc.c) */

/* An LDT holds at most 8192 descriptors: 16 pages (MMUEXT_SET_LDT). */
#define LDT_MAX_ENTS		8192
#define LDT_MAX_FRAMES		16

/*
 * Make LDTR null, so that every selector with TI set (sel & 4) faults:
 * #GP for a segment load, lar/lsl/verr/verw report "invalid", a far call
 * through an LDT call gate faults.  A CPU leaves reset with LDTR base 0
 * and limit 0xffff, which in a guest's address space would make
 * whatever the guest keeps at linear address 0 a live LDT, never
 * checked.  So every CPU runs on the null LDT unless the vCPU it runs
 * has an LDT whose frames were typed and checked (MMUEXT_SET_LDT,
 * pv/descriptor-tables.c): loaded at bring-up (desc.c), on a switch to
 * idle and to every vCPU without an LDT (context.c, load_ldt()).
 */
static inline void load_null_ldt(void)
{
	__asm__ __volatile__("lldt %w0" : : "r"(0) : "memory");
}

/* desc.c: map @ents descriptors' worth of @mfns (descriptor pages the
 * caller holds a type reference on) as this CPU's LDT and load it; 0
 * entries: the null LDT. */
void load_ldt(const unsigned long *mfns, unsigned int ents);

#endif /* ASM_DESC_H */
