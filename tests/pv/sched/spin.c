// SPDX-License-Identifier: GPL-2.0
/*
 * spin: a CPU-bound domU for the scheduler tests.  It never blocks or
 * yields: whatever CPU time it gets, the scheduler chose to give it.  A
 * cheap hypercall every few million rounds keeps the hypercall counters
 * honest.  It never ends; dom0's shutdown ends the machine.
 */
#include "sched.h"

const char test_name[] = "spin";

void test_main(void)
{
	volatile unsigned long rounds = 0;

	printk("spin: spinning\n");
	for (;;) {
		rounds++;
		if (!(rounds & ((1UL << 22) - 1)))
			hyp_xen_version(XENVER_version, NULL);
	}
}
