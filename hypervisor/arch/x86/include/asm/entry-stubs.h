/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IDT's entry stubs (arch/x86/entry.S): one per vector, each
 * ENTRY_STUB_SIZE bytes from the last, so that a vector's stub address
 * is a multiplication.  entry.S fails to assemble if a stub outgrows it.
 */
#ifndef ASM_ENTRY_STUBS_H
#define ASM_ENTRY_STUBS_H

#define ENTRY_STUB_SIZE	16

#ifndef __ASSEMBLY__
extern char entry_stubs[];

/* The address of vector @vec's stub. */
static inline unsigned long entry_stub(unsigned int vec)
{
	return (unsigned long)entry_stubs + ENTRY_STUB_SIZE * vec;
}
#endif

#endif /* ASM_ENTRY_STUBS_H */
