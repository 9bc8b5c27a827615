// SPDX-License-Identifier: GPL-2.0
/*
 * Page types: how a guest's page tables become live and stay safe.
 *
 * A PV guest writes machine frame numbers into its own page tables
 * (direct paging), so the hypervisor must check every table before the
 * hardware may walk it, and every later change to it.  This file is that
 * check.  frame.c counts references; here a reference gets its meaning:
 * a frame typed as an L1..L4 table is "validated", and validation takes
 * a reference on everything the table points to, recursively.  Dropping
 * the last type reference "devalidates" the table and gives those
 * references back.  docs/pv-memory.md tells the same story at length.
 *
 * The invariants (checked with ASSERT in debug builds, and by
 * pt_check_table() for the debug dump):
 *
 *  I1 One type at a time.  A frame's type changes only while its type
 *     count is zero (frame.c).  Page-table types L1..L4, the segment
 *     descriptor type and the writable type exclude each other.
 *  I2 Live means validated.  A page-table frame with a non-zero type
 *     count has PGT_validated; a table the hardware may walk (a base
 *     pointer, or reachable from one) always has a type reference.
 *  I3 Every present entry of a validated table holds exactly one general
 *     reference on the frame it points at, and:
 *       - an Ln entry (n = 2..4) holds one L(n-1) type reference: the
 *         child is validated too;
 *       - a writable L1 entry holds one writable type reference;
 *       - a read-only L1 entry holds no type reference.
 *     Hence, by I1, no page table and no descriptor page is ever mapped
 *     writable through a live table.
 *  I4 A type count is the sum of: the pin (one), base pointers and
 *     descriptor-table uses taken by callers of pt_get_page_and_type(),
 *     and the entries of I3.  A general count also includes the
 *     owner's allocation reference.
 *  I5 Ownership: a present L1 entry maps a frame the domain owns, or the
 *     domain's shared_info frame, or (read-only) a hypervisor frame
 *     ops->xen_ro() accepts (the M2P), or a frame ops->foreign() allows
 *     (grants), or a frame of the foreign domain a privileged caller
 *     named for that one L1 entry (pt_update_entry_foreign(), never a
 *     hypervisor page).  An Ln entry (n >= 2) points at a frame the
 *     domain owns.
 *  I6 The hypervisor's L4 slots 256-271 of every validated L4 hold
 *     exactly d->hv_l4e[]; guest writes there are refused, and they hold
 *     no references.
 *  I7 Every present entry of a validated table has U/S set; an L1 entry
 *     the guest wrote as supervisor also carries PTE_GUEST_KERNEL and
 *     never G.
 *  I8 Linear (recursive) entries: an Ln entry (n >= 2) may point at its
 *     own table, read-only only, and holds no reference.  No other entry
 *     points at a table of its own level, so references never form a
 *     cycle and validation always terminates.
 *  I9 No superpages (PSE in L2/L3) and no bits 59-62 in present entries.
 *
 * Every function expects the caller to hold the domain's page-table lock.
 * A refused operation changes nothing: validation first takes every
 * reference and only then writes the adjusted entries.
 */
#include <hv/errno.h>
#include <hv/pagetype.h>
#include <hv/panic.h>

#ifndef NDEBUG
#define PT_DEBUG 1
#else
#define PT_DEBUG 0
#endif

BUILD_BUG_ON(PGT_pinned & (PGT_count_mask | PGT_type_mask | PGT_validated));
BUILD_BUG_ON(PTE_GUEST_KERNEL & PTE_MFN_MASK);

static int refuse(struct pt_domain *d, const char *why)
{
	d->why = why;
	return -EINVAL;
}

/*
 * An L1 entry names a frame we cannot take the references for: one the
 * domain may not map, or one that cannot take the writable type.  Xen
 * 4.17 answers -EBUSY there (every failure to get a reference on the
 * target frame leaves its get_page_from_l1e() by the same exit), and
 * Linux's KUnit suite xen_pv_mmu checks that choice, so we make it too.
 * Everything else the engine refuses is -EINVAL.
 */
static int refuse_busy(struct pt_domain *d, const char *why)
{
	d->why = why;
	return -EBUSY;
}

static unsigned long pte_mfn(u64 e)
{
	return (e & PTE_MFN_MASK) >> 12;
}

static unsigned int type_level(u64 type_info)
{
	u64 t = type_info & PGT_type_mask;

	if (t >= PGT_l1_page_table && t <= PGT_l4_page_table)
		return t >> PGT_type_shift;
	return 0;
}

static bool is_hv_slot(unsigned int level, unsigned int i)
{
	return level == 4 && i >= PT_HV_FIRST_SLOT &&
	       i < PT_HV_FIRST_SLOT + PT_HV_NR_SLOTS;
}

static bool is_linear(unsigned int level, u64 e, unsigned long table)
{
	return level >= 2 && (e & PTE_P) && pte_mfn(e) == table;
}

static void set_validated(struct page_info *pg)
{
	__atomic_fetch_or(&pg->type_info, PGT_validated, __ATOMIC_RELEASE);
}

