// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated machine of the host fuzz harnesses (see machine.h): the
 * frames, the page-type engine's hooks over them, and the invariant
 * checker that recounts everything from the tables' contents.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

struct page_info frames[NFRAMES];
u64 mem[NFRAMES][PT_ENTRIES] __attribute__((aligned(4096)));
struct pt_domain dom[NDOM + 1];
struct model m;
bool (*machine_preempt)(void);
bool (*machine_foreign)(const struct pt_domain *d, unsigned long mfn,
			u64 pte);
unsigned int nr_released;

static void __noreturn vfail(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "fuzz-host: %s: ", what);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	abort();
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail("INVARIANT BROKEN", fmt, ap);
}

/* The engine's ASSERT()s end here. */
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail("hypervisor panic", fmt, ap);
}

/* ---- the engine's memory hooks ----------------------------------------- */

static struct page_info *h_page(unsigned long mfn)
{
	return mfn < NFRAMES ? &frames[mfn] : NULL;
}

static u64 *h_map(unsigned long mfn)
{
	if (mfn >= NFRAMES)
		fuzz_fail("engine maps frame %#lx, which is not RAM", mfn);
	return mem[mfn];
}

static void h_unmap(u64 *p)
{
}

static bool h_xen_ro(unsigned long mfn)
{
	return mfn == M2P;
}

static bool h_foreign(const struct pt_domain *d, unsigned long mfn, u64 pte)
{
	return machine_foreign && machine_foreign(d, mfn, pte);
}

/* A descriptor page may not hold a present system descriptor (S = 0). */
static int h_validate_desc(struct pt_domain *d, unsigned long mfn)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		u64 e = mem[mfn][i];

		if ((e & (1UL << 47)) && !(e & (1UL << 44)))
			return -EINVAL;
	}
	return 0;
}

static void h_released(unsigned long mfn)
{
	const struct page_info *pg = &frames[mfn];

	if (page_refcount(pg) || (pg->count_info & PGC_allocated))
		fuzz_fail("frame %lu released with count %lu", mfn,
			  page_refcount(pg));
	nr_released++;
}

static void h_leave_writable(unsigned long mfn)
{
	const struct page_info *pg = &frames[mfn];

	/* Called once the frame holds its new type (its first reference,
	 * not validated yet): no writable mapping can come after it. */
	if (page_type_count(pg) != 1 ||
	    (pg->type_info & PGT_type_mask) == PGT_writable_page ||
	    (pg->type_info & PGT_validated))
		fuzz_fail("frame %lu: flush for leaving the writable type "
			  "before its new type is taken", mfn);
}

static bool h_preempt(void)
{
	return machine_preempt && machine_preempt();
}

static const struct pt_mem_ops ops = {
	.page = h_page, .map = h_map, .unmap = h_unmap, .xen_ro = h_xen_ro,
	.foreign = h_foreign, .validate_desc = h_validate_desc,
	.released = h_released, .leave_writable = h_leave_writable,
	.preempt = h_preempt,
};

void machine_reset(void)
{
	unsigned int f, d, i;

	memset(frames, 0, sizeof(frames));
	memset(mem, 0, sizeof(mem));
	memset(&m, 0, sizeof(m));
	for (f = 0; f < UNASSIGNED; f++) {
		assign_page(&frames[f], f < SHINFO ? f / DOM_FRAMES + 1 :
				       DOMID_XEN);
		m.alloc[f] = true;
	}
	frames[UNASSIGNED].owner = 1;	/* owner set, never allocated */
	for (d = 0; d <= NDOM; d++) {
		memset(&dom[d], 0, sizeof(dom[d]));
		dom[d].id = d;
		dom[d].mem = &ops;
		dom[d].shared_info_mfn = SHINFO;
		for (i = 0; i < PT_HV_NR_SLOTS; i++)
			dom[d].hv_l4e[i] = PTE_NX | mk_pte(XENPRIV, 3) | i;
		dom[d].hv_l4e[0] = mk_pte(M2P, PTE_P | PTE_US);
		m.base[d][0] = m.base[d][1] = -1;
	}
	machine_foreign = NULL;
	machine_preempt = NULL;
	nr_released = 0;
}

