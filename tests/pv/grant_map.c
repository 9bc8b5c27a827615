// SPDX-License-Identifier: GPL-2.0
/*
 * grant_map: GNTTABOP_map_grant_ref and unmap_grant_ref of our own
 * grants, and the isolation rules a mapping must keep.
 *
 * We are dom0 and alone, so we grant our own domain (0) access to two
 * pages of the image and map those grants over a third page, "window",
 * by virtual address and by the machine address of its L1 entry
 * (GNTMAP_contains_pte).  While mapped, the entry carries GTF_reading
 * (and GTF_writing for a writable mapping); unmap clears the L1 entry
 * (leaving it empty, as Xen does) and the flags.  A grant mapped twice
 * stays in use until both mappings are gone, and a GNTTABOP_copy from it
 * in between leaves it in use.
 *
 * Refused, each with its GNTST_* status and nothing mapped:
 *   - a read-only grant mapped writable: general_error (Xen's choice);
 *   - a reference beyond the table: bad_gntref;
 *   - an unused entry, an entry granted to another domain:
 *     general_error;
 *   - a granting domain that does not exist: bad_domain;
 *   - neither host_map nor device_map: bad_gntref (Xen's choice);
 *   - unmap of a handle never returned, or already unmapped: bad_handle;
 *   - unmap naming an address that maps another frame: general_error,
 *     and the mapping and its handle stay.
 */
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "grant_map";

