// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the PV page-type engine (hypervisor/mm/pagetype.c):
 * validation of L1..L4 tables, the isolation rules of every entry, pins,
 * base pointers, mmu_update semantics, and a randomized test that checks
 * the engine's incremental reference counts against counts recomputed
 * from scratch after every operation.
 *
 * The "machine" is a small array of frames: domain 1 owns frames
 * 0..DOM_FRAMES-1, domain 2 owns a few more, and the hypervisor owns the
 * shared_info frame, two M2P frames and one private frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/pagetype.h>

#define DOM		1
#define OTHER		2
#define DOM_FRAMES	24
#define OTHER_FIRST	24		/* 24..27: domain 2 */
#define SHINFO		28		/* hypervisor-owned shared_info */
#define M2P0		29		/* hypervisor-owned M2P frames */
#define M2P1		30
#define XENPRIV		31		/* hypervisor private frame */
#define UNASSIGNED	32		/* never allocated */
#define NFRAMES		34		/* frames >= NFRAMES are not RAM */

static struct page_info frames[NFRAMES];
static u64 mem[NFRAMES][PT_ENTRIES] __attribute__((aligned(4096)));
static bool allow_foreign;
static unsigned int nr_released, nr_flushes;

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fail_msg("panic: %s", buf);
	abort();
}

static struct page_info *t_page(unsigned long mfn)
{
	return mfn < NFRAMES ? &frames[mfn] : NULL;
}

static u64 *t_map(unsigned long mfn)
{
	return mem[mfn];
}

static void t_unmap(u64 *p)
{
}

static bool t_xen_ro(unsigned long mfn)
{
	return mfn == M2P0 || mfn == M2P1;
}

/* What the foreign hook was last asked, for the grant-mapping tests. */
static struct {
	unsigned int calls;
	unsigned long mfn;
	bool rw, auditing;
} asked;
/* When set, the hook allows only this frame, and RW only if allow_rw. */
static unsigned long only_mfn;
static bool allow_rw;

static bool t_foreign(const struct pt_domain *d, unsigned long mfn, u64 pte)
{
	asked.calls++;
	asked.mfn = mfn;
	asked.rw = pte & PTE_RW;
	asked.auditing = d->auditing;
	if (only_mfn)
		return mfn == only_mfn && (allow_rw || !(pte & PTE_RW));
	return allow_foreign;
}

static void t_released(unsigned long mfn)
{
	nr_released++;
}

/* When set: what another CPU does while the flush runs (see below). */
static void (*flush_hook)(unsigned long mfn);

static void t_leave_writable(unsigned long mfn)
{
	nr_flushes++;
	if (flush_hook)
		flush_hook(mfn);
}

/*
 * Preemption for the restartable walks: when use_jobs is set, the
 * engine is asked to stop at every preempt_every-th check (a check comes
 * every few entries).  Tests without a job never see it asked.
 */
static bool use_jobs;
static unsigned int preempt_calls, preempt_every = 3;

/* When set, it alone decides (a test that stops a walk at one place). */
static bool (*preempt_hook)(void);

/* The flush after page tables were released: what could be taken then. */
static unsigned int nr_table_flushes;
static bool probe_during_flush;
static int busy_during_flush;

static bool t_preempt(void)
{
	if (preempt_hook)
		return preempt_hook();
	return use_jobs && ++preempt_calls % preempt_every == 0;
}

static void t_tables_released(void)
{
	nr_table_flushes++;
	/* The released L1 (13) takes no type before this flush is done. */
	if (probe_during_flush) {
		busy_during_flush = get_page_type(&frames[13],
						  PGT_writable_page);
		if (busy_during_flush >= 0)
			put_page_type(&frames[13]);
	}
}

static const struct pt_mem_ops ops = {
	.page = t_page, .map = t_map, .unmap = t_unmap, .xen_ro = t_xen_ro,
	.foreign = t_foreign, .released = t_released,
	.leave_writable = t_leave_writable,
	.preempt = t_preempt,
	.tables_released = t_tables_released,
};

static struct pt_domain d;

static u64 pte(unsigned long mfn, u64 flags)
{
	return ((u64)mfn << 12) | flags;
}

#define RW	(PTE_P | PTE_RW)
#define RO	(PTE_P)
#define L4_TYPE	PGT_l4_page_table

static unsigned long pte_mfn_of(u64 e)
{
	return (e & PTE_MFN_MASK) >> 12;
}

static u64 maddr(unsigned long mfn, unsigned int idx)
{
	return ((u64)mfn << 12) | (idx << 3);
}

static int setup(void **state)
{
	unsigned int i;

	memset(frames, 0, sizeof(frames));
	memset(mem, 0, sizeof(mem));
	for (i = 0; i < UNASSIGNED; i++) {
		domid_t o = i < OTHER_FIRST ? DOM : i < SHINFO ? OTHER :
			    DOMID_XEN;
		assign_page(&frames[i], o);
	}
	frames[UNASSIGNED].owner = DOM;		/* owner set, never allocated */
	memset(&d, 0, sizeof(d));
	d.id = DOM;
	d.mem = &ops;
	d.shared_info_mfn = SHINFO;
	for (i = 0; i < PT_HV_NR_SLOTS; i++)
		d.hv_l4e[i] = 0x8000000000000000UL | pte(XENPRIV, 3) | i;
	d.hv_l4e[0] = pte(M2P0, PTE_P | PTE_US);
	allow_foreign = false;
	only_mfn = 0;
	allow_rw = false;
	memset(&asked, 0, sizeof(asked));
	nr_released = 0;
	nr_flushes = 0;
	flush_hook = NULL;
	return 0;
}

static unsigned long refs(unsigned long mfn)
{
	return page_refcount(&frames[mfn]);
}

static unsigned long tcount(unsigned long mfn)
{
	return page_type_count(&frames[mfn]);
}

static u64 ptype(unsigned long mfn)
{
	return frames[mfn].type_info & PGT_type_mask;
}

static bool validated(unsigned long mfn)
{
	return frames[mfn].type_info & PGT_validated;
}

/* Every frame back at "allocated, unused": one reference, no type use. */
static void assert_baseline(void)
{
	unsigned int i;

	for (i = 0; i < UNASSIGNED; i++) {
		assert_int_equal(refs(i), 1);
		assert_int_equal(tcount(i), 0);
		assert_false(frames[i].type_info & PGT_pinned);
	}
}

/* ---- L1 validation --------------------------------------------------- */

