/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary buddy allocator over a range of frame-table records.
 *
 * Pure bookkeeping: it never touches the memory of the frames it hands
 * out, has no lock (the caller holds one) and compiles on the host, where
 * the unit tests drive it with a fake frame table.
 */
#ifndef HV_BUDDY_H
#define HV_BUDDY_H

#include <hv/list.h>
#include <hv/page.h>
#include <hv/types.h>

#define BUDDY_MAX_ORDER		18	/* 1 GiB blocks of 4 KiB frames */

struct buddy {
	struct page_info *frames;	/* frames[pfn] for pfn < nr_frames */
	unsigned long nr_frames;
	unsigned long nr_free;		/* frames currently in the pool */
	unsigned long nr_free_blocks[BUDDY_MAX_ORDER + 1];
	struct list_head free[BUDDY_MAX_ORDER + 1];
};

void buddy_init(struct buddy *b, struct page_info *frames,
		unsigned long nr_frames);
int buddy_add_range(struct buddy *b, unsigned long pfn, unsigned long nr);
struct page_info *buddy_alloc(struct buddy *b, unsigned int order);
int buddy_free(struct buddy *b, struct page_info *pg, unsigned int order);

static inline unsigned long buddy_pfn(const struct buddy *b,
				      const struct page_info *pg)
{
	return (unsigned long)(pg - b->frames);
}

#endif /* HV_BUDDY_H */
