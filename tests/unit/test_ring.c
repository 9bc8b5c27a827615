// SPDX-License-Identifier: MIT
/*
 * Unit tests for ring/include/veneer/ring.h: every front and back
 * operation on one thread, the notification hold-off rules, the
 * overflow guards against a lying peer, and index wrap-around at 2^32.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <veneer/ring.h>

struct t_req {
	uint64_t id;
	uint32_t op;
	uint32_t arg;
};

struct t_rsp {
	uint64_t id;
	int32_t status;
	uint32_t pad;
};

RING_DEFINE(t, struct t_req, struct t_rsp)

#define PAGE 4096

struct pair {
	union {
		struct t_sring s;
		uint8_t page[PAGE];
	} *mem;
	struct t_front_ring f;
	struct t_back_ring b;
};

static struct pair *pair_new(ring_idx_t start)
{
	struct pair *p = calloc(1, sizeof(*p));

	p->mem = aligned_alloc(PAGE, PAGE);
	memset(p->mem, 0xa5, PAGE);
	t_front_init(&p->f, &p->mem->s, PAGE);
	if (start) {
		atomic_store(&p->mem->s.hdr.req_prod, start);
		atomic_store(&p->mem->s.hdr.rsp_prod, start);
		atomic_store(&p->mem->s.hdr.req_event, start + 1);
		atomic_store(&p->mem->s.hdr.rsp_event, start + 1);
		t_front_attach(&p->f, &p->mem->s, start, PAGE);
	}
	t_back_attach(&p->b, &p->mem->s, start, PAGE);
	return p;
}

static void pair_free(struct pair *p)
{
	free(p->mem);
	free(p);
}

/* Front fills and publishes one request; returns whether it must kick. */
static bool send_req(struct pair *p, uint64_t id)
{
	struct t_req *rq = t_front_request(&p->f, p->f.r.req_prod_pvt++);

	rq->id = id;
	rq->op = 7;
	rq->arg = (uint32_t)id * 3;
	return ring_front_push_requests_check_notify(&p->f.r);
}

/* Back consumes one request and answers it; returns whether it must kick. */
static bool serve_one(struct pair *p, uint64_t expect_id)
{
	struct t_req rq;
	struct t_rsp *rs;

	assert_true(ring_back_unconsumed_requests(&p->b.r) > 0);
	t_back_copy_request(&p->b, p->b.r.req_cons++, &rq);
	assert_int_equal(rq.id, expect_id);
	assert_int_equal(rq.arg, (uint32_t)expect_id * 3);
	rs = t_back_response(&p->b, p->b.r.rsp_prod_pvt++);
	rs->id = rq.id;
	rs->status = -(int32_t)rq.op;
	return ring_back_push_responses_check_notify(&p->b.r);
}

static void recv_rsp(struct pair *p, uint64_t expect_id)
{
	const struct t_rsp *rs;

	assert_true(ring_front_unconsumed_responses(&p->f.r) > 0);
	rs = t_front_response(&p->f, p->f.r.rsp_cons++);
	assert_int_equal(rs->id, expect_id);
	assert_int_equal(rs->status, -7);
}

static void ring_entries_is_largest_power_of_two_that_fits(void **state)
{
	assert_int_equal(ring_entries(4096, 16), 128);	/* 252 fit */
	assert_int_equal(ring_entries(4096, 112), 32);	/* blkif-sized */
	assert_int_equal(ring_entries(4096, 4032), 1);
	assert_int_equal(ring_entries(4096, 4033), 0);
	assert_int_equal(ring_entries(64, 1), 0);
	assert_int_equal(ring_entries(8192, 16), 256);
	assert_int_equal(t_ring_entries(PAGE), 128);
}

