/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segment selectors.  Selectors at and above 0xe000 are the hypervisor's
 * in every GDT (a PV guest's own GDT may use at most the 14 pages below);
 * the flat ring-3 ones are what 64-bit PV guests run on.  The values are
 * the Xen ABI's (pv-linux-boot-contract.md section 1.3).
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define FIRST_RESERVED_GDT_PAGE	14
#define FIRST_RESERVED_GDT_BYTE	(FIRST_RESERVED_GDT_PAGE * 4096)

#define HYPERVISOR_CS		0xe008	/* ring 0, 64-bit code */
#define HYPERVISOR_DS		0xe010	/* ring 0, data */
#define HYPERVISOR_CS32		0xe018	/* ring 0, 32-bit code */
#define FLAT_RING3_CS32		0xe023	/* ring 3, 32-bit code */
#define FLAT_RING3_DS		0xe02b	/* ring 3, data (DS32/SS32/SS64) */
#define FLAT_RING3_CS64		0xe033	/* ring 3, 64-bit code */
#define TSS_SELECTOR		0xe040	/* 16-byte system descriptor */
#define LDT_SELECTOR		0xe050	/* reserved for the guest's LDT */

#endif /* ASM_DESC_H */
