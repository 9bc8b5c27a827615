// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the page-type engine's transitions
 * (hypervisor/mm/pagetype.c on mm/frame.c, built as they are).
 *
 * The input is a sequence of operations by domains 1 and 2 on the
 * simulated machine of machine.h: raw writes into frames the guest can
 * write (through a transient writable type reference, as a guest's own
 * writable mapping would hold one), pin and unpin at any level, base
 * pointers (kernel and user) taken and dropped, mmu_update of any entry
 * with any value (linear entries, the hypervisor's L4 slots, foreign and
 * hypervisor frames, every flag), compare-and-exchange updates, writable
 * and descriptor-page type references taken and dropped, the owner
 * giving a frame back (if unused, as decrease_reservation does, or
 * unconditionally, as domain destruction does) and the allocator handing
 * a free frame to a domain.  Domain 1 may map frames 40-43 of domain 3
 * (read-only, or writable for 40-41) as a foreign hook would allow
 * grant mappings; domain 2 writes entries naming domain 1's or 3's
 * frames as a dom0 does with mmu_update's FOREIGNDOM
 * (pt_update_entry_foreign(), any foreign domain id, its own too).
 *
 * After every operation machine_check() recomputes I1-I9 from scratch;
 * a refused operation must have changed nothing; at the end everything
 * is undone and every count must be back to the allocation's.
 *
 * When the input's first byte says so, pins, unpins, base pointers and
 * updates go through the restartable walks (struct pt_job, one per
 * domain), stopped every few checks as the input's first byte says and
 * called again, as a hypercall continuation does; a stopped get is now
 * and then abandoned (the guest did something else: the operation then
 * counts as refused and must have left nothing behind), and a release
 * is finished before the next operation, as the hypercall layer does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define MAX_OPS		256
#define FOREIGN_DOM	3
#define FOREIGN_FIRST	40		/* 40..43 of domain 3 */
#define MAPPER		2		/* maps domains 1 and 3 by naming them */

enum pt_op {
	OP_RAW_WRITE,
	OP_RAW_FILL,
	OP_PIN,
	OP_UNPIN,
	OP_BASEPTR,
	OP_BASEPTR_DROP,
	OP_MMU_UPDATE,
	OP_UPDATE_CMPXCHG,
	OP_GET_TYPE,
	OP_PUT_TYPE,
	OP_FREE_IF_UNUSED,
	OP_RELINQUISH,
	OP_ALLOC,
	OP_MMU_FOREIGN,
	NR_PT_OPS
};

static const char *const op_names[NR_PT_OPS] = {
	"raw write", "raw fill", "pin", "unpin", "base pointer",
	"base pointer drop", "mmu_update", "cmpxchg update", "get type",
	"put type", "free if unused", "relinquish", "alloc",
	"foreign mmu_update",
};

/* The restartable walks: jobs, and when the engine is asked to stop. */
static bool use_jobs;
static unsigned int preempt_every, preempt_calls;
static struct pt_job jobs[NDOM + 1];
static struct input *cur_in;

static bool fuzz_preempt(void)
{
	return ++preempt_calls % preempt_every == 0;
}

static struct pt_job *job_of(unsigned int d)
{
	return use_jobs ? &jobs[d] : NULL;
}

/*
 * After an operation: a release left in the job is finished before
 * anything else, as the hypercall layer does; a get an operation refused
 * early left stopped (the arguments changed on the way) is abandoned, as
 * the next operation would, so that the checks see no half-done walk.
 */
static void drain(unsigned int d)
{
	if (!use_jobs)
		return;
	while (pt_job_finish_put(&dom[d], &jobs[d]) == -PT_ERESTART)
		;
	while (pt_job_settle(&dom[d], &jobs[d]) == -PT_ERESTART)
		;
	if (pt_job_pending(&jobs[d]))
		fuzz_fail("a walk is still pending after the operation");
}