static void shared_init_resets_indices_events_and_padding(void **state)
{
	struct pair *p = pair_new(0);
	struct ring_shared *s = &p->mem->s.hdr;
	int i;

	assert_int_equal(atomic_load(&s->req_prod), 0);
	assert_int_equal(atomic_load(&s->rsp_prod), 0);
	assert_int_equal(atomic_load(&s->req_event), 1);
	assert_int_equal(atomic_load(&s->rsp_event), 1);
	for (i = 0; i < 48; i++)
		assert_int_equal(s->pad[i], 0);
	/* The slots themselves are left alone. */
	assert_int_equal(p->mem->page[64], 0xa5);
	assert_int_equal(p->f.r.nr_ents, 128);
	assert_int_equal(p->b.r.nr_ents, 128);
	pair_free(p);
}

static void wire_offsets_match_xen_layout(void **state)
{
	assert_int_equal(offsetof(struct ring_shared, req_prod), 0);
	assert_int_equal(offsetof(struct ring_shared, req_event), 4);
	assert_int_equal(offsetof(struct ring_shared, rsp_prod), 8);
	assert_int_equal(offsetof(struct ring_shared, rsp_event), 12);
	assert_int_equal(offsetof(struct t_sring, ring), 64);
	assert_int_equal(sizeof(union t_entry), 16);
}

static void free_requests_and_full_track_outstanding(void **state)
{
	struct pair *p = pair_new(0);
	unsigned int i;

	assert_int_equal(ring_front_free_requests(&p->f.r), 128);
	assert_false(ring_front_full(&p->f.r));
	for (i = 0; i < 128; i++)
		send_req(p, i);
	assert_int_equal(ring_front_free_requests(&p->f.r), 0);
	assert_true(ring_front_full(&p->f.r));
	/* A response produced but not consumed does not free the slot. */
	serve_one(p, 0);
	assert_true(ring_front_full(&p->f.r));
	recv_rsp(p, 0);
	assert_int_equal(ring_front_free_requests(&p->f.r), 1);
	pair_free(p);
}

static void push_requests_publishes_without_deciding(void **state)
{
	struct pair *p = pair_new(0);

	t_front_request(&p->f, p->f.r.req_prod_pvt++)->id = 1;
	t_front_request(&p->f, p->f.r.req_prod_pvt++)->id = 2;
	assert_int_equal(ring_back_unconsumed_requests(&p->b.r), 0);
	ring_front_push_requests(&p->f.r);
	assert_int_equal(atomic_load(&p->mem->s.hdr.req_prod), 2);
	assert_int_equal(ring_back_unconsumed_requests(&p->b.r), 2);
	assert_int_equal(ring_back_req_prod(&p->b.r), 2);
	pair_free(p);
}

static void push_responses_publishes_without_deciding(void **state)
{
	struct pair *p = pair_new(0);
	struct t_req rq;

	send_req(p, 5);
	t_back_copy_request(&p->b, p->b.r.req_cons++, &rq);
	t_back_response(&p->b, p->b.r.rsp_prod_pvt++)->id = rq.id;
	assert_int_equal(ring_front_unconsumed_responses(&p->f.r), 0);
	ring_back_push_responses(&p->b.r);
	assert_int_equal(ring_front_rsp_prod(&p->f.r), 1);
	assert_int_equal(ring_front_unconsumed_responses(&p->f.r), 1);
	assert_int_equal(t_front_response(&p->f, 0)->id, 5);
	pair_free(p);
}

static void first_request_notifies_then_holdoff_until_rearmed(void **state)
{
	struct pair *p = pair_new(0);

	/* req_event starts at 1: the very first request kicks. */
	assert_true(send_req(p, 0));
	/* The back has not re-armed: further requests stay quiet. */
	assert_false(send_req(p, 1));
	assert_false(send_req(p, 2));
	serve_one(p, 0);
	serve_one(p, 1);
	serve_one(p, 2);
	/* Back runs dry: final check arms req_event = req_cons + 1. */
	assert_false(ring_back_final_check_for_requests(&p->b.r));
	assert_int_equal(atomic_load(&p->mem->s.hdr.req_event), 4);
	assert_true(send_req(p, 3));
	pair_free(p);
}