#define NO_SUCH_DOMAIN	0x7000

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint8_t page_ro[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile uint8_t page_rw[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile uint8_t window[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile uint8_t window2[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t copy_dst[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

enum { REF_RO = 10, REF_RW, REF_OTHER, REF_UNUSED };

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

/* Our grant table's first frame, mapped over the gnttab[] page. */
static void setup_grant_table(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(gnttab, frame, PTE_FLAGS_RW), 0);
}

static void grant(unsigned int ref, domid_t domid, const volatile void *va,
		  uint16_t flags)
{
	gnttab[ref].domid = domid;
	gnttab[ref].frame = virt_to_mfn((const void *)va);
	__atomic_store_n(&gnttab[ref].flags, flags, __ATOMIC_RELEASE);
}

static uint16_t entry_flags(unsigned int ref)
{
	return __atomic_load_n(&gnttab[ref].flags, __ATOMIC_ACQUIRE);
}

static uint64_t window_pte(void)
{
	return table_of((const void *)window, 1)[((uint64_t)window >> 12) & 511];
}

/*
 * One map request; its status, with the handle in *@handle.  Xen does
 * not flush the TLB when a mapping replaces a present entry (window was
 * mapped and used), so we do, as a guest must.
 */
static int map(uint64_t host_addr, uint32_t flags, uint32_t ref,
	       domid_t dom, grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom,
		.status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	printk("  map ref %u of d%u flags %#x: status %d\n", ref, dom, flags,
	       op.status);
	if (handle)
		*handle = op.handle;
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	return op.status;
}

static int unmap(uint64_t host_addr, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = host_addr, .handle = handle, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	printk("  unmap handle %u: status %d\n", handle, op.status);
	return op.status;
}

/* GNTTABOP_copy of a whole page from grant @ref to copy_dst. */
static int copy_from_grant(uint32_t ref)
{
	struct gnttab_copy op = {
		.flags = GNTCOPY_source_gref, .len = PAGE_SIZE, .status = 1,
	};

	op.source.domid = 0;
	op.source.u.ref = ref;
	op.dest.domid = DOMID_SELF;
	op.dest.u.gmfn = virt_to_mfn(copy_dst);
	check_rc(gnttab_op(GNTTABOP_copy, &op, 1), 0);
	return op.status;
}

/* After an unmap the window's entry is empty: put its own page back. */
static void restore_window(uint64_t mfn)
{
	check_eq(window_pte() & _PAGE_PRESENT, 0);
	check_rc(remap((void *)window, mfn, PTE_FLAGS_RW), 0);
	check_eq(window[0], 0x77);
}

static void refused(const char *what, uint32_t flags, uint32_t ref,
		    domid_t dom, int want, uint64_t before)
{
	printk("%s\n", what);
	check_eq(map((uint64_t)window, flags, ref, dom, NULL), want);
	check_eq(window_pte(), before);
	check_eq(window[0], 0x77);
}

void test_main(void)
{
	uint64_t wmfn = virt_to_mfn((const void *)window);
	uint64_t before;
	grant_handle_t h, h2;

	setup_grant_table();
	memset((void *)page_ro, 0xa5, PAGE_SIZE);
	memset((void *)page_rw, 0x3c, PAGE_SIZE);
	memset((void *)window, 0x77, PAGE_SIZE);
	grant(REF_RO, 0, page_ro, GTF_permit_access | GTF_readonly);
	grant(REF_RW, 0, page_rw, GTF_permit_access);
	grant(REF_OTHER, 1, page_ro, GTF_permit_access);

	printk("read-only grant, mapped read-only by address\n");
	check_eq(map((uint64_t)window, GNTMAP_host_map | GNTMAP_readonly,
		     REF_RO, 0, &h), GNTST_okay);
	check_eq(window[0], 0xa5);
	check_eq(window[PAGE_SIZE - 1], 0xa5);
	check_eq(pte_mfn(window_pte()), virt_to_mfn((const void *)page_ro));
	check_eq(window_pte() & _PAGE_RW, 0);
	check_eq(entry_flags(REF_RO) & (GTF_reading | GTF_writing),
		 GTF_reading);
	printk("unmap at an address that maps another frame: kept\n");
	check_eq(unmap((uint64_t)page_rw, h), GNTST_general_error);
	check_eq(window[0], 0xa5);
	check_eq(unmap((uint64_t)window, h), GNTST_okay);
	check_eq(entry_flags(REF_RO) & (GTF_reading | GTF_writing), 0);
	printk("the handle is gone\n");
	check_eq(unmap((uint64_t)window, h), GNTST_bad_handle);
	restore_window(wmfn);

	printk("writable grant, mapped writable through its L1 entry\n");
	check_eq(map(entry_maddr((const void *)window, 1),
		     GNTMAP_host_map | GNTMAP_contains_pte, REF_RW, 0, &h2),
		 GNTST_okay);
	check_eq(window[0], 0x3c);
	window[1] = 0x42;
	check_eq(page_rw[1], 0x42);
	check_eq(entry_flags(REF_RW) & (GTF_reading | GTF_writing),
		 GTF_reading | GTF_writing);
	check_eq(unmap(entry_maddr((const void *)window, 1), h2), GNTST_okay);
	check_eq(entry_flags(REF_RW) & (GTF_reading | GTF_writing), 0);
	restore_window(wmfn);
	before = window_pte();

	printk("one grant mapped twice: in use until both are unmapped, "
	       "and a copy from it meanwhile leaves it in use\n");
	memset((void *)window2, 0x66, PAGE_SIZE);
	check_eq(map((uint64_t)window, GNTMAP_host_map | GNTMAP_readonly,
		     REF_RO, 0, &h), GNTST_okay);
	check_eq(map((uint64_t)window2, GNTMAP_host_map | GNTMAP_readonly,
		     REF_RO, 0, &h2), GNTST_okay);
	check(h != h2);
	check_eq(window2[7], 0xa5);
	check_eq(unmap((uint64_t)window, h), GNTST_okay);
	check_eq(entry_flags(REF_RO) & GTF_reading, GTF_reading);
	check_eq(copy_from_grant(REF_RO), GNTST_okay);
	check_eq(copy_dst[0], 0xa5);
	check_eq(entry_flags(REF_RO) & GTF_reading, GTF_reading);
	check_eq(unmap((uint64_t)window2, h2), GNTST_okay);
	check_eq(entry_flags(REF_RO) & (GTF_reading | GTF_writing), 0);
	restore_window(wmfn);
	check_rc(remap((void *)window2, virt_to_mfn((const void *)window2),
		       PTE_FLAGS_RW), 0);
	check_eq(window2[0], 0x66);

	refused("a read-only grant mapped writable",
		GNTMAP_host_map, REF_RO, 0, GNTST_general_error, before);
	check_eq(entry_flags(REF_RO) & (GTF_reading | GTF_writing), 0);
	refused("a reference beyond the table",
		GNTMAP_host_map | GNTMAP_readonly, 1U << 30, 0,
		GNTST_bad_gntref, before);
	refused("an unused entry",
		GNTMAP_host_map | GNTMAP_readonly, REF_UNUSED, 0,
		GNTST_general_error, before);
	refused("an entry granted to another domain",
		GNTMAP_host_map | GNTMAP_readonly, REF_OTHER, 0,
		GNTST_general_error, before);
	refused("a granting domain that does not exist",
		GNTMAP_host_map | GNTMAP_readonly, REF_RO, NO_SUCH_DOMAIN,
		GNTST_bad_domain, before);
	refused("no host_map and no device_map",
		GNTMAP_readonly, REF_RO, 0, GNTST_bad_gntref, before);

	printk("unmap of a handle never handed out\n");
	check_eq(unmap((uint64_t)window, 0x7ff0), GNTST_bad_handle);
	check_eq(window_pte(), before);
}