static void clear_validated(struct page_info *pg)
{
	__atomic_fetch_and(&pg->type_info, ~PGT_validated, __ATOMIC_RELEASE);
}

/* Drop a general reference; tell the owner if it was the last one. */
static void drop_page(struct pt_domain *d, struct page_info *pg,
		      unsigned long mfn)
{
	bool last = put_page(pg);

	if (last && d->mem->released)
		d->mem->released(mfn);
}

/*
 * The entry as the hardware will see it: U/S forced on (the guest kernel
 * runs in ring 3), an L1 supervisor mapping tagged so the guest's intent
 * is kept, and never global (a global kernel mapping would survive the
 * switch to the user page table).
 */
static u64 adjust_entry(unsigned int level, u64 e)
{
	if (!(e & PTE_P))
		return e;
	if (level == 1) {
		if (!(e & PTE_US))
			e |= PTE_US | PTE_GUEST_KERNEL;
		if (e & PTE_GUEST_KERNEL)
			e &= ~PTE_G;
		return e;
	}
	return e | PTE_US;
}

/*
 * May @d map @mfn (owned by @owner, frame record @pg) with L1 entry @e?
 * I5.  @pg_owner is the domain whose frames a privileged caller named for
 * this one entry (mmu_update's FOREIGNDOM), or DOMID_INVALID.
 */
static int check_l1_target(struct pt_domain *d, unsigned long mfn,
			   const struct page_info *pg, domid_t owner, u64 e,
			   domid_t pg_owner)
{
	if (owner == d->id)
		return 0;
	if (owner == pg_owner && owner < DOMID_FIRST_RESERVED) {
		/* The foreign domain's own frames only: not a hypervisor
		 * page it may map (its grant table). */
		if (READ_ONCE(pg->count_info) & PGC_heap)
			return refuse_busy(d, "foreign mapping of a hypervisor "
					   "page the domain may map");
		return 0;
	}
	/* An entry made that way, seen again by the audit: the owner may
	 * have died since (the frame is then held by this entry alone). */
	if (d->auditing && d->foreign_mapper && owner < DOMID_FIRST_RESERVED &&
	    !(READ_ONCE(pg->count_info) & PGC_heap))
		return 0;
	if (owner == DOMID_XEN && mfn == d->shared_info_mfn)
		return 0;
	if (owner == DOMID_XEN && d->mem->xen_ro && d->mem->xen_ro(mfn)) {
		if (e & PTE_RW)
			return refuse(d, "writable mapping of a read-only "
				      "hypervisor frame");
		return 0;
	}
	if (owner < DOMID_FIRST_RESERVED && d->mem->foreign &&
	    d->mem->foreign(d, mfn, e))
		return 0;
	if (pg_owner != DOMID_INVALID)
		return refuse_busy(d, "mapping of a frame neither the domain "
				   "nor the foreign domain owns");
	return refuse_busy(d, "mapping of a frame the domain does not own");
}

/* Take what L1 entry @e needs (I3); @pg_owner as for check_l1_target(). */
static int get_l1e(struct pt_domain *d, u64 e, domid_t pg_owner)
{
	unsigned long mfn = pte_mfn(e);
	struct page_info *pg;
	domid_t owner;
	int rc;

	if (!(e & PTE_P))
		return 0;
	if (e & PTE_RSVD_HIGH)
		return refuse(d, "reserved bits in an L1 entry");
	pg = d->mem->page(mfn);
	if (!pg)
		return refuse(d, "L1 entry maps a frame that is not RAM");
	owner = READ_ONCE(pg->owner);
	rc = check_l1_target(d, mfn, pg, owner, e, pg_owner);
	if (rc)
		return rc;
	if (!get_page(pg, owner))
		return refuse_busy(d, "cannot reference the mapped frame");
	if (e & PTE_RW) {
		rc = get_page_type(pg, PGT_writable_page);
		if (rc < 0) {
			drop_page(d, pg, mfn);
			return refuse_busy(d, "writable mapping of a page table "
					   "or descriptor page");
		}
		if (rc == 1)
			set_validated(pg);
	}
	return 0;
}

static void put_l1e(struct pt_domain *d, u64 e)
{
	unsigned long mfn = pte_mfn(e);
	struct page_info *pg;

	if (!(e & PTE_P))
		return;
	pg = d->mem->page(mfn);
	ASSERT(pg);
	if (e & PTE_RW) {
		ASSERT((pg->type_info & PGT_type_mask) == PGT_writable_page);
		ASSERT(page_type_count(pg) > 0);
		put_page_type(pg);
	}
	drop_page(d, pg, mfn);
}

/* --- the walk: validation and release as a restartable job ------------- */

/* Entries handled between two asks of ops->preempt(). */
#define PT_STEPS_PER_CHECK	32

static void set_partial(struct page_info *pg)
{
	__atomic_fetch_or(&pg->type_info, PGT_partial, __ATOMIC_RELEASE);
}

static void clear_partial(struct page_info *pg)
{
	__atomic_fetch_and(&pg->type_info, ~PGT_partial, __ATOMIC_RELEASE);
}

