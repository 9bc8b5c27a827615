// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for grant-table bookkeeping (v1): hypervisor/common/
 * grant-v1.c (pins, flags, handles, the grant PTE) with the page-type
 * engine (mm/pagetype.c, mm/frame.c) that takes the mappings'
 * references, all built as they are, between three domains of the
 * simulated machine (machine.h).
 *
 * common/grant_table.c itself needs the whole domain, lock and
 * guest-access model, so the harness composes the pieces as its
 * map_one(), unmap_one(), copy_one() and gnttab_domain_destroy() do,
 * step for step (the comments name each), with small arrays for the
 * shared table, the active entries and the maptrack.  A new operation is
 * one more enum grant_op value and one more case in do_op().
 *
 * Granters write their entries well-behaved (only while unused, ending
 * access with Linux's cmpxchg) or hostile (anything, any time: the entry
 * is then "scribbled" and its flags are not judged until it is unused
 * and written again).  After every operation:
 *   - machine_check(): the page-type invariants, where a foreign L1
 *     entry is allowed only if the mapper holds a live handle on that
 *     frame whose granter still owns it (no frame reachable after it
 *     left the granter);
 *   - each entry's read-only and writable pins equal the live handles
 *     on it, which belong to the pinning grantee and map its frame;
 *   - GTF_reading is set iff the entry is pinned, GTF_writing iff it is
 *     pinned writable (and, during a copy, both sides hold theirs and
 *     the destination frame holds the writable type);
 *   - a granter can end access only to an unused entry.
 * At the end every domain is destroyed and every count must be zero.
 */
#include <string.h>

#include <hv/grant-v1.h>

#include "machine.h"

#define MAX_OPS		256
#define NR_REFS		16
#define NR_HANDLES	8
#define MAP_TABLE	0	/* frame dom_first(d) + 0: the pinned L1 */
#define IN_USE		(GTF_reading | GTF_writing)

enum grant_op {
	OP_SET_ENTRY,		/* granter: write an unused entry */
	OP_SCRIBBLE,		/* granter: write anything, any time */
	OP_END_ACCESS,		/* granter: Linux's cmpxchg of flags to 0 */
	OP_MAP,			/* GNTTABOP_map_grant_ref, one request */
	OP_UNMAP,		/* GNTTABOP_unmap_grant_ref */
	OP_COPY,		/* GNTTABOP_copy, one request */
	OP_PT_WRITE,		/* mapper: mmu_update of its grant L1 */
	OP_FREE_FRAME,		/* decrease_reservation of one frame */
	OP_ALLOC_FRAME,		/* the allocator hands a free frame out */
	OP_DESTROY,		/* domain destruction */
	NR_GRANT_OPS
};

static const char *const op_names[NR_GRANT_OPS] = {
	"set entry", "scribble", "end access", "map", "unmap", "copy",
	"pt write", "free frame", "alloc frame", "destroy",
};

static struct gdom {
	bool alive, has_table;
	struct grant_entry_v1 shared[NR_REFS];
	struct active_grant active[NR_REFS];
	bool scribbled[NR_REFS];
	struct maptrack mt[NR_HANDLES];
	u64 where[NR_HANDLES];	/* the entry each handle was installed at */
	bool installing;	/* grant_table.c's installing_* */
	unsigned long inst_mfn;
	domid_t inst_owner;
	bool inst_rw;
} g[NDOM + 1];

static bool alive(unsigned int d)
{
	return d >= 1 && d <= NDOM && g[d].alive;
}

/* gnttab_foreign_ok(): while installing, exactly that frame. */
static bool engine_foreign(const struct pt_domain *pd, unsigned long mfn,
			   u64 pte)
{
	struct gdom *gd = &g[pd->id];

	if (!gd->has_table)
		return false;
	if (!pd->auditing)
		return gd->installing && gd->inst_mfn == mfn &&
		       (!(pte & PTE_RW) || gd->inst_rw) && mfn < NFRAMES &&
		       frames[mfn].owner == gd->inst_owner;
	return gnt_maps_frame(gd->mt, NR_HANDLES, mfn, pte & PTE_RW);
}

