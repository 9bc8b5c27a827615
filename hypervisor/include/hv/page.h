/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame table record: one struct page_info per machine frame.
 *
 * This is what PV memory isolation will stand on.  Every frame has
 *   - an owner (a domain id, or DOMID_XEN for the hypervisor's own frames),
 *   - a general reference count (how many things point at the frame),
 *   - a type with its own count (writable, L1..L4 page table, descriptor
 *     page): a frame can change type only while its type count is zero,
 *     which is how "no writable mapping of a page table" is kept,
 *   - state flags (free in the allocator, reserved, boot module, ...).
 *
 * The record is pure data with no locking of its own; the counts are
 * changed with atomic compare-and-swap in mm/frame.c.  This header also
 * compiles on the host for the unit tests.
 */
#ifndef HV_PAGE_H
#define HV_PAGE_H

#include <hv/list.h>
#include <hv/types.h>

/* The special domain ids are the ABI's (DOMID_XEN, DOMID_INVALID, ...). */
#include <veneer/xen.h>
#define DOMID_NONE		DOMID_INVALID

/* count_info: flags in the top bits, the reference count below them. */
#define PGC_count_mask		((1UL << 48) - 1)
#define PGC_free		(1UL << 63)	/* in the buddy pool */
#define PGC_buddy_head		(1UL << 62)	/* first frame of a free block */
#define PGC_reserved		(1UL << 61)	/* never in the pool */
#define PGC_boot_module		(1UL << 60)	/* holds a Multiboot module */
#define PGC_allocated		(1UL << 59)	/* assigned to its owner */
#define PGC_heap		(1UL << 58)	/* hypervisor heap page */

/* type_info: the type in the top 4 bits, "validated" flag, type count. */
#define PGT_count_mask		((1UL << 48) - 1)
#define PGT_type_shift		60
#define PGT_type_mask		(0xfUL << PGT_type_shift)
#define PGT_none		(0UL << PGT_type_shift)
#define PGT_l1_page_table	(1UL << PGT_type_shift)
#define PGT_l2_page_table	(2UL << PGT_type_shift)
#define PGT_l3_page_table	(3UL << PGT_type_shift)
#define PGT_l4_page_table	(4UL << PGT_type_shift)
#define PGT_seg_desc_page	(5UL << PGT_type_shift)
#define PGT_writable_page	(6UL << PGT_type_shift)
#define PGT_validated		(1UL << 59)
/*
 * A page table in the middle of a restartable validation or release
 * (mm/pagetype.c, struct pt_job): its one type reference belongs to the
 * job, its contents are half checked.  No other type reference may be
 * taken until the job ends.
 */
#define PGT_partial		(1UL << 57)
/*
 * A page table just released that a CPU may still cache (a paging-
 * structure cache entry, from a parent entry removed without a flush):
 * no type may be taken until the flush that mm/pagetype.c does before
 * it lets go of the page-table lock.
 */
#define PGT_flush_pending	(1UL << 56)

struct page_info {
	struct list_head list;		/* free list, later owner's list */
	u64 count_info;			/* PGC_* flags and reference count */
	u64 type_info;			/* PGT_* type, flags and type count */
	domid_t owner;			/* DOMID_* or a domain id */
	u8 order;			/* block order, valid on a buddy head */
	u8 pad[5];
};

bool get_page(struct page_info *pg, domid_t owner);
bool put_page(struct page_info *pg);
bool put_allocation(struct page_info *pg);
bool put_allocation_if_unused(struct page_info *pg);
int get_page_type(struct page_info *pg, u64 type);
int get_page_type_prev(struct page_info *pg, u64 type, u64 *prev);
bool put_page_type(struct page_info *pg);
void assign_page(struct page_info *pg, domid_t owner);
unsigned long page_refcount(const struct page_info *pg);
unsigned long page_type_count(const struct page_info *pg);

#endif /* HV_PAGE_H */