/* ---- the checker ---------------------------------------------------------- */

static bool is_hv_slot(unsigned int level, unsigned int i)
{
	return level == 4 && i >= PT_HV_FIRST_SLOT &&
	       i < PT_HV_FIRST_SLOT + PT_HV_NR_SLOTS;
}

static u8 level_of[NFRAMES];	/* the level each live table must have */
static u8 table_dom[NFRAMES];	/* and whose it is */

/* @f is reachable as a level-@level table of domain @d. */
static void mark(unsigned long f, unsigned int level, unsigned int d)
{
	if (f >= NFRAMES)
		fuzz_fail("d%u: a live L%u table at frame %#lx, not RAM", d,
			  level, f);
	if (level_of[f]) {
		if (level_of[f] != level)
			fuzz_fail("I1/I8: frame %lu live as L%u and L%u", f,
				  level_of[f], level);
		return;
	}
	if (frames[f].owner != d)
		fuzz_fail("I5: d%u's live L%u table %lu is owned by %u", d,
			  level, f, frames[f].owner);
	level_of[f] = level;
	table_dom[f] = d;
	if (level < 2)
		return;
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		u64 e = mem[f][i];

		if (is_hv_slot(level, i) || !(e & PTE_P) || pte_frame(e) == f)
			continue;
		mark(pte_frame(e), level - 1, d);
	}
}

/* May L1 entry @e of domain @d map frame @t?  I5, from the outside. */
static bool l1_target_ok(unsigned int d, unsigned long t, u64 e)
{
	domid_t owner = frames[t].owner;

	if (owner == d)
		return true;
	if (owner == DOMID_XEN)
		return t == SHINFO || (t == M2P && !(e & PTE_RW));
	return m.foreign_ok && m.foreign_ok(d, t, e);
}

static void check_entry(unsigned long f, unsigned int level, unsigned int i,
			u64 e, u64 *gc, u64 *tc, u8 *want_w)
{
	unsigned int d = table_dom[f];
	unsigned long t = pte_frame(e);

	if (is_hv_slot(level, i)) {
		if (e != dom[d].hv_l4e[i - PT_HV_FIRST_SLOT])
			fuzz_fail("I6: L4 %lu slot %u is %#lx", f, i,
				  (unsigned long)e);
		return;
	}
	if (!(e & PTE_P))
		return;
	if (!(e & PTE_US))
		fuzz_fail("I7: L%u %lu[%u] = %#lx without U/S", level, f, i,
			  (unsigned long)e);
	if (level == 1 && (e & PTE_GUEST_KERNEL) && (e & PTE_G))
		fuzz_fail("I7: L1 %lu[%u] = %#lx: global kernel mapping", f, i,
			  (unsigned long)e);
	if ((e & PTE_RSVD_HIGH) || (level > 1 && (e & PTE_PSE)))
		fuzz_fail("I9: L%u %lu[%u] = %#lx", level, f, i,
			  (unsigned long)e);
	if (level > 1 && t == f) {
		if (e & PTE_RW)
			fuzz_fail("I8: writable linear entry %lu[%u]", f, i);
		return;
	}
	if (t >= NFRAMES)
		fuzz_fail("I5: L%u %lu[%u] = %#lx maps no RAM", level, f, i,
			  (unsigned long)e);
	if (level == 1 && !l1_target_ok(d, t, e))
		fuzz_fail("I5: d%u L1 %lu[%u] = %#lx maps frame %lu of d%u", d,
			  f, i, (unsigned long)e, t, frames[t].owner);
	gc[t]++;
	if (level > 1) {
		tc[t]++;
	} else if (e & PTE_RW) {
		tc[t]++;
		want_w[t] = 1;
	}
}