/* The checker's view: a live handle, and the granter still owns it. */
static bool handle_maps(unsigned int d, unsigned long mfn, u64 pte)
{
	for (unsigned int h = 0; h < NR_HANDLES; h++) {
		const struct maptrack *mt = &g[d].mt[h];

		if (mt->flags && mt->mfn == mfn &&
		    frames[mfn].owner == mt->granter &&
		    (!(pte & PTE_RW) || !(mt->flags & GNTMAP_readonly)))
			return true;
	}
	return false;
}

/* granter_owns(): gnt_pin()'s check of the entry's frame. */
static bool granter_owns(unsigned long frame, void *ctx)
{
	unsigned int rd = (unsigned int)(uintptr_t)ctx;

	return frame < NFRAMES && frames[frame].owner == rd &&
	       (frames[frame].count_info & PGC_allocated);
}

/* granter(): the domain named, if it still has a table. */
static struct gdom *granter(unsigned int id)
{
	return alive(id) && g[id].has_table ? &g[id] : NULL;
}

static int pin_entry(unsigned int rd, u32 ref, unsigned int ld, bool write,
		     unsigned long *mfn)
{
	if (ref >= NR_REFS)
		return GNTST_bad_gntref;
	return gnt_pin(&g[rd].shared[ref], &g[rd].active[ref], ld, write,
		       granter_owns, (void *)(uintptr_t)rd, mfn);
}

static void unpin_entry(unsigned int rd, u32 ref, bool write)
{
	gnt_unpin(&g[rd].shared[ref], &g[rd].active[ref], write);
}

/* entry_maddr() with GNTMAP_contains_pte: a live L1 of the mapper's. */
static bool entry_ok(unsigned int d, u64 maddr)
{
	unsigned long f = maddr >> 12;

	return !(maddr & 7) && f < NFRAMES && frames[f].owner == d &&
	       (frames[f].count_info & PGC_allocated) &&
	       pt_table_level(&dom[d], f) == 1;
}

static u64 take_maddr(struct input *in, unsigned int d)
{
	unsigned int b = take8(in);
	unsigned long f = b < 200 ? dom_first(d) + MAP_TABLE :
			  b < 230 ? dom_first(d) + b % 3 : b % NFRAMES;

	return (f << 12) | ((take8(in) % 32) << 3) | (b == 255 ? 4 : 0);
}

/* map_one(); a GNTST_* status. */
static int map_one(unsigned int ld, unsigned int rd_id, u32 ref, u32 flags,
		   u64 maddr)
{
	struct gdom *lg = &g[ld], *rd;
	bool write = !(flags & GNTMAP_readonly);
	unsigned long mfn;
	u64 old = 0;
	int h, st, rc;

	if (!(flags & (GNTMAP_host_map | GNTMAP_device_map)))
		return GNTST_bad_gntref;
	if (flags & GNTMAP_device_map)
		return GNTST_general_error;
	rd = granter(rd_id);
	if (!rd)
		return GNTST_bad_domain;
	h = gnt_alloc_handle(lg->mt, NR_HANDLES);
	if (h < 0)
		return GNTST_no_device_space;
	st = pin_entry(rd_id, ref, ld, write, &mfn);
	if (st != GNTST_okay)
		return st;
	if (!entry_ok(ld, maddr)) {
		st = GNTST_general_error;
		goto unpin;
	}
	/* install() */
	lg->installing = true;
	lg->inst_mfn = mfn;
	lg->inst_owner = rd_id;
	lg->inst_rw = write;
	rc = pt_update_entry(&dom[ld], maddr, gnt_pte(mfn, flags), 0, &old);
	lg->installing = false;
	if (rc) {
		st = GNTST_general_error;
		goto unpin;
	}
	lg->mt[h] = (struct maptrack){ .flags = flags, .ref = ref, .mfn = mfn,
				       .granter = rd_id };
	lg->where[h] = maddr;
	return GNTST_okay;
unpin:
	unpin_entry(rd_id, ref, write);
	return st;
}

