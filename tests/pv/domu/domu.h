/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the domU test kernels share: event-channel calls, the guest clock,
 * and the handshake with dom0 (docs/domains.md, tests/system/test_domu.py).
 *
 * Handshake: each domU allocates port 1 unbound for dom0; dom0 binds to
 * (domU, 1) as soon as the domU exists and has done so.  A domU does its
 * part of the test only once its port is connected, so dom0 can later
 * watch its own end fall back to "unbound" when the domU is destroyed.
 */
#ifndef DOMU_H
#define DOMU_H

#include "pv.h"

#include <veneer/event_channel.h>

static inline long evtchn_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

/* EVTCHNSTAT_* of our port @port, or a negative errno. */
static inline long port_status(unsigned int port, struct evtchn_status *st)
{
	long rc;

	st->dom = DOMID_SELF;
	st->port = port;
	rc = evtchn_op(EVTCHNOP_status, st);
	return rc ? rc : (long)st->status;
}

/* A domU's half of the handshake: port 1, unbound for dom0, connected. */
static inline unsigned int domu_wait_for_dom0(void)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
	struct evtchn_status st;
	uint64_t deadline;

	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	check_eq(a.port, 1);
	deadline = pv_now() + 120000000000ULL;
	while (port_status(a.port, &st) != EVTCHNSTAT_interdomain) {
		if (pv_now() > deadline)
			fail("dom0 did not bind to our port 1 in 120 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_eq(st.u.interdomain.dom, 0);
	return a.port;
}

#endif /* DOMU_H */
