// SPDX-License-Identifier: GPL-2.0
/*
 * blk_req.c - the blkif ring as the protocol describes it: take a
 * request, check it, do it, respond, notify once (blk_req.h).
 *
 * Nothing from the guest is trusted.  The request producer index is
 * checked against the ring before any slot is read; each request is
 * copied out of the shared slot once and only the copy is looked at; its
 * operation, segment count, sector offsets inside each page and sector
 * range inside the image are checked (sizes without overflow) before
 * any I/O.  Grant references are checked by the hypervisor: a copy from
 * or to a bad one fails and the request gets BLKIF_RSP_ERROR.
 *
 * An indirect request's segment descriptors are copied (grant copy) out
 * of the guest's pages into ours first, then checked like a direct
 * request's.
 *
 * Requests are done one at a time, synchronously, in ring order: the
 * response for each is written before the next is taken, so a request
 * and its response never need the slot at once (see docs/drivers.md for
 * why synchronous, and what it costs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blk_req.h"

#define LOG_BAD_MAX 20	/* bad requests logged per device, then quiet */

int blk_req_check_segments(const struct blkif_request_segment *seg,
			   unsigned int n, const struct blk_disk *disk,
			   struct blk_plan *plan, const char **why)
{
	uint64_t sectors = 0;
	unsigned int i;

	if (n == 0 || n > BLK_MAX_SEGS) {
		*why = "segment count out of range";
		return BLKIF_RSP_ERROR;
	}
	for (i = 0; i < n; i++) {
		/* One read of each field: an indirect page is ours by now,
		 * but a direct request's copy is too; no double fetch. */
		uint8_t first = seg[i].first_sect, last = seg[i].last_sect;

		if (first > last || last >= BLK_SECTORS_PER_PAGE) {
			*why = "first/last sector outside the page";
			return BLKIF_RSP_ERROR;
		}
		plan->seg[i].gref = seg[i].gref;
		plan->seg[i].offset = (uint16_t)(first << BLK_SECTOR_SHIFT);
		plan->seg[i].len = (uint16_t)((last - first + 1)
					      << BLK_SECTOR_SHIFT);
		sectors += (uint64_t)(last - first + 1);
	}
	if (plan->sector >= disk->sectors ||
	    sectors > disk->sectors - plan->sector) {
		*why = "sector range beyond the image";
		return BLKIF_RSP_ERROR;
	}
	plan->nseg = n;
	plan->offset = plan->sector << BLK_SECTOR_SHIFT;
	plan->length = sectors << BLK_SECTOR_SHIFT;
	return BLKIF_RSP_OKAY;
}

static int check_rw(const struct blkif_request *req,
		    const struct blk_disk *disk, struct blk_plan *plan,
		    const char **why)
{
	if (req->operation == BLKIF_OP_WRITE && disk->readonly) {
		*why = "write to a read-only disk";
		return BLKIF_RSP_ERROR;
	}
	if (req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		*why = "segment count out of range";
		return BLKIF_RSP_ERROR;
	}
	plan->sector = req->sector_number;
	return blk_req_check_segments(req->seg, req->nr_segments, disk, plan,
				      why);
}

