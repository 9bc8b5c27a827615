// SPDX-License-Identifier: GPL-2.0
/*
 * A boot-time domU that crashes the way a broken kernel does: once its
 * event channel with dom0 is connected, it drops its whole trap table
 * and touches an unmapped page.  A page fault with no handler is the PV
 * triple fault: the hypervisor must crash this domain, and only it.
 */
#include "domu.h"

const char test_name[] = "domu_crash";

void test_main(void)
{
	domu_wait_for_dom0();
	printk("domu_crash: dropping the trap table, then faulting\n");
	check_rc(hyp_set_trap_table(NULL), 0);
	__asm__ __volatile__("movq $1, 0x10" ::: "memory");
	fail("still running after a fault with no handler");
}
