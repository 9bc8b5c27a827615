// SPDX-License-Identifier: GPL-2.0
/*
 * Copying to and from guest memory, and the exception table that makes it
 * safe.
 *
 * Every hypercall argument that is a pointer comes through here.  The
 * hard part is that a guest pointer can be anything: unmapped, mapped
 * read-only, pointing into the hypervisor's own slots (which are mapped,
 * just not for ring 3), or not canonical at all.  The range check below
 * refuses the last two before touching memory; the first two can only be
 * found by trying, so the copy is one `rep movsb` listed in the exception
 * table.  When it faults, do_entry() (traps.c) finds the faulting address
 * in the table and resumes at the fixup, right after the instruction,
 * with %rcx still counting the bytes not copied.
 *
 * CR0.WP is on (boot/head.S), so a write through a read-only guest
 * mapping faults in ring 0 as well: the hypervisor cannot be tricked into
 * writing a page table the guest may only read.  SMAP is off, so ring 0
 * may touch the guest's (user-accessible) pages.
 */
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/layout.h>

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

/* The lower canonical half ends here. */
#define GUEST_LOW_END	0x0000800000000000UL

/**
 * guest_range_ok() - may a guest pointer name this range at all?
 * @addr: guest virtual address
 * @len:  bytes
 */
bool guest_range_ok(unsigned long addr, unsigned long len)
{
	unsigned long end = addr + len;

	if (end < addr)
		return false;
	if (addr < GUEST_LOW_END)
		return end <= GUEST_LOW_END;
	return addr >= HV_VIRT_END;
}

/* Bytes left uncopied: 0 on success. */
static unsigned long raw_copy(void *to, const void *from, unsigned long n)
{
	__asm__ __volatile__("1: rep movsb\n"
			     "2:\n\t"
			     _ASM_EXTABLE(1b, 2b)
			     : "+D"(to), "+S"(from), "+c"(n) : : "memory");
	return n;
}

unsigned long copy_from_guest_partial(void *to, unsigned long from,
				      unsigned long len)
{
	if (!guest_range_ok(from, len))
		return len;
	return raw_copy(to, (const void *)from, len);
}

int copy_from_guest(void *to, unsigned long from, unsigned long len)
{
	return copy_from_guest_partial(to, from, len) ? -EFAULT : 0;
}

int copy_to_guest(unsigned long to, const void *from, unsigned long len)
{
	if (!guest_range_ok(to, len))
		return -EFAULT;
	return raw_copy((void *)to, from, len) ? -EFAULT : 0;
}

/**
 * search_extable() - the fixup address for a faulting instruction
 * @rip: where the fault happened
 *
 * Returns 0 if the instruction has no entry (a real hypervisor bug).
 */
unsigned long search_extable(unsigned long rip)
{
	for (const struct extable_entry *e = __ex_table_start;
	     e < __ex_table_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}
