// SPDX-License-Identifier: MIT
/*
 * Wire compatibility of ring/include/veneer/ring.h with Xen's own ring
 * macros (/usr/include/xen/io/ring.h from libxen-dev, the oracle).
 *
 * A front built from Xen's macros talks to our back and vice versa over
 * one page, and a scripted sequence of operations is run on two pages in
 * lockstep, one driven by Xen's macros and one by ours, comparing every
 * byte of the page and every notify decision after each step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <veneer/ring.h>

/* What Xen's ring.h asks its includer to provide. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/ring.h>

struct c_req {
	uint64_t id;
	uint8_t op;
	uint8_t nr;
	uint16_t handle;
	uint32_t arg;
	uint64_t sector;
};

struct c_rsp {
	uint64_t id;
	uint8_t op;
	int16_t status;
};

DEFINE_RING_TYPES(xc, struct c_req, struct c_rsp);
RING_DEFINE(vc, struct c_req, struct c_rsp)

#define PAGE 4096

static void *page_new(void)
{
	void *p = aligned_alloc(PAGE, PAGE);

	memset(p, 0x5a, PAGE);
	return p;
}

static void layout_and_size_agree(void **state)
{
	void *page = page_new();
	struct xc_front_ring xf;
	struct vc_front_ring vf;

	assert_int_equal(sizeof(union xc_sring_entry), sizeof(union vc_entry));
	assert_int_equal(offsetof(struct xc_sring, ring),
			 offsetof(struct vc_sring, ring));
	assert_int_equal(offsetof(struct xc_sring, req_event),
			 offsetof(struct ring_shared, req_event));
	assert_int_equal(offsetof(struct xc_sring, rsp_prod),
			 offsetof(struct ring_shared, rsp_prod));
	assert_int_equal(offsetof(struct xc_sring, rsp_event),
			 offsetof(struct ring_shared, rsp_event));
	assert_int_equal(__CONST_RING_SIZE(xc, PAGE), vc_ring_entries(PAGE));
	SHARED_RING_INIT((struct xc_sring *)page);
	FRONT_RING_INIT(&xf, (struct xc_sring *)page, PAGE);
	vc_front_init(&vf, page, PAGE);
	assert_int_equal(RING_SIZE(&xf), vf.r.nr_ents);
	free(page);
}

static void fill_req(struct c_req *rq, uint64_t id)
{
	memset(rq, 0, sizeof(*rq));
	rq->id = id;
	rq->op = (uint8_t)id;
	rq->nr = 3;
	rq->handle = 0x1234;
	rq->arg = (uint32_t)(id * 7);
	rq->sector = id << 9;
}

/* Xen-macro front, our back, several rounds across the slot wrap. */
static void xen_front_talks_to_our_back(void **state)
{
	void *page = page_new();
	struct xc_sring *xs = page;
	struct xc_front_ring xf;
	struct vc_back_ring vb;
	uint64_t sent = 0, served = 0, got = 0;
	int round, notify, i;

	SHARED_RING_INIT(xs);
	FRONT_RING_INIT(&xf, xs, PAGE);
	vc_back_attach(&vb, page, 0, PAGE);
	for (round = 0; round < 10; round++) {
		for (i = 0; i < 21 && !RING_FULL(&xf); i++)
			fill_req(RING_GET_REQUEST(&xf, xf.req_prod_pvt++), sent++);
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&xf, notify);
		assert_true(notify);	/* our back armed its event */

		assert_int_equal(ring_back_unconsumed_requests(&vb.r), 21);
		while (ring_back_unconsumed_requests(&vb.r)) {
			struct c_req rq, want;
			struct c_rsp *rs;

			vc_back_copy_request(&vb, vb.r.req_cons++, &rq);
			fill_req(&want, served++);
			assert_memory_equal(&rq, &want, sizeof(rq));
			rs = vc_back_response(&vb, vb.r.rsp_prod_pvt++);
			rs->id = rq.id;
			rs->op = rq.op;
			rs->status = -1;
		}
		notify = ring_back_push_responses_check_notify(&vb.r);
		assert_true(notify);	/* Xen front armed its event */
		assert_false(ring_back_final_check_for_requests(&vb.r));

		while (RING_HAS_UNCONSUMED_RESPONSES(&xf)) {
			struct c_rsp *rs = RING_GET_RESPONSE(&xf, xf.rsp_cons++);

			assert_int_equal(rs->id, got);
			assert_int_equal(rs->op, (uint8_t)got);
			assert_int_equal(rs->status, -1);
			got++;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&xf, notify);
		assert_false(notify);
	}
	assert_int_equal(got, 210);
	free(page);
}

/* Our front, Xen-macro back. */
static void our_front_talks_to_xen_back(void **state)
{
	void *page = page_new();
	struct xc_sring *xs = page;
	struct xc_back_ring xb;
	struct vc_front_ring vf;
	uint64_t sent = 0, served = 0, got = 0;
	int round, notify, i;

	vc_front_init(&vf, page, PAGE);
	BACK_RING_INIT(&xb, xs, PAGE);
	for (round = 0; round < 10; round++) {
		for (i = 0; i < 19 && !ring_front_full(&vf.r); i++)
			fill_req(vc_front_request(&vf, vf.r.req_prod_pvt++),
				 sent++);
		assert_true(ring_front_push_requests_check_notify(&vf.r));

		while (RING_HAS_UNCONSUMED_REQUESTS(&xb)) {
			struct c_req rq, want;
			struct c_rsp *rs;

			RING_COPY_REQUEST(&xb, xb.req_cons, &rq);
			xb.req_cons++;
			fill_req(&want, served++);
			assert_memory_equal(&rq, &want, sizeof(rq));
			rs = RING_GET_RESPONSE(&xb, xb.rsp_prod_pvt++);
			rs->id = rq.id;
			rs->op = rq.op;
			rs->status = 2;
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&xb, notify);
		assert_true(notify);
		RING_FINAL_CHECK_FOR_REQUESTS(&xb, notify);
		assert_false(notify);

		while (ring_front_unconsumed_responses(&vf.r)) {
			const struct c_rsp *rs =
				vc_front_response(&vf, vf.r.rsp_cons++);

			assert_int_equal(rs->id, got);
			assert_int_equal(rs->status, 2);
			got++;
		}
		assert_false(ring_front_final_check_for_responses(&vf.r));
	}
	assert_int_equal(got, 190);
	free(page);
}

