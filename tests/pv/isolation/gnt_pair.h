/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two domUs and a grant between them, as gnt_granter_dies and
 * gnt_granter_id_reuse set it up: d1 grants d2 a control page
 * (PAIR_REF_CTL, with d1's event channel port for d2 in [1], d2's stage
 * in [0]) and a data page (PAIR_REF_DATA); d2 maps both, binds to the
 * port and says so; the port falling back to unbound is how d2 sees d1
 * go.
 */
#ifndef GNT_PAIR_H
#define GNT_PAIR_H

#include "isolation.h"
#include "gnt.h"

#define PAIR_REF_CTL	8
#define PAIR_REF_DATA	9
#define PAIR_MAPPED	1	/* d2's stage in the control page's [0] */

/* d1: set up, grant both pages to d2 and wait until d2 maps them. */
static inline void pair_granter(union gnt_table *gt, volatile uint64_t *ctl,
				volatile uint64_t *data)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 2 };

	gnt_setup(gt);
	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	ctl[1] = a.port;
	gnt_grant_v1(&gt->v1[PAIR_REF_CTL], 2, GTF_permit_access, ctl);
	gnt_grant_v1(&gt->v1[PAIR_REF_DATA], 2, GTF_permit_access, data);
	printk("d1: granted the control page and the data page (mfn 0x%lx)\n",
	       (unsigned long)virt_to_mfn((const void *)data));
	gnt_wait_eq(&ctl[0], PAIR_MAPPED, "d2 to map our pages");
}

/* d2: map d1's two pages (as soon as d1 has granted them) at @ctl_win and
 * @win, bind to d1's port, tell d1; our port. */
static inline unsigned int pair_grantee(volatile uint64_t *ctl_win,
					volatile uint64_t *win,
					grant_handle_t *hc, grant_handle_t *hd)
{
	uint64_t deadline = pv_now() + 60000000000ULL;
	struct evtchn_bind_interdomain b = { .remote_dom = 1 };

	while (gnt_map(1, PAIR_REF_CTL, (uint64_t)ctl_win, GNTMAP_host_map,
		       hc) != GNTST_okay) {
		if (pv_now() > deadline)
			fail("could not map d1's control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_eq(gnt_map(1, PAIR_REF_DATA, (uint64_t)win, GNTMAP_host_map, hd),
		 GNTST_okay);
	b.remote_port = (unsigned int)ctl_win[1];
	check_rc(evtchn_op(EVTCHNOP_bind_interdomain, &b), 0);
	__atomic_store_n(&ctl_win[0], PAIR_MAPPED, __ATOMIC_RELEASE);
	printk("d2: mapped d1's two pages; waiting for d1 to go\n");
	return b.local_port;
}

/* d2: wait until d1 is gone (our @port is no longer connected). */
static inline void pair_wait_gone(unsigned int port)
{
	uint64_t deadline = pv_now() + 60000000000ULL;
	struct evtchn_status st;

	while (port_status(port, &st) == EVTCHNSTAT_interdomain) {
		if (pv_now() > deadline)
			fail("d1 did not go in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

/* d2: a one-byte copy from d1's control grant; its status. */
static inline int pair_copy_from_d1(volatile void *scratch)
{
	return gnt_copy(GNT_REF(1, PAIR_REF_CTL, 0), GNT_OWN(scratch, 0), 1);
}

#endif /* GNT_PAIR_H */
