// SPDX-License-Identifier: GPL-2.0
/*
 * Grant tables: how one domain lets another (or itself) use one of its
 * pages, and how the other side uses it.
 *
 * The granter writes grant entries (struct grant_entry_v1: flags, the
 * domain allowed, the frame; or, in version 2, union grant_entry_v2)
 * into frames we gave it.  Linux sets its
 * table up at boot whether or not it has PV devices (contract §16.1):
 * query_size for how many frames it may have, set_version to stay on
 * v1, setup_table for the frames' MFNs, which it then maps into its own
 * address space with mmu_update.  So the frames are owned by the domain
 * (not in its P2M), which every mapping check accepts as the domain's
 * own; but, as on Xen, they are hypervisor pages shared with it, not its
 * memory: flagged PGC_heap, so decrease_reservation refuses them and the
 * domain's destroy does not count them, and held by the table with a
 * writable type reference for as long as the domain lives, so they can
 * never become a page table or descriptor page (we write flag bits into
 * them).  gnttab_domain_destroy() lets them go; a mapping the domain
 * still has frees them at its last reference.  We keep the list so that
 * a later, larger setup_table returns the same frames first, as Linux
 * requires.
 *
 * The grantee uses an entry in two ways:
 *
 *   - GNTTABOP_copy copies bytes between two frames, each named either
 *     directly (a frame of the caller's own) or through a grant; the
 *     destination is written only while we hold a writable type
 *     reference on it, so a page table or descriptor page fails the
 *     copy (GNTST_general_error, as on Xen);
 *   - GNTTABOP_map_grant_ref puts the granted frame into one of the
 *     grantee's L1 entries, named by a virtual address (GNTMAP_host_map)
 *     or by the machine address of the entry itself
 *     (GNTMAP_contains_pte, what Linux's gntdev and xenbus use), and
 *     returns a handle; GNTTABOP_unmap_grant_ref takes the handle back,
 *     GNTTABOP_unmap_and_replace puts another of the grantee's own
 *     entries in its place;
 *   - GNTMAP_device_map, alone or with a host mapping, hands the frame to
 *     a device: with no IOMMU its bus address is its machine address, and
 *     the mapping holds the frame (general and writable type references)
 *     as an L1 entry would, until its device part is unmapped.
 *
 * While an entry is in use it is "pinned": per granted entry we count
 * the read-only and writable uses (struct active_grant), and the entry's
 * flags carry GTF_reading (any use) and GTF_writing (a writable use), so
 * a granter revoking it (a cmpxchg of the flags to 0) fails until the
 * last use ends.  In version 2 those bits are in a status word of their
 * own, in status frames shared with the domain like the table's frames,
 * and revocation is a clear-then-read handshake (common/grant-v2.c).  A
 * copy pins for its own duration, each part of a mapping (host, device)
 * until it is unmapped.  That bookkeeping is common/grant-v1.c and
 * grant-v2.c, pure data with host unit tests; this file is the
 * hypercalls around it.
 *
 * GNTTABOP_set_version switches between the layouts as Xen 4.17 does
 * (switch_version()): never while a grant past the 8 reserved ones is in
 * use, never freeing a status frame that is still mapped.
 *
 * The mapping itself is an ordinary L1 entry as far as the page-type
 * engine is concerned (mm/pagetype.c, invariant I5): it takes a general
 * reference on the granted frame, and a writable type reference for a
 * writable mapping, exactly as for one of the domain's own frames, and
 * gives them back whenever that entry is cleared or replaced, by unmap or
 * by anything else.  The engine asks its foreign hook before it lets an
 * L1 entry name another domain's frame; ours (gnttab_foreign_ok()) says
 * yes only to the one entry a map operation is installing, so a guest
 * can never make a second entry, or a writable one, out of a grant.
 *
 * Unmap clears the entry only if it still maps the granted frame, and
 * keeps the handle (and the pin) otherwise, as Xen does.  That keeps one
 * rule that makes revocation safe: a domain has no more entries mapping
 * a granted frame than it has live handles for it, so when the last
 * handle goes, no entry is left.  The TLBs are flushed before the pin is
 * dropped.
 *
 * A v2 transitive entry (a re-grant of a grant made to the granter) may
 * be used by a copy, followed one level as on Xen 4.17 (trans_pin()).
 *
 * Not done: transfer (refused, logged once); see docs/pv-memory.md.
 *
 * Locking: one lock for all grant state (gnttab_lock), taken before the
 * mapping domain's page-table lock.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/grant-v1.h>
#include <hv/grant-v2.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/page.h>
#include <hv/pv.h>
#include <hv/pagetype.h>
#include <hv/panic.h>
#include <hv/smp.h>
#include <hv/spinlock.h>

#include <asm/page.h>
#include <asm/processor.h>

#include <veneer/grant_table.h>

#define MAX_GNT_FRAMES		4
#define MAX_GNT_ENTRIES		(MAX_GNT_FRAMES * GNT_V1_PER_FRAME)
#define MAX_STATUS_FRAMES	1	/* gnt_status_frames(MAX_GNT_FRAMES) */
#define MAPTRACK_ORDER		2
#define ACTIVE_ORDER		3

#define MAPTRACK_SIZE	((PAGE_SIZE << MAPTRACK_ORDER) / sizeof(struct maptrack))

struct gnttab {
	unsigned int version;		/* 1 or 2 */
	unsigned int nr_frames;
	unsigned long mfn[MAX_GNT_FRAMES];
	/* v2 only: the frames of the status words (as held as mfn[]). */
	unsigned int nr_status;
	unsigned long status_mfn[MAX_STATUS_FRAMES];
	struct active_grant *active;	/* [MAX_GNT_ENTRIES], as granter */
	struct maptrack *maptrack;	/* [MAPTRACK_SIZE], as mapper */
	unsigned int nr_maps;		/* live handles */
	/* The L1 entry a map operation is installing (pt_lock held). */
	unsigned long installing_mfn;	/* 0: none */
	domid_t installing_owner;	/* the granter, who must own it */
	bool installing_rw;
	/*
	 * Which table this is, among all the domains that ever had this
	 * id: a handle names its granter by id, and a granter that died
	 * took its table (and its pins) with it; a new domain given the
	 * same id must not have its entries unpinned by the old handles.
	 */
	u16 gen;
};

static spinlock_t gnttab_lock = SPINLOCK_INIT;
static u16 gnttab_gens;		/* the last gen given, under no lock */

/* The live granter a handle was mapped from, or NULL if it is gone. */
static struct domain *handle_granter(const struct maptrack *mt)
{
	struct domain *rd = domain_by_id(mt->granter);

	if (!rd || !rd->gnttab || rd->gnttab->gen != mt->granter_gen)
		return NULL;
	return rd;
}

