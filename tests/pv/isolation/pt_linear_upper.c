// SPDX-License-Identifier: GPL-2.0
/*
 * pt_linear_upper: a virtual address whose walk goes through a linear
 * (recursive) L4 entry ends in an L2, L3 or L4 table, not an L1.  The
 * calls that name an L1 entry by virtual address must refuse it, as Xen
 * 4.17 does (its walk checks that the last table is an L1):
 * update_va_mapping (-EINVAL), a grant's host mapping and
 * unmap_and_replace's new address (GNTST_general_error).
 *
 * Found by the attacker review of the restartable page-table walks:
 * Veneer wrote such an entry through the engine with no job, so one
 * update_va_mapping of an L3 entry validated (or, writing 0, released) a
 * whole tree below it in one go, however big, with no preemption point
 * (SECURITY.md invariant 7); unmap_and_replace did the release under the
 * global grant lock.  Here the tree is an L2 over 512 L1 tables (262144
 * entries); the time each call took is printed, not checked.
 *
 * A grant's host mapping installed that way became an L2 entry, and the
 * granted frame an L1 table of ours.
 *
 * mem: 24
 * veneer-log: not mapped by an L1 table
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>

const char test_name[] = "pt_linear_upper";

#define MS		1000000ULL
#define TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define TABLE_FLAGS_RO	(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define EINVAL		22

static uint64_t deep_l1[512][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t deep_l2[512] __attribute__((aligned(PAGE_SIZE)));
static char deep_data[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct grant_entry_v1 gnttab[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t data[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));
/* A grant target no writable mapping holds: it could take a table type. */
static uint64_t empty_page[512] __attribute__((aligned(PAGE_SIZE)));

enum { REF_RW = 8, REF_EMPTY = 9 };

static long gnttab_op(unsigned int cmd, void *op, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static domid_t self(void)
{
	return iso_is_dom0() ? 0 : (domid_t)iso_role();
}

/* The address whose walk takes L4 slots @a, @b, @c (the "L1") and
 * reads entry @d of that last table. */
static unsigned long va_of(unsigned int a, unsigned int b, unsigned int c,
			   unsigned int d)
{
	unsigned long va = ((unsigned long)a << 39) | ((unsigned long)b << 30) |
			   ((unsigned long)c << 21) | ((unsigned long)d << 12);

	return a >= 256 ? va | 0xffff000000000000UL : va;
}

static void build_tree(void)
{
	for (unsigned int i = 0; i < 512; i++) {
		for (unsigned int j = 0; j < 512; j++)
			deep_l1[i][j] = (virt_to_mfn(deep_data) << 12) |
					PTE_FLAGS_RO;
		deep_l2[i] = (virt_to_mfn(deep_l1[i]) << 12) | TABLE_FLAGS;
	}
	for (unsigned int i = 0; i < 512; i++)
		make_page_readonly(deep_l1[i]);
	make_page_readonly(deep_l2);
	make_page_readonly(empty_page);
}

static void setup_grants(void)
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
	gnttab[REF_EMPTY].domid = self();
	gnttab[REF_EMPTY].frame = virt_to_mfn(empty_page);
	gnttab[REF_EMPTY].flags = GTF_permit_access;
}

static int map(uint32_t ref, uint64_t addr, uint32_t flags,
	       grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = addr, .flags = GNTMAP_host_map | flags,
		.ref = ref, .dom = self(), .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
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

static unsigned int worked;

/* One attack's outcome: on a hypervisor that lets it through, say so,
 * undo it (the caller) and go on, so that one run shows them all. */
static int refused(const char *what, int ok)
{
	if (!ok) {
		printk("  ATTACK WORKED: %s\n", what);
		worked++;
	}
	return ok;
}

static void unmap(grant_handle_t h, uint64_t host)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = host, .handle = h, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	check_eq(op.status, GNTST_okay);
}

