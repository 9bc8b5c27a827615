// SPDX-License-Identifier: GPL-2.0
/*
 * GNTTABOP_copy into one of our own live page tables.  The copy wrote its
 * destination holding only a general reference on it, so a guest could
 * copy a PTE of its choosing into its own pinned L1 -- a writable mapping
 * of that very L1, or of any machine frame -- past every check the PV MMU
 * makes.  The destination of a copy must hold the writable type for the
 * length of the copy; a page table (or descriptor page) cannot take it,
 * and the copy fails with GNTST_general_error (Xen's status).
 *
 * We pin an empty L1, then copy into it a PTE that maps it writable:
 * by its frame number (a local destination) and through a grant we give
 * ourselves of it.  Both must fail and leave the L1 empty and the grant
 * idle.  Copies into an ordinary page work both ways, and so does a copy
 * into the L1's frame once it is unpinned (ordinary memory again).
 *
 * veneer-log: grant copy into frame 0x[0-9a-f]+ refused: it is a page table or descriptor page
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_copy_into_pagetable";

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t l1[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t src[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t plain[512] __attribute__((aligned(PAGE_SIZE)));

enum { REF_L1 = 8, REF_PLAIN };

#define SLOT	5	/* the L1 entry the attack writes */

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

/* Our own domain id: 0 on Xen (dom0), d<role> on Veneer. */
static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

static void setup_grant_table(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(gnttab, frame, PTE_FLAGS_RW), 0);
}

static void grant(unsigned int ref, const volatile void *va)
{
	gnttab[ref].domid = self();
	gnttab[ref].frame = virt_to_mfn((const void *)va);
	__atomic_store_n(&gnttab[ref].flags, GTF_permit_access,
			 __ATOMIC_RELEASE);
}

static uint16_t in_use(unsigned int ref)
{
	return __atomic_load_n(&gnttab[ref].flags, __ATOMIC_ACQUIRE) &
	       (GTF_reading | GTF_writing);
}

/* Copy src[0] to entry SLOT of a frame: by its number or by a grant. */
static int copy_to(const volatile void *dst, int by_ref, unsigned int ref)
{
	struct gnttab_copy op = { .len = 8, .status = 1 };

	op.source.domid = DOMID_SELF;
	op.source.u.gmfn = virt_to_mfn(src);
	op.dest.offset = SLOT * 8;
	if (by_ref) {
		op.flags = GNTCOPY_dest_gref;
		op.dest.domid = self();
		op.dest.u.ref = ref;
	} else {
		op.dest.domid = DOMID_SELF;
		op.dest.u.gmfn = virt_to_mfn((const void *)dst);
	}
	check_rc(gnttab_op(GNTTABOP_copy, &op, 1), 0);
	printk("  copy into mfn 0x%lx %s: status %d\n",
	       (unsigned long)virt_to_mfn((const void *)dst),
	       by_ref ? "by grant" : "by frame number", op.status);
	return op.status;
}

static void check_l1_empty(void)
{
	for (unsigned int i = 0; i < 512; i++)
		check_eq(l1[i], 0);
}

void test_main(void)
{
	uint64_t l1mfn = virt_to_mfn(l1);

	iso_begin();
	setup_grant_table();
	grant(REF_L1, l1);
	grant(REF_PLAIN, plain);
	/* The PTE an attacker wants in its L1: the L1 itself, writable. */
	src[0] = (l1mfn << 12) | PTE_FLAGS_RW;

	printk("pin an empty L1 (mfn 0x%lx)\n", (unsigned long)l1mfn);
	make_page_readonly(l1);
	check_rc(pin_table(l1, 1), 0);

	printk("copy a PTE into the pinned L1: refused\n");
	check_eq(copy_to(l1, 0, 0), GNTST_general_error);
	check_l1_empty();
	check_eq(copy_to(l1, 1, REF_L1), GNTST_general_error);
	check_l1_empty();
	check_eq(in_use(REF_L1), 0);

	printk("copy into an ordinary page: done\n");
	check_eq(copy_to(plain, 0, 0), GNTST_okay);
	check_eq(plain[SLOT], src[0]);
	plain[SLOT] = 0;
	check_eq(copy_to(plain, 1, REF_PLAIN), GNTST_okay);
	check_eq(plain[SLOT], src[0]);
	check_eq(in_use(REF_PLAIN), 0);

	printk("unpinned, the L1's frame is ordinary memory again\n");
	check_rc(unpin_table(l1), 0);
	check_eq(copy_to(l1, 1, REF_L1), GNTST_okay);
	check_eq(l1[SLOT], src[0]);
	check_eq(in_use(REF_L1), 0);
	/* ... and cannot be pinned with that entry in it: it maps itself
	 * writable. */
	check_refused(pin_table(l1, 1));
	printk("gnt_copy_into_pagetable: copies into a live L1 refused\n");
}
