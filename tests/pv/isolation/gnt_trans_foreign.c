// SPDX-License-Identifier: GPL-2.0
/*
 * Two attacks on what the transitive-grant and unmap_and_replace changes
 * opened, between two domUs (the foreign paths, which the one-domain
 * tests with grants to ourselves do not reach):
 *
 *   - a copy through a transitive entry into a page table.  d1 pins an
 *     empty L1 and grants it (writable) to d2; d2 re-grants that grant
 *     to d1 with a transitive entry; d1 copies a PTE mapping the L1
 *     writable through d2's entry.  The copy's frame is d1's own, reached
 *     through another domain's table: it must still take the writable
 *     type and fail (GNTST_general_error), the L1 stay empty and both
 *     levels be idle afterwards.  A copy from it (no type needed) and a
 *     copy into an ordinary page through a transitive entry work.
 *
 *   - unmap_and_replace moving another domain's grant mapping.  d2 maps
 *     d1's page A writable at win_a and page B read-only at win_b, and
 *     replaces A's mapping with what win_b holds: B's foreign, read-only
 *     entry moves (the foreign hook lets it in on B's live handle).  Then
 *     d2 tries to make a second entry of B (at win_b again), or the moved
 *     one writable, with update_va_mapping: both refused, entries never
 *     outnumber handles.  B is unmapped where it is now; d1 then finds
 *     none of its grants in use.
 *
 * xen: skip needs two domains, and Xen 4.17 here boots only dom0
 * domus: 2
 * veneer-log: grant copy into frame 0x[0-9a-f]+ refused: it is a page table or descriptor page
 */
#include "isolation.h"
#include "gnt.h"

const char test_name[] = "gnt_trans_foreign";

/* d1's v1 entries (to d2) and d2's v2 transitive entries (to d1). */
enum { CTL = 8, L1 = 9, PAGE_A = 10, PAGE_B = 11, PAGE_B_RO = 12 };
enum { T_L1 = 10, T_A = 11 };

enum { S1_GRANTED = 1, S1_DONE };
enum { S2_READY = 1 };

#define SLOT	5	/* the L1 entry the attack writes */

