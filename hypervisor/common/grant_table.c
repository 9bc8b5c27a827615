// SPDX-License-Identifier: GPL-2.0
/*
 * Grant tables, version 1: the frames a domain writes its grant entries
 * into.
 *
 * Linux sets its grant table up at boot whether or not it has PV devices
 * (contract §16.1): query_size for how many frames it may have,
 * set_version to stay on v1, setup_table for the frames' MFNs, which it
 * then maps into its own address space with mmu_update.  So the frames
 * are ordinary frames owned by the domain (not in its P2M), which every
 * mapping check accepts as the domain's own; we keep the list so that a
 * later, larger setup_table returns the same frames first, as Linux
 * requires.
 *
 * GNTTABOP_copy copies bytes between two frames, each named either
 * directly (a frame of the caller's own) or through a grant: the entry
 * must permit access to the copying domain, and not be read-only for a
 * destination.  While the copy runs the entry carries GTF_reading or
 * GTF_writing, so a guest revoking it (cmpxchg on the flags) cannot win
 * in the middle.  Only grants of the caller's own domain exist so far
 * (dom0 alone).  Mapping grants, unmapping and the v2 calls answer
 * -ENOSYS, logged once.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/spinlock.h>
#include <hv/lib.h>

#include <asm/page.h>

#include <veneer/grant_table.h>

#define MAX_GNT_FRAMES	4

struct gnttab {
	unsigned int nr_frames;
	unsigned long mfn[MAX_GNT_FRAMES];
};

static spinlock_t gnttab_lock = SPINLOCK_INIT;

/**
 * gnttab_domain_init() - give a new domain its (empty) grant table
 * @d: the domain, from domain_create()
 *
 * Return: 0 or -ENOMEM.
 */
int gnttab_domain_init(struct domain *d)
{
	_Static_assert(sizeof(struct gnttab) <= PAGE_SIZE, "struct gnttab");
	d->gnttab = alloc_heap_pages(0);
	if (!d->gnttab)
		return -ENOMEM;
	memset(d->gnttab, 0, sizeof(*d->gnttab));
	return 0;
}

/* Grow @d's table to @nr frames; 0 or -ENOMEM.  Lock held. */
static int grow(struct domain *d, struct gnttab *gt, unsigned int nr)
{
	while (gt->nr_frames < nr) {
		struct page_info *pg = alloc_pages(0);

		if (!pg)
			return -ENOMEM;
		memset(__va(page_to_mfn(pg) << PAGE_SHIFT), 0, PAGE_SIZE);
		assign_page(pg, d->id);
		gt->mfn[gt->nr_frames++] = page_to_mfn(pg);
	}
	return 0;
}

static long setup_table(struct domain *d, unsigned long uop)
{
	struct gnttab *gt = d->gnttab;
	struct gnttab_setup_table op;
	unsigned int i;
	long rc = 0;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -EFAULT;
	if (op.dom != DOMID_SELF && op.dom != d->id)
		op.status = GNTST_permission_denied;
	else if (op.nr_frames > MAX_GNT_FRAMES)
		op.status = GNTST_general_error;
	else {
		spin_lock(&gnttab_lock);
		rc = grow(d, gt, op.nr_frames);
		spin_unlock(&gnttab_lock);
		op.status = rc ? GNTST_no_space : GNTST_okay;
		for (i = 0; !rc && i < op.nr_frames; i++) {
			xen_pfn_t f = gt->mfn[i];

			if (copy_to_guest(op.frame_list + i * sizeof(f), &f,
					  sizeof(f)))
				return -EFAULT;
		}
	}
	return copy_to_guest(uop, &op, sizeof(op));
}

#define ENTRIES_PER_FRAME	(PAGE_SIZE / sizeof(struct grant_entry_v1))

/* One side of a copy, resolved: the frame and, for a grant, its entry. */
struct copy_side {
	unsigned long mfn;
	struct grant_entry_v1 *entry;	/* NULL for a direct frame */
	u16 busy;			/* GTF_reading or GTF_writing */
};

static bool owns_frame(struct domain *d, unsigned long mfn)
{
	struct page_info *pg;

	if (mfn >= max_page)
		return false;
	pg = mfn_to_page(mfn);
	return READ_ONCE(pg->owner) == d->id &&
	       (READ_ONCE(pg->count_info) & PGC_allocated);
}