/* unmap_one() with uninstall() */
static int unmap_one(unsigned int ld, unsigned int h, u64 maddr)
{
	struct maptrack *mt;
	bool writable;
	u64 cur;
	int rc;

	if (h >= NR_HANDLES || !g[ld].mt[h].flags)
		return GNTST_bad_handle;
	mt = &g[ld].mt[h];
	writable = !(mt->flags & GNTMAP_readonly);
	if (!entry_ok(ld, maddr))
		return GNTST_general_error;
	do {
		cur = mem[maddr >> 12][(maddr & 0xfff) >> 3];
		if (!(cur & PTE_P) || pte_frame(cur) != mt->mfn ||
		    !(cur & PTE_RW) != !writable)
			return GNTST_general_error;
		rc = pt_update_entry(&dom[ld], maddr, 0, PT_UPD_EXPECT_OLD,
				     &cur);
	} while (rc == -PT_EAGAIN);
	if (rc)
		return GNTST_general_error;
	if (alive(mt->granter) && g[mt->granter].has_table)
		unpin_entry(mt->granter, mt->ref, writable);
	mt->flags = 0;
	return GNTST_okay;
}

/* ---- GNTTABOP_copy: resolve(), reference(), release() ------------------- */

struct side {
	bool by_ref, write;
	unsigned int rd;	/* granter, 0 for a direct frame */
	u32 ref;
	unsigned long mfn;
	struct page_info *pg;
};

static int reference(struct side *s, domid_t owner)
{
	struct page_info *pg = &frames[s->mfn];
	int rc;

	if (!get_page(pg, owner))
		return GNTST_bad_page;
	if (s->write) {
		rc = get_page_type(pg, PGT_writable_page);
		if (rc < 0) {
			put_page(pg);
			return GNTST_general_error;
		}
		if (rc == 1)
			__atomic_fetch_or(&pg->type_info, PGT_validated,
					  __ATOMIC_RELEASE);
	}
	s->pg = pg;
	return GNTST_okay;
}

static int resolve(unsigned int d, struct side *s, unsigned int domid,
		   unsigned long frame)
{
	int st;

	s->pg = NULL;
	s->rd = 0;
	if (!s->by_ref) {
		if (domid != DOMID_SELF && domid != d)
			return GNTST_permission_denied;
		if (!granter_owns(frame, (void *)(uintptr_t)d))
			return GNTST_bad_page;
		s->mfn = frame;
		return reference(s, d);
	}
	if (!granter(domid == DOMID_SELF ? d : domid))
		return GNTST_bad_domain;
	s->rd = domid == DOMID_SELF ? d : domid;
	s->ref = frame;
	st = pin_entry(s->rd, s->ref, d, s->write, &s->mfn);
	if (st == GNTST_okay) {
		st = reference(s, s->rd);
		if (st != GNTST_okay)
			unpin_entry(s->rd, s->ref, s->write);
	}
	if (st != GNTST_okay)
		s->rd = 0;
	return st;
}

static void release(struct side *s)
{
	if (s->rd)
		unpin_entry(s->rd, s->ref, s->write);
	if (!s->pg)
		return;
	if (s->write)
		put_page_type(s->pg);
	if (put_page(s->pg) && m.alloc[s->mfn])
		fuzz_fail("copy dropped the last reference of allocated "
			  "frame %lu", s->mfn);
}

