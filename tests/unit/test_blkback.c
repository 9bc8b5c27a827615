// SPDX-License-Identifier: GPL-2.0
/*
 * The block back end's ring service (drivers-back/block/blk_req.c) on
 * the host: a front end in this process fills a ring page, a fake grant
 * copy stands for /dev/xen/gntdev (grants 0..NR_GRANTS-1 are pages here,
 * any other reference fails as the hypervisor would refuse it), and the
 * image is a temporary file.  Most requests below are hostile.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "blk_req.h"

#define NR_GRANTS 32
#define DESC_GREF 31		/* the indirect descriptor page */
#define IMG_SECTORS 256		/* 128 KiB */

static uint8_t grant_page[NR_GRANTS][BLK_PAGE_SIZE];
static void *ring_page;
static struct blkif_front_ring front;
static struct blk_dev dev;
static char img_path[64];
static unsigned int copies;

static int fake_copy(void *ctx, unsigned int domid, const struct blk_seg *seg,
		     unsigned int n, void *buf, bool to_guest)
{
	size_t off = 0;

	copies++;
	for (unsigned int i = 0; i < n; i++) {
		if (seg[i].gref >= NR_GRANTS ||
		    seg[i].offset + seg[i].len > BLK_PAGE_SIZE)
			return -1;
		if (to_guest)
			memcpy(&grant_page[seg[i].gref][seg[i].offset],
			       (char *)buf + off, seg[i].len);
		else
			memcpy((char *)buf + off,
			       &grant_page[seg[i].gref][seg[i].offset],
			       seg[i].len);
		off += seg[i].len;
	}
	return 0;
}

static int setup_dev(bool readonly)
{
	int fd;

	snprintf(img_path, sizeof(img_path), "/tmp/test_blkback.XXXXXX");
	fd = mkstemp(img_path);
	if (fd < 0 || ftruncate(fd, IMG_SECTORS * 512) < 0)
		return -1;
	ring_page = aligned_alloc(BLK_PAGE_SIZE, BLK_PAGE_SIZE);
	memset(ring_page, 0xa5, BLK_PAGE_SIZE);
	blkif_front_init(&front, ring_page, BLK_PAGE_SIZE);
	memset(&dev, 0, sizeof(dev));
	dev.domid = 7;
	dev.devid = 51712;
	dev.fd = fd;
	dev.disk.sectors = IMG_SECTORS;
	dev.disk.readonly = readonly;
	dev.disk.flush = !readonly;
	dev.disk.discard = !readonly;
	dev.copy = fake_copy;
	dev.buf = malloc(BLK_MAX_BYTES);
	blk_dev_attach(&dev, ring_page);
	memset(grant_page, 0, sizeof(grant_page));
	copies = 0;
	return 0;
}

static int setup_rw(void **state)
{
	return setup_dev(false);
}

static int setup_ro(void **state)
{
	return setup_dev(true);
}

static int teardown(void **state)
{
	close(dev.fd);
	unlink(img_path);
	free(dev.buf);
	free(ring_page);
	return 0;
}

/* Queue one request (the caller fills it), publish. */
static struct blkif_request *next_req(void)
{
	struct blkif_request *r =
		blkif_front_request(&front, front.r.req_prod_pvt++);

	memset(r, 0, sizeof(*r));
	r->id = 0x1000 + front.r.req_prod_pvt;
	return r;
}

/* Serve everything; the status of each response, in order. */
static unsigned int serve(int16_t *status, unsigned int max)
{
	unsigned int n = 0;
	bool notify;

	ring_front_push_requests(&front.r);
	while (blk_service(&dev, 64, &notify) == 1)
		;
	while (front.r.rsp_cons != ring_front_rsp_prod(&front.r)) {
		const struct blkif_response *rsp =
			blkif_front_response(&front, front.r.rsp_cons);

		assert_int_equal(rsp->id, 0x1000 + front.r.rsp_cons + 1);
		if (n < max)
			status[n] = rsp->status;
		n++;
		front.r.rsp_cons++;
	}
	return n;
}

static int16_t serve_one(void)
{
	int16_t st = 99;

	assert_int_equal(serve(&st, 1), 1);
	return st;
}

static void rw(uint8_t op, uint64_t sector, unsigned int nseg,
	       unsigned int first, unsigned int last)
{
	struct blkif_request *r = next_req();

	r->operation = op;
	r->sector_number = sector;
	r->nr_segments = (uint8_t)nseg;
	for (unsigned int i = 0; i < nseg && i < 11; i++) {
		r->seg[i].gref = i;
		r->seg[i].first_sect = (uint8_t)first;
		r->seg[i].last_sect = (uint8_t)last;
	}
}

