/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blk_req.h - the block back end's ring service, without /dev/xen: take
 * requests from a blkif ring, check every field, do them on an image
 * file, answer.  blkback.c supplies the grant copy; the host tests
 * (tests/unit/test_blkback.c) supply a fake one and a hostile front end.
 */
#ifndef BLK_REQ_H
#define BLK_REQ_H

#include <stdbool.h>
#include <stdint.h>

#include <veneer/io/blkif.h>
#include <veneer/ring.h>

RING_DEFINE(blkif, struct blkif_request, struct blkif_response)

#define BLK_SECTOR_SHIFT 9
#define BLK_PAGE_SIZE 4096
#define BLK_SECTORS_PER_PAGE (BLK_PAGE_SIZE >> BLK_SECTOR_SHIFT)
/* Segments an indirect request may carry (feature-max-indirect-segments,
 * what Linux's blkback offers); their descriptors fit in one page. */
#define BLK_MAX_INDIRECT_SEGS 256
#define BLK_SEGS_PER_INDIRECT_PAGE \
	(BLK_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define BLK_MAX_SEGS BLK_MAX_INDIRECT_SEGS
#define BLK_MAX_BYTES (BLK_MAX_SEGS * BLK_PAGE_SIZE)

/* One piece of a request's data: bytes offset..offset+len of gref. */
struct blk_seg {
	uint32_t gref;
	uint16_t offset;
	uint16_t len;
};

/* A checked request: what to do, where in the image, which pages. */
struct blk_plan {
	uint8_t op;		/* BLKIF_OP_READ/WRITE/FLUSH_DISKCACHE/DISCARD */
	uint8_t rsp_op;		/* the response's operation (indirect: the
				 * indirect_op, as blkfront checks) */
	uint64_t sector;	/* first sector */
	uint64_t offset;	/* bytes into the image */
	uint64_t length;	/* bytes */
	unsigned int nseg;
	struct blk_seg seg[BLK_MAX_SEGS];
	/* BLKIF_OP_INDIRECT: the pages of segment descriptors, to fetch
	 * and check (blk_req_check_segments) before the plan is whole. */
	unsigned int indirect_segs, indirect_pages;
	uint32_t indirect_gref[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

/* What the device offers; the image's size in 512-byte sectors. */
struct blk_disk {
	uint64_t sectors;
	bool readonly;
	bool discard;		/* feature-discard offered */
	bool flush;		/* feature-flush-cache offered */
	unsigned int max_indirect; /* feature-max-indirect-segments; 0: none */
};

/*
 * Check @req (already copied out of the ring) against @disk and fill
 * @plan.  BLKIF_RSP_OKAY, or the status to answer with (@why says why:
 * for the log line).
 */
int blk_req_check(const struct blkif_request *req,
		  const struct blk_disk *disk, struct blk_plan *plan,
		  const char **why);

/* The @n segments of a read or write at plan->sector: fills the plan's
 * pages, offset and length.  BLKIF_RSP_OKAY or BLKIF_RSP_ERROR. */
int blk_req_check_segments(const struct blkif_request_segment *seg,
			   unsigned int n, const struct blk_disk *disk,
			   struct blk_plan *plan, const char **why);

/*
 * Copy between @buf and the guest's pages @seg[0..n) (in order, packed
 * in @buf); to_guest: buf -> pages.  0, or -1 if any piece failed.
 */
typedef int blk_copy_fn(void *ctx, unsigned int domid,
			const struct blk_seg *seg, unsigned int n, void *buf,
			bool to_guest);

struct blk_dev {
	unsigned int domid, devid;
	int fd;				/* the image */
	struct blk_disk disk;
	struct blkif_back_ring ring;
	bool broken;			/* the front lied about indices */
	blk_copy_fn *copy;
	void *copy_ctx;
	void *buf;			/* BLK_MAX_BYTES */
	uint64_t requests, bad_requests, io_errors, indirect_requests;
	uint64_t ring_breaks;		/* rings found broken (logged: 20) */
};

/* Attach @d to a mapped ring page (the front end initialised it). */
void blk_dev_attach(struct blk_dev *d, void *ring_page);

/*
 * Serve at most @budget requests.  *notify: kick the front end.
 * Return: 1 if requests are left (call again), 0 if the ring is empty
 * and the event index armed, -1 if the ring is broken (d->broken; stop
 * serving it).
 */
int blk_service(struct blk_dev *d, unsigned int budget, bool *notify);

/*
 * Kicks that find nothing to do (blkback's loop keeps one of these per
 * ring).  A kick "did work" when the ring gave at least one request that
 * was neither refused nor failed: an empty ring, or one full of requests
 * refused (they cost us a check and a response each), is an idle kick.
 * Past BLK_EMPTY_KICKS idle kicks in a second the port stays masked until
 * that second is over; a kick meanwhile stays pending in the hypervisor
 * and is delivered at the unmask.
 */
#define BLK_EMPTY_KICKS 2000
#define BLK_KICK_WINDOW_MS 1000

struct blk_kicks {
	uint64_t window_ms;	/* start of the current second */
	unsigned int empty;	/* idle kicks in it */
	bool held;		/* the port is left masked */
	uint64_t held_total;	/* seconds held, over the process */
};

/* A new ring (or none): no idle kicks, nothing held. */
void blk_kicks_reset(struct blk_kicks *k);

/* Each turn of the loop: true when a held port's second is over (unmask
 * it and look at the ring once). */
bool blk_kicks_tick(struct blk_kicks *k, uint64_t now_ms);

/* After serving a kick; did_work as above.  true: unmask the port now;
 * false: it stays masked (held) until blk_kicks_tick says so. */
bool blk_kicks_after_kick(struct blk_kicks *k, bool did_work);

/* How long the loop may sleep: idle_ms, or until a hold ends. */
int blk_kicks_timeout(const struct blk_kicks *k, uint64_t now_ms,
		      int idle_ms);

#endif /* BLK_REQ_H */
