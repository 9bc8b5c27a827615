// SPDX-License-Identifier: GPL-2.0
/*
 * Grant tables, version 1: how one domain lets another (or itself) use
 * one of its pages, and how the other side uses it.
 *
 * The granter writes grant entries (struct grant_entry_v1: flags, the
 * domain allowed, the frame) into frames we gave it.  Linux sets its
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
 *     returns a handle; GNTTABOP_unmap_grant_ref takes the handle back.
 *
 * While an entry is in use it is "pinned": per granted entry we count
 * the read-only and writable uses (struct active_grant), and the entry's
 * flags carry GTF_reading (any use) and GTF_writing (a writable use), so
 * a granter revoking it (a cmpxchg of the flags to 0) fails until the
 * last use ends.  A copy pins for its own duration, a mapping until its
 * handle is unmapped.  That bookkeeping is common/grant-v1.c, pure data
 * with host unit tests; this file is the hypercalls around it.
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
 * Not done: GNTMAP_device_map (no IOMMU), unmap_and_replace, transfer,
 * v2 and the status frames: refused, logged once.  When a mapping domain
 * dies its handles stay live (its page tables are never torn down, it
 * never runs again), so its granters cannot end those grants; see
 * docs/pv-memory.md.
 *
 * Locking: one lock for all grant state (gnttab_lock), taken before the
 * mapping domain's page-table lock.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/grant-v1.h>
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
#define ENTRIES_PER_FRAME	(PAGE_SIZE / sizeof(struct grant_entry_v1))
#define MAX_GNT_ENTRIES		(MAX_GNT_FRAMES * ENTRIES_PER_FRAME)
#define MAPTRACK_ORDER		2
#define ACTIVE_ORDER		2

#define MAPTRACK_SIZE	((PAGE_SIZE << MAPTRACK_ORDER) / sizeof(struct maptrack))

struct gnttab {
	unsigned int nr_frames;
	unsigned long mfn[MAX_GNT_FRAMES];
	struct active_grant *active;	/* [MAX_GNT_ENTRIES], as granter */
	struct maptrack *maptrack;	/* [MAPTRACK_SIZE], as mapper */
	unsigned int nr_maps;		/* live handles */
	/* The L1 entry a map operation is installing (pt_lock held). */
	unsigned long installing_mfn;	/* 0: none */
	domid_t installing_owner;	/* the granter, who must own it */
	bool installing_rw;
};

static spinlock_t gnttab_lock = SPINLOCK_INIT;

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
	gt = alloc_heap_pages(0);
	if (!gt)
		return -ENOMEM;
	memset(gt, 0, sizeof(*gt));
	gt->active = alloc_heap_pages(ACTIVE_ORDER);
	gt->maptrack = alloc_heap_pages(MAPTRACK_ORDER);
	if (!gt->active || !gt->maptrack)
		return -ENOMEM;	/* boot is failing: nothing to give back */
	memset(gt->active, 0, PAGE_SIZE << ACTIVE_ORDER);
	memset(gt->maptrack, 0, PAGE_SIZE << MAPTRACK_ORDER);
	d->gnttab = gt;
	return 0;
}

/* --- the table's frames ------------------------------------------------ */