static void write_then_read_returns_the_data(void **state)
{
	uint8_t disk[2 * 4096];

	for (int i = 0; i < 2; i++)
		memset(grant_page[i], 'A' + i, BLK_PAGE_SIZE);
	rw(BLKIF_OP_WRITE, 8, 2, 0, 7);
	assert_int_equal(serve_one(), BLKIF_RSP_OKAY);
	/* The image holds it at sector 8. */
	assert_int_equal(pread(dev.fd, disk, sizeof(disk), 8 * 512),
			 (ssize_t)sizeof(disk));
	assert_int_equal(disk[0], 'A');
	assert_int_equal(disk[4096], 'B');
	memset(grant_page, 0, sizeof(grant_page));
	/* Part of a page: sectors 2..3 of grant 0 from sector 12. */
	rw(BLKIF_OP_READ, 12, 1, 2, 3);
	assert_int_equal(serve_one(), BLKIF_RSP_OKAY);
	assert_int_equal(grant_page[0][1023], 0);
	assert_int_equal(grant_page[0][1024], 'A');
	assert_int_equal(grant_page[0][2047], 'A');
	assert_int_equal(grant_page[0][2048], 0);
}

static void the_last_sector_is_served_and_the_next_refused(void **state)
{
	int16_t st[4];

	rw(BLKIF_OP_READ, IMG_SECTORS - 1, 1, 0, 0);
	rw(BLKIF_OP_READ, IMG_SECTORS - 1, 1, 0, 1);
	rw(BLKIF_OP_READ, IMG_SECTORS, 1, 0, 0);
	/* sector + length wraps around 2^64 */
	rw(BLKIF_OP_WRITE, UINT64_MAX - 3, 1, 0, 7);
	assert_int_equal(serve(st, 4), 4);
	assert_int_equal(st[0], BLKIF_RSP_OKAY);
	assert_int_equal(st[1], BLKIF_RSP_ERROR);
	assert_int_equal(st[2], BLKIF_RSP_ERROR);
	assert_int_equal(st[3], BLKIF_RSP_ERROR);
	assert_int_equal(dev.bad_requests, 3);
}

