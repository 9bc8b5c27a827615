// SPDX-License-Identifier: GPL-2.0
/*
 * A pinned v2 entry's first writable use re-checks the entry (type,
 * domid, GTF_readonly) but then uses the frame of the active entry, the
 * one pinned read-only, not the frame the entry names now.  So a grant
 * rewritten while in use, to the same grantee, writable, for another
 * frame X, lets the grantee map writable the frame Y it was only ever
 * granted read-only.  "The entry decides" (gnt_pin_v2's comment) must
 * cover the frame too: a first writable use of a pinned entry whose
 * frame (or sub-page range) is not the pinned one must be refused.
 *
 * With a grant we give ourselves (so Xen can run it as dom0):
 *   - v2, entry 10 grants our data page Y read-only; we map it read-only;
 *   - the granter rewrites the live entry: frame X (another page of
 *     ours), writable, same grantee;
 *   - a writable map of entry 10 must not give write access to Y: it
 *     fails, or maps X; a copy into it must not write Y.
 *
 * xen: xfail Xen 4.17 checks a pinned v2 entry only for GTF_readonly and uses the pinned frame, so Y is mapped writable
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_v2_upgrade_frame";

enum { REF = 10 };

static union {
	struct grant_entry_v1 v1[512];
	union grant_entry_v2 v2[256];
} gt __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status_win[2048]
	__attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window2[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t scratch[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

static int map(volatile void *at, uint32_t flags, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)at, .flags = flags,
		.ref = REF, .dom = self(), .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
	return op.status;
}

static int unmap(volatile void *at, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = (uint64_t)at, .handle = h, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

/* Copy 8 bytes of scratch into the grant at offset 0, or out of it. */
static int copy(int to_grant)
{
	struct gnttab_copy op = { .len = 8, .status = 1 };
	struct gnttab_copy_ptr *g = to_grant ? &op.dest : &op.source;
	struct gnttab_copy_ptr *l = to_grant ? &op.source : &op.dest;

	op.flags = to_grant ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
	g->domid = self();
	g->u.ref = REF;
	l->domid = DOMID_SELF;
	l->u.gmfn = virt_to_mfn(scratch);
	check_rc(gnttab_op(GNTTABOP_copy, &op, 1), 0);
	return op.status;
}

static void set_hdr(uint16_t flags, domid_t domid)
{
	/* The granter's own store: domid first, then the flags. */
	__atomic_store_n(&gt.v2[REF].hdr.domid, domid, __ATOMIC_SEQ_CST);
	__atomic_store_n(&gt.v2[REF].hdr.flags, flags, __ATOMIC_SEQ_CST);
}

static void setup(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	struct gnttab_set_version sv = { .version = 2 };
	struct gnttab_get_status_frames gs = { .nr_frames = 1,
					       .dom = DOMID_SELF };
	xen_pfn_t frame = 0;
	uint64_t list[1] = { 0 };

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(&gt, frame, PTE_FLAGS_RW), 0);
	check_rc(gnttab_op(GNTTABOP_set_version, &sv, 1), 0);
	check_eq(sv.version, 2);
	gs.frame_list = (unsigned long)list;
	check_rc(gnttab_op(GNTTABOP_get_status_frames, &gs, 1), 0);
	check_eq(gs.status, GNTST_okay);
	check_rc(remap((void *)status_win, list[0], PTE_FLAGS_RO), 0);
}

static volatile uint64_t other[512] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
	uint64_t status_own = virt_to_mfn((const void *)status_win);
	grant_handle_t h, h2;
	int st;

	iso_begin();
	setup();
	data[0] = 0x5a5a;
	other[0] = 0x0707;
	gt.v2[REF].full_page.frame = virt_to_mfn((const void *)data);
	set_hdr(GTF_permit_access | GTF_readonly, self());

	check_eq(map(window, GNTMAP_host_map | GNTMAP_readonly, &h),
		 GNTST_okay);
	check_eq(window[0], 0x5a5a);
	check_eq(status_win[REF], GTF_reading);
	printk("page Y granted and mapped read-only\n");

	/* The granter rewrites the live entry: frame X, writable. */
	__atomic_store_n(&gt.v2[REF].full_page.frame,
			 virt_to_mfn((const void *)other), __ATOMIC_SEQ_CST);
	set_hdr(GTF_permit_access, self());

	st = map(window2, GNTMAP_host_map, &h2);
	if (st == GNTST_okay) {
		uint64_t seen = window2[0];

		window2[0] = 0xdead;
		if (data[0] != 0x5a5a)
			fail("entry now grants frame X writable, but the "
			     "writable map gave frame Y (read 0x%lx, Y now "
			     "0x%lx): Y was only granted read-only",
			     (unsigned long)seen, (unsigned long)data[0]);
		check_eq(seen, 0x0707);
		check_eq(unmap(window2, h2), GNTST_okay);
		printk("writable map gave frame X\n");
	} else {
		printk("writable map refused (%d)\n", st);
	}
	((volatile uint64_t *)scratch)[0] = 0xbeef;
	st = copy(1);
	if (data[0] != 0x5a5a)
		fail("copy into the entry (now frame X) wrote frame Y "
		     "(status %d, Y now 0x%lx)", st, (unsigned long)data[0]);
	printk("copy into the entry: status %d, Y unchanged\n", st);

	check_eq(unmap(window, h), GNTST_okay);
	set_hdr(0, self());
	check_rc(remap((void *)status_win, status_own, PTE_FLAGS_RW), 0);
	printk("gnt_v2_upgrade_frame: done\n");
}