/* Grow @d's table to @nr frames; 0 or -ENOMEM.  Lock held. */
static int grow(struct domain *d, struct gnttab *gt, unsigned int nr)
{
	while (gt->nr_frames < nr) {
		struct page_info *pg = alloc_pages(0);

		if (!pg)
			return -ENOMEM;
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

static struct grant_entry_v1 *shared_entry(struct gnttab *gt, u32 ref)
{
	return (struct grant_entry_v1 *)__va(gt->mfn[ref / ENTRIES_PER_FRAME]
					     << PAGE_SHIFT) +
	       ref % ENTRIES_PER_FRAME;
}

/* gnt_pin()'s frame check: the granter @ctx owns the frame. */
static bool granter_owns(unsigned long frame, void *ctx)
{
	return owns_frame(ctx, frame);
}

/*
 * Pin entry @ref of @rd for a use by @ld, writable or not
 * (common/grant-v1.c does the entry's side).  @mfn: out, the granted
 * frame.  A GNTST_* status.  gnttab_lock held.
 */
static int pin_entry(struct domain *rd, u32 ref, struct domain *ld,
		     bool write, unsigned long *mfn)
{
	struct gnttab *gt = rd->gnttab;

	if (ref >= gt->nr_frames * ENTRIES_PER_FRAME)
		return GNTST_bad_gntref;
	return gnt_pin(shared_entry(gt, ref), &gt->active[ref], ld->id, write,
		       granter_owns, rd, mfn);
}

static void unpin_entry(struct domain *rd, u32 ref, bool write)
{
	struct gnttab *gt = rd->gnttab;

	gnt_unpin(shared_entry(gt, ref), &gt->active[ref], write);
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
	st = pin_entry(side->rd, p->u.ref, d, write, &side->mfn);
	if (st == GNTST_okay) {
		side->ref = p->u.ref;
		side->write = write;
		st = reference(d, side, side->rd->id, write);
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

/* The L1 entry a map or unmap names: its machine address, or -1. */
static u64 entry_maddr(struct vcpu *v, u64 host_addr, u32 flags)
{
	struct domain *d = v->domain;
	u64 maddr;

	if (flags & GNTMAP_contains_pte) {
		/* A live L1 table of the domain's own (Xen: the same). */
		if ((host_addr & 7) || !owns_frame(d, host_addr >> PAGE_SHIFT) ||
		    pt_table_level(&d->pt, host_addr >> PAGE_SHIFT) != 1)
			return (u64)-1;
		return host_addr;
	}
	if (pt_find_l1e(&d->pt, v->pv.kernel_l4, host_addr, &maddr))
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
	rc = pt_update_entry(&d->pt, maddr, pte, 0, &old);
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
		    !(cur & PTE_RW) != !writable) {
			rc = GNTST_general_error;
			break;
		}
		/* Only the hardware's A/D bits can change it meanwhile. */
		rc = pt_update_entry(&d->pt, maddr, 0, PT_UPD_EXPECT_OLD, &cur);
	} while (rc == -PT_EAGAIN);
	spin_unlock(&d->pt_lock);
	return rc ? GNTST_general_error : GNTST_okay;
}

/* --- GNTTABOP_map_grant_ref -------------------------------------------- */

/* One map request of the current vCPU's domain; a GNTST_* status. */
static int map_one(struct vcpu *v, struct gnttab_map_grant_ref *op,
		   bool *flush)
{
	struct domain *ld = v->domain, *rd;
	struct gnttab *lgt = ld->gnttab;
	bool write = !(op->flags & GNTMAP_readonly), replaced;
	struct maptrack mt;
	unsigned long mfn;
	u64 maddr;
	int h, st;

	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map)))
		return GNTST_bad_gntref;	/* Xen's answer */
	if (op->flags & GNTMAP_device_map) {
		static bool logged;

		if (!logged)
			gprintk(LOG_WARN, v, "grant map with GNTMAP_device_map "
				"refused: no device mappings (logged once)");
		logged = true;
		return GNTST_general_error;
	}
	/* The granter by its id: DOMID_SELF names none here (as on Xen). */
	rd = op->dom == DOMID_SELF ? NULL : granter(ld, op->dom);
	if (!rd)
		return GNTST_bad_domain;
	h = gnt_alloc_handle(lgt->maptrack, MAPTRACK_SIZE);
	if (h < 0)
		return GNTST_no_device_space;
	st = pin_entry(rd, op->ref, ld, write, &mfn);
	if (st != GNTST_okay)
		return st;
	maddr = entry_maddr(v, op->host_addr, op->flags);
	if (maddr == (u64)-1) {
		st = GNTST_general_error;
		goto unpin;
	}
	mt = (struct maptrack){
		.flags = op->flags, .ref = op->ref, .mfn = mfn,
		.granter = rd->id,
	};
	if (install(ld, rd, maddr, gnt_pte(mfn, op->flags), h, &mt,
		    &replaced)) {
		gprintk(LOG_INFO, v, "grant map of d%u ref %u at %#lx: %s",
			rd->id, op->ref, (unsigned long)op->host_addr,
			ld->pt.why);
		st = GNTST_general_error;
		goto unpin;
	}
	*flush |= replaced;
	op->handle = h;
	op->dev_bus_addr = (u64)mfn << PAGE_SHIFT;
	return GNTST_okay;
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