/*
 * Lockstep: the same script on two pages, Xen's macros on one and ours
 * on the other; pages and notify decisions must be identical throughout.
 * The script's batch sizes vary so that the hold-off sometimes suppresses
 * a kick and sometimes does not, and the indices start near 2^32.
 */
static void lockstep_pages_and_notifies_are_identical(void **state)
{
	uint8_t *xp = page_new(), *vp = page_new();
	struct xc_front_ring xf;
	struct xc_back_ring xb;
	struct vc_front_ring vf;
	struct vc_back_ring vb;
	ring_idx_t start = 0xffffffffu - 77;
	uint64_t id = 0;
	unsigned int seed = 12345;
	int step;

	SHARED_RING_INIT((struct xc_sring *)xp);
	ring_shared_init(&((struct vc_sring *)vp)->hdr);
	((struct xc_sring *)xp)->req_prod = start;
	((struct xc_sring *)xp)->rsp_prod = start;
	((struct vc_sring *)vp)->hdr.req_prod = start;
	((struct vc_sring *)vp)->hdr.rsp_prod = start;
	FRONT_RING_ATTACH(&xf, (struct xc_sring *)xp, start, PAGE);
	BACK_RING_ATTACH(&xb, (struct xc_sring *)xp, start, PAGE);
	vc_front_attach(&vf, (struct vc_sring *)vp, start, PAGE);
	vc_back_attach(&vb, (struct vc_sring *)vp, start, PAGE);

	for (step = 0; step < 400; step++) {
		int what = rand_r(&seed) % 4;
		int n = rand_r(&seed) % 9, i, xn, vn;

		switch (what) {
		case 0:	/* front produces n and pushes */
			for (i = 0; i < n && !RING_FULL(&xf); i++) {
				fill_req(RING_GET_REQUEST(&xf, xf.req_prod_pvt++), id);
				fill_req(vc_front_request(&vf, vf.r.req_prod_pvt++), id);
				id++;
			}
			RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&xf, xn);
			vn = ring_front_push_requests_check_notify(&vf.r);
			assert_int_equal(!!xn, vn);
			break;
		case 1:	/* back answers up to n and pushes */
			for (i = 0; i < n && RING_HAS_UNCONSUMED_REQUESTS(&xb); i++) {
				struct c_req rq;
				struct c_rsp *xr, *vr;

				assert_true(ring_back_unconsumed_requests(&vb.r) > 0);
				RING_COPY_REQUEST(&xb, xb.req_cons++, &rq);
				vc_back_copy_request(&vb, vb.r.req_cons++, &rq);
				xr = RING_GET_RESPONSE(&xb, xb.rsp_prod_pvt++);
				vr = vc_back_response(&vb, vb.r.rsp_prod_pvt++);
				memset(xr, 0, sizeof(*xr));
				memset(vr, 0, sizeof(*vr));
				xr->id = vr->id = rq.id;
			}
			RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&xb, xn);
			vn = ring_back_push_responses_check_notify(&vb.r);
			assert_int_equal(!!xn, vn);
			break;
		case 2:	/* front consumes all, final check */
			while (RING_HAS_UNCONSUMED_RESPONSES(&xf))
				xf.rsp_cons++;
			while (ring_front_unconsumed_responses(&vf.r))
				vf.r.rsp_cons++;
			RING_FINAL_CHECK_FOR_RESPONSES(&xf, xn);
			vn = ring_front_final_check_for_responses(&vf.r);
			assert_int_equal(!!xn, vn);
			break;
		default: /* back final check */
			RING_FINAL_CHECK_FOR_REQUESTS(&xb, xn);
			vn = ring_back_final_check_for_requests(&vb.r);
			assert_int_equal(!!xn, vn);
			break;
		}
		assert_memory_equal(xp, vp, PAGE);
		assert_int_equal(xf.req_prod_pvt, vf.r.req_prod_pvt);
		assert_int_equal(xf.rsp_cons, vf.r.rsp_cons);
		assert_int_equal(xb.req_cons, vb.r.req_cons);
		assert_int_equal(xb.rsp_prod_pvt, vb.r.rsp_prod_pvt);
		assert_int_equal(RING_FREE_REQUESTS(&xf),
				 ring_front_free_requests(&vf.r));
	}
	/* The script did go round the index wrap. */
	assert_true(vf.r.req_prod_pvt < start);
	free(xp);
	free(vp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_and_size_agree),
		cmocka_unit_test(xen_front_talks_to_our_back),
		cmocka_unit_test(our_front_talks_to_xen_back),
		cmocka_unit_test(lockstep_pages_and_notifies_are_identical),
	};

	return cmocka_run_group_tests_name("ring_xen_compat", tests, NULL, NULL);
}
