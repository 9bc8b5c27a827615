// SPDX-License-Identifier: GPL-2.0
/*
 * block: a domU that blocks and has nothing that could wake it (no
 * event channel bound, no timer armed).  The scheduler tests check that
 * it uses no CPU while the others spin.
 */
#include "sched.h"

const char test_name[] = "block";

void test_main(void)
{
	printk("block: blocking for good\n");
	for (;;)
		hyp_sched_op(SCHEDOP_block, NULL);
}