static unsigned long pte_to_mfn(u64 pte)
{
	return (pte & PTE_MFN_MASK) >> PAGE_SHIFT;
}

/**
 * gnttab_domain_init() - give a new domain its (empty) grant table
 * @d: the domain, from domain_create()
 *
 * Return: 0 or -ENOMEM.
 */
int gnttab_domain_init(struct domain *d)
{
	struct gnttab *gt;

	_Static_assert(sizeof(struct gnttab) <= PAGE_SIZE, "struct gnttab");
	_Static_assert(MAX_GNT_ENTRIES * sizeof(struct active_grant) <=
		       (PAGE_SIZE << ACTIVE_ORDER), "active grants");
	_Static_assert(MAX_STATUS_FRAMES == (MAX_GNT_FRAMES * GNT_V2_PER_FRAME +
					     GNT_STATUS_PER_FRAME - 1) /
					    GNT_STATUS_PER_FRAME,
		       "status frames");
	gt = alloc_heap_pages(0);
	if (!gt)
		return -ENOMEM;
	memset(gt, 0, sizeof(*gt));
	gt->version = 1;
	gt->gen = __atomic_add_fetch(&gnttab_gens, 1, __ATOMIC_RELAXED);
	gt->active = alloc_heap_pages(ACTIVE_ORDER);
	gt->maptrack = alloc_heap_pages(MAPTRACK_ORDER);
	if (!gt->active || !gt->maptrack) {
		/* A toolstack create goes on after this: give it all back. */
		if (gt->active)
			free_heap_pages(gt->active, ACTIVE_ORDER);
		if (gt->maptrack)
			free_heap_pages(gt->maptrack, MAPTRACK_ORDER);
		free_heap_pages(gt, 0);
		return -ENOMEM;
	}
	memset(gt->active, 0, PAGE_SIZE << ACTIVE_ORDER);
	memset(gt->maptrack, 0, PAGE_SIZE << MAPTRACK_ORDER);
	d->gnttab = gt;
	return 0;
}

/* --- the table's frames ------------------------------------------------ */

/*
 * A new zeroed frame shared with @d (a table or status frame), held by
 * the table with its allocation and a writable type reference; its MFN,
 * or 0 for out of memory.
 */
static unsigned long alloc_shared_frame(struct domain *d)
{
	struct page_info *pg = alloc_pages(0);

	if (!pg)
		return 0;
	memset(__va(page_to_mfn(pg) << PAGE_SHIFT), 0, PAGE_SIZE);
	/* A hypervisor page before it is the domain's: a
	 * decrease_reservation racing us on another vCPU must never
	 * see it as a guest frame it may give back (assign_page()
	 * keeps the flag; put_allocation_if_unused() refuses it). */
	__atomic_fetch_or(&pg->count_info, PGC_heap, __ATOMIC_SEQ_CST);
	assign_page(pg, d->id);
	/* A fresh frame: the type is free to take. */
	if (get_page_type(pg, PGT_writable_page) == 1)
		__atomic_fetch_or(&pg->type_info, PGT_validated,
				  __ATOMIC_RELEASE);
	return page_to_mfn(pg);
}

/*
 * The table lets a shared frame go: freed now if @d does not map it,
 * else at its last reference (the mapping's); true if freed now.
 */
static bool release_shared_frame(unsigned long mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	put_page_type(pg);
	if (!put_allocation(pg))
		return false;
	guest_frame_free(pg);
	return true;
}

/* The status frames a v2 table of gt->nr_frames needs; 0 or -ENOMEM. */
static int grow_status(struct domain *d, struct gnttab *gt)
{
	unsigned int want = gnt_status_frames(gt->nr_frames);

	while (gt->nr_status < want) {
		unsigned long mfn = alloc_shared_frame(d);

		if (!mfn)
			return -ENOMEM;
		gt->status_mfn[gt->nr_status++] = mfn;
	}
	return 0;
}

