// SPDX-License-Identifier: GPL-2.0
/*
 * Two domUs with an event channel between them end at nearly the same
 * time, and the toolstack gives the first one's id to a new domain
 * before the second one's teardown is over.
 *
 * Teardown runs in steps now, long after a domain starts dying: the
 * first domain to finish closed its ports while its peer was dying
 * already, and a dying peer's end was left as it was (the close looked
 * the peer up as bind and send do, which skip dying domains).  So the
 * peer's port still named the first domain's id and port.  When the
 * peer's own teardown closed that port, it looked that id up, found the
 * new domain, and set whatever port of the new domain had that number
 * -- one of its store or console channels with dom0 -- back to unbound:
 * a dying domU cut another domain's channel.  Now a closing end is reset
 * in a dying peer too, and only an end that names the closing one back
 * (domain and port) is touched.
 *
 *   d1  offers port 2 to d2, waits for d2's "ready" on it, signals back
 *       and powers off at once (64 MiB: its teardown takes many steps);
 *   d2  binds to d1's port 2, says "ready", waits for the signal, lets
 *       d1 reach its shutdown, then powers off while d1 is still being
 *       torn down;
 *   dom0_waiter re-creates d1 once it is gone (recreate=1) and connects
 *       four channels with it (newports=4: the new d1's ports 1 to 4),
 *       and checks, when d2 is gone too, that all four still name dom0.
 *
 * veneer-log: dom0_waiter: d1 gone, created a new d1
 * veneer-log: dom0_waiter: the new d1's 4 channels still name dom0
 * xen: skip needs two domains and a toolstack, and Xen 4.17 here boots only dom0
 * domus: 2
 * mem: 64
 * dom0-args: recreate=1 newports=4
 */
#include "isolation.h"

const char test_name[] = "evt_peer_dies_together";

#define MS	1000000ULL
#define SEC	(1000 * MS)

static void wait_pending(unsigned int port)
{
	uint64_t deadline = pv_now() + 120 * SEC;

	while (!(__atomic_load_n(&shared_info->evtchn_pending[0],
				 __ATOMIC_SEQ_CST) & (1UL << port))) {
		if (pv_now() > deadline)
			fail("no event on port %u in 120 s", port);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static void d1(void)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 2 };
	struct evtchn_send s;
	struct evtchn_status st;

	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	check_eq(a.port, 2);
	wait_pending(a.port);		/* d2's "ready" */
	check_eq(port_status(a.port, &st), EVTCHNSTAT_interdomain);
	check_eq(st.u.interdomain.dom, 2);
	s.port = a.port;
	check_rc(evtchn_op(EVTCHNOP_send, &s), 0);
	printk("d1: d2 is bound to our port 2, signalled; powering off\n");
}

static void d2(void)
{
	struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = 2 };
	struct evtchn_send s;
	struct evtchn_status st;
	uint64_t deadline = pv_now() + 120 * SEC;

	while (evtchn_op(EVTCHNOP_bind_interdomain, &b)) {
		if (pv_now() > deadline)
			fail("d1 never offered port 2");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	/* The binding raised our end; d1's signal comes after our "ready". */
	__atomic_and_fetch(&shared_info->evtchn_pending[0],
			   ~(1UL << b.local_port), __ATOMIC_SEQ_CST);
	printk("d2: bound to d1's port 2 (our port %u)\n", b.local_port);
	s.port = b.local_port;
	check_rc(evtchn_op(EVTCHNOP_send, &s), 0);
	wait_pending(b.local_port);
	/* d1 reaches its shutdown meanwhile; its teardown (64 MiB) is not
	 * over before ours starts. */
	for (uint64_t end = pv_now() + 20 * MS; pv_now() < end;)
		hyp_sched_op(SCHEDOP_yield, NULL);
	/* Our end still names d1: its teardown is not over (else this run
	 * would test nothing). */
	if (port_status(b.local_port, &st) != EVTCHNSTAT_interdomain)
		fail("d1's teardown was over before we ended: nothing tested");
	printk("d2: d1 signalled and is ending; powering off while its "
	       "teardown runs\n");
}

void test_main(void)
{
	iso_begin();
	if (iso_is_dom0())
		return;		/* not on Xen: see "xen: skip" */
	if (iso_role() == 1)
		d1();
	else
		d2();
}
