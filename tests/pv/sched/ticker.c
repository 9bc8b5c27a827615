// SPDX-License-Identifier: GPL-2.0
/*
 * ticker: the dom0 of the teardown test (tests/system/test_teardown.py).
 * A timer loop: ticks= times it sleeps until the next multiple of
 * tick_ms= milliseconds (set_timer_op + SCHEDOP_block) and notes how
 * late it woke, while the boot-time domUs named by domus= (at most 8)
 * end and the hypervisor takes them apart in steps.  Between ticks it
 * does dom0's half of the domUs' handshake (tests/pv/domu/domu.h: bind
 * to their port 1) and watches its end of each channel fall back to
 * unbound when the domU is gone.  It prints every 50th tick and each
 * domU's end (progress the test sees) and, at the end, the worst
 * lateness it saw: reported, never judged (timing under emulation is the
 * host's).  Every domU must be gone by the last tick.
 */
#include "sched.h"

#include <veneer/event_channel.h>

const char test_name[] = "ticker";

#define MAX_DOMUS	8

static long evtchn_op(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

/* Parse "domus=1,2" from our command line. */
static unsigned int parse_domus(unsigned int *ids)
{
	const char *s = (const char *)start_info->cmd_line;
	unsigned int n = 0;

	while (*s && strncmp(s, "domus=", 6))
		s++;
	if (!*s)
		return 0;
	s += 6;
	while (*s >= '0' && *s <= '9' && n < MAX_DOMUS) {
		unsigned int id = 0;

		while (*s >= '0' && *s <= '9')
			id = id * 10 + (unsigned int)(*s++ - '0');
		ids[n++] = id;
		if (*s == ',')
			s++;
	}
	return n;
}

/*
 * Sleep until system time @deadline.  Not pv_sleep_until(): the domUs'
 * channels raise events too, so, as dom0_waiter does, take every pending
 * bit with events masked (so that the next raise is an upcall again),
 * then block (SCHEDOP_block unmasks and returns at once if anything was
 * raised since).
 */
static void sleep_until(uint64_t deadline)
{
	struct vcpu_info *vi = vcpu0();

	while (pv_now() < deadline) {
		vi->evtchn_upcall_mask = 1;
		__atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&shared_info->evtchn_pending[0], 0,
				 __ATOMIC_SEQ_CST);
		vi->evtchn_upcall_pending = 0;
		if (hypercall1(__HYPERVISOR_set_timer_op, deadline))
			fail("set_timer_op failed");
		hyp_sched_op(SCHEDOP_block, NULL);
	}
}

static unsigned int ids[MAX_DOMUS], port[MAX_DOMUS], state[MAX_DOMUS];
enum { WAITING, CONNECTED, GONE };

/* Dom0's half of each handshake; each domU's end.  Return: how many are
 * not gone yet. */
static unsigned int look_at_domus(unsigned int n, unsigned long tick)
{
	unsigned int left = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (state[i] == WAITING) {
			struct evtchn_bind_interdomain b = {
				.remote_dom = (domid_t)ids[i], .remote_port = 1,
			};

			if (!evtchn_op(EVTCHNOP_bind_interdomain, &b)) {
				port[i] = b.local_port;
				state[i] = CONNECTED;
				printk("ticker: connected to d%u at tick %lu\n",
				       ids[i], tick);
			}
		} else if (state[i] == CONNECTED) {
			struct evtchn_status st = { .dom = DOMID_SELF,
						    .port = port[i] };

			if (evtchn_op(EVTCHNOP_status, &st))
				fail("status of port %u", port[i]);
			if (st.status != EVTCHNSTAT_interdomain) {
				state[i] = GONE;
				printk("ticker: d%u gone at tick %lu\n", ids[i],
				       tick);
			}
		}
		if (state[i] != GONE)
			left++;
	}
	return left;
}

void test_main(void)
{
	unsigned long ticks = cmdline_ulong("ticks", 200);
	unsigned long tick_ns = cmdline_ulong("tick_ms", 10) * 1000000UL;
	unsigned int n = parse_domus(ids), left = n;
	struct evtchn_bind_virq timer = { .virq = VIRQ_TIMER, .vcpu = 0 };
	uint64_t next = pv_now(), worst = 0, late;

	if (evtchn_op(EVTCHNOP_bind_virq, &timer) || timer.port >= 64)
		fail("bind_virq(VIRQ_TIMER)");

	printk("ticker: %lu ticks of %lu ms, %u domUs\n", ticks,
	       tick_ns / 1000000, n);
	for (unsigned long i = 1; i <= ticks; i++) {
		next += tick_ns;
		sleep_until(next);
		late = pv_now() - next;
		if (late > worst)
			worst = late;
		if (left)
			left = look_at_domus(n, i);
		if (i % 50 == 0)
			printk("ticker: tick %lu at %lu ms\n", i,
			       (unsigned long)(pv_now() / 1000000));
	}
	if (left)
		fail("%u domUs still there after the last tick", left);
	printk("ticker: done, %lu ticks, worst lateness %lu us\n", ticks,
	       (unsigned long)(worst / 1000));
}