/* --- GNTTABOP_unmap_grant_ref ------------------------------------------ */

/* One unmap request; a GNTST_* status. */
static int unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op)
{
	struct domain *ld = v->domain, *rd;
	struct gnttab *lgt = ld->gnttab;
	struct maptrack *mt;
	u64 maddr;
	int st;

	if (op->handle >= MAPTRACK_SIZE || !lgt->maptrack[op->handle].flags)
		return GNTST_bad_handle;
	mt = &lgt->maptrack[op->handle];
	if (op->dev_bus_addr &&
	    op->dev_bus_addr != (u64)mt->mfn << PAGE_SHIFT)
		return GNTST_general_error;
	rd = domain_by_id(mt->granter);
	maddr = entry_maddr(v, op->host_addr, mt->flags);
	if (maddr == (u64)-1)
		return GNTST_general_error;
	st = uninstall(ld, maddr, mt->mfn, !(mt->flags & GNTMAP_readonly));
	if (st != GNTST_okay)
		return st;
	/* Nobody may reach the page through a stale TLB once it is free. */
	flush_all_cpus();
	/* A granter destroyed meanwhile took its table with it. */
	if (rd && rd->gnttab)
		unpin_entry(rd, mt->ref, !(mt->flags & GNTMAP_readonly));
	spin_lock(&ld->pt_lock);
	mt->flags = 0;
	lgt->nr_maps--;
	spin_unlock(&ld->pt_lock);
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
		op.status = unmap_one(v, &op);
		spin_unlock(&gnttab_lock);
		if (copy_to_guest(a + offsetof(struct gnttab_unmap_grant_ref,
					       status),
				  &op.status, sizeof(op.status)))
			return -EFAULT;
	}
	return 0;
}

/* --- what the rest of the hypervisor asks -------------------------------- */

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
 * only takes its own entry down).  The table lets its frames go; those
 * @d still maps are freed when its page tables go.
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

		if (!mt->flags)
			continue;
		rd = domain_by_id(mt->granter);
		if (rd && rd != d && rd->gnttab)
			unpin_entry(rd, mt->ref,
				    !(mt->flags & GNTMAP_readonly));
		mt->flags = 0;
	}
	gt->nr_maps = 0;
	WRITE_ONCE(d->gnttab, NULL);
	spin_unlock(&gnttab_lock);
	for (unsigned int i = 0; i < gt->nr_frames; i++) {
		struct page_info *pg = mfn_to_page(gt->mfn[i]);

		put_page_type(pg);
		/* Still mapped by @d's own tables: freed when they go. */
		if (put_allocation(pg))
			guest_frame_free(pg);
	}
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
	struct gnttab_set_version sv;
	struct gnttab_get_version gv;

	if (!d->gnttab)
		return -ENOSYS;
	switch (cmd) {
	case GNTTABOP_copy:
		return count > 512 ? -EINVAL : grant_copy(d, uop, count);
	case GNTTABOP_map_grant_ref:
		return map_grant_ref(v, uop, count);
	case GNTTABOP_unmap_grant_ref:
		return unmap_grant_ref(v, uop, count);
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
