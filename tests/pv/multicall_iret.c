// SPDX-License-Identifier: GPL-2.0
/*
 * multicall_iret: HYPERVISOR_iret as an entry of a multicall.  iret does
 * not return, so it cannot have a result inside a batch.
 *
 * This is a choice.  Veneer refuses it: the entry's result is -EINVAL and
 * the multicall returns normally.  Xen 4.17 runs it: the iret takes the
 * iret_context at the guest's stack pointer and the multicall ends there.
 * The test builds a valid context on its stack before the multicall, so
 * both are safe, and accepts either path; in both the entry before the
 * iret has run.
 */
#include "pv.h"

const char test_name[] = "multicall_iret";

#define EINVAL	22

uint64_t mci_saved_rsp;
unsigned int mci_path;		/* 1: multicall returned, 2: iret ran */
static struct multicall_entry mc[3];

void test_main(void)
{
	memset(mc, 0, sizeof(mc));
	mc[0].op = __HYPERVISOR_xen_version;
	mc[0].args[0] = XENVER_version;
	mc[0].result = 0x5555;
	mc[1].op = __HYPERVISOR_iret;
	mc[1].result = 0x5555;
	mc[2].op = __HYPERVISOR_xen_version;
	mc[2].args[0] = XENVER_version;
	mc[2].result = 0x5555;

	printk("multicall: xen_version, iret, xen_version\n");
	/* The iret_context, lowest word first: rax, r11, rcx, flags, rip,
	 * cs, rflags (IF clear: events stay masked), rsp, ss. */
	asm volatile("movq %%rsp, mci_saved_rsp(%%rip)\n\t"
		     "pushq %[ss]\n\t"
		     "pushq mci_saved_rsp(%%rip)\n\t"
		     "pushfq\n\t"
		     "andq $~0x200, (%%rsp)\n\t"
		     "pushq %[cs]\n\t"
		     "leaq mci_landed(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "pushq $0\n\t pushq $0\n\t pushq $0\n\t pushq $0x77\n\t"
		     "movl $13, %%eax\n\t"
		     "syscall\n\t"
		     "movq mci_saved_rsp(%%rip), %%rsp\n\t"
		     "movl $1, mci_path(%%rip)\n\t"
		     "jmp 3f\n"
		     "mci_landed:\n\t"
		     "movq mci_saved_rsp(%%rip), %%rsp\n\t"
		     "movl $2, mci_path(%%rip)\n"
		     "3:\n\t"
		     : : "D"(mc), "S"(3UL),
		       [cs] "r"((uint64_t)(FLAT_KERNEL_CS & ~3)),
		       [ss] "r"((uint64_t)FLAT_KERNEL_SS)
		     : "rax", "rcx", "r11", "memory");
	printk("  path %u; results %ld %ld %ld\n", mci_path,
	       (long)mc[0].result, (long)mc[1].result, (long)mc[2].result);
	check((long)mc[0].result >= 0x40000);
	if (mci_path == 1) {
		printk("  iret refused inside the multicall\n");
		check_eq(mc[1].result, -EINVAL);
		check((long)mc[2].result >= 0x40000);
	} else {
		check_eq(mci_path, 2);
		printk("  iret ran and ended the multicall\n");
	}
}
