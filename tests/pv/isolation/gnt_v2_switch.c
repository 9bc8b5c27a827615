// SPDX-License-Identifier: GPL-2.0
/*
 * Grant-table version switches with a second domain using the grants:
 * where Xen had its v2 security bugs.  A switch converts the reserved
 * entries, zeroes the others and creates or frees the status frames, so
 * it must never happen under a use of a non-reserved entry (the entry
 * would be re-read in the other layout, the use's in-use bits lost) nor
 * free a status frame someone still maps (XSA-255).
 *
 * Two domUs, d1 the granter and d2 the grantee:
 *   1. d1 goes v2 and grants d2 its own status frame, read-only, through
 *      reserved entry 3; while d2 maps it, v2 -> v1 is -EBUSY; once d2
 *      unmapped it, v2 -> v1 frees it, and d2's map of entry 3 (now a v1
 *      entry naming the freed frame) fails with GNTST_bad_page: the frame
 *      is no one's (the runner checks every page came back at destroy);
 *   2. d2 maps d1's data grant (entry 9): d1's switch is -EBUSY;
 *   3. churn for a few seconds: d2 maps, checks and copies entry 9 and
 *      unmaps it, over and over, announcing each live mapping by a
 *      sequence number; d1 switches version back and forth as fast as it
 *      can and re-grants entry 9 in the new layout after each switch.  A
 *      switch that succeeded while one mapping stayed announced all along
 *      is a failure, so is a mapping of anything but d1's data page, a
 *      copy refused while mapped, or entry 9 not zeroed by a switch;
 *   4. the control page (reserved entry 2, mapped by d2 throughout) kept
 *      its in-use bits across every switch, and d1 ends both grants.
 *
 * veneer-log: grant table version 2 -> 1 refused: a status frame is still mapped
 * xen: skip needs two domains, and Xen 4.17 here boots only dom0
 * domus: 2
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_v2_switch";

#define EBUSY		16
#define SEC		1000000000ULL
#define PATTERN		0x7377697463680a00ULL

enum { REF_CTL = 2, REF_STATUS = 3, REF_DATA = 9 };

/* The control page: stages, the live mapping's number, the end. */
enum { C_D1, C_D2, C_LIVE, C_DONE, C_STATUS_MFN };

