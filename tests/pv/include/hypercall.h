/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall wrappers for PV test kernels.
 *
 * We issue hypercalls inline, the way Linux 6.1 does: the number in %rax,
 * arguments in %rdi %rsi %rdx %r10 %r8, then `syscall`.  The hypervisor
 * clobbers %rcx and %r11 (the syscall instruction itself does), so they
 * are declared clobbered here rather than pushed and popped around the
 * call as Linux's out-of-line stub does.  The hypercall page (see the
 * HYPERCALL_PAGE note in lib/head.S) is only used by the test that
 * checks its contents.
 */
#ifndef PV_HYPERCALL_H
#define PV_HYPERCALL_H

#include <veneer/xen.h>
#include <veneer/callback.h>
#include <veneer/sched.h>
#include <veneer/version.h>

static inline long hypercall5(long nr, long a1, long a2, long a3, long a4,
			      long a5)
{
	register long r10 asm("r10") = a4;
	register long r8 asm("r8") = a5;
	long ret;

	asm volatile("syscall"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
		       "+r"(r8)
		     : "0"(nr)
		     : "rcx", "r11", "memory");
	return ret;
}

#define hypercall0(nr)			hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)		hypercall5(nr, (long)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)		hypercall5(nr, (long)(a), (long)(b), \
						   0, 0, 0)
#define hypercall3(nr, a, b, c)		hypercall5(nr, (long)(a), (long)(b), \
						   (long)(c), 0, 0)
#define hypercall4(nr, a, b, c, d)	hypercall5(nr, (long)(a), (long)(b), \
						   (long)(c), (long)(d), 0)

static inline long hyp_console_write(const void *buf, unsigned long len)
{
	return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, buf);
}

static inline long hyp_set_trap_table(const struct trap_info *t)
{
	return hypercall1(__HYPERVISOR_set_trap_table, t);
}

static inline long hyp_stack_switch(unsigned long ss, unsigned long sp)
{
	return hypercall2(__HYPERVISOR_stack_switch, ss, sp);
}

static inline long hyp_callback_op(int cmd, const void *arg)
{
	return hypercall2(__HYPERVISOR_callback_op, cmd, arg);
}

static inline long hyp_sched_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long hyp_xen_version(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

static inline long hyp_update_va_mapping(unsigned long va, uint64_t pte,
					 unsigned long flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long hyp_mmuext_op(struct mmuext_op *op, unsigned int count,
				 unsigned int *done, domid_t dom)
{
	return hypercall4(__HYPERVISOR_mmuext_op, op, count, done, dom);
}

static inline long hyp_mmu_update(struct mmu_update *req, unsigned int count,
				  unsigned int *done, domid_t dom)
{
	return hypercall4(__HYPERVISOR_mmu_update, req, count, done, dom);
}

static inline long hyp_set_segment_base(int which, unsigned long base)
{
	return hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

static inline long hyp_fpu_taskswitch(int set)
{
	return hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline long hyp_multicall(struct multicall_entry *calls,
				 unsigned int nr)
{
	return hypercall2(__HYPERVISOR_multicall, calls, nr);
}

#endif /* PV_HYPERCALL_H */