static void pin_l1_takes_refs_on_mapped_frames(void **state)
{
	mem[1][0] = pte(2, RW);
	mem[1][1] = pte(3, RO);
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(ptype(1), PGT_l1_page_table);
	assert_true(validated(1));
	assert_int_equal(tcount(1), 1);
	assert_int_equal(refs(1), 2);
	assert_int_equal(ptype(2), PGT_writable_page);
	assert_int_equal(tcount(2), 1);
	assert_int_equal(refs(2), 2);
	assert_int_equal(tcount(3), 0);
	assert_int_equal(refs(3), 2);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

static void user_bit_forced_and_supervisor_recorded(void **state)
{
	mem[1][0] = pte(2, RW | PTE_G);			/* kernel, global */
	mem[1][1] = pte(3, RO | PTE_US);		/* user */
	mem[1][2] = pte(4, 0x5a0);			/* not present */
	mem[5][0] = pte(1, RW);				/* L2 -> L1 */
	assert_int_equal(pt_pin(&d, 5, 2), 0);
	assert_int_equal(mem[1][0], pte(2, RW | PTE_US | PTE_GUEST_KERNEL));
	assert_int_equal(mem[1][1], pte(3, RO | PTE_US));
	assert_int_equal(mem[1][2], pte(4, 0x5a0));
	assert_int_equal(mem[5][0], pte(1, RW | PTE_US));
	/* Validation is idempotent: pin again after unpin, same entries. */
	assert_int_equal(pt_unpin(&d, 5), 0);
	assert_int_equal(pt_pin(&d, 5, 2), 0);
	assert_int_equal(mem[1][0], pte(2, RW | PTE_US | PTE_GUEST_KERNEL));
	assert_int_equal(pt_unpin(&d, 5), 0);
	assert_baseline();
}

static void pinning_l1_that_maps_itself_writable_is_refused(void **state)
{
	mem[1][0] = pte(2, RW);
	mem[1][7] = pte(1, RW);
	assert_int_equal(pt_pin(&d, 1, 1), -EBUSY);
	assert_false(validated(1));
	assert_int_equal(mem[1][0], pte(2, RW));	/* nothing adjusted */
	assert_baseline();
	mem[1][7] = pte(1, RO);				/* read-only is fine */
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(refs(1), 3);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

static void type_change_refused_while_type_count_nonzero(void **state)
{
	mem[1][0] = pte(2, RW);
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	/* frame 2 is mapped writable: it cannot become a table */
	assert_int_equal(pt_pin(&d, 2, 1), -EINVAL);
	assert_int_equal(ptype(2), PGT_writable_page);
	/* remove the writable mapping: now it can */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), 0), 0);
	assert_int_equal(tcount(2), 0);
	assert_int_equal(nr_flushes, 0);
	assert_int_equal(pt_pin(&d, 2, 1), 0);
	assert_int_equal(ptype(2), PGT_l1_page_table);
	assert_int_equal(nr_flushes, 1);	/* stale writable TLB entries */
	/* and now it cannot be mapped writable */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(2, RW)), -EBUSY);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(2, RO)), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), 0), 0);
	assert_int_equal(pt_unpin(&d, 2), 0);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

static void mmu_update_rejects_writable_mapping_of_pinned_l1(void **state)
{
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_pin(&d, 2, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 3), pte(2, RW)), -EBUSY);
	assert_non_null(d.why);
	assert_int_equal(mem[1][3], 0);
	assert_int_equal(refs(2), 2);
	/* Not even its own entry may map it writable. */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 3), pte(1, RW)), -EBUSY);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_int_equal(pt_unpin(&d, 2), 0);
	assert_baseline();
}

static void descriptor_page_cannot_be_mapped_writable(void **state)
{
	assert_int_equal(pt_get_page_and_type(&d, 6, PGT_seg_desc_page), 0);
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(6, RW)), -EBUSY);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(6, RO)), 0);
	/* and a plain store into the descriptor page is refused too */
	assert_int_equal(pt_mmu_update(&d, maddr(6, 0), 1), -EINVAL);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), 0), 0);
	assert_int_equal(pt_unpin(&d, 1), 0);
	pt_put_page_and_type(&d, 6);
	assert_baseline();
}

/* ---- ownership -------------------------------------------------------- */

static void guest_cannot_map_foreign_or_hypervisor_frame(void **state)
{
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(OTHER_FIRST, RO)),
			 -EBUSY);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(XENPRIV, RO)),
			 -EBUSY);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(UNASSIGNED, RO)),
			 -EBUSY);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(NFRAMES + 5, RO)),
			 -EINVAL);
	assert_int_equal(mem[1][0], 0);
	/* An entry in a table the domain does not own is refused. */
	assert_int_equal(pt_mmu_update(&d, maddr(OTHER_FIRST, 0), pte(2, RO)),
			 -EINVAL);
	/* Pinning another domain's frame is refused. */
	assert_int_equal(pt_pin(&d, OTHER_FIRST, 1), -EINVAL);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

static void foreign_hook_allows_grant_mappings(void **state)
{
	allow_foreign = true;
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(OTHER_FIRST, RW)),
			 0);
	assert_int_equal(refs(OTHER_FIRST), 2);
	assert_int_equal(ptype(OTHER_FIRST), PGT_writable_page);
	/* ... but never of hypervisor frames */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 1), pte(XENPRIV, RO)),
			 -EBUSY);
	/* and page-table entries always point at the domain's own frames */
	mem[5][0] = pte(OTHER_FIRST + 1, RO);
	assert_int_equal(pt_pin(&d, 5, 2), -EINVAL);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

/*
 * A grant mapping as common/grant_table.c makes it: the hook allows one
 * frame, read-only; the entry holds exactly one general reference, which
 * goes when the entry is cleared however that happens; a writable entry
 * or an entry for any other foreign frame is refused with -EBUSY.
 */
static void foreign_entry_holds_exact_refs(void **state)
{
	only_mfn = OTHER_FIRST;
	allow_rw = false;
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(OTHER_FIRST, RW)),
			 -EBUSY);
	assert_true(asked.rw);
	assert_false(asked.auditing);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(OTHER_FIRST, RO)),
			 0);
	assert_int_equal(asked.mfn, OTHER_FIRST);
	assert_int_equal(refs(OTHER_FIRST), 2);
	assert_int_equal(tcount(OTHER_FIRST), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 1), pte(OTHER_FIRST + 1,
							    RO)), -EBUSY);
	/* The audit asks the hook with d->auditing set. */
	asked.calls = 0;
	assert_int_equal(pt_check_table(&d, 1), 0);
	assert_int_equal(asked.calls, 1);
	assert_true(asked.auditing);
	assert_false(d.auditing);
	/* Replaced by an entry of our own: the reference goes. */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(2, RO)), 0);
	assert_int_equal(refs(OTHER_FIRST), 1);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), 0), 0);
	/* Writable when allowed: a writable type reference too, and
	 * devalidating the table gives both back. */
	allow_rw = true;
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(OTHER_FIRST, RW)),
			 0);
	assert_int_equal(refs(OTHER_FIRST), 2);
	assert_int_equal(tcount(OTHER_FIRST), 1);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_int_equal(refs(OTHER_FIRST), 1);
	assert_int_equal(tcount(OTHER_FIRST), 0);
	/* and re-pinning the table is refused once the hook says no */
	only_mfn = OTHER_FIRST + 1;
	assert_int_equal(pt_pin(&d, 1, 1), -EBUSY);
	only_mfn = 0;
	allow_rw = false;
	mem[1][0] = 0;
	assert_baseline();
}

/* ---- foreign mappings by a privileged domain (mmu_update FOREIGNDOM) -- */