/* While the copy holds both sides: what it holds must show. */
static void check_copy_sides(const struct side *src, const struct side *dst)
{
	const struct page_info *pg = dst->pg;

	if (src->rd && !(g[src->rd].shared[src->ref].flags & GTF_reading) &&
	    !g[src->rd].scribbled[src->ref])
		fuzz_fail("copy source ref %u without GTF_reading", src->ref);
	if (dst->rd && (g[dst->rd].shared[dst->ref].flags & IN_USE) != IN_USE &&
	    !g[dst->rd].scribbled[dst->ref])
		fuzz_fail("copy destination ref %u without GTF_writing",
			  dst->ref);
	if ((pg->type_info & PGT_type_mask) != PGT_writable_page ||
	    !page_type_count(pg))
		fuzz_fail("copy into frame %lu without the writable type",
			  dst->mfn);
	if (!page_refcount(src->pg))
		fuzz_fail("copy from unreferenced frame %lu", src->mfn);
}

static int copy_one(struct input *in, unsigned int d)
{
	struct side src = { .by_ref = take8(in) & 1, .write = false };
	struct side dst = { .by_ref = take8(in) & 1, .write = true };
	unsigned int sdom = take8(in) % (NDOM + 2), ddom = take8(in) % (NDOM + 2);
	unsigned long sf = take8(in), df = take8(in);
	unsigned int len = take8(in) * 16, soff = take8(in) * 16,
		     doff = take8(in) * 16;
	int st;

	if (sdom > NDOM)
		sdom = DOMID_SELF;
	if (ddom > NDOM)
		ddom = DOMID_SELF;
	if (!src.by_ref && sf < 128)
		sf = dom_first(d) + sf % DOM_FRAMES;
	if (!dst.by_ref && df < 128)
		df = dom_first(d) + df % DOM_FRAMES;
	if (soff + len > 4096 || doff + len > 4096)
		return GNTST_bad_copy_arg;
	st = resolve(d, &src, sdom, sf);
	if (st != GNTST_okay)
		return st;
	st = resolve(d, &dst, ddom, df);
	if (st == GNTST_okay) {
		check_copy_sides(&src, &dst);
		memmove((char *)mem[dst.mfn] + doff,
			(char *)mem[src.mfn] + soff, len);
		release(&dst);
	}
	release(&src);
	return st;
}

/* ---- the granter's side ------------------------------------------------ */

static unsigned long take_gframe(struct input *in, unsigned int d)
{
	unsigned int b = take8(in);

	if (b < 200)
		return dom_first(d) + 1 + b % (DOM_FRAMES - 1);
	if (b < 250)
		return b % NFRAMES;
	return 0x10000 + b;
}

static unsigned int pins(unsigned int d, unsigned int ref)
{
	return g[d].active[ref].ro_pins + g[d].active[ref].rw_pins;
}

/* gnttab_domain_destroy(), then the domain's memory goes. */
static void destroy(unsigned int d)
{
	struct gdom *gd = &g[d];
	unsigned long f;

	for (unsigned int h = 0; h < NR_HANDLES; h++) {
		struct maptrack *mt = &gd->mt[h];

		if (!mt->flags)
			continue;
		if (mt->granter != d && alive(mt->granter) &&
		    g[mt->granter].has_table)
			unpin_entry(mt->granter, mt->ref,
				    !(mt->flags & GNTMAP_readonly));
		mt->flags = 0;
	}
	gd->has_table = false;
	for (f = dom_first(d); f < dom_first(d) + DOM_FRAMES; f++)
		if (m.pin[f] && frames[f].owner == d) {
			if (pt_unpin(&dom[d], f))
				fuzz_fail("destroy: unpin of %lu refused", f);
			m.pin[f] = 0;
		}
	for (f = 0; f < NFRAMES; f++)
		if (frames[f].owner == d && m.alloc[f]) {
			put_allocation(&frames[f]);
			m.alloc[f] = false;
		}
	gd->alive = false;
}

