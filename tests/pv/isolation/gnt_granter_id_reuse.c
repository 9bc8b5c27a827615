// SPDX-License-Identifier: GPL-2.0
/*
 * A granter dies while its grantee still maps its pages, and the
 * toolstack gives its id to a new domain before the grantee unmaps.
 * The grantee's handles named the granter by id only: the unmap looked
 * the id up, found the new domain, and dropped a pin on that domain's
 * entry (a count the new domain never took: its entry then read as
 * unused while a real mapping of it lived, or stayed "in use" for good).
 * A granter's destroy now makes others' handles on its grants name no
 * domain, and the unmap says it found no granter.
 *
 * Two domUs, d1 the granter and d2 the grantee; dom0_waiter re-creates
 * d1 (recreate=1) once the first d1 is gone:
 *   d1  grants d2 a control page and a data page and powers off once
 *       d2 maps both;
 *   d2  waits until d1 is gone and a domain d1 exists again, then unmaps
 *       both grants: the hypervisor must find no granter for them.
 *
 * veneer-log: \(d2v0\) grant unmap of handle 0: its granter is gone, no pin to drop
 * veneer-log: \(d2v0\) grant unmap of handle 1: its granter is gone, no pin to drop
 * veneer-log: dom0_waiter: d1 gone, created a new d1
 * xen: skip needs two domains and a toolstack, and Xen 4.17 here boots only dom0
 * domus: 2
 * dom0-args: recreate=1
 */
#include "gnt_pair.h"

const char test_name[] = "gnt_granter_id_reuse";

#define PATTERN		0x6772616e746564ULL
#define SEC		1000000000ULL

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

/* Does a domain with id 1 exist (whoever it is)?  Asked as Xen lets
 * anyone: get_status_frames of another domain is refused, with
 * permission_denied if it exists and bad_domain if not. */
static int d1_exists(void)
{
	uint64_t frame;
	struct gnttab_get_status_frames op = {
		.nr_frames = 0, .dom = 1, .status = 1,
	};

	op.frame_list = (unsigned long)&frame;
	check_rc(gnt_op(GNTTABOP_get_status_frames, &op, 1), 0);
	if (op.status != GNTST_permission_denied &&
	    op.status != GNTST_bad_domain)
		fail("get_status_frames of d1: status %d", op.status);
	return op.status == GNTST_permission_denied;
}

static void grantee(void)
{
	uint64_t deadline;
	grant_handle_t hc, hd;
	unsigned int port;

	port = pair_grantee(ctl_window, window, &hc, &hd);
	check_eq(hc, 0);
	check_eq(hd, 1);
	pair_wait_gone(port);
	check_eq(window[0], PATTERN);
	printk("d2: d1 is gone; waiting for a new d1\n");
	deadline = pv_now() + 60 * SEC;
	while (!d1_exists()) {
		if (pv_now() > deadline)
			fail("no new d1 in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	/* The new d1 granted us nothing. */
	check_eq(pair_copy_from_d1(scratch), GNTST_bad_gntref);
	printk("d2: a new d1 exists; unmapping the old d1's grants\n");
	check_eq(gnt_unmap((uint64_t)window, hd), GNTST_okay);
	check_eq(gnt_unmap((uint64_t)ctl_window, hc), GNTST_okay);
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(&window[2]), "d"(0x33UL));
	check_eq(probe_rec.count, 1);
	printk("gnt_granter_id_reuse: d2 done\n");
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
