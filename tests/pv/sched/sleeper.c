// SPDX-License-Identifier: GPL-2.0
/*
 * sleeper: the dom0 of the scheduler tests.  It sleeps (set_timer_op +
 * SCHEDOP_block, so it uses next to no CPU) for sleep_ms= milliseconds
 * of system time from its command line while the domUs compete, then
 * powers off; Veneer prints its scheduler counters on the way out
 * (sched_report()).  Every 5 s it prints how far it is.
 */
#include "sched.h"

const char test_name[] = "sleeper";

void test_main(void)
{
	unsigned long ms = cmdline_ulong("sleep_ms", 1000);
	uint64_t start = pv_now(), end = start + ms * 1000000UL;

	printk("sleeper: sleeping %lu ms from %lu ms\n", ms,
	       (unsigned long)(start / 1000000));
	for (uint64_t t = start + 5000000000UL; t < end; t += 5000000000UL) {
		pv_sleep_until(t);
		printk("sleeper: %lu ms\n", (unsigned long)(pv_now() / 1000000));
	}
	pv_sleep_until(end);
	printk("sleeper: woke at %lu ms\n", (unsigned long)(pv_now() / 1000000));
}