static void grant_check(void)
{
	unsigned int d, r, h, ro[NDOM + 1][NR_REFS], rw[NDOM + 1][NR_REFS];

	machine_check();
	memset(ro, 0, sizeof(ro));
	memset(rw, 0, sizeof(rw));
	for (d = 1; d <= NDOM; d++)
		for (h = 0; h < NR_HANDLES; h++) {
			const struct maptrack *mt = &g[d].mt[h];
			const struct active_grant *act;

			if (!mt->flags || !granter(mt->granter))
				continue;
			if (!alive(d))
				fuzz_fail("dead d%u holds handle %u", d, h);
			act = &g[mt->granter].active[mt->ref];
			if (act->domid != d || act->mfn != mt->mfn)
				fuzz_fail("d%u handle %u: ref %u of d%u is "
					  "pinned for d%u frame %u, handle "
					  "says frame %u", d, h, mt->ref,
					  mt->granter, act->domid, act->mfn,
					  mt->mfn);
			if (mt->flags & GNTMAP_readonly)
				ro[mt->granter][mt->ref]++;
			else
				rw[mt->granter][mt->ref]++;
		}
	for (d = 1; d <= NDOM; d++) {
		if (!granter(d))
			continue;
		for (r = 0; r < NR_REFS; r++) {
			const struct active_grant *act = &g[d].active[r];
			u16 flags = g[d].shared[r].flags;

			if (act->ro_pins != ro[d][r] || act->rw_pins != rw[d][r])
				fuzz_fail("d%u ref %u: pins ro %u rw %u, live "
					  "handles ro %u rw %u", d, r,
					  act->ro_pins, act->rw_pins,
					  ro[d][r], rw[d][r]);
			if (g[d].scribbled[r])
				continue;
			if (!(flags & GTF_reading) != !pins(d, r) ||
			    !(flags & GTF_writing) != !act->rw_pins)
				fuzz_fail("d%u ref %u: flags %#x with pins ro "
					  "%u rw %u", d, r, flags,
					  act->ro_pins, act->rw_pins);
		}
	}
}

