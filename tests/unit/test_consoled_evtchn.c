// SPDX-License-Identifier: GPL-2.0
/*
 * test_consoled_evtchn.c - consoled's event-channel glue on the real
 * (non host stand-in) path, with /dev/xen stubbed: the process test
 * (test_consoled.py) only runs host rings, which skip this path.  A
 * kicked port must be unmasked through the evtchn device, once. A guest
 * kicking past its kick bucket keeps its port masked until it refills.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* consoled's clock is ours: the kick limit is checked without timing. */
#define clock_gettime fake_clock_gettime
#define main consoled_main
#include "../../drivers-back/console/consoled.c"
#undef main
#undef clock_gettime

static uint64_t fake_ns = 1000000000ULL;

int fake_clock_gettime(clockid_t id, struct timespec *ts)
{
	ts->tv_sec = (time_t)(fake_ns / 1000000000ULL);
	ts->tv_nsec = (long)(fake_ns % 1000000000ULL);
	return 0;
}

static int unmasks, notifies, acks;

int xendev_map_page(struct xendev_page *pg, unsigned int domid, uint32_t ref,
		    uint64_t mfn, char *why, unsigned int why_size)
{ return -ENODEV; }
void xendev_unmap_page(struct xendev_page *pg) { pg->addr = NULL; }
int xendev_evtchn_bind(struct xendev_evtchn *ev, unsigned int domid,
		       unsigned int remote_port) { return -ENODEV; }
void xendev_evtchn_close(struct xendev_evtchn *ev) { ev->fd = -1; }
void xendev_evtchn_notify(const struct xendev_evtchn *ev) { notifies++; }
bool xendev_evtchn_ack(const struct xendev_evtchn *ev) { acks++; return true; }
void xendev_evtchn_unmask(const struct xendev_evtchn *ev) { unmasks++; }
enum xendev_dom_state xendev_domain_state(unsigned int domid)
{ return XENDEV_DOM_ALIVE; }

/* A kicked real port, settled: one unmask through the device (this
 * recursed into itself until the stack overflowed, killing consoled on
 * any guest's first kick). */
static void test_real_port_unmask(void **state)
{
	static struct console c;
	static struct xencons_interface page;

	c.host_notify_fd = -1;
	c.ev.fd = 99;
	c.ev.local_port = 7;
	c.client = -1;
	c.log_fd = -1;
	cons_ring_attach(&c.ring, &page);
	cons_limit_init(&c.lim, 1024, 8192, 0);
	cons_limit_init(&c.kicks, KICK_RATE, KICK_BURST, 0);
	unmasks = notifies = acks = 0;
	console_kicked(&c);
	assert_int_equal(acks, 1);
	assert_true(c.masked);
	console_settle(&c);
	assert_int_equal(unmasks, 1);
	assert_false(c.masked);
	ev_notify(&c);
	assert_int_equal(notifies, 1);
}

/*
 * A guest kicking its port (here with nothing in its ring): past
 * KICK_BURST kicks its port stays masked (no more wake-ups for dom0) until the kick
 * bucket refills; then it is unmasked again.
 */
static void test_empty_kick_storm_masked(void **state)
{
	static struct console c;
	static struct xencons_interface page;
	int i;

	c.host_notify_fd = -1;
	c.ev.fd = 99;
	c.client = -1;
	c.log_fd = -1;
	cons_ring_attach(&c.ring, &page);
	cons_limit_init(&c.lim, 1024, 8192, now_ns());
	cons_limit_init(&c.kicks, KICK_RATE, KICK_BURST, now_ns());
	unmasks = 0;
	for (i = 0; i < 10 * KICK_BURST; i++) {
		console_kicked(&c);
		console_settle(&c);
	}
	assert_int_equal(unmasks, KICK_BURST);
	assert_true(c.kick_throttled);
	assert_true(c.masked);
	/* A kick that gets through still has its output read. */
	page.out[0] = 'x';
	__atomic_store_n(&page.out_prod, 1, __ATOMIC_RELEASE);
	console_kicked(&c);
	assert_int_equal(c.ring.out_cons, 1);
	assert_true(c.kick_throttled);
	/* Refilled (one second later): served and unmasked again. */
	fake_ns += 1000000000ULL;
	console_settle(&c);
	assert_false(c.kick_throttled);
	assert_false(c.masked);
	assert_int_equal(unmasks, KICK_BURST + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_port_unmask),
		cmocka_unit_test(test_empty_kick_storm_masked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
