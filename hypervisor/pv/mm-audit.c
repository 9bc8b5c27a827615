// SPDX-License-Identifier: GPL-2.0
/*
 * The page-type audit: the debug aid of the PV memory model.
 *
 * The engine (mm/pagetype.c) keeps its invariants incrementally, one
 * reference at a time; this file checks them the slow way.  It recounts,
 * from scratch, every type reference a domain's frames should hold -- one
 * for a pin, one per base pointer, one per LDT using a descriptor page,
 * one per entry of a live table that points at the frame (I3, I4), the
 * foreign mapper's (dom0's) entries included -- compares that with the frame table, and
 * runs pt_check_table() on every live table (I2, I5-I9).  One log line
 * sums it up; each broken rule gets its own line first.
 *
 * It runs when the pt_audit option is given: at domain shutdown
 * (common/domain.c) and, in debug builds, after every pin and unpin
 * (pv/mm-ops.c).  The cost is a walk over the whole frame table, fine for
 * tests and debugging, not for production.
 */
#include <hv/domain.h>
#include <hv/grant_table.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pagetype.h>
#include <hv/pv.h>

#include <asm/page.h>

/* Set by the pt_audit option (common/options.c). */
bool opt_pt_audit;
/* pt_audit_pins=off keeps only the audit at shutdown: a test that
 * measures how long a pin holds a CPU must not count the audit. */
bool opt_pt_audit_pins = true;

/* What entries [0, @nr) of a level-@level table hold (I3). */
static void audit_walk(struct domain *d, unsigned long mfn, unsigned int level,
		       unsigned int nr, u32 *want)
{
	const u64 *t = __va((paddr_t)mfn << PAGE_SHIFT);

	for (unsigned int i = 0; i < nr; i++) {
		u64 e = READ_ONCE(t[i]);
		unsigned long m = (e & PTE_MFN_MASK) >> PAGE_SHIFT;

		if (!(e & PTE_P) || m >= max_page)
			continue;
		if (level == 4 && i >= PT_HV_FIRST_SLOT &&
		    i < PT_HV_FIRST_SLOT + PT_HV_NR_SLOTS)
			continue;
		if (level > 1 && m == mfn)
			continue;	/* linear entry: holds nothing */
		if (level > 1 || (e & PTE_RW))
			want[m]++;
	}
	(void)d;
}

/*
 * Writable L1 entries of a foreign mapper (dom0's privcmd mappings made
 * by mmu_update with FOREIGNDOM) hold writable type references on @d's
 * frames: count those too, from every live L1 table of each other
 * domain that may map foreign frames, and from what its vCPUs' walks
 * hold, under its page-table lock.  Lock order: the mapped domain's
 * page-table lock, then the mapper's (a mapper never holds its own
 * while taking another's); two mappers never audit each other.
 */
static void audit_foreign_mappers(struct domain *d, u32 *want)
{
	if (d->pt.foreign_mapper)
		return;
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *o = domain_by_id(id);

		if (!o || o == d || !o->pt.foreign_mapper || !o->pt.mem)
			continue;
		spin_lock(&o->pt_lock);
		for (unsigned long mfn = 0; mfn < max_page; mfn++) {
			struct page_info *pg = mfn_to_page(mfn);

			if (READ_ONCE(pg->owner) != o->id ||
			    !(READ_ONCE(pg->count_info) & PGC_allocated) ||
			    pt_table_level(&o->pt, mfn) != 1)
				continue;
			audit_walk(o, mfn, 1, PT_ENTRIES, want);
		}
		for (unsigned int i = 0; i < o->max_vcpus; i++) {
			struct vcpu *v = o->vcpu[i];

			for (unsigned int j = 0; v && j < v->pv.ptjob.depth;
			     j++)
				if (v->pv.ptjob.f[j].level == 1)
					audit_walk(o, v->pv.ptjob.f[j].mfn, 1,
						   v->pv.ptjob.f[j].idx, want);
		}
		spin_unlock(&o->pt_lock);
	}
}

/**
 * pv_mm_audit() - dump @d's page-type counts and check every invariant
 * @d:   the domain
 * @why: what triggered the audit, for the log
 *
 * Every live table must pass pt_check_table() (I2, I3, I5-I9), and every
 * type count of the domain's frames must equal what the pins, the base
 * pointers and the entries of live tables account for (I4), recounted
 * here from scratch.  Caller holds d->pt_lock, taken with interrupts on
 * (the shutdown and crash path turns them on first, common/domain.c):
 * its holder may be another vCPU of the domain, waiting for this CPU to
 * answer a TLB-flush IPI.
 *
 * Return: the number of broken invariants (0 = all kept).
 */