/* Grow @d's table to @nr frames; 0 or -ENOMEM.  Lock held. */
static int grow(struct domain *d, struct gnttab *gt, unsigned int nr)
{
	while (gt->nr_frames < nr) {
		unsigned long mfn = alloc_shared_frame(d);

		if (!mfn)
			return -ENOMEM;
		gt->mfn[gt->nr_frames++] = mfn;
	}
	return gt->version == 2 ? grow_status(d, gt) : 0;
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

/* --- pinning granted entries ------------------------------------------- */

static bool owns_frame(struct domain *d, unsigned long mfn)
{
	struct page_info *pg;

	if (mfn >= max_page)
		return false;
	pg = mfn_to_page(mfn);
	return READ_ONCE(pg->owner) == d->id &&
	       (READ_ONCE(pg->count_info) & PGC_allocated);
}

/* The granter named by a guest domid, or NULL (also once it is dying:
 * its grants are not to be used any more, only unmapped). */
static struct domain *granter(struct domain *ld, domid_t id)
{
	struct domain *rd = id == DOMID_SELF ? ld : domain_by_id(id);

	return rd && rd->gnttab && !rd->is_dying ? rd : NULL;
}

/*
 * How many entries the table has in its current version.  In v2 only
 * those with a status word: a grow that ran out of memory between the
 * table's frames and the status frames leaves no entry without one.
 */
static unsigned int nr_entries(const struct gnttab *gt)
{
	unsigned int n;

	if (gt->version == 1)
		return gt->nr_frames * GNT_V1_PER_FRAME;
	n = gt->nr_frames * GNT_V2_PER_FRAME;
	if (n > gt->nr_status * GNT_STATUS_PER_FRAME)
		n = gt->nr_status * GNT_STATUS_PER_FRAME;
	return n;
}

/* Entry @ref (< nr_entries()) in each layout, and its v2 status word. */
static struct grant_entry_v1 *shared_entry(struct gnttab *gt, u32 ref)
{
	return (struct grant_entry_v1 *)__va(gt->mfn[ref / GNT_V1_PER_FRAME]
					     << PAGE_SHIFT) +
	       ref % GNT_V1_PER_FRAME;
}

static union grant_entry_v2 *shared_entry_v2(struct gnttab *gt, u32 ref)
{
	return (union grant_entry_v2 *)__va(gt->mfn[ref / GNT_V2_PER_FRAME]
					    << PAGE_SHIFT) +
	       ref % GNT_V2_PER_FRAME;
}

static grant_status_t *status_word(struct gnttab *gt, u32 ref)
{
	return (grant_status_t *)__va(gt->status_mfn[ref /
						     GNT_STATUS_PER_FRAME]
				      << PAGE_SHIFT) +
	       ref % GNT_STATUS_PER_FRAME;
}

/* gnt_pin()'s frame check: the granter @ctx owns the frame. */
static bool granter_owns(unsigned long frame, void *ctx)
{
	return owns_frame(ctx, frame);
}

static int trans_pin(domid_t tdom, u32 tref, bool write, void *ctx,
		     unsigned long *mfn, u16 *start, u16 *length);
static void trans_unpin(domid_t tdom, u32 tref, bool write, void *ctx);

/* A v2 entry's pin, with transitive entries followed or refused. */
static const struct gnt_v2_ops v2_ops = {
	.frame_ok = granter_owns,
	.trans_pin = trans_pin,
	.trans_unpin = trans_unpin,
};

static const struct gnt_v2_ops v2_ops_no_trans = {
	.frame_ok = granter_owns,
};

static int do_pin(struct domain *rd, u32 ref, domid_t grantee, bool write,
		  bool map, bool trans, unsigned long *mfn)
{
	struct gnttab *gt = rd->gnttab;

	if (ref >= nr_entries(gt))
		return GNTST_bad_gntref;
	if (gt->version == 2)
		return gnt_pin_v2(shared_entry_v2(gt, ref),
				  status_word(gt, ref), &gt->active[ref],
				  grantee, write, map,
				  trans ? &v2_ops : &v2_ops_no_trans, rd, mfn);
	return gnt_pin(shared_entry(gt, ref), &gt->active[ref], grantee, write,
		       granter_owns, rd, mfn);
}

/*
 * Pin entry @ref of @rd for a use by @ld, writable or not, a mapping if
 * @map (common/grant-v1.c and grant-v2.c do the entry's side, in the
 * table's version, which cannot change while anything but a reserved
 * entry is pinned).  A copy may use a v2 transitive entry: its target
 * is pinned too, as trans_pin() says.  @mfn: out, the granted frame.  A
 * GNTST_* status.  gnttab_lock held.
 */
static int pin_entry(struct domain *rd, u32 ref, struct domain *ld,
		     bool write, bool map, unsigned long *mfn)
{
	return do_pin(rd, ref, ld->id, write, map, true, mfn);
}

static void unpin_entry(struct domain *rd, u32 ref, bool write)
{
	struct gnttab *gt = rd->gnttab;

	if (gt->version == 2)
		gnt_unpin_v2(status_word(gt, ref), &gt->active[ref], write,
			     &v2_ops, rd);
	else
		gnt_unpin(shared_entry(gt, ref), &gt->active[ref], write);
}

/*
 * The target of a transitive entry of @ctx (the intermediate granter,
 * "rd"): entry @tref of domain @tdom, which must grant it to rd, and
 * which is pinned for rd as any grant would be, except that it may not
 * be transitive itself (Xen 4.17 follows one level).  As on Xen, a
 * target in rd's own table ("self-referential") or in no domain
 * (DOMID_SELF included) is GNTST_general_error; we also refuse a dying
 * domain's (its grants are only to be unmapped).  Any other failure is
 * the target's own status (bad_gntref, general_error, bad_page).  The
 * work is one more pin: bounded.
 *
 * Transitive pins live only for one copy: a map never takes one, and a
 * copy pins and unpins both levels under gnttab_lock, which a domain's
 * grant-table teardown takes too; so the target's domain and table are
 * the ones pinned when trans_unpin() comes.
 */
static int trans_pin(domid_t tdom, u32 tref, bool write, void *ctx,
		     unsigned long *mfn, u16 *start, u16 *length)
{
	struct domain *rd = ctx, *td;
	int st;

	if (tdom == rd->id)
		return GNTST_general_error;
	td = domain_by_id(tdom);
	if (!td || !td->gnttab || td->is_dying)
		return GNTST_general_error;
	st = do_pin(td, tref, rd->id, write, false, false, mfn);
	if (st == GNTST_okay) {
		const struct active_grant *act = &td->gnttab->active[tref];

		*start = act->start;
		*length = act->length;
	}
	return st;
}

static void trans_unpin(domid_t tdom, u32 tref, bool write, void *ctx)
{
	struct domain *td = domain_by_id(tdom);

	(void)ctx;
	ASSERT(td && td->gnttab);
	if (td && td->gnttab)
		unpin_entry(td, tref, write);
}

/* --- GNTTABOP_copy ----------------------------------------------------- */

/*
 * One side of a copy, resolved: the frame, a general reference on it (so
 * that its owner cannot hand it back, and it go to someone else, while
 * we copy), for the destination a writable type reference (so that it
 * is not, and cannot become, a page table or descriptor page while we
 * write it), and for a grant, its pin.
 */
struct copy_side {
	unsigned long mfn;
	struct page_info *pg;	/* referenced; NULL if not resolved */
	struct domain *rd;	/* NULL for a direct frame */
	u32 ref;
	bool write;
	unsigned int start, length;	/* the bytes it may use */
};

/*
 * Reference @side's frame, owned by @owner, and type it writable if
 * @side is the destination; a GNTST_* status.
 */
static int reference(struct domain *d, struct copy_side *side, domid_t owner,
		     bool write)
{
	struct page_info *pg = mfn_to_page(side->mfn);
	int rc;

	if (!get_page(pg, owner))
		return GNTST_bad_page;
	if (write) {
		rc = get_page_type(pg, PGT_writable_page);
		if (rc < 0) {
			static bool logged;

			if (!logged)
				log_warn("d%u: grant copy into frame %#lx "
					 "refused: it is a page table or "
					 "descriptor page (logged once)",
					 d->id, side->mfn);
			logged = true;
			put_page_and_free(pg);
			return GNTST_general_error;
		}
		if (rc == 1)
			__atomic_fetch_or(&pg->type_info, PGT_validated,
					  __ATOMIC_RELEASE);
	}
	side->pg = pg;
	return GNTST_okay;
}

/* Resolve @p for domain @d; a GNTST_* status. */
static int resolve(struct domain *d, const struct gnttab_copy_ptr *p,
		   bool by_ref, bool write, struct copy_side *side)
{
	int st;

	side->rd = NULL;
	side->pg = NULL;
	side->start = 0;
	side->length = PAGE_SIZE;
	if (!by_ref) {
		if (p->domid != DOMID_SELF && p->domid != d->id)
			return GNTST_permission_denied;
		if (!owns_frame(d, p->u.gmfn))
			return GNTST_bad_page;
		side->mfn = p->u.gmfn;
		side->write = write;
		return reference(d, side, d->id, write);
	}
	side->rd = granter(d, p->domid);
	if (!side->rd)
		return GNTST_bad_domain;
	st = pin_entry(side->rd, p->u.ref, d, write, false, &side->mfn);
	if (st == GNTST_okay) {
		const struct active_grant *act =
			&side->rd->gnttab->active[p->u.ref];

		side->ref = p->u.ref;
		side->write = write;
		side->start = act->start;
		side->length = act->length;
		/* A transitive grant's frame is its target's granter's. */
		st = reference(d, side, act->trans_domid != DOMID_INVALID ?
					act->trans_domid : side->rd->id,
			       write);
		if (st != GNTST_okay)
			unpin_entry(side->rd, side->ref, write);
	}
	if (st != GNTST_okay)
		side->rd = NULL;
	return st;
}

static void release(struct copy_side *side)
{
	if (side->rd)
		unpin_entry(side->rd, side->ref, side->write);
	if (!side->pg)
		return;
	if (side->write)
		put_page_type(side->pg);
	/* The last reference if its owner died meanwhile: freed now. */
	put_page_and_free(side->pg);
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
	/* A v2 sub-page grant allows its own bytes only (as on Xen). */
	if (st == GNTST_okay &&
	    (op->source.offset < src.start ||
	     op->source.offset + op->len > src.start + src.length ||
	     op->dest.offset < dst.start ||
	     op->dest.offset + op->len > dst.start + dst.length)) {
		release(&dst);
		st = GNTST_general_error;
	}
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

		if (i && hypercall_preempt_check())
			return hypercall_continuation(
				__HYPERVISOR_grant_table_op, 3, GNTTABOP_copy,
				a, count - i, 0, 0);
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

/* --- mappings: the L1 entry -------------------------------------------- */

static void flush_this_cpu(void *unused)
{
	(void)unused;
	flush_tlb_local();
}

/*
 * A grant entry was just removed or replaced: no CPU may keep a
 * translation through it once the pin is dropped and the granter may
 * hand the page to someone else.  The mapper's vCPUs may run on any CPU.
 */
static void flush_all_cpus(void)
{
	flush_tlb_local();
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu != smp_processor_id())
			smp_call(cpu, flush_this_cpu, NULL, true);
}

/*
 * Is the entry at @maddr in a live L1 table?  A walk for a virtual
 * address (pt_find_l1e()) that goes through a linear (recursive) entry
 * ends in an L2, L3 or L4 table instead; a grant is never put there or
 * taken from there (Xen: GNTST_general_error), and writing there would
 * validate or release a whole tree in one go, under gnttab_lock, with no
 * job to cut it into slices.  Where the entry is written, under the
 * page-table lock, in_upper_table() checks again: another vCPU may have
 * released the L1 and validated the frame as a higher table meanwhile.
 * (An L1 released while it held the mapping is plain memory now, and
 * unmapping the handle is still allowed, as before.)
 */
static bool in_live_l1(struct domain *d, u64 maddr)
{
	return pt_table_level(&d->pt, maddr >> PAGE_SHIFT) == 1;
}

static bool in_upper_table(struct domain *d, u64 maddr)
{
	return pt_table_level(&d->pt, maddr >> PAGE_SHIFT) > 1;
}

/* The L1 entry a map or unmap names: its machine address, or -1. */
static u64 entry_maddr(struct vcpu *v, u64 host_addr, u32 flags)
{
	struct domain *d = v->domain;
	u64 maddr;

	if (flags & GNTMAP_contains_pte) {
		/* A live L1 table of the domain's own (Xen: the same). */
		if ((host_addr & 7) || !owns_frame(d, host_addr >> PAGE_SHIFT) ||
		    !in_live_l1(d, host_addr))
			return (u64)-1;
		return host_addr;
	}
	if (pt_find_l1e(&d->pt, v->pv.kernel_l4, host_addr, &maddr) ||
	    !in_live_l1(d, maddr))
		return (u64)-1;
	return maddr;
}

/*
 * Install @pte, a mapping of a frame @rd granted, at @maddr for @d, and
 * record it as handle @h (under the page-table lock too, so the audit
 * never sees the entry without its handle); 0 or the engine's error.
 * Whatever the entry held before is dropped by the engine.
 */
static int install(struct domain *d, struct domain *rd, u64 maddr, u64 pte,
		   unsigned int h, const struct maptrack *mt, bool *replaced)
{
	struct gnttab *gt = d->gnttab;
	u64 old = 0;
	int rc;

	spin_lock(&d->pt_lock);
	gt->installing_mfn = pte_to_mfn(pte);
	gt->installing_owner = rd->id;
	gt->installing_rw = pte & PTE_RW;
	if (!in_upper_table(d, maddr)) {
		rc = pt_update_entry(&d->pt, maddr, pte, 0, &old);
	} else {
		d->pt.why = "the entry is in an L2, L3 or L4 table now";
		rc = -EINVAL;
	}
	gt->installing_mfn = 0;
	if (!rc) {
		gt->maptrack[h] = *mt;
		gt->nr_maps++;
	}
	spin_unlock(&d->pt_lock);
	*replaced = !rc && (old & PTE_P);
	return rc;
}

/*
 * Clear the entry at @maddr if it maps @mfn, writable or not as the
 * handle was mapped; GNTST_okay, or GNTST_general_error when it maps
 * something else (nothing changed).
 */
static int uninstall(struct domain *d, u64 maddr, unsigned long mfn,
		     bool writable)
{
	u64 *t, cur;
	int rc;

	spin_lock(&d->pt_lock);
	do {
		t = d->pt.mem->map(maddr >> PAGE_SHIFT);
		cur = __atomic_load_n(&t[(maddr & (PAGE_SIZE - 1)) >> 3],
				      __ATOMIC_ACQUIRE);
		d->pt.mem->unmap(t);
		if (!(cur & PTE_P) || pte_to_mfn(cur) != mfn ||
		    !(cur & PTE_RW) != !writable || in_upper_table(d, maddr)) {
			rc = GNTST_general_error;
			break;
		}
		/* Only the hardware's A/D bits can change it meanwhile. */
		rc = pt_update_entry(&d->pt, maddr, 0, PT_UPD_EXPECT_OLD, &cur);
	} while (rc == -PT_EAGAIN);
	spin_unlock(&d->pt_lock);
	return rc ? GNTST_general_error : GNTST_okay;
}

/* --- device mappings ------------------------------------------------ */

/*
 * GNTMAP_device_map: the grantee will hand the frame's machine address to
 * a device.  With no IOMMU, Xen does for a PV grantee what we do: no
 * translation to set up, the bus address is the machine address, and
 * the mapping holds the frame as an L1 entry would (a general reference,
 * and a writable type reference unless read-only, so that the frame is
 * neither freed nor made a page table while a device may write it),
 * with a pin of its own on the entry.
 */
static int device_get(struct domain *ld, struct domain *rd, unsigned long mfn,
		      bool write)
{
	struct copy_side side = { .mfn = mfn };

	return reference(ld, &side, rd->id, write);
}

static void device_put(unsigned long mfn, bool write)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (write)
		put_page_type(pg);
	put_page_and_free(pg);
}

