// SPDX-License-Identifier: GPL-2.0
/*
 * yield: a domU that only ever yields (SCHEDOP_yield in a loop).  Next
 * to a spinner on the same CPU it should use next to nothing: each time
 * it is picked it gives the CPU straight back.
 */
#include "sched.h"

const char test_name[] = "yield";

void test_main(void)
{
	printk("yield: yielding for good\n");
	for (;;)
		hyp_sched_op(SCHEDOP_yield, NULL);
}