static union {
	struct grant_entry_v1 v1[512];
	union grant_entry_v2 v2[256];
} gt __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t control_page[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t ctl[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status_win[2048]
	__attribute__((aligned(PAGE_SIZE)));
static uint8_t scratch[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static unsigned int version = 1;

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static void wait_for(volatile uint64_t *p, uint64_t v, const char *what)
{
	uint64_t deadline = pv_now() + 60 * SEC;

	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != v) {
		if (pv_now() > deadline)
			fail("waited 60 s for %s", what);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static void set(volatile uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

/* --- d1, the granter ----------------------------------------------------- */

static long switch_to(unsigned int v)
{
	struct gnttab_set_version sv = { .version = v };
	long rc = gnttab_op(GNTTABOP_set_version, &sv, 1);

	if (rc == 0)
		version = v;
	check_eq(sv.version, version);
	return rc;
}

/* Grant @ref to d2 in the table's current layout. */
static void grant(unsigned int ref, uint64_t frame, uint16_t flags)
{
	if (version == 1) {
		gt.v1[ref].domid = 2;
		gt.v1[ref].frame = (uint32_t)frame;
		__atomic_store_n(&gt.v1[ref].flags, flags, __ATOMIC_RELEASE);
	} else {
		gt.v2[ref].hdr.domid = 2;
		gt.v2[ref].full_page.frame = frame;
		__atomic_store_n(&gt.v2[ref].hdr.flags, flags,
				 __ATOMIC_RELEASE);
	}
}

static int entry_zero(unsigned int ref)
{
	const uint64_t *w = version == 1 ? (const uint64_t *)&gt.v1[ref] :
					   (const uint64_t *)&gt.v2[ref];

	return !w[0] && (version == 1 || !w[1]);
}

static uint64_t status_frame(void)
{
	struct gnttab_get_status_frames op = {
		.nr_frames = 1, .dom = DOMID_SELF, .status = 1,
	};
	uint64_t f = 0;

	op.frame_list = (unsigned long)&f;
	check_rc(gnttab_op(GNTTABOP_get_status_frames, &op, 1), 0);
	check_eq(op.status, GNTST_okay);
	return f;
}

static void d1_status_frame(void)
{
	uint64_t sf;

	check_rc(switch_to(2), 0);
	sf = status_frame();
	control_page[C_STATUS_MFN] = sf;
	grant(REF_STATUS, sf, GTF_permit_access | GTF_readonly);
	set(&control_page[C_D1], 1);
	wait_for(&control_page[C_D2], 1, "d2 to map our status frame");
	check_rc(switch_to(1), -EBUSY);
	set(&control_page[C_D1], 2);
	wait_for(&control_page[C_D2], 2, "d2 to unmap our status frame");
	/* Entry 3 stays, converted: a v1 grant of a frame now freed. */
	check_rc(switch_to(1), 0);
	check_eq(gt.v1[REF_STATUS].frame, (uint32_t)sf);
	set(&control_page[C_D1], 3);
	wait_for(&control_page[C_D2], 3, "d2 to try the old status frame");
	gt.v1[REF_STATUS].flags = 0;
	printk("d1: v2 -> v1 refused while d2 mapped our status frame 0x%lx, "
	       "then done\n", (unsigned long)sf);
}

static void d1_churn(void)
{
	uint64_t data_mfn = virt_to_mfn((const void *)data);
	uint64_t deadline;
	unsigned int switches = 0, busy = 0;

	data[0] = PATTERN;
	grant(REF_DATA, data_mfn, GTF_permit_access);
	set(&control_page[C_D1], 4);
	wait_for(&control_page[C_D2], 4, "d2 to map our data page");
	check_rc(switch_to(2), -EBUSY);
	set(&control_page[C_D1], 5);
	wait_for(&control_page[C_D2], 5, "d2 to start churning");

	deadline = pv_now() + 4 * SEC;
	while (pv_now() < deadline) {
		uint64_t m1, m2;
		long rc;

		m1 = __atomic_load_n(&control_page[C_LIVE], __ATOMIC_SEQ_CST);
		rc = switch_to(3 - version);
		m2 = __atomic_load_n(&control_page[C_LIVE], __ATOMIC_SEQ_CST);
		if (rc == -EBUSY) {
			busy++;
		} else {
			if (rc)
				fail("set_version: %ld", rc);
			switches++;
			if (m1 && m1 == m2)
				fail("switched while d2's mapping %lu was live",
				     (unsigned long)m1);
			if (!entry_zero(REF_DATA))
				fail("entry %u not zeroed by the switch",
				     REF_DATA);
			grant(REF_DATA, data_mfn, GTF_permit_access);
		}
		if ((switches + busy) % 16 == 0)
			hyp_sched_op(SCHEDOP_yield, NULL);
	}
	set(&control_page[C_DONE], 1);
	wait_for(&control_page[C_D2], 6, "d2 to stop churning");
	printk("d1: %u switches, %u refused as busy, in 4 s\n", switches,
	       busy);
	check(switches > 0);
}

static void granter(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;
	uint16_t f;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(&gt, frame, PTE_FLAGS_RW), 0);
	grant(REF_CTL, virt_to_mfn((const void *)control_page),
	      GTF_permit_access);
	wait_for(&control_page[C_D2], 100, "d2 to map the control page");
	d1_status_frame();
	d1_churn();

	/* Back to v1 for the end: every non-reserved use is gone. */
	if (version == 2) {
		check_rc(switch_to(1), 0);
		check(entry_zero(REF_DATA));
	} else {
		check_eq(gt.v1[REF_DATA].flags, GTF_permit_access);
	}
	check_eq(gt.v1[REF_CTL].flags,
		 GTF_permit_access | GTF_reading | GTF_writing);
	gt.v1[REF_DATA].flags = 0;
	set(&control_page[C_D1], 7);
	wait_for(&control_page[C_D2], 7, "d2 to unmap the control page");
	for (uint64_t deadline = pv_now() + 10 * SEC;;) {
		f = __atomic_load_n(&gt.v1[REF_CTL].flags, __ATOMIC_ACQUIRE);
		if (f == GTF_permit_access)
			break;
		if (pv_now() > deadline)
			fail("control grant still in use: 0x%x", f);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	gt.v1[REF_CTL].flags = 0;
	printk("gnt_v2_switch: d1 done\n");
}

/* --- d2, the grantee ----------------------------------------------------- */

static int map(volatile void *va, uint32_t ref, uint32_t flags,
	       grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)va, .flags = GNTMAP_host_map | flags,
		.ref = ref, .dom = 1, .status = 1,
	};

	if (gnttab_op(GNTTABOP_map_grant_ref, &op, 1))
		fail("map_grant_ref failed");
	*h = op.handle;
	return op.status;
}

static int unmap(volatile void *va, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = (uint64_t)va, .handle = h, .status = 1,
	};

	if (gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1))
		fail("unmap_grant_ref failed");
	return op.status;
}

static int copy_data(void)
{
	struct gnttab_copy op = {
		.flags = GNTCOPY_source_gref, .len = 8, .status = 1,
	};

	op.source.domid = 1;
	op.source.u.ref = REF_DATA;
	op.dest.domid = DOMID_SELF;
	op.dest.u.gmfn = virt_to_mfn(scratch);
	if (gnttab_op(GNTTABOP_copy, &op, 1))
		fail("grant copy failed");
	return op.status;
}

static void d2_status_frame(void)
{
	uint64_t own = virt_to_mfn((const void *)status_win);
	grant_handle_t h;

	wait_for(&ctl[C_D1], 1, "d1 to grant its status frame");
	check_eq(map(status_win, REF_STATUS, 0, &h), GNTST_general_error);
	check_eq(map(status_win, REF_STATUS, GNTMAP_readonly, &h),
		 GNTST_okay);
	set(&ctl[C_D2], 1);
	wait_for(&ctl[C_D1], 2, "d1 to try v1");
	check_eq(unmap(status_win, h), GNTST_okay);
	set(&ctl[C_D2], 2);
	wait_for(&ctl[C_D1], 3, "d1 to go v1");
	check_eq(map(status_win, REF_STATUS, GNTMAP_readonly, &h),
		 GNTST_bad_page);
	check_rc(remap((void *)status_win, own, PTE_FLAGS_RW), 0);
	set(&ctl[C_D2], 3);
	printk("d2: d1's old status frame 0x%lx cannot be mapped any more\n",
	       (unsigned long)ctl[C_STATUS_MFN]);
}

static void d2_churn(void)
{
	unsigned int maps = 0, refused = 0;
	uint64_t seq = 1;
	grant_handle_t h;

	wait_for(&ctl[C_D1], 4, "d1 to grant its data page");
	check_eq(map(window, REF_DATA, 0, &h), GNTST_okay);
	set(&ctl[C_D2], 4);
	wait_for(&ctl[C_D1], 5, "d1 to try a switch");
	check_eq(unmap(window, h), GNTST_okay);
	set(&ctl[C_D2], 5);
	while (!__atomic_load_n(&ctl[C_DONE], __ATOMIC_ACQUIRE)) {
		int st = map(window, REF_DATA, 0, &h);

		if (st != GNTST_okay) {
			check_eq(st, GNTST_general_error);
			refused++;
			continue;
		}
		maps++;
		seq += 2;
		set(&ctl[C_LIVE], seq);
		if (window[0] != PATTERN)
			fail("mapping %lu: 0x%lx, not d1's data page",
			     (unsigned long)seq, (unsigned long)window[0]);
		window[1] = seq;
		check_eq(copy_data(), GNTST_okay);
		check_eq(*(uint64_t *)scratch, PATTERN);
		set(&ctl[C_LIVE], 0);
		check_eq(unmap(window, h), GNTST_okay);
	}
	set(&ctl[C_D2], 6);
	printk("d2: %u mappings, %u refused (entry zeroed by a switch)\n",
	       maps, refused);
	check(maps > 0);
}

static void grantee(void)
{
	grant_handle_t hc;
	uint64_t deadline = pv_now() + 60 * SEC;

	while (map(ctl, REF_CTL, 0, &hc) != GNTST_okay) {
		if (pv_now() > deadline)
			fail("could not map d1's control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	set(&ctl[C_D2], 100);
	d2_status_frame();
	d2_churn();
	wait_for(&ctl[C_D1], 7, "d1 to end");
	set(&ctl[C_D2], 7);
	check_eq(unmap(ctl, hc), GNTST_okay);
	printk("gnt_v2_switch: d2 done\n");
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
