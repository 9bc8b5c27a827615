// SPDX-License-Identifier: GPL-2.0
/*
 * Time and sleeping for the scheduler test kernels.
 *
 * pv_now() is the framework's (lib/time.c).  pv_sleep_until()
 * binds VIRQ_TIMER once, arms the one-shot timer (set_timer_op) and
 * blocks until the deadline has passed; the framework's event handler
 * clears the upcall flag, and we clear the port and the selector so
 * the next timer raises it afresh.
 */
#include "sched.h"

#include <veneer/event_channel.h>

static evtchn_port_t timer_port;
static int timer_bound;

static void bind_timer(void)
{
	struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
	long rc = hypercall2(__HYPERVISOR_event_channel_op,
			     EVTCHNOP_bind_virq, &bind);

	if (rc)
		fail("bind_virq(VIRQ_TIMER) = %ld", rc);
	timer_port = bind.port;
	timer_bound = 1;
}

void pv_sleep_until(uint64_t deadline)
{
	if (!timer_bound)
		bind_timer();
	while (pv_now() < deadline) {
		long rc;

		/* Masked until the block unmasks them: an upcall taken
		 * between arming and blocking would leave nothing to wake
		 * the block (Linux's safe_halt masks first, too). */
		vcpu0()->evtchn_upcall_mask = 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		rc = hypercall1(__HYPERVISOR_set_timer_op, deadline);

		if (rc)
			fail("set_timer_op = %ld", rc);
		hyp_sched_op(SCHEDOP_block, NULL);
		/* The 2-level protocol raises an upcall only when a selector
		 * bit goes from 0 to 1: clear both levels. */
		__atomic_store_n(&vcpu0()->evtchn_pending_sel, 0,
				 __ATOMIC_SEQ_CST);
		__atomic_and_fetch(&shared_info->evtchn_pending[timer_port / 64],
				   ~(1UL << (timer_port % 64)),
				   __ATOMIC_SEQ_CST);
	}
}

unsigned long cmdline_ulong(const char *key, unsigned long def)
{
	const char *s = (const char *)start_info->cmd_line;
	size_t len = strlen(key);

	for (; *s; s++) {
		unsigned long v = 0;

		if ((s != (const char *)start_info->cmd_line && s[-1] != ' ') ||
		    strncmp(s, key, len) || s[len] != '=')
			continue;
		for (s += len + 1; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (unsigned long)(*s - '0');
		return v;
	}
	return def;
}