/* --- GNTTABOP_map_grant_ref -------------------------------------------- */

/* One map request of the current vCPU's domain; a GNTST_* status. */
static int map_one(struct vcpu *v, struct gnttab_map_grant_ref *op,
		   bool *flush)
{
	struct domain *ld = v->domain, *rd;
	struct gnttab *lgt = ld->gnttab;
	bool write = !(op->flags & GNTMAP_readonly), replaced;
	bool host = op->flags & GNTMAP_host_map;
	bool dev = op->flags & GNTMAP_device_map;
	struct maptrack mt;
	unsigned long mfn, mfn2;
	u64 maddr;
	int h, st;

	if (!host && !dev)
		return GNTST_bad_gntref;	/* Xen's answer */
	/* The granter by its id: DOMID_SELF names none here (as on Xen). */
	rd = op->dom == DOMID_SELF ? NULL : granter(ld, op->dom);
	if (!rd)
		return GNTST_bad_domain;
	h = gnt_alloc_handle(lgt->maptrack, MAPTRACK_SIZE);
	if (h < 0)
		return GNTST_no_device_space;
	/* One pin per part, as each part is unmapped on its own. */
	st = pin_entry(rd, op->ref, ld, write, true, &mfn);
	if (st != GNTST_okay)
		return st;
	if (host && dev) {
		st = pin_entry(rd, op->ref, ld, write, true, &mfn2);
		if (st != GNTST_okay)
			goto unpin;
	}
	if (dev) {
		st = device_get(ld, rd, mfn, write);
		if (st != GNTST_okay)
			goto unpin_both;
	}
	mt = (struct maptrack){
		.flags = op->flags, .ref = op->ref, .mfn = mfn,
		.granter = rd->id, .granter_gen = rd->gnttab->gen,
	};
	if (!host) {
		spin_lock(&ld->pt_lock);
		lgt->maptrack[h] = mt;
		lgt->nr_maps++;
		spin_unlock(&ld->pt_lock);
		goto done;
	}
	maddr = entry_maddr(v, op->host_addr, op->flags);
	if (maddr == (u64)-1) {
		st = GNTST_general_error;
		goto put_dev;
	}
	if (install(ld, rd, maddr, gnt_pte(mfn, op->flags), h, &mt,
		    &replaced)) {
		gprintk(LOG_INFO, v, "grant map of d%u ref %u at %#lx: %s",
			rd->id, op->ref, (unsigned long)op->host_addr,
			ld->pt.why);
		st = GNTST_general_error;
		goto put_dev;
	}
	*flush |= replaced;
done:
	op->handle = h;
	op->dev_bus_addr = (u64)mfn << PAGE_SHIFT;
	return GNTST_okay;
put_dev:
	if (dev)
		device_put(mfn, write);
unpin_both:
	if (host && dev)
		unpin_entry(rd, op->ref, write);
unpin:
	unpin_entry(rd, op->ref, write);
	return st;
}

