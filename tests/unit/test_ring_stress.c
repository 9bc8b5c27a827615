// SPDX-License-Identifier: MIT
/*
 * Two-thread stress test for ring/include/veneer/ring.h.
 *
 * A front thread and a back thread share one 4 KiB page, exactly as a
 * guest and a back driver would, and move RING_STRESS_N requests and as
 * many responses through it.  Each thread sleeps on an eventfd (the
 * stand-in for an event channel) only after the final check says there
 * is no work, and is woken only when the other side's push says a kick
 * is needed; a missed notification therefore shows up as a hang, which
 * the watchdog turns into a failure.  Every request carries a sequence
 * number and a checksum, so loss, duplication, reordering and torn slots
 * are all caught.  The test prints how many notifications were needed
 * per request.  The slot indices start just below 2^32 so the run also
 * crosses the index wrap.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <cmocka.h>

#include <veneer/ring.h>

#ifndef RING_STRESS_N
#define RING_STRESS_N 10000000ull
#endif
#define WATCHDOG_S 60

struct s_req {
	uint64_t seq;
	uint64_t check;
};

struct s_rsp {
	uint64_t seq;
	uint64_t check;
};

RING_DEFINE(s, struct s_req, struct s_rsp)

#define PAGE 4096
#define START_IDX (0xffffffffu - 1000)

struct stress {
	union {
		struct s_sring s;
		uint8_t page[PAGE];
	} *mem;
	int to_back;	/* eventfd: front kicks back */
	int to_front;	/* eventfd: back kicks front */
	uint64_t n;
	uint64_t kicks_to_back, kicks_to_front;
	uint64_t sleeps_front, sleeps_back;
	struct failure {
		uint64_t seq1;	/* first failure, as seq + 1, or 0 */
		const char *why;
	} front_fail, back_fail;	/* one per thread: no sharing */
};

static uint64_t req_check(uint64_t seq)
{
	return seq * 0x9e3779b97f4a7c15ull ^ 0x5555;
}

static uint64_t rsp_check(uint64_t seq)
{
	return ~req_check(seq);
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		abort();
}

static void wait_kick(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		abort();
}

static void note_failure(struct failure *f, uint64_t seq, const char *why)
{
	if (!f->seq1) {
		f->seq1 = seq + 1;
		f->why = why;
	}
}

static void *back_thread(void *arg)
{
	struct stress *st = arg;
	struct s_back_ring b;
	uint64_t expect = 0;

	s_back_attach(&b, &st->mem->s, START_IDX, PAGE);
	while (expect < st->n) {
		ring_idx_t rp = ring_back_req_prod(&b.r);

		if (ring_back_request_prod_overflow(&b.r, rp)) {
			note_failure(&st->back_fail, expect,
				     "front published too many requests");
			return NULL;
		}
		while (b.r.req_cons != rp &&
		       !ring_back_request_cons_overflow(&b.r, b.r.req_cons)) {
			struct s_req rq;
			struct s_rsp *rs;

			s_back_copy_request(&b, b.r.req_cons++, &rq);
			if (rq.seq != expect || rq.check != req_check(rq.seq))
				note_failure(&st->back_fail, expect,
					     "request lost, torn or reordered");
			expect++;
			rs = s_back_response(&b, b.r.rsp_prod_pvt++);
			rs->seq = rq.seq;
			rs->check = rsp_check(rq.seq);
		}
		if (ring_back_push_responses_check_notify(&b.r)) {
			st->kicks_to_front++;
			kick(st->to_front);
		}
		if (expect < st->n && !ring_back_final_check_for_requests(&b.r)) {
			st->sleeps_back++;
			wait_kick(st->to_back);
		}
	}
	return NULL;
}

static void front_produce(struct stress *st, struct s_front_ring *f,
			  uint64_t *sent)
{
	bool any = false;

	while (*sent < st->n && !ring_front_full(&f->r)) {
		struct s_req *rq = s_front_request(f, f->r.req_prod_pvt++);

		rq->seq = *sent;
		rq->check = req_check(*sent);
		(*sent)++;
		any = true;
	}
	if (any && ring_front_push_requests_check_notify(&f->r)) {
		st->kicks_to_back++;
		kick(st->to_back);
	}
}

