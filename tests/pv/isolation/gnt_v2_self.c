// SPDX-License-Identifier: GPL-2.0
/*
 * Grant tables v2 with grants we give ourselves, and the version switch
 * attacks Xen had security bugs in.  v2 keeps the "in use" bits out of
 * the entries, in status frames the domain maps; switching versions
 * converts the reserved entries, zeroes the rest and creates or frees the
 * status frames, so a switch while a grant is in use (its entry would be
 * re-read in the other layout, its in-use bits lost) or while a status
 * frame is still mapped (XSA-255, XSA-379: the frame freed, or left
 * reachable, under the mapping) must be refused.
 *
 *   - v1: get_status_frames has nothing to give (0 frames: okay, 1:
 *     GNTST_general_error); set_version 3 is -EINVAL, answering 1;
 *   - v1 -> v2: reserved entry 2 is converted, the rest zeroed; one
 *     status frame, which we map read-only; asking for 2 frames is
 *     GNTST_general_error, a list in the hypervisor's range -EFAULT;
 *   - a v2 map sets GTF_reading|GTF_writing in the status word, not in
 *     the entry; the granter's revocation handshake (clear the flags,
 *     read the status) sees it in use, and it stays usable until its
 *     last use ends; revoked when idle, it can no longer be mapped;
 *   - v2 -> v1 while mapped: -EBUSY, still v2;
 *   - a sub-page grant: copies inside its range work, outside fail
 *     (GNTST_general_error), a map of it fails; a transitive entry naming
 *     ourselves fails both ways;
 *   - v2 -> v1 while the status frame is mapped: -EBUSY; unmapped: done,
 *     and the old status frame can no longer be mapped (it was freed:
 *     the runner checks every page comes back);
 *   - v2 -> v1 with a reserved entry whose frame needs 33 bits: -ERANGE;
 *   - a reserved entry mapped across both switches keeps its in-use bits
 *     (in the entry in v1, in the status word in v2).
 *
 * veneer-log: grant table version 2 -> 1 refused: grants in use
 * veneer-log: grant table version 2 -> 1 refused: a status frame is still mapped
 * veneer-log: grant table version 2 -> 1 refused: a reserved entry has no v1 form
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_v2_self";

/* Xen's errno values. */
#define EFAULT		14
#define EBUSY		16
#define EINVAL		22
#define ERANGE		34