/* A table joins the job: a get starts at entry 0, a release at 512. */
static void push(struct pt_job *job, unsigned long mfn, unsigned int level,
		 bool get)
{
	struct pt_job_frame *f;

	ASSERT(job->depth < PT_JOB_DEPTH);
	f = &job->f[job->depth++];
	f->mfn = mfn;
	f->level = (u8)level;
	f->get = get;
	f->live = !get;
	f->idx = get ? 0 : PT_ENTRIES;
}

/*
 * The tables the job released may still be cached by CPUs that ran the
 * domain (paging-structure caches keep a parent entry the guest removed
 * without a flush): one flush, then they may take any type (Xen keeps a
 * flush time stamp per page for the same reason).
 */
static void flush_stale(struct pt_domain *d, struct pt_job *job)
{
	if (!job->nr_stale)
		return;
	if (d->mem->tables_released)
		d->mem->tables_released();
	for (unsigned int i = 0; i < job->nr_stale; i++)
		__atomic_fetch_and(&d->mem->page(job->stale[i])->type_info,
				   ~PGT_flush_pending, __ATOMIC_RELEASE);
	job->nr_stale = 0;
}

/*
 * Take a general and a type reference on @mfn.  Return 0 when the frame
 * needs nothing more (it had the type, or is a descriptor or writable
 * page, checked here), 1 when it is a page table taking its first type
 * reference: it is now PGT_partial and the caller must validate it
 * through a job; or the refusal.
 */
static int take_type(struct pt_domain *d, unsigned long mfn, u64 type)
{
	struct page_info *pg = d->mem->page(mfn);
	u64 ti, prev;
	int rc;

	if (!pg)
		return refuse(d, "not a RAM frame");
	if (!get_page(pg, d->id))
		return refuse(d, "frame not owned by the domain");
	ti = READ_ONCE(pg->type_info);
	if (ti & PGT_partial) {
		drop_page(d, pg, mfn);
		return refuse(d, "frame is half validated or released by "
			      "another operation");
	}
	rc = get_page_type_prev(pg, type, &prev);
	if (rc < 0) {
		drop_page(d, pg, mfn);
		return refuse(d, rc == -EBUSY ? "frame is in use as another type"
					      : "bad type or type count overflow");
	}
	/*
	 * It was writable until the reference we just took: flush now,
	 * before anything reads its contents.  Decided on what the type
	 * change replaced, not on an earlier look: another domain's
	 * writable mapping (dom0's foreign mapping, under its own
	 * page-table lock) may have gone, or come and gone, since then.
	 * Now that the frame has its new type no writable mapping can be
	 * made, so none escapes this flush.
	 */
	if (rc == 1 && type != PGT_writable_page &&
	    (prev & PGT_type_mask) == PGT_writable_page &&
	    d->mem->leave_writable)
		d->mem->leave_writable(mfn);
	if (rc == 0) {
		ASSERT(pg->type_info & PGT_validated);
		return 0;
	}
	if (type_level(type)) {
		set_partial(pg);
		return 1;
	}
	if (type == PGT_seg_desc_page && d->mem->validate_desc) {
		rc = d->mem->validate_desc(d, mfn);
		if (rc) {
			put_page_type(pg);
			drop_page(d, pg, mfn);
			return rc;
		}
	}
	set_validated(pg);
	return 0;
}

/*
 * Drop a general and a type reference on @mfn.  Return 1 when it was the
 * last type reference of a validated table: the table is pushed on @job
 * to be released (its own references go when that ends), else 0.
 */
static int drop_type(struct pt_domain *d, struct pt_job *job,
		     unsigned long mfn)
{
	struct page_info *pg = d->mem->page(mfn);
	u64 ti;
	unsigned int level;

	ASSERT(pg);
	ti = READ_ONCE(pg->type_info);
	level = type_level(ti);
	ASSERT((ti & PGT_count_mask) > 0);
	ASSERT(!(ti & PGT_partial));
	if ((ti & PGT_count_mask) == 1 && level && (ti & PGT_validated)) {
		ASSERT(!(ti & PGT_pinned));
		clear_validated(pg);
		set_partial(pg);
		push(job, mfn, level, false);
		return 1;
	}
	put_page_type(pg);
	drop_page(d, pg, mfn);
	return 0;
}

/*
 * Take what entry @e of the level-@level table @table must hold (I3):
 * 0 when it holds it, 1 when its child was pushed to be validated first,
 * or the refusal.
 */
static int get_entry(struct pt_domain *d, struct pt_job *job,
		     unsigned int level, u64 e, unsigned long table)
{
	int rc;

	if (level == 1)
		return get_l1e(d, e, DOMID_INVALID);
	if (!(e & PTE_P))
		return 0;
	if (e & (PTE_PSE | PTE_RSVD_HIGH))
		return refuse(d, "superpage or reserved bits in a table entry");
	if (is_linear(level, e, table)) {
		if (e & PTE_RW)
			return refuse(d, "writable linear page-table entry");
		return 0;
	}
	rc = take_type(d, pte_mfn(e), pt_level_type(level - 1));
	if (rc == 1)
		push(job, pte_mfn(e), level - 1, true);
	else if (rc < 0)
		rc = -EINVAL;
	return rc;
}