int pv_mm_audit(struct domain *d, const char *why)
{
	unsigned long nr[8] = { 0 }, pinned = 0;
	unsigned int order = 0;
	int bad = 0;
	u32 *want, *slack;

	while ((PAGE_SIZE << order) < max_page * sizeof(u32))
		order++;
	want = alloc_heap_pages(order);
	slack = alloc_heap_pages(order);
	if (!want || !slack) {
		if (want)
			free_heap_pages(want, order);
		if (slack)
			free_heap_pages(slack, order);
		log_warn("(d%u) pt_audit: no memory", d->id);
		return 0;
	}
	/* Others' writable grant mappings of our frames. */
	gnttab_audit_writable_pins(d, slack);
	/* dom0's writable foreign mappings of them. */
	audit_foreign_mappers(d, want);
	/* Pass 1: what the pins, base pointers and live tables hold. */
	for (unsigned long mfn = 0; mfn < max_page; mfn++) {
		struct page_info *pg = mfn_to_page(mfn);
		u64 ti = READ_ONCE(pg->type_info);
		unsigned int level = pt_table_level(&d->pt, mfn);

		if (READ_ONCE(pg->owner) != d->id ||
		    !(READ_ONCE(pg->count_info) & PGC_allocated))
			continue;
		if (ti & PGT_pinned)
			want[mfn]++;
		/* A hypervisor page shared with the domain (its grant
		 * table): we hold a writable type reference on it. */
		if (READ_ONCE(pg->count_info) & PGC_heap)
			want[mfn]++;
		if (level)
			audit_walk(d, mfn, level, PT_ENTRIES, want);
	}
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		if (v->pv.kernel_l4)
			want[v->pv.kernel_l4]++;
		if (v->pv.user_l4)
			want[v->pv.user_l4]++;
		/*
		 * A walk half done (struct pt_job): each table on its stack
		 * has the job's reference and, in entries [0, idx), what
		 * those entries hold; the entry a child came from holds
		 * nothing but the child's own job reference.
		 */
		for (unsigned int j = 0; j < v->pv.ptjob.depth; j++) {
			const struct pt_job_frame *f = &v->pv.ptjob.f[j];

			want[f->mfn]++;
			audit_walk(d, f->mfn, f->level, f->idx, want);
		}
		/* Each LDT page holds a descriptor-page reference. */
		for (unsigned int j = 0; j * 512 < v->pv.ldt_ents; j++)
			want[v->pv.ldt_frames[j]]++;
	}
	/* A walk dom0 left half done on our tables (foreign pin/unpin). */
	for (unsigned int j = 0; j < d->foreign_job.depth; j++) {
		const struct pt_job_frame *f = &d->foreign_job.f[j];

		want[f->mfn]++;
		audit_walk(d, f->mfn, f->level, f->idx, want);
	}
	/* Pass 2: compare, and check each live table's entries. */
	for (unsigned long mfn = 0; mfn < max_page; mfn++) {
		struct page_info *pg = mfn_to_page(mfn);
		u64 ti = READ_ONCE(pg->type_info);
		unsigned long count = ti & PGT_count_mask;
		u64 type = ti & PGT_type_mask;

		if (READ_ONCE(pg->owner) != d->id ||
		    !(READ_ONCE(pg->count_info) & PGC_allocated))
			continue;
		if (count)
			nr[type >> PGT_type_shift]++;
		if (ti & PGT_pinned)
			pinned++;
		if (count < want[mfn] || count - want[mfn] > slack[mfn]) {
			log_err("(d%u) pt_audit: frame %#lx type %lu count %lu, "
				"expected %u (+ up to %u granted writable)",
				d->id, mfn,
				(unsigned long)(type >> PGT_type_shift), count,
				want[mfn], slack[mfn]);
			bad++;
		}
		if (count && type >= PGT_l1_page_table &&
		    type <= PGT_l4_page_table &&
		    !(ti & (PGT_validated | PGT_partial))) {
			log_err("(d%u) pt_audit: live table %#lx not "
				"validated", d->id, mfn);
			bad++;
		}
		if (pt_check_table(&d->pt, mfn)) {
			log_err("(d%u) pt_audit: table %#lx: %s", d->id, mfn,
				d->pt.why);
			bad++;
		}
	}
	free_heap_pages(want, order);
	free_heap_pages(slack, order);
	log_info("(d%u) pt_audit (%s): L1 %lu L2 %lu L3 %lu L4 %lu "
		 "writable %lu desc %lu pinned %lu: %s", d->id, why, nr[1],
		 nr[2], nr[3], nr[4], nr[6], nr[5], pinned,
		 bad ? "INVARIANTS BROKEN" : "ok");
	return bad;
}