static long map_grant_ref(struct vcpu *v, unsigned long uop,
			  unsigned long count)
{
	struct gnttab_map_grant_ref op;
	bool flush = false;
	unsigned long i;
	long rc = 0;

	for (i = 0; i < count; i++) {
		unsigned long a = uop + i * sizeof(op);

		if (i && hypercall_preempt_check()) {
			/* The flush below comes first: the guest runs in
			 * between. */
			rc = hypercall_continuation(
				__HYPERVISOR_grant_table_op, 3,
				GNTTABOP_map_grant_ref, a, count - i, 0, 0);
			break;
		}
		if (copy_from_guest(&op, a, sizeof(op))) {
			rc = -EFAULT;
			break;
		}
		spin_lock(&gnttab_lock);
		op.status = map_one(v, &op, &flush);
		spin_unlock(&gnttab_lock);
		if (copy_to_guest(a, &op, sizeof(op))) {
			rc = -EFAULT;
			break;
		}
	}
	/* A mapping over a present entry: the old page must not linger. */
	if (flush)
		flush_all_cpus();
	return rc;
}

/* --- GNTTABOP_unmap_grant_ref and unmap_and_replace --------------------- */

/*
 * Replace the grant entry at @maddr, which must map @mfn (writable as
 * mapped), with what the L1 entry for @d's virtual address @new_addr
 * holds, and clear that one (Xen's unmap_and_replace: whatever was at
 * @new_addr moves to the grant's place).  @new_addr 0: just clear the
 * entry.
 *
 * The moved entry is validated at its new place like any entry the
 * domain writes, then the old place lets go of its own references, so
 * the references move with the entry.  That includes another grant
 * mapping, as Xen moves it: the foreign hook takes the frame for the one
 * entry, as for a map, if a live handle of ours maps it (writable only
 * if the handle is).  The domain then still has no more entries mapping
 * a granted frame than handles for it: one entry came, one went.  The
 * handle of the moved mapping stays as it was; it is unmapped at its
 * new address (unmap names the entry by address, not by where it was
 * mapped).  Both entries change under the page-table lock, so no audit
 * or vCPU sees two.
 */
static int replace(struct vcpu *v, u64 maddr, unsigned long mfn,
		   bool writable, u64 new_addr)
{
	struct domain *d = v->domain;
	struct gnttab *gt = d->gnttab;
	u64 nmaddr = 0, nl1e = 0, *t, cur;
	unsigned long nmfn;
	int rc = GNTST_general_error;

	if (!new_addr)
		return uninstall(d, maddr, mfn, writable);
	spin_lock(&d->pt_lock);
	if (pt_find_l1e(&d->pt, v->pv.kernel_l4, new_addr, &nmaddr) ||
	    nmaddr == maddr || !in_live_l1(d, nmaddr) ||
	    in_upper_table(d, maddr))
		goto out;
	t = d->pt.mem->map(nmaddr >> PAGE_SHIFT);
	nl1e = __atomic_load_n(&t[(nmaddr & (PAGE_SIZE - 1)) >> 3],
			       __ATOMIC_ACQUIRE);
	d->pt.mem->unmap(t);
	t = d->pt.mem->map(maddr >> PAGE_SHIFT);
	cur = __atomic_load_n(&t[(maddr & (PAGE_SIZE - 1)) >> 3],
			      __ATOMIC_ACQUIRE);
	d->pt.mem->unmap(t);
	if (!(cur & PTE_P) || pte_to_mfn(cur) != mfn ||
	    !(cur & PTE_RW) != !writable)
		goto out;
	nmfn = pte_to_mfn(nl1e);
	if ((nl1e & PTE_P) && nmfn < max_page && !owns_frame(d, nmfn) &&
	    gnt_maps_frame(gt->maptrack, MAPTRACK_SIZE, nmfn,
			   nl1e & PTE_RW)) {
		/* A grant mapping of ours: the hook lets it move. */
		gt->installing_mfn = nmfn;
		gt->installing_owner = READ_ONCE(mfn_to_page(nmfn)->owner);
		gt->installing_rw = nl1e & PTE_RW;
	}
	/* Validated in its new place; the grant entry's references go. */
	rc = pt_update_entry(&d->pt, maddr, nl1e, 0, &cur);
	gt->installing_mfn = 0;
	if (rc) {
		gprintk(LOG_INFO, v, "grant unmap_and_replace from %#lx: %s",
			(unsigned long)new_addr, d->pt.why);
		rc = GNTST_general_error;
		goto out;
	}
	/* The old place lets go of its own references. */
	pt_update_entry(&d->pt, nmaddr, 0, 0, &cur);
	rc = GNTST_okay;
out:
	spin_unlock(&d->pt_lock);
	return rc;
}