/* The header of an indirect request; its segments come later. */
static int check_indirect(const struct blkif_request *req,
			  const struct blk_disk *disk, struct blk_plan *plan,
			  const char **why)
{
	struct blkif_request_indirect ir;
	unsigned int i;

	memcpy(&ir, req, sizeof(ir));
	if (!disk->max_indirect) {
		*why = "indirect descriptors not offered";
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if (ir.indirect_op != BLKIF_OP_READ &&
	    ir.indirect_op != BLKIF_OP_WRITE) {
		*why = "indirect operation neither read nor write";
		return BLKIF_RSP_ERROR;
	}
	plan->op = plan->rsp_op = ir.indirect_op;
	if (ir.indirect_op == BLKIF_OP_WRITE && disk->readonly) {
		*why = "write to a read-only disk";
		return BLKIF_RSP_ERROR;
	}
	if (ir.nr_segments == 0 || ir.nr_segments > disk->max_indirect ||
	    ir.nr_segments > BLK_MAX_SEGS) {
		*why = "indirect segment count out of range";
		return BLKIF_RSP_ERROR;
	}
	plan->sector = ir.sector_number;
	plan->indirect_segs = ir.nr_segments;
	plan->indirect_pages = (ir.nr_segments + BLK_SEGS_PER_INDIRECT_PAGE -
				1) / BLK_SEGS_PER_INDIRECT_PAGE;
	for (i = 0; i < plan->indirect_pages; i++)
		plan->indirect_gref[i] = ir.indirect_grefs[i];
	return BLKIF_RSP_OKAY;
}

static int check_discard(const struct blkif_request *req,
			 const struct blk_disk *disk, struct blk_plan *plan,
			 const char **why)
{
	struct blkif_request_discard dr;

	memcpy(&dr, req, sizeof(dr));
	if (!disk->discard) {
		*why = "discard not offered";
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if (disk->readonly) {
		*why = "discard on a read-only disk";
		return BLKIF_RSP_ERROR;
	}
	if (dr.flag & BLKIF_DISCARD_SECURE) {
		*why = "secure discard not offered";
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if (dr.flag) {
		*why = "unknown discard flags";
		return BLKIF_RSP_ERROR;
	}
	if (dr.sector_number > disk->sectors ||
	    dr.nr_sectors > disk->sectors - dr.sector_number) {
		*why = "discard range beyond the image";
		return BLKIF_RSP_ERROR;
	}
	plan->offset = dr.sector_number << BLK_SECTOR_SHIFT;
	plan->length = dr.nr_sectors << BLK_SECTOR_SHIFT;
	return BLKIF_RSP_OKAY;
}

int blk_req_check(const struct blkif_request *req,
		  const struct blk_disk *disk, struct blk_plan *plan,
		  const char **why)
{
	memset(plan, 0, offsetof(struct blk_plan, seg));
	plan->indirect_segs = plan->indirect_pages = 0;
	plan->op = plan->rsp_op = req->operation;
	*why = NULL;
	switch (req->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		return check_rw(req, disk, plan, why);
	case BLKIF_OP_FLUSH_DISKCACHE:
		/* Linux's blkfront sends it with no segments; any it names
		 * carry no data and are not looked at. */
		if (!disk->flush) {
			*why = "flush not offered";
			return BLKIF_RSP_EOPNOTSUPP;
		}
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_DISCARD:
		return check_discard(req, disk, plan, why);
	case BLKIF_OP_WRITE_BARRIER:
		*why = "barriers not offered";
		return BLKIF_RSP_EOPNOTSUPP;
	case BLKIF_OP_INDIRECT:
		return check_indirect(req, disk, plan, why);
	default:
		*why = "unknown operation";
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

void blk_dev_attach(struct blk_dev *d, void *ring_page)
{
	blkif_back_attach(&d->ring, ring_page, 0, BLK_PAGE_SIZE);
	d->broken = false;
}

static void say(struct blk_dev *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct blk_dev *d, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "blkback: d%u/%u: ", d->domid, d->devid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int full_io(int fd, void *buf, uint64_t len, uint64_t off, bool wr)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = wr ? pwrite(fd, (char *)buf + done, len - done,
					(off_t)(off + done)) :
				 pread(fd, (char *)buf + done, len - done,
				       (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* a read at EOF: the image shrank */
			return -1;
		done += (uint64_t)n;
	}
	return 0;
}

static int do_request(struct blk_dev *d, const struct blk_plan *p)
{
	switch (p->op) {
	case BLKIF_OP_READ:
		if (full_io(d->fd, d->buf, p->length, p->offset, false) ||
		    d->copy(d->copy_ctx, d->domid, p->seg, p->nseg, d->buf,
			    true))
			return BLKIF_RSP_ERROR;
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_WRITE:
		if (d->copy(d->copy_ctx, d->domid, p->seg, p->nseg, d->buf,
			    false) ||
		    full_io(d->fd, d->buf, p->length, p->offset, true))
			return BLKIF_RSP_ERROR;
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_FLUSH_DISKCACHE:
		return fdatasync(d->fd) ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
	case BLKIF_OP_DISCARD:
		if (!p->length)
			return BLKIF_RSP_OKAY;
		if (fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)p->offset, (off_t)p->length) == 0)
			return BLKIF_RSP_OKAY;
		return errno == EOPNOTSUPP ? BLKIF_RSP_EOPNOTSUPP :
					     BLKIF_RSP_ERROR;
	}
	return BLKIF_RSP_EOPNOTSUPP;
}

/* Fetch an indirect request's segment descriptors and check them. */
static int fetch_indirect(struct blk_dev *d, struct blk_plan *p,
			  const char **why)
{
	struct blkif_request_segment desc[BLK_MAX_SEGS];
	struct blk_seg pages[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	unsigned int i, left = p->indirect_segs;

	for (i = 0; i < p->indirect_pages; i++) {
		unsigned int n = left < BLK_SEGS_PER_INDIRECT_PAGE ? left :
				 BLK_SEGS_PER_INDIRECT_PAGE;

		pages[i].gref = p->indirect_gref[i];
		pages[i].offset = 0;
		pages[i].len = (uint16_t)(n * sizeof(desc[0]));
		left -= n;
	}
	if (d->copy(d->copy_ctx, d->domid, pages, p->indirect_pages, desc,
		    false)) {
		*why = "indirect descriptor page not readable (bad grant)";
		return BLKIF_RSP_ERROR;
	}
	return blk_req_check_segments(desc, p->indirect_segs, &d->disk, p,
				      why);
}

static int16_t handle(struct blk_dev *d, const struct blkif_request *req,
		      uint8_t *rsp_op)
{
	static struct blk_plan plan;	/* 2 KiB of pages: not on the stack */
	const char *why;
	int st = blk_req_check(req, &d->disk, &plan, &why);

	d->requests++;
	if (st == BLKIF_RSP_OKAY && plan.indirect_segs) {
		d->indirect_requests++;
		st = fetch_indirect(d, &plan, &why);
	}
	*rsp_op = plan.rsp_op;
	if (st != BLKIF_RSP_OKAY) {
		if (d->bad_requests++ < LOG_BAD_MAX)
			say(d, "request op %u sector %llu nseg %u: %s",
			    req->operation,
			    (unsigned long long)req->sector_number,
			    req->nr_segments, why);
		return (int16_t)st;
	}
	st = do_request(d, &plan);
	if (st == BLKIF_RSP_ERROR && d->io_errors++ < LOG_BAD_MAX)
		say(d, "op %u at byte %llu, %llu bytes: failed (I/O or "
		    "grant copy)", plan.op, (unsigned long long)plan.offset,
		    (unsigned long long)plan.length);
	return (int16_t)st;
}

int blk_service(struct blk_dev *d, unsigned int budget, bool *notify)
{
	struct ring_back *b = &d->ring.r;
	unsigned int done = 0;

	*notify = false;
	if (d->broken)
		return -1;
	for (;;) {
		ring_idx_t prod = ring_back_req_prod(b);

		if (ring_back_request_prod_overflow(b, prod)) {
			/* The front end can break each new ring again. */
			if (d->ring_breaks++ < LOG_BAD_MAX)
				say(d, "request producer %u runs %u ahead of "
				    "the responses on a ring of %u: "
				    "disconnecting", prod,
				    prod - b->rsp_prod_pvt, b->nr_ents);
			d->broken = true;
			if (ring_back_push_responses_check_notify(b))
				*notify = true;
			return -1;
		}
		while (b->req_cons != prod && done < budget) {
			struct blkif_request req;
			struct blkif_response *rsp;
			uint8_t op;
			int16_t st;

			blkif_back_copy_request(&d->ring, b->req_cons, &req);
			b->req_cons++;
			st = handle(d, &req, &op);
			/* The slot is the request's until here. */
			rsp = blkif_back_response(&d->ring, b->rsp_prod_pvt);
			rsp->id = req.id;
			rsp->operation = op;
			rsp->status = st;
			b->rsp_prod_pvt++;
			done++;
		}
		if (ring_back_push_responses_check_notify(b))
			*notify = true;
		if (b->req_cons != prod)
			return 1;	/* budget spent */
		if (!ring_back_final_check_for_requests(b))
			return 0;
		if (done >= budget)
			return 1;
	}
}

void blk_kicks_reset(struct blk_kicks *k)
{
	k->empty = 0;
	k->held = false;
}

bool blk_kicks_tick(struct blk_kicks *k, uint64_t now_ms)
{
	bool was_held = k->held;

	if (now_ms - k->window_ms < BLK_KICK_WINDOW_MS)
		return false;
	k->window_ms = now_ms;
	k->empty = 0;
	k->held = false;
	return was_held;
}

bool blk_kicks_after_kick(struct blk_kicks *k, bool did_work)
{
	if (did_work || ++k->empty <= BLK_EMPTY_KICKS)
		return true;
	if (!k->held)
		k->held_total++;
	k->held = true;
	return false;
}

int blk_kicks_timeout(const struct blk_kicks *k, uint64_t now_ms,
		      int idle_ms)
{
	uint64_t end = k->window_ms + BLK_KICK_WINDOW_MS;

	if (!k->held)
		return idle_ms;
	return end > now_ms ? (int)(end - now_ms) : 0;
}
