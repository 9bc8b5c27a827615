// SPDX-License-Identifier: GPL-2.0
/*
 * mc_yield_continues (found by review): a multicall whose first entry is
 * SCHEDOP_yield (or _block, _poll) lost the rest of the batch on Veneer:
 * do_sched_op() called schedule(), which never returns, so the later
 * entries never ran, entry 0 got no result, and the guest saw the
 * multicall "return" 0 as if all had run.  Xen 4.17 only raises the
 * scheduler softirq; the multicall's next preemption check makes a
 * continuation and every entry runs.  Veneer now does the same
 * (sched_make_way()).
 *
 * Pass (Xen's answer): every entry ran and has its result.
 */
#include "isolation.h"

const char test_name[] = "mc_yield_continues";

static struct multicall_entry mc[3];

void test_main(void)
{
	long rc;

	iso_begin();
	memset(mc, 0, sizeof(mc));
	mc[0].op = __HYPERVISOR_sched_op;
	mc[0].args[0] = SCHEDOP_yield;
	mc[0].result = 0x5555;
	mc[1].op = __HYPERVISOR_xen_version;
	mc[1].args[0] = XENVER_version;
	mc[1].result = 0x5555;
	mc[2] = mc[1];
	rc = hyp_multicall(mc, 3);
	printk("mc_yield_continues: multicall = %ld, results %ld %ld %ld\n",
	       rc, (long)mc[0].result, (long)mc[1].result, (long)mc[2].result);
	check_eq(rc, 0);
	check_eq(mc[0].result, 0);
	check((long)mc[1].result >= 0x40000);
	check((long)mc[2].result >= 0x40000);
}
