// SPDX-License-Identifier: GPL-2.0
/*
 * GNTMAP_device_map and GNTTABOP_unmap_and_replace, as Xen 4.17 does them
 * for a PV domain without an IOMMU, with grants we give ourselves.
 *
 * A device mapping is a use of the grant for a device's DMA: no page
 * table entry, the bus address (dev_bus_addr) is the frame's machine
 * address, and it holds the frame and the entry's pin (GTF_reading,
 * GTF_writing) until it is unmapped by that bus address; a wrong one is
 * GNTST_bad_dev_addr and changes nothing.  With GNTMAP_host_map too, the
 * two parts are unmapped separately (a host address takes the host part,
 * a bus address the device part) and the handle goes with the last.  A
 * device mapping of a read-only grant must itself be read-only.
 *
 * unmap_and_replace takes a grant mapping down by putting in its place
 * what another of our addresses maps, and clears that address: the
 * frame moves.  With no new address it only clears the entry.  An entry
 * that does not map the grant is left alone (GNTST_general_error).
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "gnt_device_map";

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t spare[512] __attribute__((aligned(PAGE_SIZE)));

enum { REF_RW = 8, REF_RO = 9 };

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

static int map(uint32_t ref, uint32_t flags, grant_handle_t *h, uint64_t *bus)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)window, .flags = flags,
		.ref = ref, .dom = self(), .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
	*bus = op.dev_bus_addr;
	return op.status;
}

static int unmap(grant_handle_t h, uint64_t host, uint64_t bus)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = host, .dev_bus_addr = bus, .handle = h,
		.status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

static int replace(grant_handle_t h, uint64_t host, uint64_t new_addr)
{
	struct gnttab_unmap_and_replace op = {
		.host_addr = host, .new_addr = new_addr, .handle = h,
		.status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_and_replace, &op, 1), 0);
	return op.status;
}

/* Does a write to @p fault?  1 if it does. */
static unsigned int write_faults(volatile uint64_t *p)
{
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(p), "d"(0x77UL));
	return probe_rec.count;
}

static void setup(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(gnttab, frame, PTE_FLAGS_RW), 0);
	gnttab[REF_RW].domid = self();
	gnttab[REF_RW].frame = virt_to_mfn((const void *)data);
	gnttab[REF_RW].flags = GTF_permit_access;
	gnttab[REF_RO] = gnttab[REF_RW];
	gnttab[REF_RO].flags = GTF_permit_access | GTF_readonly;
}

static void test_device_only(void)
{
	uint64_t bus, maddr = virt_to_mfn((const void *)data) << 12;
	grant_handle_t h;

	check_eq(map(REF_RW, GNTMAP_device_map, &h, &bus), GNTST_okay);
	printk("device map: bus address 0x%lx, frame at 0x%lx\n",
	       (unsigned long)bus, (unsigned long)maddr);
	check_eq(bus, maddr);
	check_eq(gnttab[REF_RW].flags,
		 GTF_permit_access | GTF_reading | GTF_writing);
	check_eq(unmap(h, 0, maddr + PAGE_SIZE), GNTST_bad_dev_addr);
	check_eq(gnttab[REF_RW].flags,
		 GTF_permit_access | GTF_reading | GTF_writing);
	check_eq(unmap(h, 0, maddr), GNTST_okay);
	check_eq(gnttab[REF_RW].flags, GTF_permit_access);
	check_eq(unmap(h, 0, maddr), GNTST_bad_handle);

	/* A read-only grant: only a read-only device mapping. */
	check_eq(map(REF_RO, GNTMAP_device_map, &h, &bus),
		 GNTST_general_error);
	check_eq(gnttab[REF_RO].flags, GTF_permit_access | GTF_readonly);
	check_eq(map(REF_RO, GNTMAP_device_map | GNTMAP_readonly, &h, &bus),
		 GNTST_okay);
	check_eq(gnttab[REF_RO].flags,
		 GTF_permit_access | GTF_readonly | GTF_reading);
	check_eq(unmap(h, 0, bus), GNTST_okay);
	check_eq(gnttab[REF_RO].flags, GTF_permit_access | GTF_readonly);
	printk("device-only mappings: bus address checked, pins follow\n");
}

static void test_both_parts(void)
{
	uint64_t bus;
	grant_handle_t h;

	data[0] = 0x1234;
	check_eq(map(REF_RW, GNTMAP_device_map | GNTMAP_host_map, &h, &bus),
		 GNTST_okay);
	check_eq(window[0], 0x1234);
	/* The host part goes; the device part still holds the grant. */
	check_eq(unmap(h, (uint64_t)window, 0), GNTST_okay);
	check_eq(write_faults(window), 1);
	check_eq(gnttab[REF_RW].flags,
		 GTF_permit_access | GTF_reading | GTF_writing);
	check_eq(unmap(h, (uint64_t)window, bus), GNTST_okay);
	check_eq(gnttab[REF_RW].flags, GTF_permit_access);
	check_eq(unmap(h, 0, bus), GNTST_bad_handle);
	printk("host and device parts unmapped one at a time\n");
}

static void test_replace(void)
{
	uint64_t bus, spare_mfn = virt_to_mfn((const void *)spare);
	uint64_t window_mfn = virt_to_mfn((const void *)window);
	grant_handle_t h;

	spare[0] = 0x5151;
	data[0] = 0xdada;
	check_eq(map(REF_RW, GNTMAP_host_map, &h, &bus), GNTST_okay);
	check_eq(window[0], 0xdada);
	/* An address that does not map the grant: nothing happens. */
	check_eq(replace(h, (uint64_t)spare, 0), GNTST_general_error);
	check_eq(spare[0], 0x5151);
	check_eq(replace(h, (uint64_t)window, (uint64_t)spare), GNTST_okay);
	check_eq(gnttab[REF_RW].flags, GTF_permit_access);
	/* The spare frame moved to the window; its old address is empty. */
	check_eq(window[0], 0x5151);
	check_eq(write_faults(spare), 1);
	window[1] = 0x99;
	check_eq(data[1] == 0x99, 0);
	check_eq(replace(h, (uint64_t)window, 0), GNTST_bad_handle);
	check_rc(remap((void *)spare, spare_mfn, PTE_FLAGS_RW), 0);
	check_eq(spare[1], 0x99);

	/* With no new address it only takes the grant down. */
	check_rc(remap((void *)window, window_mfn, PTE_FLAGS_RW), 0);
	check_eq(map(REF_RW, GNTMAP_host_map, &h, &bus), GNTST_okay);
	check_eq(replace(h, (uint64_t)window, 0), GNTST_okay);
	check_eq(write_faults(window), 1);
	check_eq(gnttab[REF_RW].flags, GTF_permit_access);
	check_rc(remap((void *)window, window_mfn, PTE_FLAGS_RW), 0);
	printk("unmap_and_replace moved our frame into the grant's place\n");
}

void test_main(void)
{
	iso_begin();
	setup();
	test_device_only();
	test_both_parts();
	test_replace();
	printk("gnt_device_map: done\n");
}