/* Domain OTHER's own view, to pin its tables. */
static struct pt_domain od;

static void other_domain_init(void)
{
	memset(&od, 0, sizeof(od));
	od.id = OTHER;
	od.mem = &ops;
	od.shared_info_mfn = XENPRIV;
}

/*
 * The entry holds one general reference on the foreign frame and, if
 * writable, its writable type, like any L1 entry; the grant hook is
 * never asked; clearing the entry gives both back.
 */
static void foreign_update_maps_named_domains_frame(void **state)
{
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST, RW), 0,
						 OTHER), 0);
	assert_int_equal(pte_mfn_of(mem[1][0]), OTHER_FIRST);
	assert_int_equal(refs(OTHER_FIRST), 2);
	assert_int_equal(tcount(OTHER_FIRST), 1);
	assert_int_equal(ptype(OTHER_FIRST), PGT_writable_page);
	assert_int_equal(asked.calls, 0);
	/* Read-only: a general reference only. */
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 1),
						 pte(OTHER_FIRST + 1, RO), 0,
						 OTHER), 0);
	assert_int_equal(refs(OTHER_FIRST + 1), 2);
	assert_int_equal(tcount(OTHER_FIRST + 1), 0);
	/* The domain's own frames stay mappable in the same call. */
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 2),
						 pte(2, RW), 0, OTHER), 0);
	/* Without the foreign domain named, the same entry is refused. */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 3), pte(OTHER_FIRST, RO)),
			 -EBUSY);
	/* The audit accepts the entries only from a foreign mapper. */
	assert_int_equal(pt_check_table(&d, 1), -EINVAL);
	d.foreign_mapper = true;
	assert_int_equal(pt_check_table(&d, 1), 0);
	/* Replaced, then cleared with the whole table: all given back. */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(3, RO)), 0);
	assert_int_equal(refs(OTHER_FIRST), 1);
	assert_int_equal(tcount(OTHER_FIRST), 0);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_int_equal(refs(OTHER_FIRST + 1), 1);
	assert_int_equal(nr_released, 0);
	assert_baseline();
}

/*
 * Only the named domain's frames: not a third domain's, not the
 * hypervisor's, not a hypervisor page of the named domain's (PGC_heap,
 * its grant table); the caller's own id or a special one is no foreign
 * domain.  Each refusal leaves the entry as it was.
 */
static void foreign_update_refuses_frames_not_of_named_domain(void **state)
{
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	mem[1][0] = 0;
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST, RO), 0,
						 OTHER + 1), -EBUSY);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(XENPRIV, RO), 0, OTHER),
			 -EBUSY);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(M2P1, RW), 0, OTHER),
			 -EINVAL);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(NFRAMES + 1, RO), 0,
						 OTHER), -EINVAL);
	frames[OTHER_FIRST + 3].count_info |= PGC_heap;
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST + 3, RW), 0,
						 OTHER), -EBUSY);
	frames[OTHER_FIRST + 3].count_info &= ~PGC_heap;
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST, RO), 0, DOM),
			 -EINVAL);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST, RO), 0,
						 DOMID_XEN), -EINVAL);
	/* The table must be the caller's own. */
	assert_int_equal(pt_update_entry_foreign(&d, NULL,
						 maddr(OTHER_FIRST, 0),
						 pte(OTHER_FIRST + 1, RO), 0,
						 OTHER), -EINVAL);
	assert_int_equal(mem[1][0], 0);
	assert_int_equal(mem[OTHER_FIRST][0], 0);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

/*
 * The type rule holds across domains: a page table of the foreign
 * domain maps read-only only, and a frame mapped writable from outside
 * cannot become a page table of its owner until that mapping goes.
 */
static void foreign_page_table_never_mapped_writable(void **state)
{
	other_domain_init();
	assert_int_equal(pt_pin(&od, OTHER_FIRST + 1, 1), 0);
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST + 1, RW), 0,
						 OTHER), -EBUSY);
	assert_int_equal(mem[1][0], 0);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST + 1, RO), 0,
						 OTHER), 0);
	assert_int_equal(refs(OTHER_FIRST + 1), 3);	/* alloc, pin, entry */
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 1),
						 pte(OTHER_FIRST + 2, RW), 0,
						 OTHER), 0);
	assert_true(pt_pin(&od, OTHER_FIRST + 2, 1) != 0);
	assert_int_equal(tcount(OTHER_FIRST + 2), 1);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_int_equal(pt_pin(&od, OTHER_FIRST + 2, 1), 0);
	assert_int_equal(pt_unpin(&od, OTHER_FIRST + 2), 0);
	assert_int_equal(pt_unpin(&od, OTHER_FIRST + 1), 0);
	assert_baseline();
}

/*
 * FOREIGNDOM covers the one L1 entry written: an L2 entry written with
 * it validates its child L1 as usual, so a foreign frame in that child
 * is refused, and so is pinning a table that holds a copy of a foreign
 * entry.
 */
static void foreign_domain_covers_only_the_entry_written(void **state)
{
	assert_int_equal(pt_pin(&d, 5, 2), 0);
	mem[3][0] = pte(OTHER_FIRST, RO);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(5, 0),
						 pte(3, RW), 0, OTHER),
			 -EINVAL);
	assert_int_equal(mem[5][0], 0);
	assert_int_equal(pt_pin(&d, 3, 1), -EBUSY);
	mem[3][0] = 0;
	assert_int_equal(pt_unpin(&d, 5), 0);
	assert_baseline();
}

/*
 * The owner lets the frame go (destroy, balloon) while the entry maps
 * it: it is held, nobody can take a new reference on it, the audit
 * still accepts the entry, and it is released at the entry's end, after
 * its writable type went.
 */
static void foreign_frame_released_at_last_unmap(void **state)
{
	struct page_info *pg = &frames[OTHER_FIRST];

	d.foreign_mapper = true;
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST, RW), 0,
						 OTHER), 0);
	assert_false(put_allocation(pg));
	assert_int_equal(refs(OTHER_FIRST), 1);
	assert_false(get_page(pg, OTHER));
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 1),
						 pte(OTHER_FIRST, RO), 0,
						 OTHER), -EBUSY);
	assert_int_equal(pt_check_table(&d, 1), 0);
	assert_int_equal(nr_released, 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), 0), 0);
	assert_int_equal(nr_released, 1);
	assert_int_equal(refs(OTHER_FIRST), 0);
	assert_int_equal(tcount(OTHER_FIRST), 0);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assign_page(pg, OTHER);		/* back for the baseline */
	assert_baseline();
}

/*
 * The flush for a frame leaving the writable type races a foreign
 * mapper: dom0 (domain DOM here) maps the frame writable and drops the
 * entry under its own page-table lock while its owner (OTHER) pins it
 * as a table under its own.  Whatever dom0 does while the flush runs,
 * no writable mapping may be made once the flush has started: it would
 * leave a stale writable TLB entry into the new table, unflushed.  So
 * the flush comes when the frame already has its new type.
 */
static int map_during_flush = 1;