/*
 * One unmap request (@new_addr: unmap_and_replace's); a GNTST_* status.
 * As on Xen, a nonzero @host_addr takes the host part down, a nonzero
 * @dev_bus_addr (which must be the frame's) the device part; the handle
 * goes with its last part.
 */
static int unmap_one(struct vcpu *v, u32 handle, u64 host_addr,
		     u64 dev_bus_addr, u64 new_addr)
{
	struct domain *ld = v->domain, *rd;
	struct gnttab *lgt = ld->gnttab;
	struct maptrack *mt;
	bool write;
	u64 maddr;
	int st;

	if (handle >= MAPTRACK_SIZE || !lgt->maptrack[handle].flags)
		return GNTST_bad_handle;
	mt = &lgt->maptrack[handle];
	write = !(mt->flags & GNTMAP_readonly);
	if (dev_bus_addr && (mt->flags & GNTMAP_device_map) &&
	    dev_bus_addr != (u64)mt->mfn << PAGE_SHIFT)
		return GNTST_bad_dev_addr;
	/* A granter destroyed meanwhile took its table with it, and its
	 * id may name a new domain now: gnttab_domain_destroy() left
	 * DOMID_INVALID here, and the generation would not match anyway. */
	rd = handle_granter(mt);
	if (!rd)
		gprintk(LOG_INFO, v, "grant unmap of handle %u: its granter "
			"is gone, no pin to drop", handle);
	if (host_addr && (mt->flags & GNTMAP_host_map)) {
		/* Xen: no replacement for a mapping made by its entry's
		 * machine address. */
		if (new_addr && (mt->flags & GNTMAP_contains_pte))
			return GNTST_general_error;
		maddr = entry_maddr(v, host_addr, mt->flags);
		if (maddr == (u64)-1)
			return GNTST_general_error;
		st = replace(v, maddr, mt->mfn, write, new_addr);
		if (st != GNTST_okay)
			return st;
		/* Nobody may reach the page through a stale TLB once it
		 * is free. */
		flush_all_cpus();
		if (rd)
			unpin_entry(rd, mt->ref, write);
		spin_lock(&ld->pt_lock);
		mt->flags &= ~GNTMAP_host_map;
		spin_unlock(&ld->pt_lock);
	}
	if (dev_bus_addr && (mt->flags & GNTMAP_device_map)) {
		device_put(mt->mfn, write);
		if (rd)
			unpin_entry(rd, mt->ref, write);
		mt->flags &= ~GNTMAP_device_map;
	}
	if (!(mt->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
		spin_lock(&ld->pt_lock);
		mt->flags = 0;
		lgt->nr_maps--;
		spin_unlock(&ld->pt_lock);
	}
	return GNTST_okay;
}

static long unmap_grant_ref(struct vcpu *v, unsigned long uop,
			    unsigned long count)
{
	struct gnttab_unmap_grant_ref op;
	unsigned long i;

	for (i = 0; i < count; i++) {
		unsigned long a = uop + i * sizeof(op);

		if (i && hypercall_preempt_check())
			return hypercall_continuation(
				__HYPERVISOR_grant_table_op, 3,
				GNTTABOP_unmap_grant_ref, a, count - i, 0, 0);
		if (copy_from_guest(&op, a, sizeof(op)))
			return -EFAULT;
		spin_lock(&gnttab_lock);
		op.status = unmap_one(v, op.handle, op.host_addr,
				      op.dev_bus_addr, 0);
		spin_unlock(&gnttab_lock);
		if (copy_to_guest(a + offsetof(struct gnttab_unmap_grant_ref,
					       status),
				  &op.status, sizeof(op.status)))
			return -EFAULT;
	}
	return 0;
}

static long unmap_and_replace(struct vcpu *v, unsigned long uop,
			      unsigned long count)
{
	struct gnttab_unmap_and_replace op;
	unsigned long i;

	for (i = 0; i < count; i++) {
		unsigned long a = uop + i * sizeof(op);

		if (i && hypercall_preempt_check())
			return hypercall_continuation(
				__HYPERVISOR_grant_table_op, 3,
				GNTTABOP_unmap_and_replace, a, count - i, 0,
				0);
		if (copy_from_guest(&op, a, sizeof(op)))
			return -EFAULT;
		spin_lock(&gnttab_lock);
		op.status = unmap_one(v, op.handle, op.host_addr, 0,
				      op.new_addr);
		spin_unlock(&gnttab_lock);
		if (copy_to_guest(a + offsetof(struct gnttab_unmap_and_replace,
					       status),
				  &op.status, sizeof(op.status)))
			return -EFAULT;
	}
	return 0;
}

/* --- versions and status frames ------------------------------------- */

/* Log a refused switch, once per @reason (a guest could flood). */
enum { SW_IN_USE, SW_NO_V1_FORM, SW_STATUS_MAPPED };

static void switch_refused(struct domain *d, unsigned int to,
			   unsigned int reason)
{
	static const char *const why[] = {
		[SW_IN_USE] = "grants in use",
		[SW_NO_V1_FORM] = "a reserved entry has no v1 form",
		[SW_STATUS_MAPPED] = "a status frame is still mapped",
	};
	static unsigned int logged;

	if (!(__atomic_fetch_or(&logged, 1U << reason, __ATOMIC_RELAXED) &
	      (1U << reason)))
		log_warn("d%u: grant table version %u -> %u refused: %s "
			 "(logged once)", d->id, d->gnttab->version, to,
			 why[reason]);
}

/* Does anything but the table hold status frame @mfn (a mapping)? */
static bool status_frame_in_use(unsigned long mfn)
{
	return page_refcount(mfn_to_page(mfn)) != 1;
}

/*
 * Switch @d's table to version @to (not its current one); 0 or -errno.
 * gnttab_lock held, which every pin, copy and map takes: no use of an
 * entry is in progress while we look, and none starts until we are done.
 *
 * As on Xen 4.17: refused (-EBUSY) while any entry past the reserved
 * ones is in use, or, from v2, while the domain (or anyone) still maps a
 * status frame (XSA-255: a frame freed under a mapping); from v2 also
 * refused (-ERANGE) if a reserved entry cannot be written as v1.  The
 * reserved entries are converted, every other entry is zeroed, and the
 * status frames come (v2) or go (v1).
 */
static int switch_version(struct domain *d, struct gnttab *gt, unsigned int to)
{
	struct grant_entry_v1 keep[GNTTAB_NR_RESERVED_ENTRIES];
	unsigned int i, n = nr_entries(gt), nkeep;
	int rc;

	for (i = GNTTAB_NR_RESERVED_ENTRIES; i < MAX_GNT_ENTRIES; i++)
		if (gt->active[i].ro_pins || gt->active[i].rw_pins) {
			switch_refused(d, to, SW_IN_USE);
			return -EBUSY;
		}
	nkeep = n < GNTTAB_NR_RESERVED_ENTRIES ? n : GNTTAB_NR_RESERVED_ENTRIES;
	if (to == 1) {
		for (i = 0; i < nkeep; i++)
			if (!gnt_v2_representable(shared_entry_v2(gt, i))) {
				switch_refused(d, to, SW_NO_V1_FORM);
				return -ERANGE;
			}
		for (i = 0; i < gt->nr_status; i++)
			if (status_frame_in_use(gt->status_mfn[i])) {
				switch_refused(d, to, SW_STATUS_MAPPED);
				return -EBUSY;
			}
	} else {
		rc = grow_status(d, gt);
		if (rc)
			return rc;
	}
	/* Read each reserved entry once, into its v1 form. */
	for (i = 0; i < nkeep; i++) {
		if (gt->version == 1) {
			struct grant_entry_v1 *e = shared_entry(gt, i);

			keep[i].flags = READ_ONCE(e->flags);
			keep[i].domid = READ_ONCE(e->domid);
			keep[i].frame = READ_ONCE(e->frame);
		} else {
			union grant_entry_v2 e = *shared_entry_v2(gt, i);

			barrier();
			/* The granter may have changed it since the check
			 * above: the copy is what counts. */
			if (!gnt_v2_representable(&e)) {
				switch_refused(d, to, SW_NO_V1_FORM);
				return -ERANGE;
			}
			keep[i] = gnt_v2_to_v1(&e, READ_ONCE(*status_word(gt, i)));
		}
	}
	if (to == 1) {
		/* Unmapped, so freed now, flushed from every TLB first; one
		 * mapped behind our back since we looked would be freed at
		 * its last reference instead. */
		for (i = 0; i < gt->nr_status; i++)
			release_shared_frame(gt->status_mfn[i]);
		gt->nr_status = 0;
	}
	for (i = 0; i < gt->nr_frames; i++)
		memset(__va(gt->mfn[i] << PAGE_SHIFT), 0, PAGE_SIZE);
	for (i = 0; i < gt->nr_status; i++)
		memset(__va(gt->status_mfn[i] << PAGE_SHIFT), 0, PAGE_SIZE);
	gt->version = to;
	for (i = 0; i < nkeep; i++) {
		if (to == 1)
			*shared_entry(gt, i) = keep[i];
		else
			gnt_v1_to_v2(keep[i], shared_entry_v2(gt, i),
				     status_word(gt, i));
	}
	return 0;
}

/* GNTTABOP_set_version: answers the version in force, as Xen does. */
static long set_version(struct domain *d, unsigned long uop)
{
	struct gnttab *gt = d->gnttab;
	struct gnttab_set_version op;
	long rc = 0;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -EFAULT;
	spin_lock(&gnttab_lock);
	if (op.version != 1 && op.version != 2)
		rc = -EINVAL;
	else if (op.version != gt->version)
		rc = switch_version(d, gt, op.version);
	op.version = gt->version;
	spin_unlock(&gnttab_lock);
	if (copy_to_guest(uop, &op, sizeof(op)))
		return -EFAULT;
	return rc;
}

/* GNTTABOP_get_version: of the caller, or of any domain for dom0. */
static long get_version(struct domain *d, unsigned long uop)
{
	struct gnttab_get_version op;
	struct domain *rd;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -EFAULT;
	rd = op.dom == DOMID_SELF ? d : domain_by_id(op.dom);
	if (!rd || !rd->gnttab)
		return -ESRCH;
	if (rd != d && !d->is_privileged)
		return -EPERM;
	op.version = READ_ONCE(rd->gnttab->version);
	return copy_to_guest(uop + offsetof(struct gnttab_get_version, version),
			     &op.version, sizeof(op.version));
}

/*
 * GNTTABOP_get_status_frames: the MFNs of the caller's status frames
 * (none in v1).  Asking for more than there are is GNTST_general_error;
 * a list the guest cannot hold at all is -EFAULT, one that faults on the
 * way GNTST_bad_virt_addr (Xen's answers).
 */
static long get_status_frames(struct domain *d, unsigned long uop)
{
	struct gnttab_get_status_frames op;
	u64 frames[MAX_STATUS_FRAMES];
	unsigned int i, n = 0;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -EFAULT;
	if (!guest_range_ok(op.frame_list, (unsigned long)op.nr_frames * 8))
		return -EFAULT;
	op.status = GNTST_okay;
	if (op.dom != DOMID_SELF && op.dom != d->id) {
		op.status = domain_by_id(op.dom) ? GNTST_permission_denied :
						   GNTST_bad_domain;
	} else {
		spin_lock(&gnttab_lock);
		/* v1 has none (a failed switch may have left some). */
		if (op.nr_frames > (d->gnttab->version == 2 ?
				    d->gnttab->nr_status : 0))
			op.status = GNTST_general_error;
		else
			for (n = 0; n < op.nr_frames; n++)
				frames[n] = d->gnttab->status_mfn[n];
		spin_unlock(&gnttab_lock);
	}
	for (i = 0; i < n; i++)
		if (copy_to_guest(op.frame_list + i * sizeof(u64), &frames[i],
				  sizeof(u64))) {
			op.status = GNTST_bad_virt_addr;
			break;
		}
	return copy_to_guest(uop + offsetof(struct gnttab_get_status_frames,
					    status),
			     &op.status, sizeof(op.status));
}

/* --- what the rest of the hypervisor asks -------------------------------- */

/*
 * Others' handles on @d's grants name DOMID_INVALID from now on (no
 * domain: domain_by_id() gives NULL).  gnttab_lock held; bounded by
 * MAX_DOMAINS * MAPTRACK_SIZE.  Only the granter field changes, which
 * gnttab_foreign_ok() (under the mapper's page-table lock only) does not
 * read.
 */
static void orphan_handles(struct domain *d)
{
	/* Never listed (a create that failed): the id may be another's. */
	if (domain_by_id(d->id) != d)
		return;
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *o = domain_by_id(id);
		struct gnttab *ogt = o && o != d ? o->gnttab : NULL;

		if (!ogt)
			continue;
		for (unsigned int h = 0; h < MAPTRACK_SIZE; h++) {
			struct maptrack *mt = &ogt->maptrack[h];

			if (mt->flags && mt->granter == d->id)
				mt->granter = DOMID_INVALID;
		}
	}
}

