// SPDX-License-Identifier: GPL-2.0
/*
 * test_store_ring_evtchn.c - stored's ring transport (io_ring.c) on the
 * real guest path, with /dev/xen stubbed: the process test
 * (test_store_daemon) only runs host rings, which use eventfds.  Here a
 * guest's /dev/xen/evtchn file is one end of a socketpair: a kick is a
 * port number the test writes, an unmask is the port number stored
 * writes back (as the evtchn device takes it).  A guest kicking past its
 * kick bucket keeps its port masked until the bucket refills; its ring
 * is read again then.  dom0's own ring is not limited.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <cmocka.h>

/* io_ring.c's clock and ioctls are ours: no timing, no /dev/xen. */
#define clock_gettime fake_clock_gettime
#define ioctl fake_ioctl
#include "../../dom0/stored/io_ring.c"
#undef ioctl
#undef clock_gettime

static uint64_t fake_ns = 1000000000ULL;
static int notifies;

int fake_clock_gettime(clockid_t id, struct timespec *ts)
{
	ts->tv_sec = (time_t)(fake_ns / 1000000000ULL);
	ts->tv_nsec = (long)(fake_ns % 1000000000ULL);
	return 0;
}

int fake_ioctl(int fd, unsigned long req, ...)
{
	if (req == IOCTL_EVTCHN_NOTIFY)
		notifies++;
	return 0;
}

#define PORT 7

static unsigned int unmasked;	/* port numbers stored wrote back */

struct fixture {
	struct store *s;
	struct ring_server *rs;
	struct ring_conn *rc;
	struct store_domain_interface page;
	int guest;		/* the test's end: kicks in, unmasks out */
};

static struct fixture *setup(enum ring_kind kind, unsigned int domid)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_quota q;
	int sv[2];

	assert_non_null(f);
	store_default_quota(&q);
	f->s = store_new(&q);
	assert_non_null(f->s);
	f->rs = ring_server_new(f->s);
	assert_non_null(f->rs);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
				    sv), 0);
	f->rc = calloc(1, sizeof(*f->rc));
	assert_non_null(f->rc);
	f->rc->kind = kind;
	f->rc->domid = domid;
	f->rc->page = &f->page;
	f->rc->kick_fd = f->rc->notify_fd = sv[0];
	f->rc->evtchn_port = PORT;
	f->rc->gnt_fd = -1;
	f->rc->kick_tokens = KICK_BURST;
	f->rc->kick_last_ns = now_ns();
	f->rc->c = store_conn_new(f->s, domid, &ring_ops, f->rc);
	assert_non_null(f->rc->c);
	f->rs->rings = f->rc;
	f->guest = sv[1];
	unmasked = 0;
	return f;
}

static void teardown(struct fixture *f)
{
	/* The page is ours, not a mapping: let ring_server_free skip it. */
	f->rc->page = NULL;
	f->rc->kind = RING_HOST;
	ring_server_free(f->rs);
	store_free(f->s);
	close(f->guest);
	free(f);
}

static void drain(struct fixture *f)
{
	uint32_t port;

	while (read(f->guest, &port, sizeof(port)) == sizeof(port)) {
		assert_int_equal(port, PORT);
		unmasked++;
	}
}

/* One turn of stored's loop; @kick: the guest's port fired. */
static void turn(struct fixture *f, bool kick)
{
	struct pollfd pfd = { .fd = f->rc->kick_fd, .events = POLLIN };
	struct pollset ps = { .fds = &pfd, .nr = 1, .cap = 1 };
	uint32_t port = PORT;

	if (kick) {
		assert_int_equal(write(f->guest, &port, sizeof(port)),
				 sizeof(port));
		pfd.revents = POLLIN;
	}
	ring_handle(f->rs, &ps);
	drain(f);
}

/* Unmasks stored wrote back since the last call. */
static unsigned int unmasks(struct fixture *f)
{
	unsigned int n;

	drain(f);
	n = unmasked;
	unmasked = 0;
	return n;
}