static void bad_segments_are_refused_before_any_io(void **state)
{
	int16_t st[6];

	rw(BLKIF_OP_READ, 0, 0, 0, 7);		/* no segment */
	rw(BLKIF_OP_READ, 0, 12, 0, 7);		/* one too many */
	rw(BLKIF_OP_WRITE, 0, 1, 3, 2);		/* first > last */
	rw(BLKIF_OP_WRITE, 0, 1, 0, 8);		/* past the page */
	rw(BLKIF_OP_READ, 0, 255, 0, 7);	/* nr_segments garbage */
	rw(BLKIF_OP_WRITE, 0, 11, 255, 255);
	assert_int_equal(serve(st, 6), 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(st[i], BLKIF_RSP_ERROR);
	assert_int_equal(copies, 0);
}

static void a_bad_grant_fails_the_request(void **state)
{
	struct blkif_request *r;

	rw(BLKIF_OP_WRITE, 0, 2, 0, 7);
	r = blkif_front_request(&front, front.r.req_prod_pvt - 1);
	r->seg[1].gref = 0xdeadbeef;
	assert_int_equal(serve_one(), BLKIF_RSP_ERROR);
	assert_int_equal(dev.io_errors, 1);
}

static void unknown_and_unoffered_operations(void **state)
{
	int16_t st[4];
	struct blkif_request *r;

	rw(77, 0, 1, 0, 7);
	rw(BLKIF_OP_WRITE_BARRIER, 0, 1, 0, 7);
	rw(BLKIF_OP_INDIRECT, 0, 1, 0, 7);
	r = next_req();
	r->operation = BLKIF_OP_FLUSH_DISKCACHE;
	assert_int_equal(serve(st, 4), 4);
	assert_int_equal(st[0], BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(st[1], BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(st[2], BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(st[3], BLKIF_RSP_OKAY);
}

static void discard(uint64_t sector, uint64_t n, uint8_t flag)
{
	struct blkif_request *r = next_req();
	struct blkif_request_discard d = {
		.operation = BLKIF_OP_DISCARD, .flag = flag,
		.id = r->id, .sector_number = sector, .nr_sectors = n,
	};

	memcpy(r, &d, sizeof(d));
}

static void discard_punches_a_hole_inside_the_image_only(void **state)
{
	static uint8_t ones[IMG_SECTORS * 512];
	struct stat before, after;
	int16_t st[4];

	memset(ones, 1, sizeof(ones));
	assert_int_equal(pwrite(dev.fd, ones, sizeof(ones), 0),
			 (ssize_t)sizeof(ones));
	fsync(dev.fd);
	fstat(dev.fd, &before);
	discard(0, 128, 0);
	discard(IMG_SECTORS - 8, 16, 0);	/* runs past the end */
	discard(8, UINT64_MAX, 0);		/* wraps */
	discard(0, 8, BLKIF_DISCARD_SECURE);
	assert_int_equal(serve(st, 4), 4);
	assert_true(st[0] == BLKIF_RSP_OKAY || st[0] == BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(st[1], BLKIF_RSP_ERROR);
	assert_int_equal(st[2], BLKIF_RSP_ERROR);
	assert_int_equal(st[3], BLKIF_RSP_EOPNOTSUPP);
	fstat(dev.fd, &after);
	if (st[0] == BLKIF_RSP_OKAY) {
		uint8_t b[512];

		assert_true(after.st_blocks < before.st_blocks);
		assert_int_equal(pread(dev.fd, b, 512, 127 * 512), 512);
		assert_int_equal(b[0], 0);
		assert_int_equal(pread(dev.fd, b, 512, 128 * 512), 512);
		assert_int_equal(b[0], 1);
	}
}

static void read_only_disk_refuses_writes_and_discards(void **state)
{
	int16_t st[3];

	memset(grant_page[0], 'W', BLK_PAGE_SIZE);
	rw(BLKIF_OP_WRITE, 0, 1, 0, 7);
	discard(0, 8, 0);
	rw(BLKIF_OP_READ, 0, 1, 0, 7);
	assert_int_equal(serve(st, 3), 3);
	assert_int_equal(st[0], BLKIF_RSP_ERROR);
	assert_int_equal(st[1], BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(st[2], BLKIF_RSP_OKAY);
	assert_int_equal(grant_page[0][0], 0);	/* read the zeros back */
}

static void a_runaway_producer_breaks_only_this_ring(void **state)
{
	bool notify;
	struct ring_shared *s = ring_page;

	rw(BLKIF_OP_READ, 0, 1, 0, 7);
	ring_front_push_requests(&front.r);
	/* A producer index far ahead of anything the ring can hold. */
	atomic_store(&s->req_prod, 1000);
	assert_int_equal(blk_service(&dev, 64, &notify), -1);
	assert_true(dev.broken);
	assert_int_equal(atomic_load(&s->rsp_prod), 0);
	assert_int_equal(copies, 0);
	/* And stays so. */
	assert_int_equal(blk_service(&dev, 64, &notify), -1);
}

/*
 * The front end breaks each new ring again (blkback attaches a new one
 * at every connect): 50 broken rings, at most 20 lines in the log.
 */
static void broken_rings_are_logged_a_bounded_number_of_times(void **state)
{
	char path[] = "/tmp/test_blkback_log.XXXXXX", line[256];
	struct ring_shared *s = ring_page;
	int fd = mkstemp(path), saved = dup(2);
	unsigned int lines = 0;
	bool notify;
	FILE *f;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	for (int i = 0; i < 50; i++) {
		blk_dev_attach(&dev, ring_page);
		atomic_store(&s->rsp_prod, 0);
		atomic_store(&s->req_prod, 1000);
		assert_int_equal(blk_service(&dev, 64, &notify), -1);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "runs") && strstr(line, "disconnecting"))
			lines++;
	fclose(f);
	unlink(path);
	assert_int_equal(lines, 20);
}

static void a_full_ring_is_served_within_the_budget(void **state)
{
	unsigned int n = front.r.nr_ents, got = 0;
	bool notify;
	int rc;

	assert_int_equal(n, 32);
	for (unsigned int i = 0; i < n; i++)
		rw(BLKIF_OP_READ, i, 1, 0, 0);
	ring_front_push_requests(&front.r);
	rc = blk_service(&dev, 5, &notify);
	assert_int_equal(rc, 1);
	assert_true(notify);
	while ((rc = blk_service(&dev, 5, &notify)) == 1)
		;
	assert_int_equal(rc, 0);
	while (front.r.rsp_cons != ring_front_rsp_prod(&front.r)) {
		assert_int_equal(blkif_front_response(&front,
					front.r.rsp_cons)->status,
				 BLKIF_RSP_OKAY);
		front.r.rsp_cons++;
		got++;
	}
	assert_int_equal(got, n);
	/* The back end armed req_event for the next request. */
	assert_int_equal(atomic_load(&((struct ring_shared *)ring_page)->
				     req_event), n + 1);
}

static void indirect(uint8_t op, uint64_t sector, unsigned int nseg,
		     uint32_t desc_gref)
{
	struct blkif_request *r = next_req();
	struct blkif_request_indirect ir = {
		.operation = BLKIF_OP_INDIRECT, .indirect_op = op,
		.nr_segments = (uint16_t)nseg, .id = r->id,
		.sector_number = sector, .indirect_grefs = { desc_gref },
	};
	struct blkif_request_segment *desc = (void *)grant_page[DESC_GREF];

	for (unsigned int i = 0; i < nseg && i < 512; i++) {
		desc[i].gref = i % 20;
		desc[i].first_sect = 0;
		desc[i].last_sect = 7;
	}
	memcpy(r, &ir, sizeof(ir));
}

/* The operation of the last response (blkfront checks it). */
static uint8_t last_rsp_op(void)
{
	return blkif_front_response(&front, front.r.rsp_cons - 1)->operation;
}

static void indirect_write_then_read_of_twenty_pages(void **state)
{
	uint8_t b[4096];

	dev.disk.max_indirect = BLK_MAX_INDIRECT_SEGS;
	for (int i = 0; i < 20; i++)
		memset(grant_page[i], 'a' + i, BLK_PAGE_SIZE);
	indirect(BLKIF_OP_WRITE, 16, 20, DESC_GREF);
	assert_int_equal(serve_one(), BLKIF_RSP_OKAY);
	assert_int_equal(last_rsp_op(), BLKIF_OP_WRITE);
	assert_int_equal(pread(dev.fd, b, sizeof(b), (16 + 19 * 8) * 512),
			 (ssize_t)sizeof(b));
	assert_int_equal(b[0], 'a' + 19);
	for (int i = 0; i < 20; i++)
		memset(grant_page[i], 0, BLK_PAGE_SIZE);
	indirect(BLKIF_OP_READ, 16, 20, DESC_GREF);
	assert_int_equal(serve_one(), BLKIF_RSP_OKAY);
	assert_int_equal(last_rsp_op(), BLKIF_OP_READ);
	assert_int_equal(grant_page[7][4095], 'a' + 7);
	assert_int_equal(dev.indirect_requests, 2);
}

static void hostile_indirect_requests_are_refused(void **state)
{
	struct blkif_request_segment *desc = (void *)grant_page[DESC_GREF];
	int16_t st[6];

	dev.disk.max_indirect = BLK_MAX_INDIRECT_SEGS;
	indirect(BLKIF_OP_FLUSH_DISKCACHE, 0, 4, DESC_GREF);
	indirect(BLKIF_OP_READ, 0, 0, DESC_GREF);
	indirect(BLKIF_OP_READ, 0, BLK_MAX_INDIRECT_SEGS + 1, DESC_GREF);
	indirect(BLKIF_OP_READ, 0, 4, 0x7fffffff);	/* bad descriptor page */
	/* Past the image: 32 pages from the last 8 sectors. */
	indirect(BLKIF_OP_READ, IMG_SECTORS - 8, 32, DESC_GREF);
	assert_int_equal(serve(st, 5), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(st[i], BLKIF_RSP_ERROR);
	/* A descriptor naming sector 8 of its page. */
	indirect(BLKIF_OP_READ, 0, 4, DESC_GREF);
	desc[3].last_sect = 8;
	assert_int_equal(serve_one(), BLKIF_RSP_ERROR);
	/* Nothing but the descriptor pages was copied. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(grant_page[i][0], 0);
}

static void indirect_write_to_a_read_only_disk_is_refused(void **state)
{
	dev.disk.max_indirect = BLK_MAX_INDIRECT_SEGS;
	indirect(BLKIF_OP_WRITE, 0, 16, DESC_GREF);
	assert_int_equal(serve_one(), BLKIF_RSP_ERROR);
	assert_int_equal(last_rsp_op(), BLKIF_OP_WRITE);
	assert_int_equal(copies, 0);
}

/*
 * The empty-kick limit, with the clock in our hands: 2,000 idle kicks in
 * a second are each answered with an unmask; the next one leaves the
 * port masked until the second is over, and the loop sleeps only that
 * long; then it unmasks and counts afresh.  A kick that did work is
 * never held, whatever the count.
 */
static void idle_kicks_past_the_limit_hold_the_port_for_the_second(
	void **state)
{
	struct blk_kicks k = { 0 };
	uint64_t t = 5000;

	(void)state;
	assert_false(blk_kicks_tick(&k, t));	/* the first second starts */
	for (unsigned int i = 0; i < BLK_EMPTY_KICKS; i++)
		assert_true(blk_kicks_after_kick(&k, false));
	assert_int_equal(blk_kicks_timeout(&k, t + 10, 2000), 2000);
	/* Work is never held back. */
	assert_true(blk_kicks_after_kick(&k, true));
	assert_false(blk_kicks_after_kick(&k, false));
	assert_true(k.held);
	assert_int_equal(k.held_total, 1);
	/* Held: the loop sleeps to the end of the second, not longer. */
	assert_int_equal(blk_kicks_timeout(&k, t + 400, 2000), 600);
	assert_int_equal(blk_kicks_timeout(&k, t + 1000, 2000), 0);
	assert_false(blk_kicks_tick(&k, t + 999));
	assert_true(k.held);
	/* The second is over: unmask once, count afresh. */
	assert_true(blk_kicks_tick(&k, t + 1000));
	assert_false(k.held);
	assert_false(blk_kicks_tick(&k, t + 1001));
	for (unsigned int i = 0; i < BLK_EMPTY_KICKS; i++)
		assert_true(blk_kicks_after_kick(&k, false));
	assert_false(blk_kicks_after_kick(&k, false));
	assert_int_equal(k.held_total, 2);
	/* A new ring forgets the old one's hold. */
	blk_kicks_reset(&k);
	assert_false(k.held);
	assert_true(blk_kicks_after_kick(&k, false));
	assert_int_equal(blk_kicks_timeout(&k, t + 1500, 2000), 2000);
}

/* A second with no hold ends without an unmask (none is owed). */
static void a_quiet_second_owes_no_unmask(void **state)
{
	struct blk_kicks k = { 0 };

	(void)state;
	for (unsigned int i = 0; i < 10; i++)
		assert_true(blk_kicks_after_kick(&k, false));
	assert_false(blk_kicks_tick(&k, 1000));
	assert_int_equal(k.empty, 0);
	assert_false(blk_kicks_tick(&k, 3000));
}

/*
 * What blkback counts as a kick's work: requests neither refused nor
 * failed.  A ring full of refused requests (here: an operation nobody
 * offers) serves every one of them and still counts as idle.
 */
static void refused_requests_are_no_work_for_the_kick_limit(void **state)
{
	bool notify;

	(void)state;
	for (unsigned int i = 0; i < 8; i++) {
		struct blkif_request *r =
			blkif_front_request(&front, front.r.req_prod_pvt++);

		memset(r, 0, sizeof(*r));
		r->operation = 99;
		r->id = i;
	}
	ring_front_push_requests(&front.r);
	assert_int_equal(blk_service(&dev, 32, &notify), 0);
	assert_int_equal(dev.requests, 8);
	assert_int_equal(dev.requests - dev.bad_requests - dev.io_errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn, s) cmocka_unit_test_setup_teardown(fn, s, teardown)
		T(write_then_read_returns_the_data, setup_rw),
		T(the_last_sector_is_served_and_the_next_refused, setup_rw),
		T(bad_segments_are_refused_before_any_io, setup_rw),
		T(a_bad_grant_fails_the_request, setup_rw),
		T(unknown_and_unoffered_operations, setup_rw),
		T(discard_punches_a_hole_inside_the_image_only, setup_rw),
		T(read_only_disk_refuses_writes_and_discards, setup_ro),
		T(a_runaway_producer_breaks_only_this_ring, setup_rw),
		T(broken_rings_are_logged_a_bounded_number_of_times, setup_rw),
		T(a_full_ring_is_served_within_the_budget, setup_rw),
		T(indirect_write_then_read_of_twenty_pages, setup_rw),
		T(hostile_indirect_requests_are_refused, setup_rw),
		T(indirect_write_to_a_read_only_disk_is_refused, setup_ro),
		cmocka_unit_test(
			idle_kicks_past_the_limit_hold_the_port_for_the_second),
		cmocka_unit_test(a_quiet_second_owes_no_unmask),
		T(refused_requests_are_no_work_for_the_kick_limit, setup_rw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
