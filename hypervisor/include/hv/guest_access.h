/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reaching guest memory from a hypercall or an exception handler.
 *
 * Guest pointers are guest virtual addresses, resolved through whatever
 * page tables the CPU is on (the guest kernel's L4, which has the
 * hypervisor's slots too).  A pointer is never dereferenced directly:
 * these helpers first refuse ranges that are not guest addresses (the
 * hypervisor hole 0xffff800000000000-0xffff87ffffffffff, non-canonical
 * addresses, wrap-around), then copy with an instruction that has an
 * exception-table entry, so a page fault or #GP during the copy turns
 * into -EFAULT instead of a hypervisor crash (arch/x86/usercopy.c).
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <hv/types.h>

bool guest_range_ok(unsigned long addr, unsigned long len);

/* Is @a a canonical address (bits 63:47 all equal)? */
static inline bool is_canonical(u64 a)
{
	return (u64)((s64)(a << 16) >> 16) == a;
}
/* 0, or -EFAULT if any byte could not be copied. */
int copy_from_guest(void *to, unsigned long from, unsigned long len);
int copy_to_guest(unsigned long to, const void *from, unsigned long len);
/* How many bytes could not be copied (0 = all). */
unsigned long copy_from_guest_partial(void *to, unsigned long from,
				      unsigned long len);

/* The exception table: faulting instruction -> where to continue. */
struct extable_entry {
	unsigned long insn, fixup;
};

unsigned long search_extable(unsigned long rip);

#define _ASM_EXTABLE(from, to)				\
	".pushsection .ex_table, \"a\"\n\t"		\
	".balign 8\n\t"					\
	".quad " #from ", " #to "\n\t"			\
	".popsection\n\t"

#endif /* HV_GUEST_ACCESS_H */
