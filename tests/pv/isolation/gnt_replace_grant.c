// SPDX-License-Identifier: GPL-2.0
/*
 * GNTTABOP_unmap_and_replace when the entry at new_addr is itself a
 * grant mapping, with grants we give ourselves.  Xen 4.17
 * (replace_grant_pv_mapping) moves whatever new_addr's L1 entry holds
 * into the place of the mapping being unmapped and clears new_addr, a
 * grant mapping included: the moved mapping keeps its handle and its
 * pin, and is unmapped by its new address.  A mapping made by its
 * entry's machine address (GNTMAP_contains_pte) has no replacement:
 * GNTST_general_error, nothing changed.
 *
 *   - map A at win_a, B at win_b; replace(A at win_a, new win_b): win_a
 *     shows B's page (writes reach it), win_b faults, A is no longer in
 *     use, B still is; B unmapped at win_b fails (nothing there), at
 *     win_a works; A's handle is gone;
 *   - the same with B read-only: the moved mapping stays read-only;
 *   - A mapped with GNTMAP_contains_pte: replace with a new address
 *     fails, the mapping and win_b are as they were; replace with no new
 *     address unmaps it.
 */
#include "isolation.h"
#include "gnt.h"

const char test_name[] = "gnt_replace_grant";

enum { REF_A = 8, REF_B = 9, REF_B_RO = 10 };

static union gnt_table gt __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data_a[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data_b[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t win_a[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t win_b[512] __attribute__((aligned(PAGE_SIZE)));

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

/* Does a write to @p fault?  1 if it does. */
static unsigned int write_faults(volatile uint64_t *p)
{
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(p), "d"(0x77UL));
	return probe_rec.count;
}

static uint64_t own_a, own_b;	/* the windows' own frames */

static void restore_windows(void)
{
	check_rc(remap((void *)win_a, own_a, PTE_FLAGS_RW), 0);
	check_rc(remap((void *)win_b, own_b, PTE_FLAGS_RW), 0);
}

static void test_move(uint32_t ref_b, uint32_t flags_b)
{
	grant_handle_t ha, hb;
	uint16_t in_use_b = GTF_reading |
			    (flags_b & GNTMAP_readonly ? 0 : GTF_writing);

	data_a[0] = 0xaaaa;
	data_b[0] = 0xbbbb;
	check_eq(gnt_map(self(), REF_A, (uint64_t)win_a, GNTMAP_host_map, &ha),
		 GNTST_okay);
	check_eq(gnt_map(self(), ref_b, (uint64_t)win_b,
			 GNTMAP_host_map | flags_b, &hb), GNTST_okay);
	check_eq(win_a[0], 0xaaaa);
	check_eq(win_b[0], 0xbbbb);
	check_eq(gnt_replace(ha, (uint64_t)win_a, (uint64_t)win_b),
		 GNTST_okay);
	/* B's mapping moved to win_a; A is free, B still in use. */
	check_eq(gt.v1[REF_A].flags, GTF_permit_access);
	check_eq(gt.v1[ref_b].flags & (GTF_reading | GTF_writing), in_use_b);
	check_eq(win_a[0], 0xbbbb);
	check_eq(write_faults(win_b), 1);
	if (flags_b & GNTMAP_readonly) {
		check_eq(write_faults(win_a), 1);
	} else {
		win_a[1] = 0xb1;
		check_eq(data_b[1], 0xb1);
	}
	/* B is unmapped where it is now. */
	check_eq(gnt_unmap((uint64_t)win_b, hb), GNTST_general_error);
	check_eq(gt.v1[ref_b].flags & (GTF_reading | GTF_writing), in_use_b);
	check_eq(gnt_unmap((uint64_t)win_a, hb), GNTST_okay);
	check_eq(gt.v1[ref_b].flags & (GTF_reading | GTF_writing), 0);
	check_eq(write_faults(win_a), 1);
	check_eq(gnt_unmap((uint64_t)win_a, ha), GNTST_bad_handle);
	restore_windows();
}

static void test_contains_pte(void)
{
	uint64_t pte = entry_maddr((const void *)win_a, 1);
	grant_handle_t h;

	win_b[0] = 0x0b0b;
	check_eq(gnt_map(self(), REF_A, pte,
			 GNTMAP_host_map | GNTMAP_contains_pte, &h),
		 GNTST_okay);
	check_eq(win_a[0], 0xaaaa);
	check_eq(gnt_replace(h, pte, (uint64_t)win_b), GNTST_general_error);
	check_eq(win_a[0], 0xaaaa);
	check_eq(win_b[0], 0x0b0b);
	check_eq(gt.v1[REF_A].flags,
		 GTF_permit_access | GTF_reading | GTF_writing);
	check_eq(gnt_replace(h, pte, 0), GNTST_okay);
	check_eq(gt.v1[REF_A].flags, GTF_permit_access);
	check_eq(write_faults(win_a), 1);
	restore_windows();
}

void test_main(void)
{
	iso_begin();
	own_a = virt_to_mfn((const void *)win_a);
	own_b = virt_to_mfn((const void *)win_b);
	gnt_setup(&gt);
	gnt_grant_v1(&gt.v1[REF_A], self(), GTF_permit_access, data_a);
	gnt_grant_v1(&gt.v1[REF_B], self(), GTF_permit_access, data_b);
	gnt_grant_v1(&gt.v1[REF_B_RO], self(),
		     GTF_permit_access | GTF_readonly, data_b);
	test_move(REF_B, 0);
	printk("a grant mapping moved by unmap_and_replace, unmapped at its "
	       "new place\n");
	test_move(REF_B_RO, GNTMAP_readonly);
	printk("a read-only one stays read-only\n");
	test_contains_pte();
	printk("no replacement for a contains_pte mapping\n");
	printk("gnt_replace_grant: done\n");
}
