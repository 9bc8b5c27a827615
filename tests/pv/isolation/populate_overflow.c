// SPDX-License-Identifier: GPL-2.0
/*
 * XENMEM_populate_physmap with a PFN near 2^64: "pfn + 1 > nr_pages"
 * wraps to 0 and passed, and the hypervisor wrote the new frame's number
 * into its heap just before the domain's P2M.  Veneer keeps a P2M of
 * nr_pages entries and must refuse any PFN outside it (checked without
 * overflow); Xen keeps no P2M for a PV guest and accepts any PFN, so on
 * Xen the first call may succeed.  What both must do: stay up, and hand
 * a frame for a valid PFN back.
 *
 * veneer-log: populate_physmap: pfn 0xffffffffffffffff \(order 0\) is beyond the domain's 4096 pages
 * veneer-log: populate_physmap: pfn 0xffffffffffffff00 \(order 9\) is beyond the domain's 4096 pages
 */
#include "isolation.h"

#include <veneer/memory.h>

const char test_name[] = "populate_overflow";

static char victim[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static long memop(int cmd, xen_pfn_t *frames, unsigned int n,
		  unsigned int order)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = order, .domid = DOMID_SELF,
	};

	r.extent_start = (unsigned long)frames;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

void test_main(void)
{
	unsigned long pfn = virt_to_pfn(victim);
	xen_pfn_t f;
	long rc;

	iso_begin();
	/* Give one frame back, so a populate has something to hand out. */
	f = virt_to_mfn(victim);
	check_rc(hyp_update_va_mapping((unsigned long)victim, 0, UVMF_INVLPG),
		 0);
	check_rc(memop(XENMEM_decrease_reservation, &f, 1, 0), 1);

	f = ~0UL;
	rc = memop(XENMEM_populate_physmap, &f, 1, 0);
	if (rc == 1) {
		/* Xen: accepted (it keeps no P2M); give the frame back. */
		check(iso_is_dom0());
		check_rc(memop(XENMEM_decrease_reservation, &f, 1, 0), 1);
	} else {
		check_eq(rc, 0);
	}
	f = ~0UL << 8;
	rc = memop(XENMEM_populate_physmap, &f, 1, 9);
	check(rc == 0 || (rc == 1 && iso_is_dom0()));
	if (rc == 1)
		fail("Xen handed out 512 frames after one was ballooned");

	/* A PFN inside the map works and the frame is ours and clean. */
	f = pfn;
	check_rc(memop(XENMEM_populate_physmap, &f, 1, 0), 1);
	check_rc(hyp_update_va_mapping((unsigned long)victim,
				       (f << 12) | _PAGE_PRESENT | _PAGE_RW |
				       _PAGE_ACCESSED | _PAGE_DIRTY,
				       UVMF_INVLPG), 0);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		check_eq(victim[i], 0);
	victim[0] = 1;
	printk("populate_overflow: refused the wrapping PFNs, frame 0x%lx "
	       "for pfn 0x%lx\n", (unsigned long)f, pfn);
}
