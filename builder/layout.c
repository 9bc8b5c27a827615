// SPDX-License-Identifier: GPL-2.0
/*
 * Step 2 of building a domain: decide where everything goes.
 *
 * A PV guest starts with one virtually contiguous "bootstrap region" that
 * maps PFN 0 upwards at VIRT_BASE (the start-of-day layout of Xen's
 * xen.h, contract §3.1). In order, page aligned:
 *
 *   kernel image | initrd | P2M list | start_info | [store, console]
 *   | page tables (L4, L3, L2, L1...) | boot stack | padding
 *
 * The region ends at least 512 KiB after the stack, on a 4 MiB boundary.
 * Linux follows L4 -> L3 -> one L2 from VIRT_BASE and copies that L2, so
 * the whole region must sit under a single L2 (one 1 GiB-aligned GiB) and
 * use 4 KiB mappings only. The number of L1 tables depends on the region's
 * end, which depends on the number of L1 tables: iterate to a fixed point.
 */
#include "builder-internal.h"

#define L1_SPAN   (1ULL << 21) /* one L1 table maps 2 MiB */
#define L2_SPAN   (1ULL << 30) /* one L2 table maps 1 GiB */
#define PAD_BYTES (512ULL << 10)
#define END_ALIGN (4ULL << 20)

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/* L1 tables needed to map [start, end). */
static uint64_t l1_tables(uint64_t start, uint64_t end)
{
	return (round_up(end, L1_SPAN) - (start & ~(L1_SPAN - 1))) / L1_SPAN;
}

/**
 * vb_plan_layout() - place the parts of a new domain's bootstrap region
 * @img: a parsed image
 * @req: what to build
 * @lay: filled in on success
 * @err: the reason on failure
 *
 * Return: 0; -E2BIG when the parts do not fit in the domain's memory or in
 * the 1 GiB Linux can map at boot; -EINVAL for a bad request.
 */
int vb_plan_layout(const struct vb_image *img, const struct vb_request *req,
		   struct vb_layout *lay, struct vb_error *err)
{
	uint64_t next, nr_l1 = 1, prev = 0, mapped;

	vb_memset(lay, 0, sizeof(*lay));
	if (req->nr_pages == 0 || req->nr_pages > (1ULL << 40 >> VB_PAGE_SHIFT))
		return vb_fail(err, -VB_EINVAL,
			       "domain size of %lu pages is out of range",
			       req->nr_pages);
	if (req->initrd_len > L2_SPAN || (req->initrd_len && !req->initrd))
		return vb_fail(err, -VB_EINVAL,
			       "initrd of %lu bytes is too large or missing",
			       req->initrd_len);

	lay->v_start = img->virt_base;
	lay->kern_pfn = img->kern_start >> VB_PAGE_SHIFT;
	lay->kern_pages = vb_pages(img->kern_end) - lay->kern_pfn;
	next = vb_pages(img->kern_end);

	lay->initrd_pfn = next;
	lay->initrd_pages = vb_pages(req->initrd_len);
	next += lay->initrd_pages;

	lay->p2m_pfn = next;
	lay->p2m_pages = vb_pages(req->nr_pages * sizeof(uint64_t));
	next += lay->p2m_pages;

	lay->start_info_pfn = next++;
	if (req->with_rings) {
		lay->store_pfn = next++;
		lay->console_pfn = next++;
	}
	lay->pt_pfn = next;

	while (nr_l1 != prev) {
		prev = nr_l1;
		lay->pt_pages = 3 + nr_l1;
		lay->stack_pfn = lay->pt_pfn + lay->pt_pages;
		lay->used_pages = lay->stack_pfn + 1;
		lay->v_end = round_up(lay->v_start +
				      lay->used_pages * VB_PAGE_SIZE +
				      PAD_BYTES, END_ALIGN);
		if (lay->v_end - lay->v_start > L2_SPAN)
			break;
		nr_l1 = l1_tables(lay->v_start, lay->v_end);
	}
	lay->nr_l1 = nr_l1;

	if (lay->v_end - lay->v_start > L2_SPAN ||
	    (lay->v_start & ~(L2_SPAN - 1)) !=
	    ((lay->v_end - 1) & ~(L2_SPAN - 1)))
		return vb_fail(err, -VB_E2BIG,
			       "boot region %lx-%lx does not fit in one "
			       "1 GiB-aligned GiB", lay->v_start, lay->v_end);
	mapped = (lay->v_end - lay->v_start) >> VB_PAGE_SHIFT;
	if (mapped > req->nr_pages)
		return vb_fail(err, -VB_E2BIG,
			       "boot region needs %lu pages; the domain has "
			       "only %lu", mapped, req->nr_pages);
	return 0;
}