static void front_consume(struct stress *st, struct s_front_ring *f,
			  uint64_t *got)
{
	ring_idx_t rp = ring_front_rsp_prod(&f->r);

	if (ring_front_response_prod_overflow(&f->r, rp)) {
		note_failure(&st->front_fail, *got,
			     "back published too many responses");
		*got = st->n;
		return;
	}
	while (f->r.rsp_cons != rp) {
		const struct s_rsp *rs = s_front_response(f, f->r.rsp_cons++);

		if (rs->seq != *got || rs->check != rsp_check(*got))
			note_failure(&st->front_fail, *got,
				     "response lost, torn or reordered");
		(*got)++;
	}
}

static void run_front(struct stress *st)
{
	struct s_front_ring f;
	uint64_t sent = 0, got = 0;

	s_front_attach(&f, &st->mem->s, START_IDX, PAGE);
	while (got < st->n) {
		front_produce(st, &f, &sent);
		front_consume(st, &f, &got);
		if (got >= st->n)
			break;
		/* Sleep only if we can neither send nor receive. */
		if ((sent == st->n || ring_front_full(&f.r)) &&
		    !ring_front_final_check_for_responses(&f.r)) {
			st->sleeps_front++;
			wait_kick(st->to_front);
		}
	}
}

static void *watchdog(void *arg)
{
	sleep(WATCHDOG_S);
	fprintf(stderr, "ring stress: no progress after %d s: a notification "
		"was lost\n", WATCHDOG_S);
	_exit(2);
	return NULL;
}

static void two_threads_move_requests_without_loss(void **state)
{
	struct stress st = { .n = RING_STRESS_N };
	pthread_t back, dog;

	st.mem = aligned_alloc(PAGE, PAGE);
	assert_non_null(st.mem);
	ring_shared_init(&st.mem->s.hdr);
	/* Start the page at the same non-zero index both sides attach at. */
	atomic_store(&st.mem->s.hdr.req_prod, START_IDX);
	atomic_store(&st.mem->s.hdr.rsp_prod, START_IDX);
	atomic_store(&st.mem->s.hdr.req_event, START_IDX + 1);
	atomic_store(&st.mem->s.hdr.rsp_event, START_IDX + 1);
	st.to_back = eventfd(0, 0);
	st.to_front = eventfd(0, 0);
	assert_true(st.to_back >= 0 && st.to_front >= 0);

	assert_int_equal(pthread_create(&dog, NULL, watchdog, NULL), 0);
	assert_int_equal(pthread_create(&back, NULL, back_thread, &st), 0);
	run_front(&st);
	assert_int_equal(pthread_join(back, NULL), 0);
	pthread_cancel(dog);
	pthread_join(dog, NULL);

	printf("ring stress: %llu requests and %llu responses moved, "
	       "ring of %u slots\n", (unsigned long long)st.n,
	       (unsigned long long)st.n, s_ring_entries(PAGE));
	printf("ring stress: notifications front->back %llu, back->front %llu, "
	       "%.5f per request (sleeps: front %llu, back %llu)\n",
	       (unsigned long long)st.kicks_to_back,
	       (unsigned long long)st.kicks_to_front,
	       (double)(st.kicks_to_back + st.kicks_to_front) / (double)st.n,
	       (unsigned long long)st.sleeps_front,
	       (unsigned long long)st.sleeps_back);
	if (st.back_fail.seq1)
		fail_msg("back, at seq %llu: %s",
			 (unsigned long long)st.back_fail.seq1 - 1,
			 st.back_fail.why);
	if (st.front_fail.seq1)
		fail_msg("front, at seq %llu: %s",
			 (unsigned long long)st.front_fail.seq1 - 1,
			 st.front_fail.why);
	close(st.to_back);
	close(st.to_front);
	free(st.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_threads_move_requests_without_loss),
	};

	return cmocka_run_group_tests_name("ring_stress", tests, NULL, NULL);
}
