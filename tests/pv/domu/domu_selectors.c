// SPDX-License-Identifier: GPL-2.0
/*
 * Data segment selectors are per vCPU: two of these domUs share one CPU
 * (veneer.affinity=0), one with %fs and %gs loaded with the flat data
 * selector ("sel=set"), one with them null ("sel=null"), and each checks
 * for a while that its own values stay, across the time slices in which
 * the other runs.  Linux depends on it: a non-null %fs it did not load
 * makes it drop a process's TLS base at the next task switch.
 */
#include "domu.h"

const char test_name[] = "domu_selectors";

#define MS	1000000ULL

static uint16_t get_fs(void)
{
	uint16_t s;

	__asm__ __volatile__("movw %%fs, %0" : "=r"(s));
	return s;
}

static uint16_t get_gs(void)
{
	uint16_t s;

	__asm__ __volatile__("movw %%gs, %0" : "=r"(s));
	return s;
}

void test_main(void)
{
	const char *cmd = (const char *)start_info->cmd_line;
	uint16_t want = 0;
	uint64_t end, start, now, prev, runs = 0, gaps = 0;

	if (!strncmp(cmd, "sel=set", 7)) {
		want = FLAT_RING3_DS32;
		__asm__ __volatile__("movw %0, %%fs" : : "r"(want));
	} else if (strncmp(cmd, "sel=null", 8)) {
		fail("command line must be sel=set or sel=null");
	}
	domu_wait_for_dom0();
	start = prev = pv_now();
	end = start + 1500 * MS;
	/* Spin without hypercalls, so only the scheduler's tick takes us
	 * off the CPU; a jump in time is a slice the other domU ran. */
	while ((now = pv_now()) < end) {
		if (now - prev > 5 * MS)
			gaps++;
		prev = now;
		if (get_fs() != want)
			fail("%%fs is 0x%x after %lu ms, want 0x%x", get_fs(),
			     (unsigned long)((now - start) / MS), want);
		if (get_gs() != 0)
			fail("%%gs is 0x%x, want 0", get_gs());
		runs++;
	}
	printk("domu_selectors: %s kept for 1500 ms, %lu checks, %lu "
	       "slices away\n", want ? "flat %fs" : "null %fs/%gs",
	       (unsigned long)runs, (unsigned long)gaps);
	check(gaps >= 2);
}