/* Give back what entry @e holds; a child table may join @job. */
static void put_entry(struct pt_domain *d, struct pt_job *job,
		      unsigned int level, u64 e, unsigned long table)
{
	if (level == 1) {
		put_l1e(d, e);
		return;
	}
	if (!(e & PTE_P) || is_linear(level, e, table))
		return;
	drop_type(d, job, pte_mfn(e));
}

/* Every entry of @f holds its references: store them as the hardware
 * will see them, with the hypervisor's L4 slots, and make it live. */
static void finish_get(struct pt_domain *d, const struct pt_job_frame *f)
{
	struct page_info *pg = d->mem->page(f->mfn);
	u64 *t = d->mem->map(f->mfn);

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		if (is_hv_slot(f->level, i))
			t[i] = d->hv_l4e[i - PT_HV_FIRST_SLOT];
		else
			t[i] = adjust_entry(f->level, t[i]);
	}
	d->mem->unmap(t);
	set_validated(pg);
	clear_partial(pg);
	if (PT_DEBUG)
		ASSERT(pt_check_table(d, f->mfn) == 0);
}

/* No entry of @f holds anything any more: drop the job's references.  A
 * table that was live takes no other type before flush_stale(). */
static void finish_put(struct pt_domain *d, struct pt_job *job,
		       const struct pt_job_frame *f)
{
	struct page_info *pg = d->mem->page(f->mfn);

	if (f->live) {
		if (job->nr_stale == PT_JOB_STALE)
			flush_stale(d, job);
		__atomic_fetch_or(&pg->type_info, PGT_flush_pending,
				  __ATOMIC_RELEASE);
		job->stale[job->nr_stale++] = f->mfn;
	}
	clear_partial(pg);
	put_page_type(pg);
	drop_page(d, pg, f->mfn);
}

static u64 read_entry(struct pt_domain *d, const struct pt_job_frame *f)
{
	u64 *t = d->mem->map(f->mfn);
	u64 e = READ_ONCE(t[f->idx]);

	d->mem->unmap(t);
	return e;
}

/*
 * Work on @job until it is done (0, or a get's refusal) or
 * ops->preempt() asks to stop (-PT_ERESTART; call again with the job).
 * Every iteration is a bounded amount of work on one entry.
 */
static int walk(struct pt_domain *d, struct pt_job *job)
{
	unsigned int steps = 0;
	int rc;

	while (job->depth) {
		struct pt_job_frame *f = &job->f[job->depth - 1];

		if (job->preemptible && ++steps % PT_STEPS_PER_CHECK == 0 &&
		    d->mem->preempt && d->mem->preempt())
			return -PT_ERESTART;
		if (f->get) {
			if (f->idx == PT_ENTRIES) {
				finish_get(d, f);
				if (--job->depth)
					job->f[job->depth - 1].idx++;
				continue;
			}
			if (is_hv_slot(f->level, f->idx)) {
				f->idx++;
				continue;
			}
			rc = get_entry(d, job, f->level, read_entry(d, f),
				       f->mfn);
			if (rc == 0) {
				f->idx++;
			} else if (rc < 0) {
				/* Turn round: give back entries [0, idx). */
				job->failed = true;
				job->rc = rc;
				job->why = d->why;
				f->get = false;
			}
			continue;
		}
		if (f->idx == 0) {
			finish_put(d, job, f);
			if (--job->depth && job->failed) {
				/* The parent's entry holds nothing: it
				 * turns round too, and fails as a whole. */
				job->f[job->depth - 1].get = false;
				job->rc = -EINVAL;
			}
			continue;
		}
		f->idx--;
		if (!is_hv_slot(f->level, f->idx))
			put_entry(d, job, f->level, read_entry(d, f), f->mfn);
	}
	if (job->failed) {
		d->why = job->why;
		return job->rc;
	}
	return 0;
}

/* walk(), and the flush its releases need before the lock goes. */
static int run(struct pt_domain *d, struct pt_job *job)
{
	int rc = walk(d, job);

	flush_stale(d, job);
	return rc;
}

/* A fresh job; @job is the caller's, or @local when it gave none. */
static struct pt_job *job_start(struct pt_job *job, struct pt_job *local)
{
	if (!job) {
		*local = (struct pt_job){ 0 };	/* never preempted */
		return local;
	}
	return job;
}

static void job_reset(struct pt_job *job, bool put)
{
	ASSERT(!job->depth);
	job->put = put;
	job->failed = false;
	job->abandoned = false;
	job->rc = 0;
	job->why = NULL;
}

/*
 * Before a new operation on @job: a get of (@mfn, @type) in it goes on
 * (1); anything else is finished first, a get in progress abandoned
 * (its references given back; nobody waits for its result).  0 when the
 * job is free, -PT_ERESTART when that work must go on later.
 */