static void do_op(struct input *in)
{
	unsigned int op = take8(in) % NR_GRANT_OPS, d = 1 + take8(in) % NDOM;
	unsigned int r = take8(in) % (NR_REFS + 1), b;
	struct grant_entry_v1 *e = r < NR_REFS ? &g[d].shared[r] : NULL;
	unsigned long f;
	u16 flags;
	int st = GNTST_general_error;	/* GNTST_okay: it happened */

	if (!alive(d))
		return;
	switch (op) {
	case OP_SET_ENTRY:
		if (!e || !g[d].has_table || pins(d, r))
			break;
		b = take8(in);
		e->flags = 0;
		e->domid = b < 200 ? 1 + b % NDOM : b < 250 ? d : take8(in);
		e->frame = take_gframe(in, d);
		e->flags = GTF_permit_access | (take8(in) & 1 ? GTF_readonly : 0);
		g[d].scribbled[r] = false;
		st = GNTST_okay;
		break;
	case OP_SCRIBBLE:
		if (!e)
			break;
		e->domid = take8(in) % (NDOM + 2);
		e->frame = take_gframe(in, d);
		e->flags = take8(in) | take8(in) << 8;
		g[d].scribbled[r] = true;
		st = GNTST_okay;
		break;
	case OP_END_ACCESS:
		if (!e)
			break;
		flags = e->flags;
		if (flags & IN_USE)
			break;
		if (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false,
						 __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			break;
		if (g[d].has_table && pins(d, r) && !g[d].scribbled[r])
			fuzz_fail("d%u ended ref %u while pinned", d, r);
		st = GNTST_okay;
		break;
	case OP_MAP:
		b = take8(in);
		st = map_one(d, 1 + b % NDOM, b & 0x80 ? take8(in) : r,
			take8(in) | (take8(in) << 16), take_maddr(in, d));
		break;
	case OP_UNMAP:			/* mostly a live handle */
		b = take8(in);
		if (b < 200) {
			unsigned int live[NR_HANDLES], n = 0;

			for (unsigned int h = 0; h < NR_HANDLES; h++)
				if (g[d].mt[h].flags)
					live[n++] = h;
			b = n ? live[b % n] : b % NR_HANDLES;
		} else {
			b %= NR_HANDLES + 1;
		}
		st = unmap_one(d, b, b < NR_HANDLES && take8(in) < 220 ?
				g[d].where[b] : take_maddr(in, d));
		break;
	case OP_COPY:
		st = copy_one(in, d);
		break;
	case OP_PT_WRITE:		/* e.g. clear a grant PTE, no unmap */
		f = dom_first(d) + MAP_TABLE;
		machine_snapshot();
		if (pt_mmu_update(&dom[d], (f << 12) | ((take8(in) % 32) << 3),
				  take_entry(in, d, f)))
			machine_assert_unchanged("mmu_update");
		else
			st = GNTST_okay;
		break;
	case OP_FREE_FRAME:
		f = take_gframe(in, d);
		if (f < NFRAMES && frames[f].owner == d &&
		    put_allocation_if_unused(&frames[f])) {
			m.alloc[f] = false;
			st = GNTST_okay;
		}
		break;
	case OP_ALLOC_FRAME:		/* any free frame, to domain d */
		f = take8(in) % (NDOM * DOM_FRAMES);
		if (page_refcount(&frames[f]))
			break;
		memset(mem[f], 0, sizeof(mem[f]));
		assign_page(&frames[f], d);
		m.alloc[f] = true;
		st = GNTST_okay;
		break;
	case OP_DESTROY:		/* rare: nothing happens after it */
		if (take8(in) < 240)
			break;
		destroy(d);
		st = GNTST_okay;
		break;
	}
	stat_op(op, st == GNTST_okay);
	grant_check();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	unsigned int n, d, r;
	unsigned long f;

	stats_register(op_names, NR_GRANT_OPS);
	machine_reset();
	machine_foreign = engine_foreign;
	m.foreign_ok = handle_maps;
	memset(g, 0, sizeof(g));
	for (d = 1; d <= NDOM; d++) {
		g[d].alive = g[d].has_table = true;
		if (pt_pin(&dom[d], dom_first(d) + MAP_TABLE, 1))
			fuzz_fail("setup: pin of d%u's L1 refused", d);
		m.pin[dom_first(d) + MAP_TABLE] = 1;
	}
	machine_check();
	for (n = 0; n < MAX_OPS && in.n; n++)
		do_op(&in);

	/* Every handle goes (unmap where it can, destroy the rest)... */
	for (d = 1; d <= NDOM; d++)
		for (unsigned int h = 0; alive(d) && h < NR_HANDLES; h++)
			if (g[d].mt[h].flags)
				unmap_one(d, h, g[d].where[h]);
	grant_check();
	for (d = 1; d <= NDOM; d++)
		for (unsigned int h = 0; alive(d) && h < NR_HANDLES; h++)
			if (g[d].mt[h].flags && alive(g[d].mt[h].granter) &&
			    g[g[d].mt[h].granter].has_table) {
				unpin_entry(g[d].mt[h].granter, g[d].mt[h].ref,
					    !(g[d].mt[h].flags & GNTMAP_readonly));
				g[d].mt[h].flags = 0;
			}
	/* ...then no entry is in use: every granter may end every grant. */
	for (d = 1; d <= NDOM; d++)
		for (r = 0; granter(d) && r < NR_REFS; r++)
			if (pins(d, r) || (!g[d].scribbled[r] &&
					   (g[d].shared[r].flags & IN_USE)))
				fuzz_fail("d%u ref %u still in use at the end",
					  d, r);
	for (d = 1; d <= NDOM; d++)
		if (alive(d))
			destroy(d);
	machine_check();
	for (f = 0; f < NFRAMES; f++)
		if (page_refcount(&frames[f]) != m.alloc[f] ||
		    page_type_count(&frames[f]) ||
		    (m.alloc[f] && frames[f].owner != DOMID_XEN))
			fuzz_fail("frame %lu: count %lu type count %lu at the "
				  "end", f, page_refcount(&frames[f]),
				  page_type_count(&frames[f]));
	return 0;
}
