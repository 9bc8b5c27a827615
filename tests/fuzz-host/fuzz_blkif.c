// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the block back end's ring service
 * (drivers-back/block/blk_req.c): the input is a hostile front end.
 *
 *	byte 0      disk flags: bit 0 read-only, bit 1 indirect offered
 *	bytes 1..4  the index both sides start at (wrap-around)
 *	bytes 5..   the ring page from offset 0: indices, then the slots
 *	            (request producer included); the rest of the page zero
 *
 * Grants 0..7 are pages of ours (descriptor pages among them, zero or
 * what earlier requests wrote); any other reference fails as the
 * hypervisor would.  The image is a 64-sector memory file.  Checked:
 * no sanitizer report; the image never grows; the back end never
 * publishes more responses than it took requests, nor takes more than
 * the ring holds.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blk_req.h"

#define NR_GRANTS 8
#define IMG_BYTES (64 * 512)

static uint8_t grant_page[NR_GRANTS][BLK_PAGE_SIZE];
static uint8_t ring_page[BLK_PAGE_SIZE] __attribute__((aligned(4096)));
static struct blk_dev dev;
static int img_fd = -1;

static int fake_copy(void *ctx, unsigned int domid, const struct blk_seg *seg,
		     unsigned int n, void *buf, bool to_guest)
{
	size_t off = 0;

	if (n > BLK_MAX_SEGS)
		abort();
	for (unsigned int i = 0; i < n; i++) {
		if (seg[i].gref >= NR_GRANTS)
			return -1;
		if (seg[i].offset + seg[i].len > BLK_PAGE_SIZE ||
		    off + seg[i].len > BLK_MAX_BYTES)
			abort();	/* the checks should have stopped it */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void *buf;
	struct ring_back *b;
	ring_idx_t start = 0;
	struct stat st;
	bool notify;
	int rc, turns = 0;

	if (size < 5)
		return 0;
	if (img_fd < 0) {
		img_fd = memfd_create("img", 0);
		buf = malloc(BLK_MAX_BYTES);
		if (img_fd < 0 || !buf || ftruncate(img_fd, IMG_BYTES))
			abort();
	}
	memset(&dev, 0, sizeof(dev));
	dev.domid = 1;
	dev.fd = img_fd;
	dev.disk.sectors = IMG_BYTES / 512;
	dev.disk.readonly = data[0] & 1;
	dev.disk.flush = dev.disk.discard = !dev.disk.readonly;
	dev.disk.max_indirect = (data[0] & 2) ? BLK_MAX_INDIRECT_SEGS : 0;
	dev.copy = fake_copy;
	dev.buf = buf;
	memcpy(&start, data + 1, sizeof(start));
	memset(ring_page, 0, sizeof(ring_page));
	memcpy(ring_page, data + 5, size - 5 < sizeof(ring_page) ?
	       size - 5 : sizeof(ring_page));
	blkif_back_attach(&dev.ring, (struct blkif_sring *)ring_page, start,
			  BLK_PAGE_SIZE);
	b = &dev.ring.r;
	do {
		rc = blk_service(&dev, 8, &notify);
		if (b->req_cons != b->rsp_prod_pvt)
			abort();	/* every request taken is answered */
		if ((ring_idx_t)(b->rsp_prod_pvt - start) > 64 * b->nr_ents)
			abort();
	} while (rc == 1 && ++turns < 64);
	if (!dev.broken &&
	    (ring_idx_t)(b->req_cons - start) >
	    (ring_idx_t)(atomic_load(&dev.ring.r.shared->req_prod) - start))
		abort();	/* took requests never published */
	if (fstat(img_fd, &st) || st.st_size != IMG_BYTES)
		abort();
	return 0;
}
