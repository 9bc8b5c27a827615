/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure data of events and guest time: a domain's port table, the
 * 2-level pending/mask bits, pvclock scaling.  No hypervisor state, so
 * that host unit tests (tests/unit/test_hv_evtchn.c, test_hv_pvclock.c)
 * can build common/evtchn-2l.c and common/pvclock.c as they are.
 */
#ifndef HV_EVTCHN_2L_H
#define HV_EVTCHN_2L_H

#include <hv/types.h>

#include <veneer/xen.h>

/* Error numbers hv/errno.h does not have yet (Linux/Xen values). */
#ifndef ENOSPC
#define ENOSPC		28
#endif
#ifndef ETIME
#define ETIME		62
#endif

#define EVTCHN_NR_PORTS		4096	/* 2-level ABI: 64 words of 64 bits */

struct evtchn {
	u8 state;		/* EVTCHNSTAT_* */
	u16 vcpu;		/* vCPU notified */
	u16 virq;		/* EVTCHNSTAT_virq: which */
	domid_t remote_dom;	/* unbound: who may bind; interdomain: peer */
	u32 remote_port;	/* interdomain: peer port */
};

struct evtchn_table {
	struct evtchn port[EVTCHN_NR_PORTS];
};

int evtchn_alloc_port(struct evtchn_table *t);
void evtchn_free_port(struct evtchn_table *t, unsigned int port);
bool evtchn_port_in_use(const struct evtchn_table *t, unsigned long port);
bool evtchn_2l_set_pending(struct shared_info *si, struct vcpu_info *vi,
			   unsigned int port);
bool evtchn_2l_unmask(struct shared_info *si, struct vcpu_info *vi,
		      unsigned int port);
bool evtchn_2l_is_pending(const struct shared_info *si, unsigned int port);
void evtchn_2l_clear_pending(struct shared_info *si, unsigned int port);

/* ---- pvclock scaling (common/pvclock.c; host unit tested) ---- */

void pvclock_scale(u64 tsc_hz, u32 *mul, s8 *shift);
u64 pvclock_scale_delta(u64 delta, u32 mul, s8 shift);

#endif /* HV_EVTCHN_2L_H */