static void foreign_mapper_during_flush(unsigned long mfn)
{
	map_during_flush = pt_update_entry_foreign(&d, NULL, maddr(1, 5),
						   pte(mfn, RW), 0, OTHER);
	if (map_during_flush == 0)	/* a translation cached, then gone */
		assert_int_equal(pt_mmu_update(&d, maddr(1, 5), 0), 0);
}

static void foreign_writable_mapping_cannot_slip_past_flush(void **state)
{
	other_domain_init();
	d.foreign_mapper = true;
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	/* dom0 maps the frame writable, uses it, drops the entry. */
	assert_int_equal(pt_update_entry_foreign(&d, NULL, maddr(1, 0),
						 pte(OTHER_FIRST + 2, RW), 0,
						 OTHER), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), 0), 0);
	assert_int_equal(ptype(OTHER_FIRST + 2), PGT_writable_page);
	assert_int_equal(tcount(OTHER_FIRST + 2), 0);
	/* Its owner pins it as an L1 table; dom0 tries again meanwhile. */
	flush_hook = foreign_mapper_during_flush;
	assert_int_equal(pt_pin(&od, OTHER_FIRST + 2, 1), 0);
	flush_hook = NULL;
	assert_int_equal(nr_flushes, 1);
	assert_int_equal(map_during_flush, -EBUSY);
	assert_int_equal(mem[1][5], 0);
	assert_int_equal(ptype(OTHER_FIRST + 2), PGT_l1_page_table);
	assert_int_equal(pt_unpin(&od, OTHER_FIRST + 2), 0);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

static void shared_info_mappable(void **state)
{
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(SHINFO, RW)), 0);
	assert_int_equal(refs(SHINFO), 2);
	/* another domain's shared_info is not ours */
	d.shared_info_mfn = XENPRIV;
	assert_int_equal(pt_mmu_update(&d, maddr(1, 1), pte(SHINFO, RW)),
			 -EBUSY);
	d.shared_info_mfn = SHINFO;
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

static void m2p_mappable_readonly_only(void **state)
{
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(M2P0, RO)), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 1), pte(M2P1, RW)),
			 -EINVAL);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(M2P0, RW)),
			 -EINVAL);
	assert_int_equal(mem[1][0], pte(M2P0, RO | PTE_US | PTE_GUEST_KERNEL));
	assert_int_equal(refs(M2P0), 2);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

/* ---- the tree -------------------------------------------------------- */

/* L4 10 -> L3 11 -> L2 12 -> L1 13 -> data 14 (RW), 15 (RO). */
static void build_tree(void)
{
	mem[10][0] = pte(11, RW);
	mem[11][0] = pte(12, RW);
	mem[12][0] = pte(13, RW);
	mem[13][0] = pte(14, RW);
	mem[13][1] = pte(15, RO);
}

static void pin_l4_validates_tree_recursively(void **state)
{
	build_tree();
	assert_int_equal(pt_pin(&d, 10, 4), 0);
	assert_int_equal(ptype(10), PGT_l4_page_table);
	assert_int_equal(ptype(11), PGT_l3_page_table);
	assert_int_equal(ptype(12), PGT_l2_page_table);
	assert_int_equal(ptype(13), PGT_l1_page_table);
	assert_int_equal(ptype(14), PGT_writable_page);
	assert_true(validated(11) && validated(12) && validated(13));
	assert_int_equal(tcount(11), 1);
	assert_int_equal(tcount(13), 1);
	assert_int_equal(refs(15), 2);
	assert_int_equal(pt_table_level(&d, 12), 2);
	assert_int_equal(pt_check_table(&d, 10), 0);
}

static void unpin_releases_recursive_refs(void **state)
{
	pin_l4_validates_tree_recursively(state);
	assert_int_equal(pt_unpin(&d, 10), 0);
	assert_false(validated(11) || validated(12) || validated(13));
	assert_int_equal(pt_table_level(&d, 11), 0);
	assert_baseline();
	assert_int_equal(nr_released, 0);
}

/* A released table may still be cached by a CPU: no type until a flush. */
static void released_tables_take_no_type_before_a_flush(void **state)
{
	pin_l4_validates_tree_recursively(state);
	nr_table_flushes = 0;
	busy_during_flush = 0;
	probe_during_flush = true;
	assert_int_equal(pt_unpin(&d, 10), 0);
	probe_during_flush = false;
	assert_int_equal(nr_table_flushes, 1);	/* one for the whole tree */
	assert_int_equal(busy_during_flush, -EBUSY);
	/* after it, the frames are plain memory again */
	assert_int_equal(get_page_type(&frames[13], PGT_writable_page), 1);
	put_page_type(&frames[13]);
	assert_baseline();
}

static void pin_l4_forces_hypervisor_slots(void **state)
{
	unsigned int i;

	build_tree();
	mem[10][256] = pte(14, RW);		/* guest junk in reserved slots */
	mem[10][270] = pte(OTHER_FIRST, RW);
	mem[10][300] = pte(16, RW);		/* an ordinary kernel slot */
	mem[16][0] = 0;
	assert_int_equal(pt_pin(&d, 10, 4), 0);
	for (i = 0; i < PT_HV_NR_SLOTS; i++)
		assert_int_equal(mem[10][PT_HV_FIRST_SLOT + i], d.hv_l4e[i]);
	assert_int_equal(mem[10][300], pte(16, RW | PTE_US));
	assert_int_equal(ptype(16), PGT_l3_page_table);
	/* no references were taken for the junk */
	assert_int_equal(tcount(14), 1);
	assert_int_equal(refs(OTHER_FIRST), 1);
	/* and the guest cannot write there */
	assert_int_equal(pt_mmu_update(&d, maddr(10, 256), 0), -EINVAL);
	assert_int_equal(pt_mmu_update(&d, maddr(10, 271), pte(17, RW)),
			 -EINVAL);
	assert_int_equal(pt_mmu_update(&d, maddr(10, 272), pte(17, RW)), 0);
	assert_int_equal(ptype(17), PGT_l3_page_table);
	assert_int_equal(pt_unpin(&d, 10), 0);
	assert_baseline();
}

static void shared_tables_counted_per_reference(void **state)
{
	build_tree();
	mem[12][5] = pte(13, RW);			/* L1 13 twice */
	mem[11][7] = pte(12, RO);			/* L2 12 twice */
	assert_int_equal(pt_pin(&d, 10, 4), 0);
	assert_int_equal(tcount(12), 2);
	assert_int_equal(tcount(13), 2);
	assert_int_equal(tcount(14), 1);		/* counted once */
	assert_int_equal(pt_mmu_update(&d, maddr(12, 5), 0), 0);
	assert_int_equal(tcount(13), 1);
	assert_true(validated(13));
	/* an explicitly pinned L1 that the tree also uses */
	assert_int_equal(pt_pin(&d, 13, 1), 0);
	assert_int_equal(tcount(13), 2);
	assert_int_equal(pt_unpin(&d, 10), 0);
	assert_int_equal(tcount(13), 1);
	assert_true(validated(13));
	assert_int_equal(tcount(14), 1);
	assert_int_equal(pt_unpin(&d, 13), 0);
	assert_baseline();
}

