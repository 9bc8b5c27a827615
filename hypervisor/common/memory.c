// SPDX-License-Identifier: GPL-2.0
/*
 * memory_op: what a guest may learn about, and later change in, its
 * memory reservation.
 *
 * XENMEM_machphys_mapping says where the read-only M2P is (Linux reads
 * machine_to_phys_mapping[] directly) and how far it goes.
 *
 * The memory maps: a domain's pseudo-physical map is one RAM range,
 * [0, nr_pages) pages, with no holes, so Linux never has to release or
 * remap anything (contract §5 step 18).  The initial domain asks for the
 * machine's map instead (XENMEM_machine_memory_map).  On Xen that is the
 * real E820, and Linux then identity-maps the firmware holes below its
 * memory size (the ISA hole at 640 KiB) to machine frames it does not
 * own.  Veneer's dom0 has no devices and no firmware to talk to (it
 * boots with acpi=off pci=off), so it gets the same single RAM range:
 * no identity frames, nothing to remap, nothing dom0 maps that is not
 * its own.  The reservation queries report the
 * domain's size.
 *
 * Ballooning: decrease_reservation takes frames back from a PV guest
 * (it names them by MFN: a PV guest's frame numbers are machine ones),
 * but only frames nothing maps or uses any more (the allocation is their
 * only reference and they have no type), so a guest cannot free memory
 * out from under a page table; populate_physmap gives frames back, up
 * to the size the domain was built with, and writes their MFNs over the
 * PFNs the guest asked for.  Both keep the P2M and M2P in step.  The
 * rest (exchange, add_to_physmap, ...) answers -ENOSYS, logged once.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/mm.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/page.h>
#include <hv/pv.h>
#include <hv/spinlock.h>

#include <asm/page.h>

#include <veneer/memory.h>

/**
 * do_memory_op() - XENMEM_*
 * @cmd: the sub-operation
 * @arg: its guest argument structure
 */
/* An E820 entry as the guest reads it: 20 bytes, packed. */
struct e820_entry {
	u64 addr, size;
	u32 type;
} __packed;

/* Copy @n entries to the guest's xen_memory_map at @arg. */
static long put_map(unsigned long arg, const struct e820_entry *e,
		    unsigned int n)
{
	struct xen_memory_map map;
	unsigned int i;

	if (copy_from_guest(&map, arg, sizeof(map)))
		return -EFAULT;
	if (map.nr_entries < n)
		n = map.nr_entries;
	for (i = 0; i < n; i++)
		if (copy_to_guest(map.buffer + i * sizeof(*e), &e[i],
				  sizeof(*e)))
			return -EFAULT;
	map.nr_entries = n;
	return copy_to_guest(arg, &map, sizeof(map));
}

#define M2P_RW		((unsigned long *)M2P_RW_VIRT)
#define M2P_INVALID	(~0UL)
#define MAX_EXTENT_ORDER 9	/* 2 MiB: what Linux's balloon asks for at most */

static spinlock_t balloon_lock = SPINLOCK_INIT;

/* Give one frame of @d back to the heap, if nothing else holds it. */
static bool release_frame(struct domain *d, unsigned long mfn)
{
	struct page_info *pg;
	unsigned long pfn;

	if (mfn >= max_page)
		return false;
	pg = mfn_to_page(mfn);
	if (READ_ONCE(pg->owner) != d->id ||
	    !(READ_ONCE(pg->count_info) & PGC_allocated) ||
	    page_refcount(pg) != 1 || page_type_count(pg) != 0)
		return false;
	pfn = M2P_RW[mfn];
	if (pfn < d->nr_pages && d->p2m[pfn] == mfn)
		d->p2m[pfn] = M2P_INVALID;
	WRITE_ONCE(M2P_RW[mfn], M2P_INVALID);
	if (put_page(pg)) {		/* the allocation's reference */
		pg->owner = DOMID_NONE;
		free_pages(pg, 0);
	}
	return true;
}

static long decrease_reservation(struct domain *d,
				 struct xen_memory_reservation *r)
{
	unsigned long i, j;
	xen_pfn_t mfn;