static union gnt_table gt __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status[2048]
	__attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t ctl[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t l1[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t page_a[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t page_b[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t src[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t win_a[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t win_b[512] __attribute__((aligned(PAGE_SIZE)));

static uint16_t in_use(unsigned int ref)
{
	return __atomic_load_n(&gt.v1[ref].flags, __ATOMIC_ACQUIRE) &
	       (GTF_reading | GTF_writing);
}

/* Does a write to @p fault?  1 if it does. */
static unsigned int write_faults(volatile uint64_t *p)
{
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(p), "d"(0x77UL));
	return probe_rec.count;
}

/* The L1 entry that maps @va now. */
static uint64_t pte_of(const volatile void *va)
{
	return table_of((const void *)va, 1)[((uint64_t)va >> 12) & 511];
}

/* --- d1 ---------------------------------------------------------------- */

static void d1_main(void)
{
	uint64_t l1mfn = virt_to_mfn(l1);
	uint64_t deadline;

	gnt_setup(&gt);
	make_page_readonly(l1);
	check_rc(pin_table(l1, 1), 0);
	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	gnt_grant_v1(&gt.v1[CTL], 2, GTF_permit_access, ctl);
	gnt_grant_v1(&gt.v1[L1], 2, GTF_permit_access, l1);
	gnt_grant_v1(&gt.v1[PAGE_A], 2, GTF_permit_access, page_a);
	gnt_grant_v1(&gt.v1[PAGE_B], 2, GTF_permit_access, page_b);
	gnt_grant_v1(&gt.v1[PAGE_B_RO], 2, GTF_permit_access | GTF_readonly,
		     page_b);
	__atomic_store_n(&ctl[0], S1_GRANTED, __ATOMIC_RELEASE);
	printk("d1: granted a pinned L1 (mfn 0x%lx) and two pages to d2\n",
	       (unsigned long)l1mfn);
	gnt_wait_eq(&ctl[1], S2_READY, "d2's transitive entries and moves");

	/* d2 moved and unmapped its mappings of A and B: all idle. */
	check_eq(in_use(PAGE_A), 0);
	check_eq(in_use(PAGE_B), 0);
	check_eq(in_use(PAGE_B_RO), 0);
	check_eq(page_b[0], 0xbbbb);

	/* A PTE mapping the L1 itself writable, copied into the L1 through
	 * d2's transitive entry: refused, nothing written, nothing held. */
	src[0] = (l1mfn << 12) | PTE_FLAGS_RW;
	check_eq(gnt_copy(GNT_OWN(src, 0), GNT_REF(2, T_L1, SLOT * 8), 8),
		 GNTST_general_error);
	for (unsigned int i = 0; i < 512; i++)
		check_eq(l1[i], 0);
	check_eq(in_use(L1), 0);
	/* Reading it needs no type. */
	src[1] = 0x1234;
	check_eq(gnt_copy(GNT_REF(2, T_L1, 0), GNT_OWN(src, 8), 8),
		 GNTST_okay);
	check_eq(src[1], 0);
	/* An ordinary page through a transitive entry: written. */
	src[2] = 0xa2a2;
	check_eq(gnt_copy(GNT_OWN(src, 16), GNT_REF(2, T_A, 16), 8),
		 GNTST_okay);
	check_eq(page_a[2], 0xa2a2);
	check_eq(in_use(L1), 0);
	check_eq(in_use(PAGE_A), 0);
	printk("d1: a copy into our pinned L1 through d2's transitive entry "
	       "refused; into an ordinary page done\n");
	/* Still a live, empty L1. */
	check_rc(unpin_table(l1), 0);
	__atomic_store_n(&ctl[0], S1_DONE, __ATOMIC_RELEASE);

	/* d2 unmaps the control page before we go. */
	deadline = pv_now() + 60000000000ULL;
	while (in_use(CTL)) {
		if (pv_now() > deadline)
			fail("d2 did not unmap the control page");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

/* --- d2 ---------------------------------------------------------------- */

static void d2_move(void)
{
	uint64_t own_a = virt_to_mfn((const void *)win_a);
	uint64_t own_b = virt_to_mfn((const void *)win_b);
	grant_handle_t ha, hb;
	uint64_t bpte;

	check_eq(gnt_map(1, PAGE_A, (uint64_t)win_a, GNTMAP_host_map, &ha),
		 GNTST_okay);
	check_eq(gnt_map(1, PAGE_B_RO, (uint64_t)win_b,
			 GNTMAP_host_map | GNTMAP_readonly, &hb), GNTST_okay);
	check_eq(win_a[0], 0xaaaa);
	check_eq(win_b[0], 0xbbbb);
	bpte = pte_of(win_b);

	/* B's foreign read-only entry moves into A's place. */
	check_eq(gnt_replace(ha, (uint64_t)win_a, (uint64_t)win_b),
		 GNTST_okay);
	check_eq(win_a[0], 0xbbbb);
	check_eq(pte_mfn(pte_of(win_a)), pte_mfn(bpte));
	check_eq(write_faults(win_a), 1);
	check_eq(write_faults(win_b), 1);

	/* One handle, one entry: no second entry of B, no writable one. */
	check_refused(hyp_update_va_mapping((unsigned long)win_b,
					    (bpte & PTE_MFN_MASK) |
					    PTE_FLAGS_RO, UVMF_INVLPG));
	check_refused(hyp_update_va_mapping((unsigned long)win_a,
					    (bpte & PTE_MFN_MASK) |
					    PTE_FLAGS_RW, UVMF_INVLPG));
	check_eq(win_a[0], 0xbbbb);
	check_eq(write_faults(win_a), 1);
	/* Nor by moving it onto itself. */
	check_eq(gnt_replace(hb, (uint64_t)win_a, (uint64_t)win_a),
		 GNTST_general_error);
	check_eq(win_a[0], 0xbbbb);

	/* Unmapped where it is now; A's handle went with the move. */
	check_eq(gnt_unmap((uint64_t)win_b, hb), GNTST_general_error);
	check_eq(gnt_unmap((uint64_t)win_a, hb), GNTST_okay);
	check_eq(write_faults(win_a), 1);
	check_eq(gnt_unmap((uint64_t)win_a, ha), GNTST_bad_handle);
	check_rc(remap((void *)win_a, own_a, PTE_FLAGS_RW), 0);
	check_rc(remap((void *)win_b, own_b, PTE_FLAGS_RW), 0);
	printk("d2: d1's read-only mapping moved by unmap_and_replace, no "
	       "second or writable entry of it, unmapped at its new place\n");
}

static void d2_main(void)
{
	uint64_t deadline = pv_now() + 60000000000ULL;
	grant_handle_t hc;
	uint32_t now;

	gnt_setup(&gt);
	check_rc(gnt_set_version(2, &now), 0);
	gnt_map_status(status);
	while (gnt_map(1, CTL, (uint64_t)ctl, GNTMAP_host_map, &hc) !=
	       GNTST_okay) {
		if (pv_now() > deadline)
			fail("could not map d1's control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	gnt_wait_eq(&ctl[0], S1_GRANTED, "d1's grants");
	gnt_grant_trans(&gt.v2[T_L1], 1, 0, 1, L1);
	gnt_grant_trans(&gt.v2[T_A], 1, 0, 1, PAGE_A);
	d2_move();
	__atomic_store_n(&ctl[1], S2_READY, __ATOMIC_RELEASE);
	gnt_wait_eq(&ctl[0], S1_DONE, "d1's copies");
	check_eq(status[T_L1], 0);
	check_eq(status[T_A], 0);
	check_eq(gnt_unmap((uint64_t)ctl, hc), GNTST_okay);
}

void test_main(void)
{
	iso_begin();
	if (iso_is_dom0())
		fail("needs two domUs");
	if (iso_role() == 1)
		d1_main();
	else
		d2_main();
	printk("gnt_trans_foreign: d%u done\n", iso_role());
}