void machine_check(void)
{
	static u64 gc[NFRAMES], tc[NFRAMES];
	static u8 want_w[NFRAMES];
	unsigned int d, s, i;
	unsigned long f;

	memset(level_of, 0, sizeof(level_of));
	memset(want_w, 0, sizeof(want_w));
	for (f = 0; f < NFRAMES; f++) {
		gc[f] = m.alloc[f] + m.held_w[f] + m.held_desc[f];
		tc[f] = m.held_w[f] + m.held_desc[f];
		if (m.held_w[f])
			want_w[f] = 1;
		if (m.pin[f]) {
			gc[f]++;
			tc[f]++;
			mark(f, m.pin[f], frames[f].owner);
		}
	}
	for (d = 1; d <= NDOM; d++)
		for (s = 0; s < 2; s++) {
			if (m.base[d][s] < 0)
				continue;
			gc[m.base[d][s]]++;
			tc[m.base[d][s]]++;
			mark(m.base[d][s], 4, d);
		}
	for (f = 0; f < NFRAMES; f++)
		for (i = 0; level_of[f] && i < PT_ENTRIES; i++)
			check_entry(f, level_of[f], i, mem[f][i], gc, tc, want_w);

	for (f = 0; f < NFRAMES; f++) {
		const struct page_info *pg = &frames[f];
		u64 ti = pg->type_info, type = ti & PGT_type_mask;

		if (page_refcount(pg) != gc[f] || page_type_count(pg) != tc[f])
			fuzz_fail("I3/I4: frame %lu: count %lu (recounted "
				  "%lu), type count %lu (recounted %lu)", f,
				  page_refcount(pg), (unsigned long)gc[f],
				  page_type_count(pg), (unsigned long)tc[f]);
		if (!!(pg->count_info & PGC_allocated) != m.alloc[f])
			fuzz_fail("frame %lu: allocated flag %d, expected %d",
				  f, !!(pg->count_info & PGC_allocated),
				  m.alloc[f]);
		if (!!(ti & PGT_pinned) != !!m.pin[f])
			fuzz_fail("frame %lu: pinned flag wrong", f);
		if (level_of[f]) {
			if (type != pt_level_type(level_of[f]) ||
			    !(ti & PGT_validated))
				fuzz_fail("I1/I2: frame %lu is a live L%u table "
					  "with type_info %#lx", f, level_of[f],
					  (unsigned long)ti);
			if (want_w[f] || m.held_desc[f])
				fuzz_fail("I1/I3: live L%u table %lu is also "
					  "writable or a descriptor page",
					  level_of[f], f);
			if (pt_check_table(&dom[table_dom[f]], f))
				fuzz_fail("pt_check_table(%lu): %s", f,
					  dom[table_dom[f]].why);
			continue;
		}
		if (want_w[f] && m.held_desc[f])
			fuzz_fail("I1: frame %lu writable and a descriptor page",
				  f);
		if (want_w[f] && type != PGT_writable_page)
			fuzz_fail("I3: frame %lu writable with type %#lx", f,
				  (unsigned long)type);
		if (m.held_desc[f] && type != PGT_seg_desc_page)
			fuzz_fail("frame %lu: descriptor page with type %#lx",
				  f, (unsigned long)type);
		if (!tc[f] && type >= PGT_l1_page_table &&
		    type <= PGT_l4_page_table && (ti & PGT_validated))
			fuzz_fail("I2: unused table %lu still validated", f);
		if (pt_table_level(&dom[1], f))
			fuzz_fail("engine calls frame %lu a live table; nothing "
				  "reaches it", f);
	}
}

static struct {
	u64 count[NFRAMES], type[NFRAMES];
	u64 mem[NFRAMES][PT_ENTRIES];
} snap;

/* What a refused validation may leave changed: U/S and the kernel tag. */
static u64 norm(u64 e)
{
	return (e & PTE_P) ? e & ~(PTE_US | PTE_GUEST_KERNEL | PTE_G) : e;
}