/* A GET_DOMAIN_PATH request in the guest's req ring (no kick). */
static void put_request(struct fixture *f, uint32_t req_id)
{
	struct store_msg_hdr h = {
		.type = STORE_GET_DOMAIN_PATH, .req_id = req_id, .len = 2,
	};
	char msg[sizeof(h) + 2];

	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), "5", 2);
	assert_int_equal(xs_ring_put(f->page.req, &f->page.req_cons,
				     &f->page.req_prod, msg, sizeof(msg)),
			 (int)sizeof(msg));
}

/* The replies in the rsp ring so far, consumed. */
static unsigned int replies(struct fixture *f)
{
	char buf[STORE_RING_SIZE];
	unsigned int n = 0;
	size_t off = 0;
	int got = xs_ring_get(f->page.rsp, &f->page.rsp_cons,
			      &f->page.rsp_prod, buf, sizeof(buf));

	assert_true(got >= 0);
	while (off + sizeof(struct store_msg_hdr) <= (size_t)got) {
		struct store_msg_hdr h;

		memcpy(&h, buf + off, sizeof(h));
		assert_int_equal(h.type, STORE_GET_DOMAIN_PATH);
		assert_string_equal(buf + off + sizeof(h), "/local/domain/5");
		off += sizeof(h) + h.len;
		n++;
	}
	assert_int_equal(off, (size_t)got);
	return n;
}

/*
 * A guest kicking its store port in a loop (an event storm, nothing in
 * its ring): past KICK_BURST kicks its port stays masked, so dom0 is no
 * longer woken; the poll loop is told when the bucket refills.
 */
static void test_guest_kick_storm_masked(void **state)
{
	struct fixture *f = setup(RING_GUEST, 5);
	struct pollset ps = { 0 };
	unsigned int i;

	for (i = 0; i < 10 * KICK_BURST; i++)
		turn(f, true);
	assert_int_equal(unmasks(f), KICK_BURST);
	assert_true(f->rc->kick_throttled);
	/* stored sleeps until the refill, not forever, and not 0. */
	i = (unsigned int)ring_poll_add(f->rs, &ps);
	assert_true((int)i > 0 && (int)i <= 1 + 1000 / KICK_RATE);
	free(ps.fds);
	/* A turn without a kick before the refill: still masked. */
	turn(f, false);
	assert_int_equal(unmasks(f), 0);
	teardown(f);
}

/*
 * Throttled, its requests still get answers: the kick that came through
 * is served, and what it wrote while masked is read at the refill, when
 * its port is unmasked again.
 */
static void test_throttled_guest_served_at_refill(void **state)
{
	struct fixture *f = setup(RING_GUEST, 5);
	unsigned int i;

	for (i = 0; i < KICK_BURST; i++)
		turn(f, true);
	assert_int_equal(unmasks(f), KICK_BURST);
	assert_false(f->rc->kick_throttled);
	/* Over the burst: this kick's request is answered, port masked. */
	put_request(f, 1);
	turn(f, true);
	assert_true(f->rc->kick_throttled);
	assert_int_equal(unmasks(f), 0);
	assert_int_equal(replies(f), 1);
	/* Written while masked (its kick is not delivered). */
	put_request(f, 2);
	put_request(f, 3);
	turn(f, false);
	assert_int_equal(replies(f), 0);
	/* The bucket refills: unmasked once, and both answered. */
	fake_ns += 1000000000ULL / KICK_RATE;
	turn(f, false);
	assert_false(f->rc->kick_throttled);
	assert_int_equal(unmasks(f), 1);
	assert_int_equal(replies(f), 2);
	/* A full second idle: the whole burst is back. */
	fake_ns += 1000000000ULL;
	for (i = 0; i < 2 * KICK_BURST; i++)
		turn(f, true);
	assert_int_equal(unmasks(f), KICK_BURST);
	teardown(f);
}

/* dom0's own kernel ring is trusted: every kick is unmasked. */
static void test_dom0_ring_not_limited(void **state)
{
	struct fixture *f = setup(RING_DOM0, 0);
	unsigned int i;

	for (i = 0; i < 4 * KICK_BURST; i++)
		turn(f, true);
	assert_int_equal(unmasks(f), 4 * KICK_BURST);
	assert_false(f->rc->kick_throttled);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_kick_storm_masked),
		cmocka_unit_test(test_throttled_guest_served_at_refill),
		cmocka_unit_test(test_dom0_ring_not_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
