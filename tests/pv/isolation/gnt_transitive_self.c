// SPDX-License-Identifier: GPL-2.0
/*
 * Transitive grants one domain can try alone, so that Xen 4.17 (where
 * the kernel runs as dom0, with no other domain) checks the answers
 * too.  A transitive entry whose target is in its own table is
 * "self-referential" and refused, which is what closes the loop A -> A;
 * DOMID_SELF and a domain that does not exist name no target; a map of
 * any transitive entry fails; in v1 the transitive type is no grant at
 * all.  Each is GNTST_general_error, and no status word is left set.
 * (gnt_transitive has the two-domain cases that work.)
 */
#include "isolation.h"
#include "gnt.h"

const char test_name[] = "gnt_transitive_self";

enum { R_DATA = 10, T_SELF, T_DOMSELF, T_NODOM, T_RO_SELF };

static union gnt_table gt __attribute__((aligned(PAGE_SIZE)));
static volatile grant_status_t status[2048]
	__attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t scratch[512] __attribute__((aligned(PAGE_SIZE)));

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

static int copy_from(uint32_t ref)
{
	return gnt_copy(GNT_REF(DOMID_SELF, ref, 0), GNT_OWN(scratch, 0), 8);
}

void test_main(void)
{
	grant_handle_t h;
	uint32_t now;

	iso_begin();
	gnt_setup(&gt);
	check_rc(gnt_set_version(2, &now), 0);
	check_eq(now, 2);
	gnt_map_status(status);
	data[0] = 0x5e1f;
	gnt_grant_v2(&gt.v2[R_DATA], self(), GTF_permit_access, data);
	check_eq(copy_from(R_DATA), GNTST_okay);
	check_eq(scratch[0], 0x5e1f);

	gnt_grant_trans(&gt.v2[T_SELF], self(), 0, self(), R_DATA);
	gnt_grant_trans(&gt.v2[T_DOMSELF], self(), 0, DOMID_SELF, R_DATA);
	gnt_grant_trans(&gt.v2[T_NODOM], self(), 0, 100, R_DATA);
	gnt_grant_trans(&gt.v2[T_RO_SELF], self(), GTF_readonly, self(),
			R_DATA);
	check_eq(copy_from(T_SELF), GNTST_general_error);
	check_eq(copy_from(T_DOMSELF), GNTST_general_error);
	check_eq(copy_from(T_NODOM), GNTST_general_error);
	check_eq(copy_from(T_RO_SELF), GNTST_general_error);
	check_eq(gnt_copy(GNT_OWN(scratch, 0), GNT_REF(self(), T_SELF, 0), 8),
		 GNTST_general_error);
	check_eq(gnt_map(self(), T_SELF, (uint64_t)window, GNTMAP_host_map,
			 &h), GNTST_general_error);
	check_eq(gnt_map(self(), T_DOMSELF, (uint64_t)window,
			 GNTMAP_host_map | GNTMAP_readonly, &h),
		 GNTST_general_error);
	for (unsigned int r = R_DATA; r <= T_RO_SELF; r++)
		if (status[r])
			fail("status of entry %u is 0x%x", r, status[r]);
	printk("v2: self-referential, DOMID_SELF and absent targets refused, "
	       "no transitive map\n");

	/* Back to v1 (nothing in use, no status frame mapped): the
	 * transitive type is no grant there. */
	check_rc(remap((void *)status, virt_to_mfn((const void *)window),
		       PTE_FLAGS_RO), 0);
	check_rc(gnt_set_version(1, &now), 0);
	check_eq(now, 1);
	gt.v1[R_DATA].domid = self();
	gt.v1[R_DATA].frame = 0;
	__atomic_store_n(&gt.v1[R_DATA].flags, GTF_transitive,
			 __ATOMIC_RELEASE);
	check_eq(copy_from(R_DATA), GNTST_general_error);
	check_eq(gt.v1[R_DATA].flags, GTF_transitive);
	printk("v1: an entry of the transitive type refused\n");
	printk("gnt_transitive_self: done\n");
}
