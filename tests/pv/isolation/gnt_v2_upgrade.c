// SPDX-License-Identifier: GPL-2.0
/*
 * A v2 grant, already in use read-only, must not become writable unless
 * its entry, read now, allows it.  In v2 the granter ends a grant by
 * clearing the entry's flags and then reading the status word; while the
 * grantee still uses the entry the grant stays usable as it was (a
 * read-only pin may be taken again, as on Xen), but a first writable use
 * is a new permission.  Once the flags are cleared GTF_readonly is gone
 * with them, so a check of GTF_readonly alone lets the grantee of a
 * revoked read-only grant write the granter's page; likewise a grant
 * the granter rewrote for another domain.  v1 re-checks the entry on
 * every pin (the cmpxchg in gnt_pin()); v2 must at least on the first
 * writable one.
 *
 * Xen 4.17 has the same weakness: _set_status_v2() checks the type and
 * the domid only when the entry is not pinned at all, and GTF_readonly
 * in the (cleared) flags, so the writable map after the revocation
 * succeeds there (the Xen run is expected to fail, as below).
 *
 * With a grant we give ourselves (so Xen can run it as dom0):
 *   - v2, entry 10 grants our data page read-only; we map it read-only;
 *   - the granter revokes it (flags to 0): the status word says in use;
 *   - a writable map of it and a copy into it must fail
 *     (GNTST_general_error), the data unchanged, GTF_writing never set;
 *   - the granter rewrites the entry as a writable grant to another
 *     domain: a writable map by us must still fail;
 *   - a read-only use still works (as on Xen), and once unmapped the
 *     status word is clear.
 *
 * xen: xfail Xen 4.17 checks a pinned v2 entry only for GTF_readonly, so a revoked read-only grant is mapped writable
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_v2_upgrade";

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

void test_main(void)
{
	uint64_t status_own = virt_to_mfn((const void *)status_win);
	grant_handle_t h, h2;

	iso_begin();
	setup();
	data[0] = 0x5a5a;
	gt.v2[REF].full_page.frame = virt_to_mfn((const void *)data);
	set_hdr(GTF_permit_access | GTF_readonly, self());

	check_eq(map(window, GNTMAP_host_map | GNTMAP_readonly, &h),
		 GNTST_okay);
	check_eq(window[0], 0x5a5a);
	check_eq(status_win[REF], GTF_reading);
	/* A read-only grant is never used writable, pinned or not. */
	check_eq(map(window2, GNTMAP_host_map, &h2), GNTST_general_error);
	check_eq(copy(1), GNTST_general_error);
	printk("read-only grant mapped read-only; writable uses refused\n");

	/* The granter revokes it; the handshake says it is in use. */
	set_hdr(0, self());
	check(__atomic_load_n(&status_win[REF], __ATOMIC_SEQ_CST) &
	      GTF_reading);
	((volatile uint64_t *)scratch)[0] = 0xdead;
	if (map(window2, GNTMAP_host_map, &h2) == GNTST_okay)
		fail("revoked read-only grant mapped writable (handle %u)",
		     h2);
	if (copy(1) == GNTST_okay)
		fail("copy into a revoked read-only grant done");
	check_eq(data[0], 0x5a5a);
	check_eq(status_win[REF], GTF_reading);
	printk("revoked while in use: writable map and copy refused\n");

	/* Rewritten as a writable grant to someone else. */
	set_hdr(GTF_permit_access, self() + 1);
	if (map(window2, GNTMAP_host_map, &h2) == GNTST_okay)
		fail("grant to d%u mapped writable by d%u", self() + 1,
		     self());
	if (copy(1) == GNTST_okay)
		fail("copy into a grant to d%u done by d%u", self() + 1,
		     self());
	check_eq(data[0], 0x5a5a);
	check_eq(status_win[REF], GTF_reading);
	printk("re-granted to another domain: writable uses refused\n");

	/* What it was granted, it keeps while pinned (as on Xen). */
	check_eq(copy(0), GNTST_okay);
	check_eq(((uint64_t *)scratch)[0], 0x5a5a);
	check_eq(unmap(window, h), GNTST_okay);
	check_eq(status_win[REF], 0);
	set_hdr(0, self());
	check_rc(remap((void *)status_win, status_own, PTE_FLAGS_RW), 0);
	printk("gnt_v2_upgrade: done\n");
}