static void batched_push_notifies_once_when_crossing_event(void **state)
{
	struct pair *p = pair_new(0);
	int i;

	for (i = 0; i < 10; i++)
		t_front_request(&p->f, p->f.r.req_prod_pvt++)->id = i;
	assert_true(ring_front_push_requests_check_notify(&p->f.r));
	/* Event asks for a kick at 15; pushing up to 14 stays quiet. */
	atomic_store(&p->mem->s.hdr.req_event, 15);
	for (i = 10; i < 14; i++)
		t_front_request(&p->f, p->f.r.req_prod_pvt++)->id = i;
	assert_false(ring_front_push_requests_check_notify(&p->f.r));
	/* 14 -> 20 steps over 15. */
	for (i = 14; i < 20; i++)
		t_front_request(&p->f, p->f.r.req_prod_pvt++)->id = i;
	assert_true(ring_front_push_requests_check_notify(&p->f.r));
	/* Pushing nothing never kicks. */
	assert_false(ring_front_push_requests_check_notify(&p->f.r));
	pair_free(p);
}

static void response_notify_follows_rsp_event(void **state)
{
	struct pair *p = pair_new(0);

	send_req(p, 0);
	send_req(p, 1);
	send_req(p, 2);
	/* rsp_event starts at 1: the first response kicks. */
	assert_true(serve_one(p, 0));
	assert_false(serve_one(p, 1));
	recv_rsp(p, 0);
	recv_rsp(p, 1);
	assert_false(ring_front_final_check_for_responses(&p->f.r));
	assert_int_equal(atomic_load(&p->mem->s.hdr.rsp_event), 3);
	assert_true(serve_one(p, 2));
	pair_free(p);
}

static void final_check_sees_work_published_before_arming(void **state)
{
	struct pair *p = pair_new(0);

	/* Work already there: no arming, true at once. */
	send_req(p, 0);
	atomic_store(&p->mem->s.hdr.req_event, 99);
	assert_true(ring_back_final_check_for_requests(&p->b.r));
	assert_int_equal(atomic_load(&p->mem->s.hdr.req_event), 99);
	serve_one(p, 0);
	assert_true(ring_front_final_check_for_responses(&p->f.r));
	recv_rsp(p, 0);
	/* Nothing left: both arm and report no work. */
	assert_false(ring_front_final_check_for_responses(&p->f.r));
	assert_false(ring_back_final_check_for_requests(&p->b.r));
	assert_int_equal(atomic_load(&p->mem->s.hdr.req_event), 2);
	assert_int_equal(atomic_load(&p->mem->s.hdr.rsp_event), 2);
	pair_free(p);
}

static void back_unconsumed_is_capped_by_free_response_slots(void **state)
{
	struct pair *p = pair_new(0);

	/* A lying front publishes req_prod far ahead. */
	atomic_store(&p->mem->s.hdr.req_prod, 1000);
	assert_int_equal(ring_back_unconsumed_requests(&p->b.r), 128);
	assert_true(ring_back_request_prod_overflow(&p->b.r, 1000));
	assert_false(ring_back_request_prod_overflow(&p->b.r, 128));
	assert_true(ring_back_request_prod_overflow(&p->b.r, 129));
	/* Consuming 128 without answering: the loop guard stops the 129th. */
	assert_false(ring_back_request_cons_overflow(&p->b.r, 127));
	assert_true(ring_back_request_cons_overflow(&p->b.r, 128));
	p->b.r.req_cons = 128;
	assert_int_equal(ring_back_unconsumed_requests(&p->b.r), 0);
	pair_free(p);
}

static void front_detects_lying_response_producer(void **state)
{
	struct pair *p = pair_new(0);

	assert_false(ring_front_response_prod_overflow(&p->f.r, 0));
	assert_false(ring_front_response_prod_overflow(&p->f.r, 128));
	assert_true(ring_front_response_prod_overflow(&p->f.r, 129));
	assert_true(ring_front_response_prod_overflow(&p->f.r, 0xffffffffu));
	pair_free(p);
}