static void failed_deep_validation_leaves_no_refs(void **state)
{
	build_tree();
	mem[10][1] = pte(18, RW);
	mem[18][0] = pte(19, RW);
	mem[19][0] = pte(20, RW);
	mem[20][3] = pte(XENPRIV, RO);			/* the bad one */
	assert_int_equal(pt_pin(&d, 10, 4), -EINVAL);
	assert_baseline();
	assert_false(validated(11) || validated(19) || validated(20));
	mem[20][3] = 0;
	assert_int_equal(pt_pin(&d, 10, 4), 0);
	assert_int_equal(pt_unpin(&d, 10), 0);
	assert_baseline();
}

static void validating_parent_types_unpinned_child(void **state)
{
	/* Linux: RO flip of a new L2, then mmu_update of the L3 entry. */
	build_tree();
	assert_int_equal(pt_pin(&d, 10, 4), 0);
	mem[21][0] = pte(13, RW);
	assert_int_equal(pt_mmu_update(&d, maddr(11, 1), pte(21, RW)), 0);
	assert_int_equal(ptype(21), PGT_l2_page_table);
	assert_int_equal(tcount(13), 2);
	/* replacing an entry drops the old child's references */
	assert_int_equal(pt_mmu_update(&d, maddr(11, 1), pte(12, RW)), 0);
	assert_int_equal(tcount(21), 0);
	assert_false(validated(21));
	assert_int_equal(tcount(12), 2);
	assert_int_equal(tcount(13), 1);
	assert_int_equal(pt_unpin(&d, 10), 0);
	assert_baseline();
}

static void wrong_level_child_refused(void **state)
{
	build_tree();
	mem[10][0] = pte(12, RW);			/* L4 -> an L2-shaped page */
	assert_int_equal(pt_pin(&d, 12, 2), 0);
	assert_int_equal(pt_pin(&d, 10, 4), -EINVAL);
	assert_int_equal(pt_unpin(&d, 12), 0);
	assert_baseline();
}

static void superpage_entry_refused(void **state)
{
	mem[5][0] = pte(6, RW | PTE_PSE);
	assert_int_equal(pt_pin(&d, 5, 2), -EINVAL);
	mem[5][0] = 0;
	assert_int_equal(pt_pin(&d, 5, 2), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(5, 0), pte(6, RW | PTE_PSE)),
			 -EINVAL);
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(6, RW | (1UL << 60))),
			 -EINVAL);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_int_equal(pt_unpin(&d, 5), 0);
	assert_baseline();
}

static void linear_pagetable_entry_must_be_readonly(void **state)
{
	build_tree();
	mem[10][5] = pte(10, RW);
	assert_int_equal(pt_pin(&d, 10, 4), -EINVAL);
	assert_baseline();
	mem[10][5] = pte(10, RO);
	assert_int_equal(pt_pin(&d, 10, 4), 0);
	assert_int_equal(tcount(10), 1);		/* no ref on itself */
	assert_int_equal(pt_mmu_update(&d, maddr(10, 6), pte(10, RW)), -EINVAL);
	assert_int_equal(pt_mmu_update(&d, maddr(10, 6), pte(10, RO)), 0);
	/* a linear entry to another L4 is refused */
	assert_int_equal(pt_pin(&d, 22, 4), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(10, 7), pte(22, RO)), -EINVAL);
	/* at L2 too */
	assert_int_equal(pt_mmu_update(&d, maddr(12, 9), pte(12, RW)), -EINVAL);
	assert_int_equal(pt_mmu_update(&d, maddr(12, 9), pte(12, RO)), 0);
	assert_int_equal(pt_unpin(&d, 22), 0);
	assert_int_equal(pt_unpin(&d, 10), 0);
	assert_baseline();
}

static void pin_rules(void **state)
{
	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_pin(&d, 1, 1), -EINVAL);		/* twice */
	assert_int_equal(pt_pin(&d, 1, 2), -EINVAL);
	assert_int_equal(pt_pin(&d, 2, 0), -EINVAL);
	assert_int_equal(pt_pin(&d, 2, 5), -EINVAL);
	assert_int_equal(pt_pin(&d, NFRAMES + 1, 1), -EINVAL);
	assert_int_equal(pt_unpin(&d, 2), -EINVAL);		/* not pinned */
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_int_equal(pt_unpin(&d, 1), -EINVAL);
	assert_baseline();
}

static void base_pointer_keeps_table_live_after_unpin(void **state)
{
	build_tree();
	assert_int_equal(pt_pin(&d, 10, 4), 0);
	assert_int_equal(pt_get_page_and_type(&d, 10, L4_TYPE), 0); /* CR3 */
	assert_int_equal(pt_unpin(&d, 10), 0);
	assert_int_equal(pt_table_level(&d, 10), 4);
	assert_int_equal(ptype(13), PGT_l1_page_table);
	pt_put_page_and_type(&d, 10);
	assert_baseline();
	/* NEW_BASEPTR of an unpinned L4 validates it on the spot */
	assert_int_equal(pt_get_page_and_type(&d, 10, L4_TYPE), 0);
	assert_int_equal(pt_table_level(&d, 13), 1);
	pt_put_page_and_type(&d, 10);
	assert_baseline();
}

/* ---- mmu_update details ------------------------------------------------ */

static void mmu_update_on_plain_frame_is_plain_store(void **state)
{
	/* an unpinned mm during fork: no validation, value stored as is */
	assert_int_equal(pt_mmu_update(&d, maddr(7, 3), pte(XENPRIV, RW)), 0);
	assert_int_equal(mem[7][3], pte(XENPRIV, RW));
	assert_baseline();
	/* ... and it is validated when pinned */
	assert_int_equal(pt_pin(&d, 7, 1), -EBUSY);
	assert_int_equal(pt_mmu_update(&d, maddr(7, 3), 0), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(7, 3) | 4, 0), -ENOSYS);
	assert_int_equal(pt_mmu_update(&d, maddr(7, 3) | 1, 0), -ENOSYS);
	assert_baseline();
}

static void mmu_update_preserve_ad_keeps_accessed_dirty(void **state)
{
	u64 old;

	assert_int_equal(pt_pin(&d, 1, 1), 0);
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(2, RW | PTE_US)),
			 0);
	mem[1][0] |= PTE_A | PTE_D;			/* the "hardware" */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0) | 2, pte(2, RO | PTE_US)),
			 0);
	assert_int_equal(mem[1][0], pte(2, RO | PTE_US | PTE_A | PTE_D));
	assert_int_equal(tcount(2), 0);			/* RW -> RO */
	assert_int_equal(pt_mmu_update(&d, maddr(1, 0), pte(2, RO | PTE_US)),
			 0);
	assert_int_equal(mem[1][0], pte(2, RO | PTE_US));
	/* compare-and-exchange against a stale value writes nothing */
	old = pte(2, RO);
	assert_int_equal(pt_update_entry(&d, maddr(1, 0), 0, PT_UPD_EXPECT_OLD,
					 &old), -PT_EAGAIN);
	assert_int_equal(old, pte(2, RO | PTE_US));
	assert_int_equal(refs(2), 2);
	assert_int_equal(pt_update_entry(&d, maddr(1, 0), 0, PT_UPD_EXPECT_OLD,
					 &old), 0);
	assert_int_equal(mem[1][0], 0);
	assert_int_equal(pt_unpin(&d, 1), 0);
	assert_baseline();
}

