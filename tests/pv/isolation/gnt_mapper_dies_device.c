// SPDX-License-Identifier: GPL-2.0
/*
 * A grantee dies with v2 device mappings outstanding (XSA-224's teardown
 * bookkeeping): its destroy must give back each part's pin and each
 * device part's references on the granter's frames exactly once, so that
 * the granter's status words come back to 0, its revocation succeeds and
 * every page of both domains returns (the runner checks the counts).
 *
 * Two domUs, d1 the granter (grant tables v2) and d2 the grantee:
 *   d1  grants d2 a control page (a host mapping), data page A for a
 *       writable device-only mapping, data page B for a writable host +
 *       device mapping, and through reserved entry 3 data page C
 *       read-only for a read-only device mapping; offers an event channel;
 *   d2  maps all four, unmaps only the host part of B (a device part
 *       stays behind), checks the bus addresses, tells d1 and powers off
 *       with the maps outstanding;
 *   d1  waits until d2 is gone (its channel falls back to unbound), then
 *       finds every status word 0, revokes the four grants, and writes
 *       the pages; then switches to v1 (nothing may be left in use) and
 *       powers off.
 *
 * xen: skip needs two domains, and Xen 4.17 here boots only dom0
 * domus: 2
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_mapper_dies_device";

enum { REF_RES = 3, REF_CTL = 8, REF_A = 9, REF_B = 10 };
enum { STAGE_NONE, STAGE_MAPPED };
#define SEC		1000000000ULL

static union grant_entry_v2 gt[256] __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status_win[2048]
	__attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t control_page[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t page_a[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t page_b[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t page_c[512] __attribute__((aligned(PAGE_SIZE)));
/* d2's windows. */
static volatile uint64_t ctl_window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t b_window[512] __attribute__((aligned(PAGE_SIZE)));

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

/* --- d1, the granter ----------------------------------------------------- */

static void grant(unsigned int ref, const volatile void *va, uint16_t flags)
{
	gt[ref].full_page.frame = virt_to_mfn((const void *)va);
	gt[ref].hdr.domid = 2;
	__atomic_store_n(&gt[ref].hdr.flags, flags, __ATOMIC_RELEASE);
}

static void granter(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	struct gnttab_set_version sv = { .version = 2 };
	struct gnttab_get_status_frames gs = { .nr_frames = 1,
					       .dom = DOMID_SELF };
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 2 };
	uint64_t status_own = virt_to_mfn((const void *)status_win);
	uint64_t deadline = pv_now() + 60 * SEC, list[1] = { 0 };
	static const unsigned int refs[] = { REF_RES, REF_CTL, REF_A, REF_B };
	struct evtchn_status es;
	xen_pfn_t frame = 0;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(gt, frame, PTE_FLAGS_RW), 0);
	check_rc(gnttab_op(GNTTABOP_set_version, &sv, 1), 0);
	gs.frame_list = (unsigned long)list;
	check_rc(gnttab_op(GNTTABOP_get_status_frames, &gs, 1), 0);
	check_eq(gs.status, GNTST_okay);
	check_rc(remap((void *)status_win, list[0], PTE_FLAGS_RO), 0);
	check_rc(evtchn_op(EVTCHNOP_alloc_unbound, &a), 0);
	control_page[1] = a.port;
	grant(REF_CTL, control_page, GTF_permit_access);
	grant(REF_A, page_a, GTF_permit_access);
	grant(REF_B, page_b, GTF_permit_access);
	grant(REF_RES, page_c, GTF_permit_access | GTF_readonly);
	while (__atomic_load_n(&control_page[0], __ATOMIC_ACQUIRE) !=
	       STAGE_MAPPED) {
		if (pv_now() > deadline)
			fail("d2 did not map our pages in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_eq(status_win[REF_A], GTF_reading | GTF_writing);
	check_eq(status_win[REF_B], GTF_reading | GTF_writing);
	check_eq(status_win[REF_RES], GTF_reading);
	printk("d1: d2 holds its device mappings; waiting for it to go\n");
	deadline = pv_now() + 60 * SEC;
	while (port_status(a.port, &es) == EVTCHNSTAT_interdomain) {
		if (pv_now() > deadline)
			fail("d2 did not go in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int r = refs[i];

		if (status_win[r])
			fail("entry %u still in use (0x%x) after d2 died", r,
			     status_win[r]);
		__atomic_store_n(&gt[r].hdr.flags, 0, __ATOMIC_SEQ_CST);
		check_eq(__atomic_load_n(&status_win[r], __ATOMIC_SEQ_CST), 0);
	}
	page_a[0] = page_b[0] = page_c[0] = 0x77;
	check_rc(remap((void *)status_win, status_own, PTE_FLAGS_RW), 0);
	sv.version = 1;
	check_rc(gnttab_op(GNTTABOP_set_version, &sv, 1), 0);
	check_eq(sv.version, 1);
	printk("d1: d2 gone, nothing in use, all revoked, back to v1\n");
}

/* --- d2, the grantee ----------------------------------------------------- */

static int map(volatile void *va, uint32_t ref, uint32_t flags,
	       grant_handle_t *h, uint64_t *bus)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)va, .flags = flags,
		.ref = ref, .dom = 1, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
	if (bus)
		*bus = op.dev_bus_addr;
	return op.status;
}

static void bind_to_d1(unsigned int remote_port)
{
	struct evtchn_bind_interdomain b = {
		.remote_dom = 1, .remote_port = remote_port,
	};

	check_rc(evtchn_op(EVTCHNOP_bind_interdomain, &b), 0);
}

static void grantee(void)
{
	uint64_t deadline = pv_now() + 60 * SEC, bus_a, bus_b, bus_c;
	grant_handle_t hc, ha, hb, hr;
	struct gnttab_unmap_grant_ref u = { .status = 1 };

	while (map(ctl_window, REF_CTL, GNTMAP_host_map, &hc, NULL) !=
	       GNTST_okay) {
		if (pv_now() > deadline)
			fail("could not map d1's control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_eq(map(NULL, REF_A, GNTMAP_device_map, &ha, &bus_a),
		 GNTST_okay);
	check_eq(map(b_window, REF_B, GNTMAP_host_map | GNTMAP_device_map,
		     &hb, &bus_b), GNTST_okay);
	check_eq(map(NULL, REF_RES, GNTMAP_device_map, &hr, &bus_c),
		 GNTST_general_error);
	check_eq(map(NULL, REF_RES, GNTMAP_device_map | GNTMAP_readonly, &hr,
		     &bus_c), GNTST_okay);
	check(bus_a && bus_b && bus_c && bus_a != bus_b && bus_b != bus_c);
	b_window[1] = 0x55;
	/* The host part of B goes; its device part stays. */
	u.host_addr = (uint64_t)b_window;
	u.handle = hb;
	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
	check_eq(u.status, GNTST_okay);
	bind_to_d1((unsigned int)ctl_window[1]);
	__atomic_store_n(&ctl_window[0], STAGE_MAPPED, __ATOMIC_RELEASE);
	printk("d2: device maps of A, B and C outstanding; powering off\n");
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