/* After -PT_ERESTART: call again (1), or abandon the get (0). */
static bool again(unsigned int d)
{
	if (take8(cur_in) >= 40)
		return true;
	while (pt_job_settle(&dom[d], &jobs[d]) == -PT_ERESTART)
		;
	if (pt_job_pending(&jobs[d]))
		fuzz_fail("an abandoned job is still pending");
	return false;
}

#define RESTARTABLE(d, call)						\
	({								\
		int rc_;						\
		while ((rc_ = (call)) == -PT_ERESTART && again(d))	\
			;						\
		if (rc_ == -PT_ERESTART)				\
			rc_ = -EINVAL;	/* abandoned: nothing done */	\
		drain(d);						\
		rc_;							\
	})

static bool grant_allowed(unsigned int d, unsigned long mfn, u64 pte)
{
	return d == 1 && mfn >= FOREIGN_FIRST && mfn < FOREIGN_FIRST + 4 &&
	       frames[mfn].owner == FOREIGN_DOM &&
	       (!(pte & PTE_RW) || mfn < FOREIGN_FIRST + 2);
}

/*
 * What the checker accepts in a live L1 entry naming another domain's
 * frame: domain 1's grant-style mappings, and anything domain 2 (the
 * foreign mapper, a dom0) mapped by naming the frame's owner.  Whether
 * the entry's references are right is checked all the same.
 */
static bool foreign_allowed(unsigned int d, unsigned long mfn, u64 pte)
{
	domid_t owner = frames[mfn].owner;

	return grant_allowed(d, mfn, pte) ||
	       (d == MAPPER && owner >= 1 && owner <= NDOM);
}

/* The engine's hook: grants only (a foreign mapper names its domain). */
static bool engine_foreign(const struct pt_domain *d, unsigned long mfn,
			   u64 pte)
{
	return grant_allowed(d->id, mfn, pte);
}

/*
 * A frame by selector: mostly any of domain @d's, often one in use (a
 * type count: pinned, a base pointer, held, a live table or one of its
 * targets: where unpin, put and updates of live tables happen),
 * sometimes anything at all.
 */
static unsigned long take_frame(struct input *in, unsigned int d)
{
	unsigned int b = take8(in), n = 0;
	unsigned long f, used[DOM_FRAMES];

	if (b < 128)
		return dom_first(d) + b % DOM_FRAMES;
	if (b < 240) {
		for (f = dom_first(d); f < dom_first(d) + DOM_FRAMES; f++)
			if (page_type_count(&frames[f]))
				used[n++] = f;
		return n ? used[b % n] : dom_first(d) + b % DOM_FRAMES;
	}
	return b % (NFRAMES + 2);
}

/* A guest store through a writable mapping of its own. */
static bool raw_store(unsigned long f, unsigned int idx, u64 val)
{
	struct page_info *pg = &frames[f];
	int rc;

	if (f >= NFRAMES || pg->owner == DOMID_XEN || !get_page(pg, pg->owner))
		return false;
	rc = get_page_type(pg, PGT_writable_page);
	if (rc >= 0) {
		mem[f][idx] = val;
		put_page_type(pg);
	}
	put_page(pg);
	return rc >= 0;
}

static void check_refused(int rc, const char *what)
{
	if (rc != -EINVAL && rc != -EBUSY && rc != -PT_EAGAIN)
		fuzz_fail("%s: unexpected error %d", what, rc);
	machine_assert_unchanged(what);
}

