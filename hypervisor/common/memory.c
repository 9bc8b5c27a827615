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
 * domain's fixed size.  Ballooning (populate_physmap,
 * decrease_reservation) and the rest answer -ENOSYS, logged once.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/mm.h>
#include <hv/event.h>
#include <hv/pv.h>

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

	switch (cmd) {
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
	case XENMEM_maximum_reservation:
		if (!query_domain(d, arg))
			return -ESRCH;
		return (long)d->nr_pages;
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
	return pv_enosys_once("memory_op", 12, cmd & 0xffff);
}