static union {
	struct grant_entry_v1 v1[512];
	union grant_entry_v2 v2[256];
} gt __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status_win[2048]
	__attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t scratch[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

enum { REF_RES = 2, REF_RES2 = 3, REF_MAP = 10, REF_SUB = 11, REF_TRANS = 12 };

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

static long set_version(uint32_t v, uint32_t *now)
{
	struct gnttab_set_version sv = { .version = v };
	long rc = gnttab_op(GNTTABOP_set_version, &sv, 1);

	*now = sv.version;
	return rc;
}

static uint32_t get_version(void)
{
	struct gnttab_get_version gv = { .dom = DOMID_SELF };

	check_rc(gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
	return gv.version;
}

/* get_status_frames for @n frames into @list: its status (rc in *rc). */
static int status_frames(uint32_t n, uint64_t *list, long *rc)
{
	struct gnttab_get_status_frames op = {
		.nr_frames = n, .dom = DOMID_SELF, .status = 1,
	};

	op.frame_list = (unsigned long)list;
	*rc = gnttab_op(GNTTABOP_get_status_frames, &op, 1);
	return op.status;
}

static int map(uint32_t ref, uint32_t flags, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)window, .flags = flags,
		.ref = ref, .dom = self(), .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
	return op.status;
}

static int unmap(grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = (uint64_t)window, .handle = h, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

/* Copy @len bytes at @off of grant @ref to (@to_grant: into it) scratch. */
static int copy(uint32_t ref, uint16_t off, uint16_t len, int to_grant)
{
	struct gnttab_copy op = { .len = len, .status = 1 };
	struct gnttab_copy_ptr *g = to_grant ? &op.dest : &op.source;
	struct gnttab_copy_ptr *l = to_grant ? &op.source : &op.dest;

	op.flags = to_grant ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
	g->domid = self();
	g->u.ref = ref;
	g->offset = off;
	l->domid = DOMID_SELF;
	l->u.gmfn = virt_to_mfn(scratch);
	l->offset = off;
	check_rc(gnttab_op(GNTTABOP_copy, &op, 1), 0);
	return op.status;
}

static void grant_v2(uint32_t ref, uint16_t flags, uint64_t frame)
{
	gt.v2[ref].full_page.frame = frame;
	gt.v2[ref].hdr.domid = self();
	__atomic_store_n(&gt.v2[ref].hdr.flags, flags, __ATOMIC_RELEASE);
}

static void expect_switch(uint32_t to, long want_rc, uint32_t want_now)
{
	uint32_t now;
	long rc = set_version(to, &now);

	printk("  set_version(%u) = %ld, version now %u\n", to, rc, now);
	check_eq(rc, want_rc);
	check_eq(now, want_now);
	check_eq(get_version(), want_now);
}

static void test_v1(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;
	uint64_t list[2];
	long rc;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(&gt, frame, PTE_FLAGS_RW), 0);
	check_eq(get_version(), 1);
	check_eq(status_frames(0, list, &rc), GNTST_okay);
	check_eq(rc, 0);
	check_eq(status_frames(1, list, &rc), GNTST_general_error);
	check_eq(rc, 0);
	expect_switch(3, -EINVAL, 1);
	/* A reserved entry, and one past them, both v1. */
	gt.v1[REF_RES].domid = self();
	gt.v1[REF_RES].frame = virt_to_mfn((const void *)data);
	gt.v1[REF_RES].flags = GTF_permit_access;
	gt.v1[REF_MAP] = gt.v1[REF_RES];
	printk("v1: no status frames; version 3 refused\n");
}

static uint64_t status_mfn;

static void map_status(void)
{
	uint64_t list[2] = { 0, 0 };
	long rc;

	check_eq(status_frames(1, list, &rc), GNTST_okay);
	check_rc(rc, 0);
	status_mfn = list[0];
	check_rc(remap((void *)status_win, status_mfn, PTE_FLAGS_RO), 0);
}

static uint64_t status_win_own;	/* the window's own frame */

static void unmap_status(void)
{
	check_rc(remap((void *)status_win, status_win_own, PTE_FLAGS_RW), 0);
}

static void test_to_v2(void)
{
	const uint8_t *raw = (const uint8_t *)&gt;
	uint64_t list[2];
	long rc;

	expect_switch(2, 0, 2);
	check_eq(gt.v2[REF_RES].hdr.flags, GTF_permit_access);
	check_eq(gt.v2[REF_RES].hdr.domid, self());
	check_eq(gt.v2[REF_RES].full_page.frame,
		 virt_to_mfn((const void *)data));
	for (unsigned int i = 8 * sizeof(union grant_entry_v2); i < PAGE_SIZE;
	     i++)
		if (raw[i])
			fail("byte %u of the table not zeroed by the switch",
			     i);
	check_eq(status_frames(2, list, &rc), GNTST_general_error);
	check_eq(rc, 0);
	{
		struct gnttab_get_status_frames op = {
			.nr_frames = 1, .dom = DOMID_SELF,
		};

		op.frame_list = 0xffff800000001000UL;
		check_eq(gnttab_op(GNTTABOP_get_status_frames, &op, 1),
			 -EFAULT);
	}
	map_status();
	check_eq(status_win[REF_RES], 0);
	printk("v1 -> v2: reserved entry converted, the rest zeroed; status "
	       "frame 0x%lx mapped\n", (unsigned long)status_mfn);
}

static void test_v2_map(void)
{
	grant_handle_t h, h2;
	uint16_t st;

	data[0] = 0x1111;
	grant_v2(REF_MAP, GTF_permit_access, virt_to_mfn((const void *)data));
	check_eq(map(REF_MAP, GNTMAP_host_map, &h), GNTST_okay);
	check_eq(status_win[REF_MAP], GTF_reading | GTF_writing);
	check_eq(gt.v2[REF_MAP].hdr.flags, GTF_permit_access);
	check_eq(window[0], 0x1111);
	window[1] = 0x2222;
	check_eq(data[1], 0x2222);
	printk("v2 map: status word 0x%x, entry flags 0x%x\n",
	       status_win[REF_MAP], gt.v2[REF_MAP].hdr.flags);

	/* The switch that would re-read a mapped entry in v1 layout. */
	expect_switch(1, -EBUSY, 2);

	/* The granter's revocation: it sees the grant in use. */
	__atomic_store_n(&gt.v2[REF_MAP].hdr.flags, 0, __ATOMIC_SEQ_CST);
	st = __atomic_load_n(&status_win[REF_MAP], __ATOMIC_SEQ_CST);
	check(st & GTF_reading);
	/* Still in use, it stays usable by its grantee (as on Xen). */
	check_eq(copy(REF_MAP, 8, 8, 0), GNTST_okay);
	__atomic_store_n(&gt.v2[REF_MAP].hdr.flags, GTF_permit_access,
			 __ATOMIC_SEQ_CST);
	check_eq(((uint64_t *)scratch)[1], 0x2222);
	check_eq(unmap(h), GNTST_okay);
	check_eq(status_win[REF_MAP], 0);
	check_eq(unmap(h), GNTST_bad_handle);
	__atomic_store_n(&gt.v2[REF_MAP].hdr.flags, 0, __ATOMIC_SEQ_CST);
	check_eq(map(REF_MAP, GNTMAP_host_map, &h2), GNTST_general_error);
	check_eq(status_win[REF_MAP], 0);
	printk("v2: switch while mapped refused; unmapped, status clear\n");
}

static void test_sub_page_transitive(void)
{
	grant_handle_t h;

	for (unsigned int i = 0; i < 512; i++)
		data[i] = i;
	grant_v2(REF_SUB, GTF_permit_access | GTF_sub_page | GTF_readonly,
		 virt_to_mfn((const void *)data));
	gt.v2[REF_SUB].sub_page.page_off = 64;
	gt.v2[REF_SUB].sub_page.length = 32;
	check_eq(copy(REF_SUB, 64, 32, 0), GNTST_okay);
	check_eq(((uint64_t *)scratch)[8], 8);
	check_eq(((uint64_t *)scratch)[11], 11);
	check_eq(copy(REF_SUB, 56, 16, 0), GNTST_general_error);
	check_eq(copy(REF_SUB, 88, 16, 0), GNTST_general_error);
	check_eq(copy(REF_SUB, 64, 8, 1), GNTST_general_error);
	check_eq(map(REF_SUB, GNTMAP_host_map | GNTMAP_readonly, &h),
		 GNTST_general_error);
	check_eq(status_win[REF_SUB], 0);

	gt.v2[REF_TRANS].transitive.trans_domid = self();
	gt.v2[REF_TRANS].transitive.gref = REF_MAP;
	gt.v2[REF_TRANS].hdr.domid = self();
	__atomic_store_n(&gt.v2[REF_TRANS].hdr.flags, GTF_transitive,
			 __ATOMIC_RELEASE);
	check_eq(copy(REF_TRANS, 0, 8, 0), GNTST_general_error);
	check_eq(map(REF_TRANS, GNTMAP_host_map | GNTMAP_readonly, &h),
		 GNTST_general_error);
	check_eq(status_win[REF_TRANS], 0);
	check_eq(status_win[REF_MAP], 0);
	printk("v2: sub-page copies bounded, no sub-page or transitive map\n");
}

static void test_to_v1(void)
{
	uint64_t old = status_mfn, list[1];
	long rc;

	/* XSA-255: the status frame must not be freed under our mapping. */
	expect_switch(1, -EBUSY, 2);
	unmap_status();
	expect_switch(1, 0, 1);
	check_eq(status_frames(1, list, &rc), GNTST_general_error);
	check_eq(gt.v1[REF_RES].flags, GTF_permit_access);
	check_eq(gt.v1[REF_RES].domid, self());
	check_eq(gt.v1[REF_RES].frame, virt_to_mfn((const void *)data));
	check_eq(gt.v1[REF_MAP].flags, 0);
	/* The old status frame is no longer ours to map. */
	check_refused(remap((void *)status_win, old, PTE_FLAGS_RO));
	printk("v2 -> v1: refused while the status frame was mapped, then "
	       "done; the old frame cannot be mapped\n");
}

static void test_erange(void)
{
	expect_switch(2, 0, 2);
	grant_v2(REF_RES2, GTF_permit_access, 1ULL << 32);
	expect_switch(1, -ERANGE, 2);
	__atomic_store_n(&gt.v2[REF_RES2].hdr.flags, 0, __ATOMIC_RELEASE);
	expect_switch(1, 0, 1);
	printk("v2 -> v1 with a 33-bit reserved frame: -ERANGE\n");
}

static void test_reserved_in_use(void)
{
	grant_handle_t h;

	check_eq(map(REF_RES, GNTMAP_host_map, &h), GNTST_okay);
	check_eq(gt.v1[REF_RES].flags,
		 GTF_permit_access | GTF_reading | GTF_writing);
	/* Reserved entries may stay in use across a switch (as on Xen). */
	expect_switch(2, 0, 2);
	map_status();
	check_eq(status_win[REF_RES], GTF_reading | GTF_writing);
	check_eq(gt.v2[REF_RES].hdr.flags, GTF_permit_access);
	unmap_status();
	expect_switch(1, 0, 1);
	check_eq(gt.v1[REF_RES].flags,
		 GTF_permit_access | GTF_reading | GTF_writing);
	check_eq(unmap(h), GNTST_okay);
	check_eq(gt.v1[REF_RES].flags, GTF_permit_access);
	printk("a mapped reserved entry keeps its in-use bits across both "
	       "switches\n");
}

void test_main(void)
{
	iso_begin();
	status_win_own = virt_to_mfn((const void *)status_win);
	test_v1();
	test_to_v2();
	test_v2_map();
	test_sub_page_transitive();
	test_to_v1();
	test_erange();
	test_reserved_in_use();
	printk("gnt_v2_self: done\n");
}