static void do_op(struct input *in)
{
	unsigned int op = take8(in) % NR_PT_OPS, d = 1 + (take8(in) & 1);
	unsigned long f = take_frame(in, d);
	unsigned int i, n, idx, s;
	u64 val, old;
	int rc = -1;		/* 0: the operation happened */

	machine_snapshot();
	switch (op) {
	case OP_RAW_WRITE:
		idx = take_index(in);
		rc = raw_store(f, idx, take_entry(in, d, f)) ? 0 : -1;
		break;
	case OP_RAW_FILL:		/* a few entries at once: trees grow */
		n = 1 + take8(in) % 8;
		for (i = 0; i < n; i++) {
			idx = take_index(in);
			if (raw_store(f, idx, take_entry(in, d, f)))
				rc = 0;
		}
		break;
	case OP_PIN:
		s = take8(in) % 6;	/* sometimes changed on re-entry */
		rc = RESTARTABLE(d, pt_pin_job(&dom[d], job_of(d), f,
					     take8(in) < 16 ? take8(in) % 6 : s));
		if (!rc && f < NFRAMES)
			m.pin[f] = (frames[f].type_info >> PGT_type_shift) & 0xf;
		else if (rc)
			check_refused(rc, "pin");
		break;
	case OP_UNPIN:
		rc = RESTARTABLE(d, pt_unpin_job(&dom[d], job_of(d), f));
		if (!rc)
			m.pin[f] = 0;
		else
			check_refused(rc, "unpin");
		break;
	case OP_BASEPTR:
		s = take8(in) & 1;
		rc = RESTARTABLE(d, pt_get_type_job(&dom[d], job_of(d), f,
						    PGT_l4_page_table));
		if (rc) {
			check_refused(rc, "new base pointer");
			break;
		}
		if (m.base[d][s] >= 0)
			RESTARTABLE(d, pt_put_type_job(&dom[d], job_of(d),
						       m.base[d][s]));
		m.base[d][s] = f;
		break;
	case OP_BASEPTR_DROP:
		s = take8(in) & 1;
		if (m.base[d][s] >= 0) {
			RESTARTABLE(d, pt_put_type_job(&dom[d], job_of(d),
						       m.base[d][s]));
			rc = 0;
		}
		m.base[d][s] = -1;
		break;
	case OP_MMU_UPDATE:
		idx = take_index(in);
		val = take_entry(in, d, f);
		s = take8(in);
		if (use_jobs && !(s & 0x80) && (s % 4 == 0 || s % 4 == 2))
			rc = RESTARTABLE(d, pt_update_entry_job(&dom[d],
					job_of(d), (f << 12) | (idx << 3), val,
					s % 4 == 2 ? PT_UPD_PRESERVE_AD : 0, NULL));
		else
			rc = pt_mmu_update(&dom[d], (f << 12) | (idx << 3) |
					   (s % 4) | (s & 0x80 ? 4 : 0), val);
		if (rc == -ENOSYS && (s % 4 == 1 || s % 4 == 3 || s & 0x80))
			break;
		if (rc)
			check_refused(rc, "mmu_update");
		break;
	case OP_UPDATE_CMPXCHG:
		idx = take_index(in);
		val = take_entry(in, d, f);
		old = take8(in) & 1 && f < NFRAMES ? mem[f][idx] : take64(in);
		rc = pt_update_entry(&dom[d], (f << 12) | (idx << 3), val,
				     PT_UPD_EXPECT_OLD | (take8(in) & 1), &old);
		if (rc)
			check_refused(rc, "cmpxchg update");
		break;
	case OP_GET_TYPE:
		s = take8(in) & 1;
		rc = pt_get_page_and_type(&dom[d], f, s ? PGT_seg_desc_page :
							  PGT_writable_page);
		if (rc)
			check_refused(rc, "get type");
		else if (s)
			m.held_desc[f]++;
		else
			m.held_w[f]++;
		break;
	case OP_PUT_TYPE:
		if (f >= NFRAMES)
			break;
		if (m.held_desc[f]) {
			m.held_desc[f]--;
			pt_put_page_and_type(&dom[frames[f].owner], f);
			rc = 0;
		} else if (m.held_w[f]) {
			m.held_w[f]--;
			pt_put_page_and_type(&dom[frames[f].owner], f);
			rc = 0;
		}
		break;
	case OP_FREE_IF_UNUSED:		/* decrease_reservation */
		if (f >= NFRAMES || frames[f].owner != d)
			break;
		if (put_allocation_if_unused(&frames[f])) {
			m.alloc[f] = false;
			rc = 0;
		} else if (m.alloc[f] && page_refcount(&frames[f]) == 1)
			fuzz_fail("frame %lu unused but not given back", f);
		break;
	case OP_RELINQUISH:		/* domain destruction, frame by frame */
		if (f >= NFRAMES || frames[f].owner != d || !m.alloc[f] ||
		    take8(in) < 192)	/* rarer: the frame is gone for good */
			break;
		put_allocation(&frames[f]);
		m.alloc[f] = false;
		rc = 0;
		break;
	case OP_ALLOC:			/* the allocator hands out a free frame */
		if (f >= NFRAMES || frames[f].owner == DOMID_XEN ||
		    f == UNASSIGNED || page_refcount(&frames[f]))
			break;
		memset(mem[f], 0, sizeof(mem[f]));
		assign_page(&frames[f], f / DOM_FRAMES + 1);
		m.alloc[f] = true;
		rc = 0;
		break;
	case OP_MMU_FOREIGN:		/* mmu_update with FOREIGNDOM */
		if (d != MAPPER)
			break;
		s = take8(in);
		idx = take_index(in);
		val = take_entry(in, s & 1 ? 3 : 1, f);
		rc = RESTARTABLE(d, pt_update_entry_foreign(&dom[d], job_of(d),
				(f << 12) | (idx << 3), val,
				s & 2 ? PT_UPD_PRESERVE_AD : 0,
				s & 4 ? (s & 1 ? 3 : 1) : (s >> 3) % 5));
		if (rc)
			check_refused(rc, "foreign mmu_update");
		break;
	}
	stat_op(op, rc == 0);
	machine_check();
}

