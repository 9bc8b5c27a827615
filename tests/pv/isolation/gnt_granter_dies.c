// SPDX-License-Identifier: GPL-2.0
/*
 * A granter dies while its grantee still maps its pages.  The granter's
 * destroy could not free those frames (the grantee's L1 entries still
 * reference them), and once the allocation's reference was gone nothing
 * freed them at their last reference: when the grantee unmapped, the
 * pages were lost for good.  A frame is freed at its last reference,
 * whichever it is; the runner checks that the free-page count comes back
 * exactly to what it was before d1 was created.
 *
 * Two domUs, d1 the granter and d2 the grantee:
 *   d1  grants d2 a control page and a data page, writable, and offers
 *       it an event channel; waits until d2 has mapped both pages and
 *       bound the channel, writes a pattern into the data page and powers
 *       off (its destroy keeps the two frames out of the heap: still
 *       referenced by d2);
 *   d2  sees d1 all gone (its end of the channel falls back to unbound,
 *       which the destroy does after d1's memory went), still reads d1's
 *       pattern through its mapping -- the frame went to no one else --
 *       and writes it, then unmaps both grants: the last references, so
 *       the frames go back to the heap; a write to the old address now
 *       faults.
 *
 * veneer-log: d1 destroyed: \d+ pages freed, 2 still referenced elsewhere, freed at their last reference
 * xen: skip needs two domains, and Xen 4.17 here boots only dom0
 * domus: 2
 */
#include "gnt_pair.h"

const char test_name[] = "gnt_granter_dies";

#define PATTERN		0x6772616e746564ULL

static union gnt_table gt __attribute__((aligned(PAGE_SIZE)));
/* d1's pages, and d2's windows onto them. */
static volatile uint64_t control_page[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t ctl_window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t scratch[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* --- d1, the granter ----------------------------------------------------- */

static void granter(void)
{
	pair_granter(&gt, control_page, data);
	check(gt.v1[PAIR_REF_DATA].flags & GTF_writing);
	data[0] = PATTERN;
	printk("d1: d2 maps both; pattern written, powering off\n");
}

/* --- d2, the grantee ----------------------------------------------------- */

static void grantee(void)
{
	grant_handle_t hc, hd;

	pair_wait_gone(pair_grantee(ctl_window, window, &hc, &hd));
	check_eq(pair_copy_from_d1(scratch), GNTST_bad_domain);
	/* Held by our mappings: still d1's last page, no one else's. */
	check_eq(window[0], PATTERN);
	window[1] = 0x22;
	check_eq(window[1], 0x22);
	printk("d2: d1 is gone; its page still holds its pattern\n");

	/* The last references: the frames go back to the heap. */
	check_eq(gnt_unmap((uint64_t)window, hd), GNTST_okay);
	check_eq(gnt_unmap((uint64_t)ctl_window, hc), GNTST_okay);
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(&window[2]), "d"(0x33UL));
	printk("d2: write after the unmap: %u #PF\n", probe_rec.count);
	check_eq(probe_rec.count, 1);
	printk("gnt_granter_dies: d2 done\n");
}

void test_main(void)
{
	iso_begin();
	if (iso_is_dom0())
		fail("needs two domUs");
	if (iso_role() == 1)
		granter();
	else
		grantee();
}