static int settle(struct pt_domain *d, struct pt_job *job, unsigned long mfn,
		  u64 type)
{
	const char *why = d->why;
	int rc;

	if (!job->depth)
		return 0;
	if (!job->put && !job->abandoned && (job->f[0].get || job->failed) &&
	    job->f[0].mfn == mfn && pt_level_type(job->f[0].level) == type)
		return 1;
	if (!job->put && !job->failed) {
		job->failed = true;
		job->abandoned = true;	/* never the answer to a new call */
		job->rc = -EINVAL;
		job->why = "abandoned for another operation";
		job->f[job->depth - 1].get = false;
	}
	rc = run(d, job);
	d->why = why;
	return rc == -PT_ERESTART ? rc : 0;
}

/**
 * pt_get_type_job() - take a general and a type reference, restartably
 * @d:    the domain that owns the frame
 * @job:  the caller's job (one per vCPU), or NULL to do it all at once
 * @mfn:  the frame
 * @type: PGT_l1..l4_page_table, PGT_seg_desc_page or PGT_writable_page
 *
 * The first type reference of a page table validates it and everything
 * below it; a descriptor page is checked through ops->validate_desc.
 * Used for pins, base pointers (NEW_BASEPTR and NEW_USER_BASEPTR take an
 * L4 reference for as long as the vCPU uses the table), the entries of
 * pt_update_entry_job() and GDT/LDT frames.  A frame that leaves the
 * writable type may still be writable through stale TLB entries;
 * ops->leave_writable flushes them first.
 *
 * Return: 0 (the references are the caller's); -PT_ERESTART (not done:
 * call again with the same job and arguments; another call first
 * abandons this one); or -EINVAL with d->why set (-EBUSY when an L1
 * table asked for itself maps a frame it may not, see refuse_busy()),
 * nothing taken.
 */
int pt_get_type_job(struct pt_domain *d, struct pt_job *job,
		    unsigned long mfn, u64 type)
{
	struct pt_job local;
	int rc;

	job = job_start(job, &local);
	rc = settle(d, job, mfn, type);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		rc = take_type(d, mfn, type);
		if (rc <= 0)
			return rc;
		job_reset(job, false);
		push(job, mfn, type_level(type), true);
	}
	return run(d, job);
}

/**
 * pt_put_type_job() - drop what pt_get_type_job() took
 * @d:   the domain that owns the frame
 * @job: the caller's job, or NULL to do it all at once
 * @mfn: the frame
 *
 * Dropping the last type reference of a page table releases it, and
 * with it the tables below that nothing else holds.
 *
 * Return: 0, the reference dropped -- the release may still be going on
 * in @job (pt_job_pending()): finish it with pt_job_finish_put() before
 * the vCPU does anything else; or -PT_ERESTART: an earlier job of @job
 * is not finished, nothing was dropped, call again.
 */
int pt_put_type_job(struct pt_domain *d, struct pt_job *job,
		    unsigned long mfn)
{
	struct pt_job local;
	int rc;

	job = job_start(job, &local);
	rc = settle(d, job, ~0UL, PGT_none);
	if (rc < 0)
		return rc;
	job_reset(job, true);
	if (drop_type(d, job, mfn))
		run(d, job);
	return 0;
}

/**
 * pt_job_finish_put() - go on with a release left in @job
 * @d:   the domain
 * @job: the vCPU's job
 *
 * A get in progress is left alone: the operation that started it goes
 * on with it when it is called again.
 *
 * Return: 0 when no release is left, or -PT_ERESTART.
 */
int pt_job_finish_put(struct pt_domain *d, struct pt_job *job)
{
	if (!job->depth || !job->put)
		return 0;
	return run(d, job) == -PT_ERESTART ? -PT_ERESTART : 0;
}

/**
 * pt_job_settle() - finish or abandon whatever @job holds
 * @d:   the domain
 * @job: the vCPU's job
 *
 * Return: 0 when @job is free, or -PT_ERESTART.
 */
int pt_job_settle(struct pt_domain *d, struct pt_job *job)
{
	return settle(d, job, ~0UL, PGT_none);
}

/**
 * pt_job_abandon() - end whatever @job holds, all at once
 * @d:   the domain
 * @job: a vCPU's job, at domain teardown
 */
void pt_job_abandon(struct pt_domain *d, struct pt_job *job)
{
	job->preemptible = false;
	settle(d, job, ~0UL, PGT_none);
	ASSERT(!job->depth);
}

int pt_get_page_and_type(struct pt_domain *d, unsigned long mfn, u64 type)
{
	return pt_get_type_job(d, NULL, mfn, type);
}

void pt_put_page_and_type(struct pt_domain *d, unsigned long mfn)
{
	pt_put_type_job(d, NULL, mfn);
}

/**
 * pt_pin_job() - MMUEXT_PIN_Ln_TABLE: validate and hold a table
 * @d:     the domain
 * @job:   the vCPU's job, or NULL
 * @mfn:   the table's frame
 * @level: 1..4
 *
 * Return: 0, -PT_ERESTART (call again), or -EINVAL (already pinned, not
 * the domain's, invalid), or -EBUSY (an L1 entry maps a frame it may
 * not).
 */