/* Undo everything the harness holds: counts back to the allocations. */
static void teardown(void)
{
	unsigned int d, s;
	unsigned long f;

	for (d = 1; d <= NDOM; d++)
		for (s = 0; s < 2; s++) {
			if (m.base[d][s] >= 0)
				pt_put_page_and_type(&dom[d], m.base[d][s]);
			m.base[d][s] = -1;
		}
	for (f = 0; f < NFRAMES; f++) {
		if (m.pin[f] && pt_unpin(&dom[frames[f].owner], f))
			fuzz_fail("unpin of pinned frame %lu refused: %s", f,
				  dom[frames[f].owner].why);
		m.pin[f] = 0;
		for (; m.held_w[f]; m.held_w[f]--)
			pt_put_page_and_type(&dom[frames[f].owner], f);
		for (; m.held_desc[f]; m.held_desc[f]--)
			pt_put_page_and_type(&dom[frames[f].owner], f);
	}
	machine_check();
	for (f = 0; f < NFRAMES; f++) {
		if (page_refcount(&frames[f]) != m.alloc[f] ||
		    page_type_count(&frames[f]))
			fuzz_fail("after teardown frame %lu: count %lu, type "
				  "count %lu", f, page_refcount(&frames[f]),
				  page_type_count(&frames[f]));
		/* and the owner lets it go: nothing may keep it */
		if (m.alloc[f] && !put_allocation(&frames[f]))
			fuzz_fail("frame %lu still referenced at the end", f);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	unsigned int n;

	stats_register(op_names, NR_PT_OPS);
	machine_reset();
	machine_foreign = engine_foreign;
	memset(jobs, 0, sizeof(jobs));
	cur_in = &in;
	use_jobs = false;
	if (in.n) {
		unsigned int b = take8(&in);

		use_jobs = b & 1;
		preempt_every = 1 + (b >> 1) % 8;
		preempt_calls = 0;
		for (unsigned int d = 0; d <= NDOM; d++)
			jobs[d].preemptible = true;
	}
	machine_preempt = use_jobs ? fuzz_preempt : NULL;
	m.foreign_ok = foreign_allowed;
	dom[MAPPER].foreign_mapper = true;
	for (n = 0; n < MAX_OPS && in.n; n++)
		do_op(&in);
	teardown();
	return 0;
}