/* Resolve @p for domain @d; a GNTST_* status. */
static int resolve(struct domain *d, const struct gnttab_copy_ptr *p,
		   bool by_ref, bool write, struct copy_side *side)
{
	struct gnttab *gt = d->gnttab;
	struct grant_entry_v1 *e;
	u16 flags, want;

	side->entry = NULL;
	if (!by_ref) {
		if (p->domid != DOMID_SELF && p->domid != d->id)
			return GNTST_permission_denied;
		if (!owns_frame(d, p->u.gmfn))
			return GNTST_bad_page;
		side->mfn = p->u.gmfn;
		return GNTST_okay;
	}
	/* The granting domain: only our own exists among guests. */
	if (p->domid != DOMID_SELF && p->domid != d->id)
		return GNTST_bad_domain;
	if (p->u.ref >= gt->nr_frames * ENTRIES_PER_FRAME)
		return GNTST_bad_gntref;
	e = (struct grant_entry_v1 *)__va(gt->mfn[p->u.ref / ENTRIES_PER_FRAME]
					  << PAGE_SHIFT) +
	    p->u.ref % ENTRIES_PER_FRAME;
	want = write ? GTF_writing : GTF_reading;
	flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
	do {
		if ((flags & GTF_type_mask) != GTF_permit_access ||
		    READ_ONCE(e->domid) != d->id ||
		    (write && (flags & GTF_readonly)))
			return GNTST_general_error;
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, flags | want,
					      false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	if (!owns_frame(d, READ_ONCE(e->frame))) {
		__atomic_fetch_and(&e->flags, (u16)~want, __ATOMIC_RELEASE);
		return GNTST_general_error;
	}
	side->mfn = e->frame;
	side->entry = e;
	side->busy = want;
	return GNTST_okay;
}

static void release(struct copy_side *side)
{
	if (side->entry)
		__atomic_fetch_and(&side->entry->flags, (u16)~side->busy,
				   __ATOMIC_RELEASE);
}

static int copy_one(struct domain *d, struct gnttab_copy *op)
{
	struct copy_side src, dst;
	int st;

	if (op->source.offset + op->len > PAGE_SIZE ||
	    op->dest.offset + op->len > PAGE_SIZE)
		return GNTST_bad_copy_arg;
	st = resolve(d, &op->source, op->flags & GNTCOPY_source_gref, false,
		     &src);
	if (st != GNTST_okay)
		return st;
	st = resolve(d, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
	if (st == GNTST_okay) {
		memmove((char *)__va(dst.mfn << PAGE_SHIFT) + op->dest.offset,
			(char *)__va(src.mfn << PAGE_SHIFT) + op->source.offset,
			op->len);
		release(&dst);
	}
	release(&src);
	return st;
}

static long grant_copy(struct domain *d, unsigned long uop,
		       unsigned long count)
{
	struct gnttab_copy op;
	unsigned long i;

	for (i = 0; i < count; i++) {
		unsigned long a = uop + i * sizeof(op);

		if (copy_from_guest(&op, a, sizeof(op)))
			return -EFAULT;
		spin_lock(&gnttab_lock);
		op.status = copy_one(d, &op);
		spin_unlock(&gnttab_lock);
		if (copy_to_guest(a + offsetof(struct gnttab_copy, status),
				  &op.status, sizeof(op.status)))
			return -EFAULT;
	}
	return 0;
}

/**
 * do_grant_table_op() - GNTTABOP_*
 * @cmd:   the sub-op
 * @uop:   guest array of its argument structures
 * @count: how many (Linux passes 1 for the calls handled here)
 */
long do_grant_table_op(unsigned long cmd, unsigned long uop,
		       unsigned long count)
{
	struct domain *d = current_vcpu()->domain;
	struct gnttab_query_size qs;
	struct gnttab_set_version sv;
	struct gnttab_get_version gv;

	if (!d->gnttab)
		return -ENOSYS;
	if (cmd == GNTTABOP_copy)
		return count > 512 ? -EINVAL : grant_copy(d, uop, count);
	if (count != 1)
		return count ? -EINVAL : 0;
	switch (cmd) {
	case GNTTABOP_setup_table:
		return setup_table(d, uop);
	case GNTTABOP_query_size:
		if (copy_from_guest(&qs, uop, sizeof(qs)))
			return -EFAULT;
		qs.nr_frames = d->gnttab->nr_frames;
		qs.max_nr_frames = MAX_GNT_FRAMES;
		qs.status = (qs.dom == DOMID_SELF || qs.dom == d->id) ?
			    GNTST_okay : GNTST_permission_denied;
		return copy_to_guest(uop, &qs, sizeof(qs));
	case GNTTABOP_set_version:
		if (copy_from_guest(&sv, uop, sizeof(sv)))
			return -EFAULT;
		if (sv.version != 1) {
			sv.version = 1;
			copy_to_guest(uop, &sv, sizeof(sv));
			return -EINVAL;	/* only v1; Linux stays on it */
		}
		return 0;
	case GNTTABOP_get_version:
		if (copy_from_guest(&gv, uop, sizeof(gv)))
			return -EFAULT;
		gv.version = 1;
		return copy_to_guest(uop, &gv, sizeof(gv));
	}
	return pv_enosys_once("grant_table_op", 20, cmd);
}
