// SPDX-License-Identifier: GPL-2.0
/*
 * evt_alloc_foreign (attacker review of `vctl create`): EVTCHNOP_alloc_
 * unbound now lets dom0 allocate a port in another domain's table (a
 * toolstack's store and console ports).  An unprivileged domU must still
 * allocate only in its own: naming dom0, or a domain that does not exist,
 * is -EPERM (the same answer for both: no probing of which ids exist),
 * and port is not written back.  Its own table, by DOMID_SELF or by its
 * own id, still works.
 *
 * veneer-log: EVTCHNOP_alloc_unbound in d0 refused: only dom0 allocates in another domain's table: -EPERM \(logged once\)
 * xen: skip runs as dom0 there, which may allocate in another domain's table
 */
#include "isolation.h"

const char test_name[] = "evt_alloc_foreign";

#define EPERM	1

static void refused(domid_t dom)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = 0,
					  .port = 0x5a5a };

	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), -EPERM);
	check_eq(a.port, 0x5a5a);
}

void test_main(void)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };

	iso_begin();
	refused(0);		/* dom0's table */
	refused(7);		/* no such domain */
	refused(0x7fef);	/* the last ordinary id */
	for (unsigned int i = 0; i < 4; i++)
		refused(0);	/* logged once, not per call */
	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	check_eq(a.port != 0, 1);
	printk("evt_alloc_foreign: own table port %u, others refused\n",
	       a.port);
}
