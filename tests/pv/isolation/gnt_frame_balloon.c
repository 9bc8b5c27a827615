// SPDX-License-Identifier: GPL-2.0
/*
 * Ballooning out our own grant-table frame.  The table's frames were
 * ordinary frames of the domain: once the guest unmapped one,
 * decrease_reservation freed it while the table still pointed at it,
 * and every later grant operation read and set flag bits in whatever the
 * frame became next (another domain's page, a page table).  Likewise the
 * guest could pin the frame as a page table, and the hypervisor then
 * wrote GTF_reading/GTF_writing into a live table.
 *
 * As on Xen, the table's frames are hypervisor pages shared with the
 * guest: it may map them (Linux does, from setup_table's frame list),
 * but they are not its memory, and they stay writable memory for as long
 * as the table uses them.  So, with a grant written into the frame and
 * our own mapping of it gone: decrease_reservation does not take the
 * frame from the table -- Veneer refuses (0 extents, logged); Xen 4.17
 * counts the extent but only drops the guest's share of the xenheap
 * page, which it may then no longer map -- and a pin as an L1 is
 * refused.  The table keeps using the same frame: setup_table returns
 * it, and GNTTABOP_copy honours the grant we wrote there (on Veneer,
 * mapped again, its in-use flag is clear afterwards).  An ordinary frame
 * still balloons out (and we take one back, so the domain ends with all
 * its pages).
 *
 * veneer-log: decrease_reservation: frame 0x[0-9a-f]+ is a hypervisor page the domain may map \(its grant table\)
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>
#include <veneer/memory.h>

const char test_name[] = "gnt_frame_balloon";

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t shared_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t copy_dst[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t spare[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

#define REF	12

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static long memop(int cmd, xen_pfn_t *frame)
{
	struct xen_memory_reservation r = {
		.nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF,
	};

	r.extent_start = (unsigned long)frame;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

static xen_pfn_t setup_table(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	return frame;
}

/* GNTTABOP_copy of our grant REF into copy_dst; its status. */
static int copy_from_grant(void)
{
	struct gnttab_copy op = {
		.flags = GNTCOPY_source_gref, .len = PAGE_SIZE, .status = 1,
	};

	op.source.domid = self();
	op.source.u.ref = REF;
	op.dest.domid = DOMID_SELF;
	op.dest.u.gmfn = virt_to_mfn(copy_dst);
	check_rc(gnttab_op(GNTTABOP_copy, &op, 1), 0);
	return op.status;
}

void test_main(void)
{
	xen_pfn_t table, f;
	long rc;

	iso_begin();
	table = setup_table();
	check_rc(remap(gnttab, table, PTE_FLAGS_RW), 0);
	memset(shared_page, 0x5e, PAGE_SIZE);
	gnttab[REF].domid = self();
	gnttab[REF].frame = virt_to_mfn(shared_page);
	__atomic_store_n(&gnttab[REF].flags, GTF_permit_access | GTF_readonly,
			 __ATOMIC_RELEASE);
	printk("grant-table frame 0x%lx, grant %u written; our mapping of "
	       "it removed\n", (unsigned long)table, REF);
	check_rc(hyp_update_va_mapping((unsigned long)gnttab, 0, UVMF_INVLPG),
		 0);

	printk("balloon the grant-table frame out\n");
	f = table;
	rc = memop(XENMEM_decrease_reservation, &f);
	printk("  decrease_reservation = %ld (%s)\n", rc,
	       rc ? "Xen: the guest loses its share, the table keeps the "
		    "frame" : "refused");
	check(rc == 0 || rc == 1);

	printk("pin the grant-table frame as an L1: refused\n");
	check_refused(mmuext1(MMUEXT_PIN_L1_TABLE, table));

	printk("the table still uses the same frame: the grant works\n");
	check_eq(setup_table(), table);
	check_eq(copy_from_grant(), GNTST_okay);
	check_eq(copy_dst[0], 0x5e);
	check_eq(copy_dst[PAGE_SIZE - 1], 0x5e);
	if (rc == 0) {
		check_rc(remap(gnttab, table, PTE_FLAGS_RW), 0);
		check_eq(gnttab[REF].frame, virt_to_mfn(shared_page));
		check_eq(gnttab[REF].flags & (GTF_reading | GTF_writing), 0);
	} else {
		/* Given up: not ours to map any more. */
		check_refused(remap(gnttab, table, PTE_FLAGS_RW));
	}

	printk("an ordinary frame still balloons out, and comes back\n");
	f = virt_to_mfn(spare);
	check_rc(hyp_update_va_mapping((unsigned long)spare, 0, UVMF_INVLPG),
		 0);
	check_rc(memop(XENMEM_decrease_reservation, &f), 1);
	f = virt_to_pfn(spare);
	check_rc(memop(XENMEM_populate_physmap, &f), 1);
	check_rc(remap(spare, f, PTE_FLAGS_RW), 0);
	check_eq(spare[0], 0);
	printk("gnt_frame_balloon: grant-table frame 0x%lx stayed the "
	       "table's\n", (unsigned long)table);
}