/**
 * gnttab_domain_destroy() - end a dying domain's grant state
 * @d: a domain being destroyed: its vCPUs run nowhere; called before its
 *     memory goes, while its page tables still hold their references
 *
 * As a mapper: each live handle's pin on the granter's entry is dropped,
 * so the granter may end the grant (the frame itself stays referenced by
 * @d's L1 entry until its memory is relinquished).  As a granter: it no
 * longer has a table, so nothing more can be mapped or copied from it;
 * others' handles on its grants stay until they unmap (unmap_one() then
 * only takes its own entry down).  They stop naming @d's id, which is
 * free at once and may go to a new domain (VENEER_MGMT_createdomain):
 * an unmap must not drop a pin on that domain's entry.  The table lets
 * its frames go; those @d still maps are freed when its page tables go.
 */
void gnttab_domain_destroy(struct domain *d)
{
	struct gnttab *gt = d->gnttab;

	if (!gt)
		return;
	spin_lock(&gnttab_lock);
	for (unsigned int h = 0; h < MAPTRACK_SIZE; h++) {
		struct maptrack *mt = &gt->maptrack[h];
		struct domain *rd;

		bool write = !(mt->flags & GNTMAP_readonly);

		if (!mt->flags)
			continue;
		rd = handle_granter(mt);
		if (rd == d)
			rd = NULL;
		if (rd && (mt->flags & GNTMAP_host_map))
			unpin_entry(rd, mt->ref, write);
		if (mt->flags & GNTMAP_device_map) {
			/* No device of a dead domain uses it any more. */
			device_put(mt->mfn, write);
			if (rd)
				unpin_entry(rd, mt->ref, write);
		}
		mt->flags = 0;
	}
	gt->nr_maps = 0;
	orphan_handles(d);
	WRITE_ONCE(d->gnttab, NULL);
	spin_unlock(&gnttab_lock);
	/* Those still mapped by @d's own tables are freed when they go. */
	for (unsigned int i = 0; i < gt->nr_frames; i++)
		release_shared_frame(gt->mfn[i]);
	for (unsigned int i = 0; i < gt->nr_status; i++)
		release_shared_frame(gt->status_mfn[i]);
	free_heap_pages(gt->maptrack, MAPTRACK_ORDER);
	free_heap_pages(gt->active, ACTIVE_ORDER);
	free_heap_pages(gt, 0);
}

