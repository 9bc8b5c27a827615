// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware breakpoints against the hypervisor.  A guest may arm data
 * watchpoints and single steps, and they stay armed while the hypervisor
 * runs for it, so it can make the CPU raise #DB in ring 0:
 *
 *   1. breakpoints on the hypervisor's own addresses: refused, whether
 *      through set_debugreg (-EPERM) or `mov %reg,%drN` (#GP(0)), for
 *      the start and end of the hypervisor's range, an address inside it
 *      and a non-canonical one;
 *   2. the hypervisor writing a watched guest address: a watchpoint on
 *      the stack slots where the bounce frame of an int3 goes;
 *   3. `mov (%rsp),%ss; syscall` with a watchpoint on that stack slot,
 *      and with TF set: the #DB the `mov ss` holds back is delivered on
 *      the first instruction of the hypervisor's syscall entry, with the
 *      guest's stack pointer and GS base still loaded (CVE-2018-8897);
 *   4. `mov (%rsp),%ss; int3` with the same watchpoint: the held-back
 *      #DB lands on the first instruction of the #BP entry, before its
 *      swapgs.
 * Each time the hypervisor must stay up and the guest go on: the
 * hypercall returns its value, the int3 arrives once with rip after it.
 * What the guest sees of #DB itself may differ between CPUs (QEMU may
 * not hold a data #DB back), so that is only counted.
 *
 * veneer-log: set_debugreg 0 = 0xffff800000000000: a hypervisor or non-canonical address: -EPERM
 * veneer-log: #DB in hypervisor context at 0x[0-9a-f]+, dr6 0x[0-9a-f]+: a guest breakpoint, dropped
 */
#include "isolation.h"

const char test_name[] = "dbg_movss";

#define EPERM	1
#define TF	0x100UL

static long set_dr(unsigned long reg, unsigned long val)
{
	return hypercall5(__HYPERVISOR_set_debugreg, reg, val, 0, 0, 0);
}

static unsigned long get_dr(unsigned long reg)
{
	return hypercall5(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

static const unsigned long hv_addrs[] = {
	0xffff800000000000UL,		/* first byte of the hypervisor's */
	0xffff82d040000000UL,		/* inside (Xen's text is here) */
	0xffff830000000000UL,		/* inside (a direct map) */
	0xffff87fffffffff8UL,		/* its last 8 bytes */
	0x0000800000000000UL,		/* non-canonical */
	0x8000000000000000UL,		/* non-canonical */
};

static volatile unsigned int db_count;

/* A #DB in the guest: count it, stop any single step, go on. */
static void on_db(struct trap_regs *r, struct bounce *b)
{
	db_count++;
	b->rflags &= ~TF;
}

static void refusals(void)
{
	for (unsigned int i = 0; i < sizeof(hv_addrs) / sizeof(hv_addrs[0]);
	     i++) {
		for (unsigned int reg = 0; reg < 4; reg++) {
			long rc = set_dr(reg, hv_addrs[i]);

			if (rc != -EPERM)
				fail("set_debugreg(%u, 0x%lx) = %ld, want -EPERM",
				     reg, hv_addrs[i], rc);
			check_eq(get_dr(reg), 0);
		}
		probe_arm(13);
		PROBE("movq %%rax, %%dr0", , "a"(hv_addrs[i]));
		check_kernel_frame(13, 1, 0, probe_rec.fault_rip);
		check_eq(get_dr(0), 0);
	}
	printk("  %u addresses refused by set_debugreg and mov\n",
	       (unsigned int)(sizeof(hv_addrs) / sizeof(hv_addrs[0])));
}

/* Watch 8 bytes at @a for reads and writes with DR0. */
static void watch(void *a)
{
	check_eq(set_dr(0, (unsigned long)a), 0);
	check_eq(set_dr(7, 0x1UL | (0xbUL << 16)), 0);
}

static long movss_syscall(unsigned long *slot, unsigned long flags)
{
	long ret;

	asm volatile("pushfq\n\t"
		     "orq %[tf], (%%rsp)\n\t"
		     "popfq\n\t"
		     "movw (%[s]), %%ss\n\t"
		     "syscall\n\t"
		     "pushfq\n\t"
		     "andq $~0x100, (%%rsp)\n\t"
		     "popfq"
		     : "=a"(ret)
		     : "a"(__HYPERVISOR_xen_version), "D"(0), "S"(0),
		       [s] "r"(slot), [tf] "r"(flags)
		     : "rcx", "r11", "memory");
	return ret;
}

void test_main(void)
{
	unsigned long slot[2] __attribute__((aligned(16)));
	long version;

	iso_begin();
	set_handler(1, on_db);
	version = hypercall2(__HYPERVISOR_xen_version, 0, 0);
	printk("xen_version %lx\n", version);

	printk("breakpoints on the hypervisor's addresses\n");
	refusals();

	printk("the hypervisor writes a watched bounce frame (int3)\n");
	{
		unsigned long here;

		asm volatile("movq %%rsp, %0" : "=r"(here));
		/* The frame goes below the red zone... below rsp anyway:
		 * watch the word 64 bytes down, inside the 7-word frame. */
		watch((void *)((here - 48) & ~7UL));
		probe_arm(3);
		PROBE("int3");
		check_eq(probe_rec.count, 1);
		check_eq(probe_rec.b.rip, probe_rec.resume_rip);
		check_rc(set_dr(7, 0), 0);
	}

	slot[0] = FLAT_KERNEL_SS;
	printk("mov ss from a watched stack slot, then syscall\n");
	watch(slot);
	check_eq(movss_syscall(slot, 0), version);
	printk("  and with TF set\n");
	check_eq(movss_syscall(slot, TF), version);
	check_rc(set_dr(7, 0), 0);
	printk("  with TF only\n");
	check_eq(movss_syscall(slot, TF), version);

	printk("mov ss from a watched stack slot, then int3\n");
	watch(slot);
	probe_arm(3);
	set_handler(1, on_db);
	PROBE_PRE("movw (%%rdx), %%ss", "int3", , "d"(slot));
	check_eq(probe_rec.count, 1);
	check_eq(probe_rec.b.rip, probe_rec.resume_rip);
	check_rc(set_dr(7, 0), 0);

	printk("  #DB seen by the guest: %u; hypervisor still answers: %lx\n",
	       db_count, hypercall2(__HYPERVISOR_xen_version, 0, 0));
	check_eq(hypercall2(__HYPERVISOR_xen_version, 0, 0), version);
}