int pt_pin_job(struct pt_domain *d, struct pt_job *job, unsigned long mfn,
	       unsigned int level)
{
	struct page_info *pg = d->mem->page(mfn);
	int rc;

	if (level < 1 || level > 4)
		return refuse(d, "bad page-table level");
	if (!pg || READ_ONCE(pg->owner) != d->id)
		return refuse(d, "pin of a frame not owned by the domain");
	if (READ_ONCE(pg->type_info) & PGT_pinned)
		return refuse(d, "frame is already pinned");
	rc = pt_get_type_job(d, job, mfn, pt_level_type(level));
	if (rc)
		return rc;
	__atomic_fetch_or(&pg->type_info, PGT_pinned, __ATOMIC_RELEASE);
	return 0;
}

int pt_pin(struct pt_domain *d, unsigned long mfn, unsigned int level)
{
	return pt_pin_job(d, NULL, mfn, level);
}

/**
 * pt_unpin_job() - MMUEXT_UNPIN_TABLE: drop the pin's references
 * @d:   the domain
 * @job: the vCPU's job, or NULL
 * @mfn: a table pinned by pt_pin_job()
 *
 * Return: 0 (the release may go on in @job, see pt_put_type_job()),
 * -PT_ERESTART (nothing done, call again), or -EINVAL.
 */
int pt_unpin_job(struct pt_domain *d, struct pt_job *job, unsigned long mfn)
{
	struct page_info *pg = d->mem->page(mfn);
	struct pt_job local;
	int rc;

	if (!pg || READ_ONCE(pg->owner) != d->id)
		return refuse(d, "unpin of a frame not owned by the domain");
	job = job_start(job, &local);
	rc = settle(d, job, ~0UL, PGT_none);
	if (rc < 0)
		return rc;
	if (!(READ_ONCE(pg->type_info) & PGT_pinned))
		return refuse(d, "frame is not pinned");
	__atomic_fetch_and(&pg->type_info, ~PGT_pinned, __ATOMIC_RELEASE);
	return pt_put_type_job(d, job, mfn);
}

int pt_unpin(struct pt_domain *d, unsigned long mfn)
{
	return pt_unpin_job(d, NULL, mfn);
}

/**
 * pt_table_level() - the level of a live table
 * @d:   the domain
 * @mfn: a frame
 *
 * Return: 1..4 if @mfn is a validated page table with a type reference,
 * else 0 (plain memory, as far as writes to it are concerned).
 */
int pt_table_level(struct pt_domain *d, unsigned long mfn)
{
	struct page_info *pg = d->mem->page(mfn);
	u64 ti;

	if (!pg)
		return 0;
	ti = READ_ONCE(pg->type_info);
	if (!(ti & PGT_count_mask) || !(ti & PGT_validated))
		return 0;
	return type_level(ti);
}

/* A store into a frame that is not a live table: it must be writable. */
static int plain_store(struct pt_domain *d, struct page_info *pg,
		       unsigned long mfn, unsigned int idx, u64 val,
		       unsigned int flags, u64 *old)
{
	u64 *t, cur;
	int rc = get_page_type(pg, PGT_writable_page);

	if (rc < 0)
		return refuse(d, "store into a frame that is neither a page "
			      "table nor writable");
	if (rc == 1)
		set_validated(pg);
	t = d->mem->map(mfn);
	cur = __atomic_load_n(&t[idx], __ATOMIC_ACQUIRE);
	rc = 0;
	if ((flags & PT_UPD_EXPECT_OLD) && cur != *old) {
		rc = -PT_EAGAIN;
	} else {
		__atomic_store_n(&t[idx], val, __ATOMIC_RELEASE);
	}
	*old = cur;
	d->mem->unmap(t);
	put_page_type(pg);
	return rc;
}

/**
 * pt_update_entry_job() - write one page-table entry on behalf of the guest
 * @d:     the domain, owner of the table
 * @job:   the vCPU's job, or NULL to do all the work at once
 * @maddr: machine address of the entry (8-byte aligned)
 * @val:   the new entry, machine frame numbers
 * @flags: PT_UPD_PRESERVE_AD: OR the old entry's A/D bits into the new
 *         one (when both are present);
 *         PT_UPD_EXPECT_OLD: compare-and-exchange against *@old
 * @old:   in: the expected entry with PT_UPD_EXPECT_OLD; out: the entry
 *         that was replaced (or found)
 *
 * The whole of mmu_update's MMU_NORMAL_PT_UPDATE: if the frame is a live
 * table, the new entry is checked for that level and its references
 * taken before the old entry's are dropped (so an unchanged child is
 * never devalidated on the way); otherwise the frame must be writable
 * memory and this is a plain store.  A new child table is validated,
 * and an old one released, through @job (see pt_get_type_job() and
 * pt_put_type_job()).
 *
 * Return: 0 (the release of the old child may go on in @job);
 * -PT_ERESTART (nothing written: call again); -EINVAL or, for an L1 entry
 * whose frame cannot be referenced, -EBUSY (refused, d->why says why);
 * -PT_EAGAIN when PT_UPD_EXPECT_OLD found a different entry (nothing
 * written).
 */
