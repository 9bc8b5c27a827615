// SPDX-License-Identifier: GPL-2.0
/*
 * Grant-table helpers for the PV test kernels.  See include/gnt.h.
 */
#include "gnt.h"

long gnt_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

void gnt_setup(union gnt_table *table)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnt_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(table, frame, PTE_FLAGS_RW), 0);
}

long gnt_set_version(uint32_t v, uint32_t *now)
{
	struct gnttab_set_version sv = { .version = v };
	long rc = gnt_op(GNTTABOP_set_version, &sv, 1);

	*now = sv.version;
	return rc;
}

void gnt_map_status(volatile grant_status_t *win)
{
	struct gnttab_get_status_frames op = {
		.nr_frames = 1, .dom = DOMID_SELF, .status = 1,
	};
	uint64_t frame = 0;

	op.frame_list = (unsigned long)&frame;
	check_rc(gnt_op(GNTTABOP_get_status_frames, &op, 1), 0);
	check_eq(op.status, GNTST_okay);
	check_rc(remap((void *)win, frame, PTE_FLAGS_RO), 0);
}

void gnt_grant_v1(struct grant_entry_v1 *e, domid_t to, uint16_t flags,
		  const volatile void *page)
{
	e->domid = to;
	e->frame = (uint32_t)virt_to_mfn((const void *)page);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

void gnt_grant_v2(union grant_entry_v2 *e, domid_t to, uint16_t flags,
		  const volatile void *page)
{
	__atomic_store_n(&e->hdr.flags, 0, __ATOMIC_SEQ_CST);
	e->full_page.pad0 = 0;
	e->full_page.frame = virt_to_mfn((const void *)page);
	e->hdr.domid = to;
	__atomic_store_n(&e->hdr.flags, flags, __ATOMIC_RELEASE);
}

void gnt_grant_sub(union grant_entry_v2 *e, domid_t to, uint16_t flags,
		   const volatile void *page, uint16_t off, uint16_t len)
{
	__atomic_store_n(&e->hdr.flags, 0, __ATOMIC_SEQ_CST);
	e->sub_page.page_off = off;
	e->sub_page.length = len;
	e->sub_page.frame = virt_to_mfn((const void *)page);
	e->hdr.domid = to;
	__atomic_store_n(&e->hdr.flags, flags | GTF_sub_page,
			 __ATOMIC_RELEASE);
}

void gnt_grant_trans(union grant_entry_v2 *e, domid_t to, uint16_t extra,
		     domid_t tdom, uint32_t tref)
{
	__atomic_store_n(&e->hdr.flags, 0, __ATOMIC_SEQ_CST);
	e->__spacer[1] = e->__spacer[2] = e->__spacer[3] = 0;
	e->transitive.trans_domid = tdom;
	e->transitive.gref = tref;
	e->hdr.domid = to;
	__atomic_store_n(&e->hdr.flags, GTF_transitive | extra,
			 __ATOMIC_RELEASE);
}

int gnt_map(domid_t dom, uint32_t ref, uint64_t host, uint32_t flags,
	    grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = host, .flags = flags, .ref = ref, .dom = dom,
		.status = 1,
	};

	check_rc(gnt_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
	return op.status;
}

int gnt_unmap(uint64_t host, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = host, .handle = h, .status = 1,
	};

	check_rc(gnt_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

int gnt_replace(grant_handle_t h, uint64_t host, uint64_t new_addr)
{
	struct gnttab_unmap_and_replace op = {
		.host_addr = host, .new_addr = new_addr, .handle = h,
		.status = 1,
	};

	check_rc(gnt_op(GNTTABOP_unmap_and_replace, &op, 1), 0);
	return op.status;
}

static void copy_side(struct gnt_side s, struct gnttab_copy_ptr *p,
		      uint16_t *flags, uint16_t gref_flag)
{
	p->domid = s.dom;
	p->offset = s.off;
	if (s.page) {
		p->u.gmfn = virt_to_mfn((const void *)s.page);
	} else {
		p->u.ref = s.ref;
		*flags |= gref_flag;
	}
}

int gnt_copy(struct gnt_side src, struct gnt_side dst, uint16_t len)
{
	struct gnttab_copy op = { .len = len, .status = 1 };
	long rc;

	copy_side(src, &op.source, &op.flags, GNTCOPY_source_gref);
	copy_side(dst, &op.dest, &op.flags, GNTCOPY_dest_gref);
	/* Quiet: tests make thousands (each status is checked instead). */
	rc = gnt_op(GNTTABOP_copy, &op, 1);
	if (rc)
		fail("GNTTABOP_copy returned %ld", rc);
	return op.status;
}

void gnt_wait_eq(const volatile uint64_t *p, uint64_t v, const char *what)
{
	uint64_t deadline = pv_now() + 60000000000ULL;

	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != v) {
		if (pv_now() > deadline)
			fail("waited 60 s for %s", what);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}