static void need_notify_handles_wrapped_indices(void **state)
{
	/* old, new, event all near 2^32. */
	assert_true(ring_need_notify(0xfffffffe, 0x00000002, 0xffffffff));
	assert_true(ring_need_notify(0xfffffffe, 0x00000002, 0x00000002));
	assert_false(ring_need_notify(0xfffffffe, 0x00000002, 0x00000003));
	assert_false(ring_need_notify(0xfffffffe, 0x00000002, 0xfffffffe));
	assert_false(ring_need_notify(5, 5, 5));
}

/* Run traffic in bursts across the 2^32 wrap and across the slot wrap. */
static void indices_wrap_around_2_to_the_32(void **state)
{
	ring_idx_t start = 0xffffffffu - 300;
	struct pair *p = pair_new(start);
	uint64_t sent = 0, served = 0, got = 0;
	int round, n;

	for (round = 0; round < 20; round++) {
		for (n = 0; n < 37 && !ring_front_full(&p->f.r); n++)
			send_req(p, sent++);
		while (ring_back_unconsumed_requests(&p->b.r))
			serve_one(p, served++);
		while (ring_front_unconsumed_responses(&p->f.r))
			recv_rsp(p, got++);
		assert_false(ring_back_final_check_for_requests(&p->b.r));
		assert_false(ring_front_final_check_for_responses(&p->f.r));
	}
	assert_int_equal(got, 20 * 37);
	/* We really did cross zero. */
	assert_true(p->f.r.req_prod_pvt < start);
	assert_int_equal(p->f.r.req_prod_pvt, (ring_idx_t)(start + 740));
	assert_int_equal(ring_front_free_requests(&p->f.r), 128);
	pair_free(p);
}

static void full_ring_across_wrap_keeps_order(void **state)
{
	struct pair *p = pair_new(0xffffffffu - 60);
	uint64_t i;

	for (i = 0; i < 128; i++)
		send_req(p, i);
	assert_true(ring_front_full(&p->f.r));
	assert_int_equal(ring_back_unconsumed_requests(&p->b.r), 128);
	for (i = 0; i < 128; i++)
		serve_one(p, i);
	assert_int_equal(ring_front_unconsumed_responses(&p->f.r), 128);
	for (i = 0; i < 128; i++)
		recv_rsp(p, i);
	pair_free(p);
}

static void reattach_resumes_at_given_index(void **state)
{
	struct pair *p = pair_new(0);
	struct t_back_ring b2;

	send_req(p, 0);
	send_req(p, 1);
	serve_one(p, 0);
	/* A back end restarting after one answer picks up where it was. */
	t_back_attach(&b2, &p->mem->s, 1, PAGE);
	assert_int_equal(ring_back_unconsumed_requests(&b2.r), 1);
	p->b = b2;
	serve_one(p, 1);
	recv_rsp(p, 0);
	recv_rsp(p, 1);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ring_entries_is_largest_power_of_two_that_fits),
		cmocka_unit_test(shared_init_resets_indices_events_and_padding),
		cmocka_unit_test(wire_offsets_match_xen_layout),
		cmocka_unit_test(free_requests_and_full_track_outstanding),
		cmocka_unit_test(push_requests_publishes_without_deciding),
		cmocka_unit_test(push_responses_publishes_without_deciding),
		cmocka_unit_test(first_request_notifies_then_holdoff_until_rearmed),
		cmocka_unit_test(batched_push_notifies_once_when_crossing_event),
		cmocka_unit_test(response_notify_follows_rsp_event),
		cmocka_unit_test(final_check_sees_work_published_before_arming),
		cmocka_unit_test(back_unconsumed_is_capped_by_free_response_slots),
		cmocka_unit_test(front_detects_lying_response_producer),
		cmocka_unit_test(need_notify_handles_wrapped_indices),
		cmocka_unit_test(indices_wrap_around_2_to_the_32),
		cmocka_unit_test(full_ring_across_wrap_keeps_order),
		cmocka_unit_test(reattach_resumes_at_given_index),
	};

	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