static int update_entry(struct pt_domain *d, struct pt_job *job, u64 maddr,
			u64 val, unsigned int flags, u64 *old,
			domid_t pg_owner)
{
	unsigned long mfn = maddr >> 12;
	unsigned int idx = (maddr & 0xfff) >> 3;
	struct page_info *pg;
	struct pt_job local;
	unsigned int level;
	u64 *t, cur, nval, want;
	u64 dummy = 0;
	int rc;

	if (!old)
		old = &dummy;
	if (maddr & 7)
		return refuse(d, "misaligned page-table entry address");
	pg = d->mem->page(mfn);
	if (!pg)
		return refuse(d, "page-table entry address is not RAM");
	if (!get_page(pg, d->id))
		return refuse(d, "page table not owned by the domain");
	job = job_start(job, &local);
	level = pt_table_level(d, mfn);
	if (!level) {
		rc = plain_store(d, pg, mfn, idx, val, flags, old);
		goto out;
	}
	if (is_hv_slot(level, idx)) {
		rc = refuse(d, "L4 slot reserved for the hypervisor");
		goto out;
	}
	if (level > 1 && (val & PTE_P) && !is_linear(level, val, mfn) &&
	    !(val & (PTE_PSE | PTE_RSVD_HIGH))) {
		/* A child table: taken through the job, which may stop. */
		rc = pt_get_type_job(d, job, pte_mfn(val),
				     pt_level_type(level - 1));
		if (rc && rc != -PT_ERESTART)
			rc = -EINVAL;
	} else {
		/*
		 * No child to validate.  An L1 entry holds nothing that
		 * could cascade, so it leaves a get stopped in the job
		 * alone (an update between two slices of a big pin must
		 * not throw the pin's work away); a higher one may
		 * release a child and needs the job free.
		 */
		if (level == 1) {
			rc = get_l1e(d, val, pg_owner);
		} else {
			rc = settle(d, job, ~0UL, PGT_none);
			if (!rc)
				rc = get_entry(d, job, level, val, mfn);
		}
		ASSERT(rc <= 0);
	}
	if (rc)
		goto out;
	/* The table may have stopped being live while the job ran. */
	if ((unsigned int)pt_table_level(d, mfn) != level) {
		rc = refuse(d, "page table released meanwhile");
		if (level == 1) {
			put_l1e(d, val);
		} else {
			job_reset(job, true);
			put_entry(d, job, level, val, mfn);
			run(d, job);
		}
		goto out;
	}
	nval = adjust_entry(level, val);
	t = d->mem->map(mfn);
	cur = __atomic_load_n(&t[idx], __ATOMIC_ACQUIRE);
	for (;;) {
		if ((flags & PT_UPD_EXPECT_OLD) && cur != *old) {
			rc = -PT_EAGAIN;
			break;
		}
		want = nval;
		if ((flags & PT_UPD_PRESERVE_AD) && (cur & PTE_P) &&
		    (want & PTE_P))
			want |= cur & (PTE_A | PTE_D);
		if (__atomic_compare_exchange_n(&t[idx], &cur, want, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			break;
		/* The hardware set A or D meanwhile: cur is fresh, retry. */
	}
	d->mem->unmap(t);
	*old = cur;
	if (level == 1) {
		put_l1e(d, rc ? val : cur);
	} else {
		job_reset(job, true);
		put_entry(d, job, level, rc ? val : cur, mfn);
		run(d, job);
	}
out:
	drop_page(d, pg, mfn);
	return rc;
}

int pt_update_entry_job(struct pt_domain *d, struct pt_job *job, u64 maddr,
			u64 val, unsigned int flags, u64 *old)
{
	return update_entry(d, job, maddr, val, flags, old, DOMID_INVALID);
}

/**
 * pt_update_entry_foreign() - the same, for mmu_update with FOREIGNDOM
 * @pg_owner: the foreign domain: a domain id, never @d's own
 *
 * A privileged domain (the caller checked) writes an entry of its own
 * tables that may name frames @pg_owner owns, as Xen's mmu_update does
 * with a foreign domain: only the L1 entry written here may (into a live
 * L1 table of @d; a table validated on the way still maps @d's frames
 * only, and higher levels always point at @d's tables).  The entry
 * holds a general reference on the foreign frame and, if writable, its
 * writable type, exactly as any L1 entry (I3): so a foreign page table
 * cannot be mapped writable, and the frame outlives its owner's hold on
 * it until the entry goes.  A hypervisor page the foreign domain may map
 * (its grant table) and any third domain's frame are refused (-EBUSY).
 */
int pt_update_entry_foreign(struct pt_domain *d, struct pt_job *job,
			    u64 maddr, u64 val, unsigned int flags,
			    domid_t pg_owner)
{
	if (pg_owner == d->id || pg_owner >= DOMID_FIRST_RESERVED)
		return refuse(d, "not a foreign domain");
	return update_entry(d, job, maddr, val, flags, NULL, pg_owner);
}

int pt_update_entry(struct pt_domain *d, u64 maddr, u64 val,
		    unsigned int flags, u64 *old)
{
	return pt_update_entry_job(d, NULL, maddr, val, flags, old);
}

/**
 * pt_mmu_update() - one request of mmu_update, page-table commands only
 * @d:   the calling domain
 * @ptr: mmu_update.ptr: machine address, command in bits 0-2
 * @val: mmu_update.val
 *
 * Return: 0, -EINVAL, or -ENOSYS for commands that are not page-table
 * writes (MMU_MACHPHYS_UPDATE and MMU_PT_UPDATE_NO_TRANSLATE belong to
 * the caller).
 */
int pt_mmu_update(struct pt_domain *d, u64 ptr, u64 val)
{
	u64 old;

	switch (ptr & 7) {
	case PT_MMU_NORMAL_PT_UPDATE:
		return pt_update_entry(d, ptr & ~7UL, val, 0, &old);
	case PT_MMU_PT_UPDATE_PRESERVE_AD:
		return pt_update_entry(d, ptr & ~7UL, val,
				       PT_UPD_PRESERVE_AD, &old);
	default:
		return -ENOSYS;
	}
}

/**
 * pt_find_l1e() - the L1 entry that maps @va (update_va_mapping)
 * @d:      the domain
 * @l4_mfn: the vCPU's current (validated) kernel L4
 * @va:     a guest virtual address
 * @maddr:  out: machine address of the entry
 *
 * Return: 0, or -EINVAL if no L1 maps @va (absent entries, the
 * hypervisor's slots, a non-canonical address).
 */
int pt_find_l1e(struct pt_domain *d, unsigned long l4_mfn, u64 va,
		u64 *maddr)
{
	unsigned long mfn = l4_mfn;
	unsigned int level, idx;
	u64 *t, e;

	if ((u64)((s64)(va << 16) >> 16) != va)
		return refuse(d, "non-canonical address");
	if (pt_table_level(d, l4_mfn) != 4)
		return refuse(d, "base pointer is not a validated L4");
	if (is_hv_slot(4, (va >> 39) & 511))
		return refuse(d, "address in the hypervisor's range");
	for (level = 4; level > 1; level--) {
		idx = (va >> (12 + 9 * (level - 1))) & 511;
		t = d->mem->map(mfn);
		e = READ_ONCE(t[idx]);
		d->mem->unmap(t);
		if (!(e & PTE_P))
			return refuse(d, "no L1 table maps the address");
		mfn = pte_mfn(e);
	}
	*maddr = ((u64)mfn << 12) | (((va >> 12) & 511) << 3);
	return 0;
}

/* Does entry @e of validated level-@level table @table keep I3-I9? */
static int check_entry(struct pt_domain *d, unsigned int level,
		       unsigned long table, unsigned int i, u64 e)
{
	struct page_info *pg;
	u64 ti;

	if (is_hv_slot(level, i))
		return e == d->hv_l4e[i - PT_HV_FIRST_SLOT] ? 0 :
			refuse(d, "hypervisor L4 slot altered");
	if (!(e & PTE_P))
		return 0;
	if (!(e & PTE_US))
		return refuse(d, "present entry without U/S");
	if ((e & PTE_RSVD_HIGH) || (level > 1 && (e & PTE_PSE)))
		return refuse(d, "reserved bits in a live entry");
	if (level == 1 && (e & PTE_GUEST_KERNEL) && (e & PTE_G))
		return refuse(d, "global supervisor mapping");
	if (is_linear(level, e, table))
		return (e & PTE_RW) ? refuse(d, "writable linear entry") : 0;
	pg = d->mem->page(pte_mfn(e));
	if (!pg || page_refcount(pg) == 0)
		return refuse(d, "live entry to an unreferenced frame");
	ti = READ_ONCE(pg->type_info);
	if (level > 1) {
		if (READ_ONCE(pg->owner) != d->id ||
		    type_level(ti) != level - 1 || !(ti & PGT_validated) ||
		    !(ti & PGT_count_mask))
			return refuse(d, "table entry to a frame that is not a "
				      "live table of the next level");
		return 0;
	}
	if (check_l1_target(d, pte_mfn(e), pg, READ_ONCE(pg->owner), e,
			    DOMID_INVALID))
		return -EINVAL;
	if ((e & PTE_RW) && ((ti & PGT_type_mask) != PGT_writable_page ||
			     !(ti & PGT_count_mask)))
		return refuse(d, "writable mapping without a writable type");
	return 0;
}

/**
 * pt_check_table() - check the invariants on one validated table
 * @d:   the domain
 * @mfn: a frame; anything but a live page table passes trivially
 *
 * Return: 0, or -EINVAL with d->why naming the broken rule.
 */
int pt_check_table(struct pt_domain *d, unsigned long mfn)
{
	unsigned int level = pt_table_level(d, mfn);
	unsigned int i;
	u64 *t;
	int rc = 0;

	if (!level)
		return 0;
	t = d->mem->map(mfn);
	d->auditing = true;
	for (i = 0; i < PT_ENTRIES && !rc; i++)
		rc = check_entry(d, level, mfn, i, READ_ONCE(t[i]));
	d->auditing = false;
	d->mem->unmap(t);
	return rc;
}
