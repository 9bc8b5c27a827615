// SPDX-License-Identifier: GPL-2.0
/*
 * Frame-table bookkeeping: reference counts, ownership and page types.
 *
 * The rules (the invariants PV isolation will rely on):
 *   - A frame's general count is the number of references to it; a
 *     reference can only be taken on a frame that is allocated, not free
 *     or reserved, and owned by the domain asking for it.
 *   - A frame has at most one type at a time.  Taking a type reference
 *     either finds the frame untyped-or-unused (type count 0), gives it
 *     the type and returns 1 ("new type: validate it"), or finds the same
 *     type and just counts it (returns 0).  Any other type is -EBUSY: a
 *     page that is mapped writable cannot become a page table, and a page
 *     table cannot be mapped writable, until every reference of the other
 *     type is gone.
 *   - The owner's allocation is one reference, flagged by PGC_allocated.
 *     When the owner lets the frame go (balloon, domain destroy) the flag
 *     and that reference go together (put_allocation()), so nobody can
 *     take a new reference from then on; the frame is freed by whoever
 *     drops the last reference, be it the owner or a mapping elsewhere.
 * All updates are compare-and-swap loops so that CPUs never need a lock
 * to take or drop a reference.
 */
#include <hv/errno.h>
#include <hv/page.h>

#define cas(p, old, new) \
	__atomic_compare_exchange_n(p, old, new, false, __ATOMIC_ACQ_REL, \
				    __ATOMIC_ACQUIRE)

/**
 * page_refcount() - a frame's general reference count
 * @pg: the frame
 */
unsigned long page_refcount(const struct page_info *pg)
{
	return READ_ONCE(pg->count_info) & PGC_count_mask;
}

/**
 * page_type_count() - a frame's type reference count
 * @pg: the frame
 */
unsigned long page_type_count(const struct page_info *pg)
{
	return READ_ONCE(pg->type_info) & PGT_count_mask;
}

/**
 * assign_page() - give a freshly allocated frame to an owner
 * @pg:    the frame, straight from the allocator
 * @owner: a domain id or DOMID_XEN
 *
 * The allocation itself holds one reference, dropped when the owner
 * releases the frame.
 */
void assign_page(struct page_info *pg, domid_t owner)
{
	pg->owner = owner;
	pg->type_info = PGT_none;
	__atomic_store_n(&pg->count_info,
			 (pg->count_info & ~PGC_count_mask) | PGC_allocated | 1,
			 __ATOMIC_RELEASE);
}

/**
 * get_page() - take a general reference on a frame for @owner
 * @pg:    the frame
 * @owner: the domain that wants to use the frame
 *
 * Returns false if the frame is not allocated to @owner or the count
 * would overflow.
 */
bool get_page(struct page_info *pg, domid_t owner)
{
	u64 old = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);

	do {
		if ((old & (PGC_free | PGC_reserved)) ||
		    !(old & PGC_allocated) || (old & PGC_count_mask) == 0 ||
		    (old & PGC_count_mask) == PGC_count_mask)
			return false;
		if (READ_ONCE(pg->owner) != owner)
			return false;
	} while (!cas(&pg->count_info, &old, old + 1));
	return true;
}

/**
 * put_page() - drop a general reference
 * @pg: the frame
 *
 * Returns true when this was the last reference (the frame can go back to
 * the allocator).  Dropping a reference that is not held is a bug the
 * caller asserts on; here it returns false and changes nothing.
 */
bool put_page(struct page_info *pg)
{
	u64 old = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
	u64 new;

	do {
		if ((old & PGC_count_mask) == 0)
			return false;
		new = old - 1;
		if ((new & PGC_count_mask) == 0)
			new &= ~PGC_allocated;
	} while (!cas(&pg->count_info, &old, new));
	return (new & PGC_count_mask) == 0;
}

/**
 * put_allocation() - the owner lets a frame go
 * @pg: an allocated frame
 *
 * Drops the allocation's reference and PGC_allocated in one step: from
 * then on get_page() refuses the frame, and the references others still
 * hold are its last ones.  Returns true when the frame has no reference
 * left (the caller frees it); false when someone still holds it (the
 * last put_page() then says so) or it was not allocated.
 */
