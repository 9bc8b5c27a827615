// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that makes the hypervisor log, over and over: every hypercall
 * that fails with -EFAULT is logged on Veneer, so 20000 of them in a row
 * would keep the serial line (and every CPU that logs) busy for as long
 * as the guest likes.  The hypervisor must rate limit the lines a domU
 * causes, say how many it dropped, and still print a refusal that it
 * logs only once (an unknown hypercall number) even right after the
 * flood.  Afterwards the domain's own lines (its verdict) print again
 * once its allowance has refilled.  Xen gives the same results (-EFAULT,
 * -ENOSYS); its own log is not checked.
 *
 * veneer-log: \(d1\) \d+ lines suppressed \(rate limit\)
 * veneer-log: \(d1v0\) unknown hypercall 60: -ENOSYS
 */
#include "isolation.h"

const char test_name[] = "flt_log_flood";

#define EFAULT		14
#define ENOSYS		38
#define FLOOD		20000
#define MS		1000000ULL

static char hole[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void pause_ms(uint64_t ms)
{
	uint64_t end = pv_now() + ms * MS;

	while (pv_now() < end)
		asm volatile("pause");
}

void test_main(void)
{
	unsigned int i, faults = 0;
	long rc;

	iso_begin();
	/* A page of ours that is not mapped: every write to it faults. */
	check_rc(hyp_update_va_mapping((unsigned long)hole, 0, UVMF_INVLPG),
		 0);

	printk("1. %u xen_version calls into an unmapped page\n", FLOOD);
	for (i = 0; i < FLOOD; i++)
		if (hyp_xen_version(XENVER_extraversion, hole) == -EFAULT)
			faults++;

	printk("2. hypercall 60, right after\n");
	rc = hypercall1(60, 0);

	pause_ms(1000);		/* the domU's line allowance refills */
	printk("  %u of %u gave -EFAULT; hypercall 60 = %ld\n", faults, FLOOD,
	       rc);
	check_eq(faults, FLOOD);
	check_eq(rc, -ENOSYS);
	printk("still here\n");
}