void test_main(void)
{
	const uint64_t *l4 = table_of((const void *)VIRT_BASE, 4);
	const volatile uint64_t *l3 = table_of((const void *)VIRT_BASE, 3);
	const volatile uint64_t *l2 = table_of((const void *)VIRT_BASE, 2);
	unsigned int i4 = (VIRT_BASE >> 39) & 511, i3 = (VIRT_BASE >> 30) & 511;
	unsigned int s = 1, f3 = 0, f2 = 511;
	uint64_t l4mfn = virt_to_mfn(l4), deep = virt_to_mfn(deep_l2);
	uint64_t l3e, l3e_val = (deep << 12) | TABLE_FLAGS_RO;
	unsigned long va_l3e, va_l2e;
	grant_handle_t h;
	uint64_t t0;
	long rc;

	iso_begin();
	/* A free L4 slot for the linear entry, a free L3 and L2 entry. */
	while (s < 256 && l4[s])
		s++;
	while (f3 < 512 && l3[f3])
		f3++;
	while (f2 > 0 && l2[f2])
		f2--;
	if (s == 256 || f3 == 512 || !f2)
		fail("no free slots for the test");
	printk("linear L4 slot %u; free L3 entry %u, free L2 entry %u\n",
	       s, f3, f2);
	l3e = (virt_to_mfn((const void *)l3) << 12) + f3 * 8;
	build_tree();
	setup_grants();
	check_rc(mmu_update1((l4mfn << 12) + s * 8,
			     (l4mfn << 12) | PTE_FLAGS_RO), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	/* L4[s] -> L4 -> L4[i4] = our L3 as the "L1": entry f3 of our L3. */
	va_l3e = va_of(s, s, i4, f3);
	/* L4[s] -> L4[i4] -> L3[i3] = our L2 as the "L1": entry f2. */
	va_l2e = va_of(s, i4, i3, f2);

	printk("update_va_mapping writing an L3 entry (a 262144-entry tree "
	       "below)\n");
	t0 = pv_now();
	rc = hyp_update_va_mapping(va_l3e, (deep << 12) | TABLE_FLAGS,
				   UVMF_INVLPG);
	printk("  = %ld after %lu ms\n", rc,
	       (unsigned long)((pv_now() - t0) / MS));
	if (!refused("update_va_mapping validated a tree",
		     rc == -EINVAL && !l3[f3]))
		check_rc(mmu_update1(l3e, 0), 0);

	printk("update_va_mapping clearing an L3 entry that holds the tree\n");
	t0 = pv_now();
	check_rc(mmu_update1(l3e, l3e_val), 0);
	printk("  (the tree validated by mmu_update in %lu ms)\n",
	       (unsigned long)((pv_now() - t0) / MS));
	t0 = pv_now();
	rc = hyp_update_va_mapping(va_l3e, 0, UVMF_INVLPG);
	printk("  = %ld after %lu ms\n", rc,
	       (unsigned long)((pv_now() - t0) / MS));
	if (!refused("update_va_mapping released a tree",
		     rc == -EINVAL && l3[f3] == l3e_val))
		check_rc(mmu_update1(l3e, l3e_val), 0);

	printk("unmap_and_replace with a new address in the L3\n");
	data[0] = 0x5a5a;
	check_eq(map(REF_RW, (uint64_t)window, 0, &h), GNTST_okay);
	check_eq(window[0], 0x5a5a);
	t0 = pv_now();
	rc = replace(h, (uint64_t)window, va_l3e);
	printk("  = %ld after %lu ms\n", rc,
	       (unsigned long)((pv_now() - t0) / MS));
	if (refused("unmap_and_replace released a tree under the grant lock",
		    rc == GNTST_general_error && l3[f3] == l3e_val &&
		    window[0] == 0x5a5a))
		check_eq(replace(h, (uint64_t)window, 0), GNTST_okay);
	check_rc(remap((void *)window, virt_to_mfn((const void *)window),
		       PTE_FLAGS_RW), 0);
	check_eq(gnttab[REF_RW].flags, GTF_permit_access);
	if (l3[f3]) {
		t0 = pv_now();
		check_rc(mmu_update1(l3e, 0), 0);
		printk("  (the tree released by mmu_update in %lu ms)\n",
		       (unsigned long)((pv_now() - t0) / MS));
	}

	printk("a grant's host mapping at an address naming an L2 entry\n");
	rc = map(REF_EMPTY, va_l2e, 0, &h);
	printk("  = %ld\n", rc);
	if (!refused("a grant mapping became an L2 entry",
		     rc == GNTST_general_error && !l2[f2]))
		unmap(h, va_l2e);
	check_eq(l2[f2], 0);
	check_eq(gnttab[REF_EMPTY].flags, GTF_permit_access);
	/* The frame is still plain memory: it can be pinned as an L1. */
	check_rc(pin_table(empty_page, 1), 0);
	check_rc(unpin_table(empty_page), 0);

	check_rc(mmu_update1((l4mfn << 12) + s * 8, 0), 0);
	check_rc(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
	if (worked)
		fail("%u of 4 attacks through a linear entry worked", worked);
	printk("pt_linear_upper: done\n");
}