static void find_l1e_walks_current_tables(void **state)
{
	u64 va = 0x1000, ma = 0;

	build_tree();
	assert_int_equal(pt_get_page_and_type(&d, 10, L4_TYPE), 0);
	assert_int_equal(pt_find_l1e(&d, 10, va, &ma), 0);
	assert_int_equal(ma, maddr(13, 1));
	assert_int_equal(pt_find_l1e(&d, 10, 0x40000000, &ma), -EINVAL);
	assert_int_equal(pt_find_l1e(&d, 10, 0xffff800000000000UL, &ma),
			 -EINVAL);
	assert_int_equal(pt_find_l1e(&d, 10, 0x0000800000000000UL, &ma),
			 -EINVAL);
	assert_int_equal(pt_find_l1e(&d, 11, va, &ma), -EINVAL); /* not L4 */
	pt_put_page_and_type(&d, 10);
	assert_baseline();
}

/* ---- the randomized model test ---------------------------------------- */

/*
 * The reference model recomputes every count from scratch: starting from
 * the pinned tables and the base pointer, walk the validated tables and
 * count what each present entry must hold.  Then the engine's
 * incremental counts must be exactly these, every validated table must
 * pass pt_check_table(), and a refused operation must have changed
 * nothing (but the U/S adjustments of sub-tables it validated and undid).
 */
#define RAND_FRAMES	DOM_FRAMES

struct model {
	unsigned int pin[NFRAMES];	/* pinned level, 0 = not pinned */
	int cr3;			/* frame held as base pointer, or -1 */
};

static struct model m;
static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

static const unsigned int rand_idx[] = { 0, 1, 2, 3, 256, 263, 300, 511 };

static u64 rand_entry(void)
{
	unsigned int r = rnd_below(100);
	unsigned long mfn;
	u64 f = 0;

	if (r < 15)
		return 0;
	if (r < 18)
		return pte(rnd_below(RAND_FRAMES), 0x40);	/* not present */
	mfn = rnd_below(100) < 92 ? rnd_below(RAND_FRAMES) : rnd_below(NFRAMES + 2);
	f = PTE_P;
	if (rnd_below(2))
		f |= PTE_RW;
	if (rnd_below(2))
		f |= PTE_US;
	if (rnd_below(4) == 0)
		f |= PTE_A | PTE_D;
	if (rnd_below(40) == 0)
		f |= PTE_PSE;
	if (rnd_below(60) == 0)
		f |= 1UL << 61;
	return pte(mfn, f);
}

/* A value that is often valid for a live table of level @level. */
static u64 likely_entry(unsigned int level)
{
	unsigned int tries;

	for (tries = 0; tries < 8; tries++) {
		unsigned long t = rnd_below(RAND_FRAMES);
		u64 ti = frames[t].type_info;

		if (level == 1) {
			if (rnd_below(2))
				return pte(t, RO);
			if (!(ti & PGT_count_mask) ||
			    (ti & PGT_type_mask) == PGT_writable_page)
				return pte(t, RW | PTE_A);
		} else if (!(ti & PGT_count_mask) ||
			   (ti & PGT_type_mask) == pt_level_type(level - 1)) {
			return pte(t, RW | PTE_US);
		}
	}
	return 0;
}

static int expected_level[NFRAMES];

static void model_mark(unsigned long f, int level)
{
	unsigned int i;

	if (expected_level[f]) {
		assert_int_equal(expected_level[f], level);
		return;
	}
	expected_level[f] = level;
	if (level < 2)
		return;
	for (i = 0; i < PT_ENTRIES; i++) {
		u64 e = mem[f][i];

		if ((level == 4 && i >= 256 && i < 272) || !(e & PTE_P))
			continue;
		if ((e >> 12) == f)
			continue;			/* linear */
		model_mark(e >> 12 & 0xffffffffffUL, level - 1);
	}
}

static void model_check(void)
{
	unsigned long gc[NFRAMES], tc[NFRAMES];
	unsigned int f, i;

	memset(expected_level, 0, sizeof(expected_level));
	for (f = 0; f < NFRAMES; f++) {
		gc[f] = f < UNASSIGNED ? 1 : 0;
		tc[f] = 0;
		if (m.pin[f]) {
			gc[f]++;
			tc[f]++;
			model_mark(f, m.pin[f]);
		}
	}
	if (m.cr3 >= 0) {
		gc[m.cr3]++;
		tc[m.cr3]++;
		model_mark(m.cr3, 4);
	}
	for (f = 0; f < NFRAMES; f++) {
		int level = expected_level[f];

		if (!level)
			continue;
		for (i = 0; i < PT_ENTRIES; i++) {
			u64 e = mem[f][i];
			unsigned long t = (e & PTE_MFN_MASK) >> 12;

			if ((level == 4 && i >= 256 && i < 272) ||
			    !(e & PTE_P))
				continue;
			assert_true(t < NFRAMES);
			if (level >= 2 && t == f)
				continue;
			gc[t]++;
			if (level >= 2 || (e & PTE_RW))
				tc[t]++;
		}
	}
	for (f = 0; f < NFRAMES; f++) {
		u64 ti = frames[f].type_info;

		if (refs(f) != gc[f] || tcount(f) != tc[f])
			fail_msg("frame %u: refs %lu (model %lu), type count "
				 "%lu (model %lu)", f, refs(f), gc[f],
				 tcount(f), tc[f]);
		assert_int_equal(!!(ti & PGT_pinned), !!m.pin[f]);
		if (expected_level[f]) {
			assert_int_equal(ptype(f),
					 pt_level_type(expected_level[f]));
			assert_true(ti & PGT_validated);
			assert_int_equal(pt_check_table(&d, f), 0);
		} else if (tc[f]) {
			assert_int_equal(ptype(f), PGT_writable_page);
		}
		if (!tc[f] && ptype(f) >= PGT_l1_page_table &&
		    ptype(f) <= PGT_l4_page_table)
			assert_false(ti & PGT_validated);
	}
}

struct snapshot {
	u64 count[NFRAMES], type[NFRAMES];
	u64 mem[NFRAMES][PT_ENTRIES];
};

static struct snapshot snap;

static u64 norm(u64 e)
{
	return (e & PTE_P) ? e & ~(PTE_US | PTE_GUEST_KERNEL | PTE_G) : e;
}

static void take_snapshot(void)
{
	unsigned int f;

	for (f = 0; f < NFRAMES; f++) {
		snap.count[f] = frames[f].count_info;
		snap.type[f] = tcount(f) ? frames[f].type_info : 0;
	}
	memcpy(snap.mem, mem, sizeof(mem));
}

