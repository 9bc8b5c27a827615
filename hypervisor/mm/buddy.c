// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator: the bottom of all memory management.
 *
 * At boot, mm/page_alloc.c hands every usable frame to buddy_add_range();
 * from then on the hypervisor heap and, later, domain memory come from
 * buddy_alloc().  A block of order k is 2^k frames whose first pfn is a
 * multiple of 2^k; its buddy is the block at pfn ^ 2^k, and two free
 * buddies merge into one block of order k+1.
 *
 * State lives in the frame table, not in side structures: every frame of a
 * free block carries PGC_free (so freeing any part of a free block again is
 * caught as a double free), and the first frame also carries
 * PGC_buddy_head with the block's order, which is what merging looks at.
 * Marking every frame costs O(2^k) per operation, which is fine: large
 * blocks are rare after boot, and it buys reliable double-free detection.
 */
#include <hv/buddy.h>
#include <hv/errno.h>

void buddy_init(struct buddy *b, struct page_info *frames,
		unsigned long nr_frames)
{
	unsigned int i;

	b->frames = frames;
	b->nr_frames = nr_frames;
	b->nr_free = 0;
	for (i = 0; i <= BUDDY_MAX_ORDER; i++) {
		list_init(&b->free[i]);
		b->nr_free_blocks[i] = 0;
	}
}

static void mark_block(struct page_info *pg, unsigned int order, bool free)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		if (free)
			pg[i].count_info |= PGC_free;
		else
			pg[i].count_info &= ~PGC_free;
	}
}

static void push_block(struct buddy *b, struct page_info *pg,
		       unsigned int order)
{
	pg->count_info |= PGC_buddy_head;
	pg->order = order;
	list_add(&pg->list, &b->free[order]);
	b->nr_free_blocks[order]++;
}

static void pop_block(struct buddy *b, struct page_info *pg)
{
	pg->count_info &= ~PGC_buddy_head;
	list_del(&pg->list);
	b->nr_free_blocks[pg->order]--;
}

/* Is the block of @order at @pfn a free block we may merge with? */
static bool buddy_is_free_head(struct buddy *b, unsigned long pfn,
			       unsigned int order)
{
	struct page_info *pg;

	if (pfn + (1UL << order) > b->nr_frames)
		return false;
	pg = &b->frames[pfn];
	return (pg->count_info & PGC_buddy_head) && pg->order == order;
}

/* Put a block (already marked free) into the pool, merging upwards. */
static void insert_block(struct buddy *b, unsigned long pfn,
			 unsigned int order)
{
	while (order < BUDDY_MAX_ORDER) {
		unsigned long buddy = pfn ^ (1UL << order);

		if (!buddy_is_free_head(b, buddy, order))
			break;
		pop_block(b, &b->frames[buddy]);
		pfn &= ~(1UL << order);
		order++;
	}
	push_block(b, &b->frames[pfn], order);
}

static int check_range(struct buddy *b, unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	if (pfn >= b->nr_frames || nr > b->nr_frames - pfn)
		return -ERANGE;
	for (i = 0; i < nr; i++)
		if (b->frames[pfn + i].count_info & PGC_free)
			return -EINVAL;
	return 0;
}

/**
 * buddy_add_range() - give frames to the pool for the first time
 * @b:   the allocator
 * @pfn: first frame
 * @nr:  number of frames
 *
 * Clears PGC_reserved on the frames and frees them in the largest aligned
 * blocks that fit.  Returns 0, -ERANGE for frames outside the allocator,
 * or -EINVAL if some frame is already free (nothing is changed then).
 */
int buddy_add_range(struct buddy *b, unsigned long pfn, unsigned long nr)
{
	int rc = check_range(b, pfn, nr);

	if (rc)
		return rc;
	while (nr) {
		unsigned int order = 0;

		while (order < BUDDY_MAX_ORDER &&
		       !(pfn & ((2UL << order) - 1)) && (2UL << order) <= nr)
			order++;
		for (unsigned long i = 0; i < (1UL << order); i++)
			b->frames[pfn + i].count_info &= ~PGC_reserved;
		mark_block(&b->frames[pfn], order, true);
		insert_block(b, pfn, order);
		b->nr_free += 1UL << order;
		pfn += 1UL << order;
		nr -= 1UL << order;
	}
	return 0;
}

/**
 * buddy_alloc() - take a block of 2^@order frames out of the pool
 * @b:     the allocator
 * @order: log2 of the number of frames
 *
 * Splits a larger block if no block of @order is free.  Returns the first
 * frame's record, or NULL when no block that large is left.
 */
struct page_info *buddy_alloc(struct buddy *b, unsigned int order)
{
	struct page_info *pg;
	unsigned int o;

	if (order > BUDDY_MAX_ORDER)
		return NULL;
	for (o = order; o <= BUDDY_MAX_ORDER; o++)
		if (!list_empty(&b->free[o]))
			break;
	if (o > BUDDY_MAX_ORDER)
		return NULL;

	pg = list_entry(b->free[o].next, struct page_info, list);
	pop_block(b, pg);
	/* Give back the upper halves until the block has the right size. */
	while (o > order) {
		o--;
		push_block(b, pg + (1UL << o), o);
	}
	mark_block(pg, order, false);
	pg->order = order;
	b->nr_free -= 1UL << order;
	return pg;
}

/**
 * buddy_free() - return a block to the pool
 * @b:     the allocator
 * @pg:    first frame of the block, as returned by buddy_alloc()
 * @order: the order it was allocated with
 *
 * Returns 0; -ERANGE if the block is misaligned or outside the allocator;
 * -EINVAL if any of its frames is already free (a double free) or is
 * reserved.  On error nothing is changed.
 */
int buddy_free(struct buddy *b, struct page_info *pg, unsigned int order)
{
	unsigned long pfn, i;
	int rc;

	if (order > BUDDY_MAX_ORDER || pg < b->frames)
		return -ERANGE;
	pfn = buddy_pfn(b, pg);
	if (pfn & ((1UL << order) - 1))
		return -ERANGE;
	rc = check_range(b, pfn, 1UL << order);
	if (rc)
		return rc;
	for (i = 0; i < (1UL << order); i++)
		if (pg[i].count_info & PGC_reserved)
			return -EINVAL;

	mark_block(pg, order, true);
	insert_block(b, pfn, order);
	b->nr_free += 1UL << order;
	return 0;
}