	if (r->extent_order > MAX_EXTENT_ORDER)
		return -EINVAL;
	/* The guest unmapped these frames, but a TLB anywhere may still
	 * translate to them: no frame leaves the domain before a flush. */
	pv_flush_domain(d);
	for (i = 0; i < r->nr_extents; i++) {
		if (copy_from_guest(&mfn, r->extent_start + i * sizeof(mfn),
				    sizeof(mfn)))
			return i ? (long)i : -EFAULT;
		if (mfn >= max_page || (1UL << r->extent_order) > max_page - mfn)
			break;
		spin_lock(&balloon_lock);
		for (j = 0; j < (1UL << r->extent_order); j++)
			if (!release_frame(d, mfn + j))
				break;
		d->ballooned += j;
		spin_unlock(&balloon_lock);
		if (j != (1UL << r->extent_order))
			break;
	}
	return (long)i;
}

static long populate_physmap(struct domain *d,
			     struct xen_memory_reservation *r)
{
	unsigned long i, j, n = 1UL << r->extent_order;
	struct page_info *pg;
	xen_pfn_t pfn, mfn;

	if (r->extent_order > MAX_EXTENT_ORDER)
		return -EINVAL;
	for (i = 0; i < r->nr_extents; i++) {
		if (copy_from_guest(&pfn, r->extent_start + i * sizeof(pfn),
				    sizeof(pfn)))
			return i ? (long)i : -EFAULT;
		/* Beyond the P2M we keep; written so nothing can wrap. */
		if (pfn >= d->nr_pages || n > d->nr_pages - pfn) {
			gprintk(LOG_WARN, current_vcpu(), "populate_physmap: "
				"pfn %#lx (order %u) is beyond the domain's "
				"%lu pages", (unsigned long)pfn,
				r->extent_order, d->nr_pages);
			break;
		}
		spin_lock(&balloon_lock);
		pg = d->ballooned >= n ? alloc_pages(r->extent_order) : NULL;
		if (pg)
			d->ballooned -= n;
		spin_unlock(&balloon_lock);
		if (!pg)
			break;
		mfn = page_to_mfn(pg);
		for (j = 0; j < n; j++) {
			memset(__va((mfn + j) << PAGE_SHIFT), 0, PAGE_SIZE);
			assign_page(pg + j, d->id);
			d->p2m[pfn + j] = mfn + j;
			WRITE_ONCE(M2P_RW[mfn + j], pfn + j);
		}
		if (copy_to_guest(r->extent_start + i * sizeof(mfn), &mfn,
				  sizeof(mfn)))
			return -EFAULT;
	}
	return (long)i;
}

/* The domain a reservation query names: only the caller's own. */
static struct domain *query_domain(struct domain *d, unsigned long arg)
{
	domid_t id;

	if (copy_from_guest(&id, arg, sizeof(id)))
		return NULL;
	return id == DOMID_SELF || id == d->id ? d : NULL;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;
	struct e820_entry ram = { 0, 0, 1 /* E820 RAM */ };
	struct xen_memory_reservation r;

	switch (cmd & 0x3f) {	/* MEMOP_CMD_MASK; above it, a restart point */
	case XENMEM_memory_map:
		ram.size = (u64)d->nr_pages << PAGE_SHIFT;
		return put_map(arg, &ram, 1);
	case XENMEM_machine_memory_map:
		/* dom0 owns no firmware or device memory: it sees its own
		 * RAM, with no holes to identity-map (see above). */
		if (!d->is_privileged)
			return -EPERM;
		ram.size = (u64)d->nr_pages << PAGE_SHIFT;
		return put_map(arg, &ram, 1);
	case XENMEM_current_reservation:
		if (!query_domain(d, arg))
			return -ESRCH;
		return (long)(d->nr_pages - d->ballooned);
	case XENMEM_maximum_reservation:
		if (!query_domain(d, arg))
			return -ESRCH;
		return (long)d->nr_pages;
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		if (copy_from_guest(&r, arg, sizeof(r)))
			return -EFAULT;
		if ((r.domid != DOMID_SELF && r.domid != d->id))
			return -ESRCH;
		if ((cmd & 0x3f) == XENMEM_decrease_reservation)
			return decrease_reservation(d, &r);
		return populate_physmap(d, &r);
	case XENMEM_maximum_ram_page:
		return (long)max_page;
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = {
			.v_start = MACH2PHYS_VIRT_START,
			.v_end = MACH2PHYS_VIRT_START +
				 max_page * sizeof(unsigned long),
			.max_mfn = max_page - 1,
		};

		return copy_to_guest(arg, &m, sizeof(m));
	}
	}
	return pv_enosys_once("memory_op", 12, cmd & 0x3f);
}