static void assert_unchanged(void)
{
	unsigned int f, i;

	for (f = 0; f < NFRAMES; f++) {
		assert_int_equal(snap.count[f], frames[f].count_info);
		assert_int_equal(snap.type[f],
				 tcount(f) ? frames[f].type_info : 0);
		for (i = 0; i < PT_ENTRIES; i++)
			assert_int_equal(norm(snap.mem[f][i]), norm(mem[f][i]));
	}
}

struct op_stats {
	unsigned int ok[5], refused[5];
	unsigned int restarts, abandoned;
};

/*
 * The operations of the model test, through a job when use_jobs is set:
 * each is called again while it says -PT_ERESTART, as a hypercall
 * continuation would, and a release it leaves is finished before the
 * next operation, as the hypercall layer does.  Now and then a stopped
 * get is abandoned instead (the guest calls something else): the
 * operation then counts as refused and must have left nothing behind.
 */
static struct pt_job job;
static struct op_stats *cur_st;

static int drained(int rc)
{
	while (pt_job_finish_put(&d, &job) == -PT_ERESTART)
		cur_st->restarts++;
	assert_false(pt_job_pending(&job));
	return rc;
}

static bool abandon_now(void)
{
	if (rnd_below(6))
		return false;
	while (pt_job_settle(&d, &job) == -PT_ERESTART)
		cur_st->restarts++;
	assert_false(pt_job_pending(&job));
	cur_st->abandoned++;
	return true;
}

static int op_pin(unsigned long f, unsigned int level)
{
	int rc;

	if (!use_jobs)
		return pt_pin(&d, f, level);
	while ((rc = pt_pin_job(&d, &job, f, level)) == -PT_ERESTART) {
		cur_st->restarts++;
		if (abandon_now())
			return -EINVAL;
	}
	return drained(rc);
}

static int op_unpin(unsigned long f)
{
	int rc;

	if (!use_jobs)
		return pt_unpin(&d, f);
	while ((rc = pt_unpin_job(&d, &job, f)) == -PT_ERESTART)
		cur_st->restarts++;
	return drained(rc);
}

static int op_get_l4(unsigned long f)
{
	int rc;

	if (!use_jobs)
		return pt_get_page_and_type(&d, f, L4_TYPE);
	while ((rc = pt_get_type_job(&d, &job, f, L4_TYPE)) == -PT_ERESTART) {
		cur_st->restarts++;
		if (abandon_now())
			return -EINVAL;
	}
	return drained(rc);
}

static void op_put(unsigned long f)
{
	if (!use_jobs) {
		pt_put_page_and_type(&d, f);
		return;
	}
	while (pt_put_type_job(&d, &job, f) == -PT_ERESTART)
		cur_st->restarts++;
	drained(0);
}

static int op_mmu_update(u64 ptr, u64 val)
{
	int rc;

	if (!use_jobs)
		return pt_mmu_update(&d, ptr, val);
	while ((rc = pt_update_entry_job(&d, &job, ptr & ~7UL, val,
					 (ptr & 7) == 2 ? PT_UPD_PRESERVE_AD : 0,
					 NULL)) == -PT_ERESTART) {
		cur_st->restarts++;
		if (abandon_now())
			return -EINVAL;
	}
	return drained(rc);
}

static void random_ops(u64 seed, unsigned int nr_ops, struct op_stats *st)
{
	unsigned int n;

	setup(NULL);
	memset(&m, 0, sizeof(m));
	m.cr3 = -1;
	rng_state = seed;
	memset(&job, 0, sizeof(job));
	job.preemptible = true;
	cur_st = st;
	for (n = 0; n < nr_ops; n++) {
		unsigned int kind = rnd_below(100);
		unsigned long f = rnd_below(RAND_FRAMES);
		int rc;

		take_snapshot();
		if (kind < 15) {
			unsigned int level = 1 + rnd_below(4);

			kind = 0;
			rc = op_pin(f, level);
			if (!rc)
				m.pin[f] = level;
		} else if (kind < 27) {
			kind = 1;
			rc = op_unpin(f);
			if (!rc)
				m.pin[f] = 0;
		} else if (kind < 32) {
			kind = 2;
			if (rnd_below(5) == 0) {
				rc = 0;
				if (m.cr3 >= 0)
					op_put(m.cr3);
				m.cr3 = -1;
			} else {
				rc = op_get_l4(f);
				if (!rc) {
					if (m.cr3 >= 0)
						op_put(m.cr3);
					m.cr3 = f;
				}
			}
		} else {
			unsigned int idx = rand_idx[rnd_below(ARRAY_SIZE(rand_idx))];
			u64 cmd = rnd_below(4) == 0 ? 2 : 0;

			int level = pt_table_level(&d, f);
			u64 val = level && rnd_below(2) ? likely_entry(level)
							: rand_entry();

			kind = level ? 4 : 3;
			rc = op_mmu_update(maddr(f, idx) | cmd, val);
		}
		if (rc) {
			/* -EBUSY: an L1 entry's frame could not be referenced */
			assert_true(rc == -EINVAL || rc == -EBUSY);
			assert_unchanged();
			st->refused[kind]++;
		} else {
			st->ok[kind]++;
		}
		model_check();
	}
	/* Tear everything down: back to the baseline. */
	for (n = 0; n < NFRAMES; n++)
		if (m.pin[n])
			assert_int_equal(op_unpin(n), 0);
	if (m.cr3 >= 0)
		op_put(m.cr3);
	memset(&m, 0, sizeof(m));
	m.cr3 = -1;
	model_check();
	assert_baseline();
	assert_int_equal(nr_released, 0);
}

#define RANDOM_SEEDS	8
#define RANDOM_OPS	5000

static void random_operations_match_reference_model(void **state)
{
	struct op_stats st;

	memset(&st, 0, sizeof(st));
	unsigned int s;

	for (s = 0; s < RANDOM_SEEDS; s++)
		random_ops(0x9e3779b97f4a7c15UL * (s + 1), RANDOM_OPS, &st);
	print_message("model test: %u ops; ok/refused: pin %u/%u unpin %u/%u "
		      "baseptr %u/%u plain store %u/%u live update %u/%u\n",
		      RANDOM_SEEDS * RANDOM_OPS,
		      st.ok[0], st.refused[0], st.ok[1], st.refused[1],
		      st.ok[2], st.refused[2], st.ok[3], st.refused[3],
		      st.ok[4], st.refused[4]);
	/* The generator must exercise both outcomes of every operation. */
	for (s = 0; s < 5; s++) {
		assert_true(st.ok[s] > 50);
		assert_true(st.refused[s] > 50 || s == 2 || s == 3);
	}
}

/*
 * The same with every walk cut into slices and called again, and some
 * stopped gets abandoned: the model must not be able to tell.
 */