void machine_snapshot(void)
{
	for (unsigned int f = 0; f < NFRAMES; f++) {
		snap.count[f] = frames[f].count_info;
		snap.type[f] = page_type_count(&frames[f]) ?
			       frames[f].type_info : 0;
	}
	memcpy(snap.mem, mem, sizeof(mem));
}

void machine_assert_unchanged(const char *what)
{
	for (unsigned int f = 0; f < NFRAMES; f++) {
		u64 type = page_type_count(&frames[f]) ? frames[f].type_info : 0;

		if (snap.count[f] != frames[f].count_info || snap.type[f] != type)
			fuzz_fail("refused %s changed frame %u's counts", what,
				  f);
		for (unsigned int i = 0; i < PT_ENTRIES; i++)
			if (norm(snap.mem[f][i]) != norm(mem[f][i]))
				fuzz_fail("refused %s changed %u[%u]", what, f,
					  i);
	}
}

/* ---- statistics -------------------------------------------------------- */

static const char *const *stat_names;
static unsigned int nr_stat_ops;
static unsigned long stat_ok[MAX_STAT_OPS], stat_refused[MAX_STAT_OPS];

static void stats_print(void)
{
	for (unsigned int i = 0; i < nr_stat_ops; i++)
		fprintf(stderr, "fuzz-host: %-18s ok %8lu  refused %8lu\n",
			stat_names[i], stat_ok[i], stat_refused[i]);
}

void stats_register(const char *const *names, unsigned int n)
{
	if (stat_names || !getenv("FUZZ_HOST_STATS"))
		return;
	stat_names = names;
	nr_stat_ops = n < MAX_STAT_OPS ? n : MAX_STAT_OPS;
	atexit(stats_print);
}

void stat_op(unsigned int op, bool ok)
{
	if (op < nr_stat_ops)
		(ok ? stat_ok : stat_refused)[op]++;
}

/* ---- input -------------------------------------------------------------- */

unsigned int take8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

u64 take64(struct input *in)
{
	u64 v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (u64)take8(in) << (8 * i);
	return v;
}

static const unsigned int interesting_idx[] = {
	0, 1, 2, 255, 256, 257, 270, 271, 272, 511,
};

unsigned int take_index(struct input *in)
{
	unsigned int b = take8(in);

	if (b < 160)
		return interesting_idx[b % ARRAY_SIZE(interesting_idx)];
	return ((b << 8) | take8(in)) & (PT_ENTRIES - 1);
}

u64 take_entry(struct input *in, unsigned int d, unsigned long table)
{
	unsigned int kind = take8(in), sel, hi;
	unsigned long t;
	u64 e;

	if ((kind & 7) == 0)
		return 0;
	if ((kind & 7) == 1)
		return take64(in);
	sel = take8(in);
	if (sel < 150)
		t = dom_first(d) + sel % DOM_FRAMES;
	else if (sel < 180)
		t = table;
	else if (sel < 220)
		t = sel % NFRAMES;
	else
		switch (sel & 7) {
		case 0: t = SHINFO; break;
		case 1: t = M2P; break;
		case 2: t = XENPRIV; break;
		case 3: t = UNASSIGNED; break;
		case 4: t = NFRAMES + (sel >> 3 & 3); break;
		case 5: t = 0xffffffffUL; break;
		default: t = sel % (NDOM * DOM_FRAMES); break;
		}
	e = mk_pte(t, take8(in));
	if (kind & 0x08)
		e |= PTE_P;
	if (kind & 0x10)
		e |= PTE_US;
	if (kind & 0x20) {
		hi = take8(in);
		if (hi & 1)
			e |= PTE_G;
		if (hi & 2)
			e |= PTE_GUEST_KERNEL;
		if (hi & 4)
			e |= PTE_NX;
		if (hi & 8)
			e |= 1UL << (59 + (hi >> 4 & 3));
		e |= (u64)(hi >> 6) << 9;	/* available bits */
	}
	return e;
}
