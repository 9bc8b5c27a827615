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
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_granter_id_reuse";

#define REF_CTL		8
#define REF_DATA	9
#define PATTERN		0x6772616e746564ULL
#define SEC		1000000000ULL

enum { STAGE_NONE, STAGE_MAPPED };

/* The control page: d1's port for d2 in [1], d2's stage in [0]. */

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t control_page[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
/* The grantee's windows onto the granter's pages. */
static volatile uint64_t ctl_window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t scratch[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

/* --- d1, the granter ----------------------------------------------------- */

static void grant(unsigned int ref, const volatile void *va)
{
	gnttab[ref].domid = 2;
	gnttab[ref].frame = virt_to_mfn((const void *)va);
	__atomic_store_n(&gnttab[ref].flags, GTF_permit_access,
			 __ATOMIC_RELEASE);
}

static void granter(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 2 };
	xen_pfn_t frame = 0;
	uint64_t deadline = pv_now() + 60 * SEC;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(gnttab, frame, PTE_FLAGS_RW), 0);
	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	control_page[1] = a.port;
	grant(REF_CTL, control_page);
	grant(REF_DATA, data);
	printk("d1: granted the control page and the data page (mfn 0x%lx)\n",
	       (unsigned long)virt_to_mfn((const void *)data));
	while (__atomic_load_n(&control_page[0], __ATOMIC_ACQUIRE) !=
	       STAGE_MAPPED) {
		if (pv_now() > deadline)
			fail("d2 did not map our pages in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check(gnttab[REF_DATA].flags & GTF_writing);
	data[0] = PATTERN;
	printk("d1: d2 maps both; pattern written, powering off\n");
}

/* --- d2, the grantee ----------------------------------------------------- */

static int map(volatile void *va, uint32_t ref, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)va, .flags = GNTMAP_host_map,
		.ref = ref, .dom = 1, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
	return op.status;
}

static int unmap(volatile void *va, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = (uint64_t)va, .handle = h, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

/* A one-byte copy from d1's control grant: its status. */
static int copy_from_d1(void)
{
	struct gnttab_copy op = {
		.flags = GNTCOPY_source_gref, .len = 1, .status = 1,
	};

	op.source.domid = 1;
	op.source.u.ref = REF_CTL;
	op.dest.domid = DOMID_SELF;
	op.dest.u.gmfn = virt_to_mfn(scratch);
	check_rc(gnttab_op(GNTTABOP_copy, &op, 1), 0);
	return op.status;
}

/* Bind to d1's port for us; our port. */
static unsigned int bind_to_d1(unsigned int remote_port)
{
	struct evtchn_bind_interdomain b = {
		.remote_dom = 1, .remote_port = remote_port,
	};

	check_rc(evtchn_op(EVTCHNOP_bind_interdomain, &b), 0);
	return b.local_port;
}

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
	check_rc(gnttab_op(GNTTABOP_get_status_frames, &op, 1), 0);
	if (op.status != GNTST_permission_denied &&
	    op.status != GNTST_bad_domain)
		fail("get_status_frames of d1: status %d", op.status);
	return op.status == GNTST_permission_denied;
}

static void grantee(void)
{
	uint64_t deadline = pv_now() + 60 * SEC;
	struct evtchn_status st;
	grant_handle_t hc, hd;
	unsigned int port;

	while (map(ctl_window, REF_CTL, &hc) != GNTST_okay) {
		if (pv_now() > deadline)
			fail("could not map d1's control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_eq(map(window, REF_DATA, &hd), GNTST_okay);
	check_eq(hc, 0);
	check_eq(hd, 1);
	port = bind_to_d1((unsigned int)ctl_window[1]);
	__atomic_store_n(&ctl_window[0], STAGE_MAPPED, __ATOMIC_RELEASE);
	printk("d2: mapped d1's two pages; waiting for d1 to go\n");

	deadline = pv_now() + 60 * SEC;
	while (port_status(port, &st) == EVTCHNSTAT_interdomain) {
		if (pv_now() > deadline)
			fail("d1 did not go in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_eq(window[0], PATTERN);
	printk("d2: d1 is gone; waiting for a new d1\n");
	deadline = pv_now() + 60 * SEC;
	while (!d1_exists()) {
		if (pv_now() > deadline)
			fail("no new d1 in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	/* The new d1 granted us nothing. */
	check_eq(copy_from_d1(), GNTST_bad_gntref);
	printk("d2: a new d1 exists; unmapping the old d1's grants\n");
	check_eq(unmap(window, hd), GNTST_okay);
	check_eq(unmap(ctl_window, hc), GNTST_okay);
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