static void restartable_walks_match_reference_model(void **state)
{
	struct op_stats st;
	unsigned int s;

	memset(&st, 0, sizeof(st));
	use_jobs = true;
	for (s = 0; s < RANDOM_SEEDS; s++) {
		preempt_every = 1 + s % 4;
		random_ops(0x7f4a7c159e3779b9UL * (s + 1), RANDOM_OPS, &st);
	}
	use_jobs = false;
	print_message("restartable model test: %u ops; ok/refused: pin %u/%u "
		      "unpin %u/%u baseptr %u/%u live update %u/%u; %u "
		      "restarts, %u gets abandoned\n", RANDOM_SEEDS * RANDOM_OPS,
		      st.ok[0], st.refused[0], st.ok[1], st.refused[1],
		      st.ok[2], st.refused[2], st.ok[4], st.refused[4],
		      st.restarts, st.abandoned);
	assert_true(st.restarts > 1000);
	assert_true(st.abandoned > 50);
	for (s = 0; s < 5; s++)
		assert_true(st.ok[s] > 50);
}

/*
 * Attacker review of the restartable walks: an mmu_update whose target
 * table is released, inside the same call, by the abandon of the vCPU's
 * stopped get (the table was held only by a half-validated parent) is
 * refused ("page table released meanwhile") after its new child was
 * validated; the child's release is then started on the job without
 * job_reset(), so the job stays a "get" (put = false, failed = false)
 * with the child at its root.  If that release stops (preemption), the
 * next get of the same child "continues" it: the release finishes and
 * the get returns 0 -- a type reference the caller believes it holds
 * but that does not exist (the child is neither validated nor typed).
 * An mmu_update would then install the child in a live L2 while the
 * guest can map it writable.
 */
static struct pt_job stale_job;
static int stale_phase;

static bool stale_preempt(void)
{
	const struct pt_job *j = &stale_job;

	switch (stale_phase) {
	case 0:	/* the pin of P: stop once it is inside Q's L1 (frame 13) */
		return j->depth == 3 && j->f[2].mfn == 13 && j->f[2].idx > 5;
	case 1:	/* the mmu_update: stop only in the new child's release */
		return j->depth >= 1 && j->f[0].mfn == 14 && !j->f[0].get;
	default:
		return false;
	}
}

static void released_table_leaves_no_stale_job(void **state)
{
	enum { P = 10, T = 11, Q = 12, Q_L1 = 13, C = 14, X = 15 };
	int rc;

	mem[P][0] = pte(T, RW);		/* T: an L2, validated by the pin */
	mem[P][1] = pte(Q, RW);		/* Q: an L2 whose L1 stops the pin */
	mem[Q][0] = pte(Q_L1, RW);
	mem[Q_L1][0] = pte(3, RO);
	memset(&stale_job, 0, sizeof(stale_job));
	stale_job.preemptible = true;
	preempt_hook = stale_preempt;
	stale_phase = 0;
	assert_int_equal(pt_pin_job(&d, &stale_job, P, 3), -PT_ERESTART);
	assert_true(validated(T));
	assert_int_equal(tcount(T), 1);		/* held by P's entry 0 only */
	/* The guest does not re-enter: an mmu_update into T instead. */
	stale_phase = 1;
	rc = pt_update_entry_job(&d, &stale_job, maddr(T, 5), pte(C, RW), 0,
				 NULL);
	assert_int_equal(rc, -EINVAL);		/* released meanwhile */
	stale_phase = 2;
	/* What the job still holds is the child's release (as the
	 * hypercall layer sees it: release_pending() looks at ->put). */
	print_message("job after the refusal: depth %u put %d failed %d\n",
		      stale_job.depth, stale_job.put, stale_job.failed);
	/* A new L2 entry to C must hold a real L1 type reference on it. */
	mem[X][0] = 0;
	assert_int_equal(pt_get_page_and_type(&d, X, PGT_l2_page_table), 0);
	rc = pt_update_entry_job(&d, &stale_job, maddr(X, 0), pte(C, RW), 0,
				 NULL);
	preempt_hook = NULL;
	assert_int_equal(rc, 0);
	assert_int_equal(ptype(C), PGT_l1_page_table);
	assert_true(validated(C));
	assert_int_equal(tcount(C), 1);
	assert_int_equal(pt_check_table(&d, X), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(pin_l1_takes_refs_on_mapped_frames, setup),
		cmocka_unit_test(restartable_walks_match_reference_model),
		cmocka_unit_test_setup(user_bit_forced_and_supervisor_recorded, setup),
		cmocka_unit_test_setup(pinning_l1_that_maps_itself_writable_is_refused, setup),
		cmocka_unit_test_setup(type_change_refused_while_type_count_nonzero, setup),
		cmocka_unit_test_setup(mmu_update_rejects_writable_mapping_of_pinned_l1, setup),
		cmocka_unit_test_setup(descriptor_page_cannot_be_mapped_writable, setup),
		cmocka_unit_test_setup(guest_cannot_map_foreign_or_hypervisor_frame, setup),
		cmocka_unit_test_setup(foreign_hook_allows_grant_mappings, setup),
		cmocka_unit_test_setup(foreign_entry_holds_exact_refs, setup),
		cmocka_unit_test_setup(foreign_update_maps_named_domains_frame, setup),
		cmocka_unit_test_setup(foreign_update_refuses_frames_not_of_named_domain, setup),
		cmocka_unit_test_setup(foreign_page_table_never_mapped_writable, setup),
		cmocka_unit_test_setup(foreign_domain_covers_only_the_entry_written, setup),
		cmocka_unit_test_setup(foreign_frame_released_at_last_unmap, setup),
		cmocka_unit_test_setup(foreign_writable_mapping_cannot_slip_past_flush, setup),
		cmocka_unit_test_setup(shared_info_mappable, setup),
		cmocka_unit_test_setup(m2p_mappable_readonly_only, setup),
		cmocka_unit_test_setup(pin_l4_validates_tree_recursively, setup),
		cmocka_unit_test_setup(unpin_releases_recursive_refs, setup),
		cmocka_unit_test_setup(released_tables_take_no_type_before_a_flush, setup),
		cmocka_unit_test_setup(pin_l4_forces_hypervisor_slots, setup),
		cmocka_unit_test_setup(shared_tables_counted_per_reference, setup),
		cmocka_unit_test_setup(failed_deep_validation_leaves_no_refs, setup),
		cmocka_unit_test_setup(validating_parent_types_unpinned_child, setup),
		cmocka_unit_test_setup(wrong_level_child_refused, setup),
		cmocka_unit_test_setup(superpage_entry_refused, setup),
		cmocka_unit_test_setup(linear_pagetable_entry_must_be_readonly, setup),
		cmocka_unit_test_setup(pin_rules, setup),
		cmocka_unit_test_setup(base_pointer_keeps_table_live_after_unpin, setup),
		cmocka_unit_test_setup(mmu_update_on_plain_frame_is_plain_store, setup),
		cmocka_unit_test_setup(mmu_update_preserve_ad_keeps_accessed_dirty, setup),
		cmocka_unit_test_setup(find_l1e_walks_current_tables, setup),
		cmocka_unit_test(random_operations_match_reference_model),
		cmocka_unit_test_setup(released_table_leaves_no_stale_job, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