/**
 * gnttab_audit_writable_pins() - what others may hold writable of @d's
 * @d:     a granter
 * @slack: per frame, what the audit may find above its own count
 *
 * Another domain's writable grant mapping (or a copy into a grant) holds
 * a writable type reference on @d's frame that @d's tables do not
 * account for; there are at most as many as the entry's writable pins
 * (a pin is taken before the reference and dropped after it).  For
 * pv_mm_audit(), which holds @d's page-table lock and so cannot take
 * gnttab_lock: the pins are read without it, which that order makes
 * safe for an upper bound.
 */
void gnttab_audit_writable_pins(struct domain *d, u32 *slack)
{
	struct gnttab *gt = READ_ONCE(d->gnttab);

	if (!gt)
		return;
	for (unsigned int ref = 0; ref < MAX_GNT_ENTRIES; ref++) {
		const struct active_grant *act = &gt->active[ref];
		u8 rw = READ_ONCE(act->rw_pins);
		u32 mfn = READ_ONCE(act->mfn);

		if (rw && mfn < max_page)
			slack[mfn] += rw;
	}
}

/**
 * gnttab_foreign_ok() - the page-type engine's foreign hook
 * @d:        the domain whose L1 entry would map @mfn
 * @mfn:      a frame @d does not own
 * @writable: the entry is writable
 * @auditing: the engine is checking existing entries (pt_check_table())
 *
 * Called with @d's page-table lock held.  The maptrack is only changed
 * with gnttab_lock and, for the mapper's entries, its page-table lock
 * held, so reading it here is safe.
 */
bool gnttab_foreign_ok(struct domain *d, unsigned long mfn, bool writable,
		       bool auditing)
{
	struct gnttab *gt = d->gnttab;

	if (!gt)
		return false;
	/*
	 * The granter must still own the frame: pin_entry() checked, but
	 * the granter could have handed it back, and the frame gone to a
	 * third domain, before we got here.  The engine then takes its
	 * reference only if the owner it saw is still the owner.
	 */
	if (!auditing)
		return gt->installing_mfn == mfn &&
		       (!writable || gt->installing_rw) &&
		       mfn < max_page &&
		       READ_ONCE(mfn_to_page(mfn)->owner) ==
		       gt->installing_owner;
	return gnt_maps_frame(gt->maptrack, MAPTRACK_SIZE, mfn, writable);
}

/**
 * gnttab_dump() - log @d's grant table and live mappings (debug keys)
 */
void gnttab_dump(struct domain *d)
{
	struct gnttab *gt = d->gnttab;
	unsigned int h, shown = 0;

	if (!gt)
		return;
	log_info("  grant table: %u frame%s, %u live mapping%s", gt->nr_frames,
		 gt->nr_frames == 1 ? "" : "s", gt->nr_maps,
		 gt->nr_maps == 1 ? "" : "s");
	for (h = 0; h < MAPTRACK_SIZE && shown < 16; h++) {
		struct maptrack *mt = &gt->maptrack[h];

		if (!mt->flags)
			continue;
		log_info("    handle %u: d%u ref %u mfn %#x flags %#x", h,
			 mt->granter, mt->ref, mt->mfn, mt->flags);
		shown++;
	}
}

/**
 * do_grant_table_op() - GNTTABOP_*
 * @cmd:   the sub-op
 * @uop:   guest array of its argument structures
 * @count: how many
 */
long do_grant_table_op(unsigned long cmd, unsigned long uop,
		       unsigned long count)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	struct gnttab_query_size qs;

	if (!d->gnttab)
		return -ENOSYS;
	switch (cmd) {
	case GNTTABOP_copy:
		return count > 512 ? -EINVAL : grant_copy(d, uop, count);
	case GNTTABOP_map_grant_ref:
		return map_grant_ref(v, uop, count);
	case GNTTABOP_unmap_grant_ref:
		return unmap_grant_ref(v, uop, count);
	case GNTTABOP_unmap_and_replace:
		return unmap_and_replace(v, uop, count);
	case GNTTABOP_get_status_frames:
		return count != 1 ? -EINVAL : get_status_frames(d, uop);
	}
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
		return set_version(d, uop);
	case GNTTABOP_get_version:
		return get_version(d, uop);
	}
	return pv_enosys_once("grant_table_op", 20, cmd);
}
