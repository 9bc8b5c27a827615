// SPDX-License-Identifier: GPL-2.0
/*
 * iret_failsafe: HYPERVISOR_iret with a frame the CPU cannot return to
 * (a code selector beyond every GDT) must not hurt the hypervisor: the
 * guest kernel is told, exactly once, and survives.
 *
 * Xen 4.17 lets its own iretq fault and hands the guest #GP with the
 * selector as error code, at the context it failed to load (not the
 * failsafe callback, and not the hypercall's own context: Linux would
 * take that for a kernel fault in xen_iret).  Veneer checks the
 * selectors before its iretq and delivers the same #GP.  The handler
 * resumes on its own.
 */
#include "pv.h"

const char test_name[] = "iret_failsafe";

#define BAD_CS	0xfff0UL	/* RPL 0: a kernel-mode return */

uint64_t failsafe_resume_rsp;
extern char failsafe_resume[];
static unsigned int count;

static void on_failsafe(struct trap_regs *r, struct bounce *b)
{
	count++;
	check_eq(r->vector, 13);	/* not the failsafe callback */
	printk("  vector %lu: rip 0x%lx cs 0x%lx rsp 0x%lx err 0x%lx\n",
	       r->vector, b->rip, b->cs, b->rsp, b->error_code);
	if (r->vector == 13) {
		check_eq(b->error_code, BAD_CS);
		check_eq(b->rip, (uint64_t)failsafe_resume);
	}
	b->rip = (uint64_t)failsafe_resume;
	b->cs = FLAT_KERNEL_CS & ~3;	/* RPL 0: stay in kernel mode */
	b->rsp = failsafe_resume_rsp;
	b->ss = FLAT_KERNEL_SS;
	b->rflags = 0x2;
	b->iret_flags = 0;
}

void test_main(void)
{
	set_handler(VEC_FAILSAFE, on_failsafe);
	set_handler(13, on_failsafe);
	printk("iret to cs 0x%lx\n", BAD_CS);
	/* An iret_context: rax, r11, rcx, flags, rip, cs, rflags, rsp, ss. */
	asm volatile("movq %%rsp, failsafe_resume_rsp(%%rip)\n\t"
		     "pushq %[ss]\n\t"
		     "pushq failsafe_resume_rsp(%%rip)\n\t"
		     "pushfq\n\t"
		     "pushq %[cs]\n\t"
		     "leaq failsafe_resume(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "pushq $0\n\t pushq $0\n\t pushq $0\n\t pushq $0\n\t"
		     "movl $23, %%eax\n\t"
		     "syscall\n\t"
		     "ud2\n"
		     "failsafe_resume:\n\t"
		     "movq failsafe_resume_rsp(%%rip), %%rsp\n\t"
		     : : [cs] "r"(BAD_CS), [ss] "r"((uint64_t)FLAT_KERNEL_SS)
		     : "rax", "rcx", "r11", "memory");
	check_eq(count, 1);
}