bool put_allocation(struct page_info *pg)
{
	u64 old = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
	u64 new;

	do {
		if (!(old & PGC_allocated) || (old & PGC_count_mask) == 0)
			return false;
		new = (old & ~PGC_allocated) - 1;
	} while (!cas(&pg->count_info, &old, new));
	return (new & PGC_count_mask) == 0;
}

/**
 * put_allocation_if_unused() - let a frame go if nothing else holds it
 * @pg: an allocated frame
 *
 * Like put_allocation(), but only when the allocation is the frame's one
 * reference, checked in the same compare-and-swap: a reference taken at
 * the same moment makes it fail instead of leaving a frame that has
 * left its owner but is still in use.  A hypervisor heap page
 * (PGC_heap, a grant-table frame) is refused in the same step.  Returns
 * true when the frame was let go (it has no reference left: the caller
 * frees it).
 */
bool put_allocation_if_unused(struct page_info *pg)
{
	u64 old = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);

	do {
		/* A hypervisor heap page the domain may map (its grant
		 * table) is never the domain's to give back. */
		if (!(old & PGC_allocated) || (old & PGC_heap) ||
		    (old & PGC_count_mask) != 1)
			return false;
	} while (!cas(&pg->count_info, &old,
		      old & ~(PGC_allocated | PGC_count_mask)));
	return true;
}

/**
 * get_page_type() - take a type reference
 * @pg:   the frame (the caller holds a general reference)
 * @type: one of PGT_*_page_table, PGT_seg_desc_page, PGT_writable_page
 *
 * Returns 1 if the frame just took this type (the caller must validate
 * its contents and set PGT_validated), 0 if it already had it, -EBUSY if
 * it is in use as another type, half validated (PGT_partial) or a table
 * just released (PGT_flush_pending), -EINVAL
 * for a bad type, -ERANGE on count overflow.
 */
int get_page_type(struct page_info *pg, u64 type)
{
	u64 prev;

	return get_page_type_prev(pg, type, &prev);
}

/**
 * get_page_type_prev() - get_page_type(), saying what it replaced
 * @pg:   the frame
 * @type: as for get_page_type()
 * @prev: out, on success: the type_info the reference was taken from
 *        (its type is what the frame was before, when the return is 1)
 *
 * A frame may leave the writable type here while another domain's
 * mapping was dropped a moment ago (a foreign mapping cleared by
 * mmu_update, under that domain's page-table lock, not the owner's): a
 * snapshot read before this call cannot say whether the type really
 * changed from writable; @prev can.
 */
int get_page_type_prev(struct page_info *pg, u64 type, u64 *prev)
{
	u64 old = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
	u64 new;
	int rc;

	if ((type & ~PGT_type_mask) || type == PGT_none)
		return -EINVAL;
	do {
		u64 count = old & PGT_count_mask;

		if (count == PGT_count_mask)
			return -ERANGE;
		if (old & (PGT_partial | PGT_flush_pending))
			return -EBUSY;	/* a job owns it, or a flush is due */
		if (count == 0) {
			new = type | 1;
			rc = (old & PGT_type_mask) == type &&
			     (old & PGT_validated) ? 0 : 1;
			if (!rc)
				new |= PGT_validated;
		} else if ((old & PGT_type_mask) == type) {
			new = old + 1;
			rc = 0;
		} else {
			return -EBUSY;
		}
	} while (!cas(&pg->type_info, &old, new));
	*prev = old;
	return rc;
}

/**
 * put_page_type() - drop a type reference
 * @pg: the frame
 *
 * Returns true when the type count reached zero.  The type itself is
 * kept (with its validated flag) so that re-taking the same type is
 * cheap; any other type may now be taken.
 */
bool put_page_type(struct page_info *pg)
{
	u64 old = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
	u64 new;

	do {
		if ((old & PGT_count_mask) == 0)
			return false;
		new = old - 1;
	} while (!cas(&pg->type_info, &old, new));
	return (new & PGT_count_mask) == 0;
}
