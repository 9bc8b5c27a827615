// SPDX-License-Identifier: GPL-2.0
/*
 * A grantee keeps writing a frame through a stale TLB entry after the
 * granter gave the frame back.  Removing a mapping does not flush (as on
 * Xen: the guest flushes when it wants to), and a grantee may clear its
 * grant mapping's PTE with a plain mmu_update; its CPU then keeps the
 * translation.  decrease_reservation flushed only the granter's CPUs, so
 * the frame went back to the heap -- and on to its next owner -- while
 * the grantee could still write it.  A frame may leave its owner only
 * after every CPU that may cache a translation of it has flushed.
 *
 * Two domUs, d1 the granter and d2 the grantee, each on its own CPU
 * (QEMU's TCG keeps a TLB entry until a flush, like hardware):
 *   d1  grants d2 a control page and a target page, writable;
 *   d2  maps both, writes the target (its TLB now holds the entry),
 *       clears the target's PTE with mmu_update (no flush), tries to
 *       unmap the grant as Linux would (refused: the PTE no longer maps
 *       it, so the handle stays), writes through the stale entry once
 *       more (it still works: nothing flushed), and says "ready";
 *   d1  sees that write in the page, unmaps the page and balloons it out
 *       (the grant pins its entry, not the frame), and says "gone";
 *   d2  writes through the stale address again: that must fault (#PF).
 * Then d2 unmaps the control page, and d1 takes a frame back, so both
 * domains end with every page they started with.
 *
 * xen: skip needs two domains, and Xen 4.17 here boots only dom0
 * domus: 2
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/grant_table.h>
#include <veneer/memory.h>

const char test_name[] = "gnt_stale_tlb";

#define REF_CTL		8
#define REF_TARGET	9
#define SEC		1000000000ULL

enum { STAGE_NONE, STAGE_READY, STAGE_GONE, STAGE_DONE };

struct control {
	volatile uint32_t stage;
};

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t control_page[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t target[512] __attribute__((aligned(PAGE_SIZE)));
/* The grantee's windows onto the granter's pages. */
static volatile uint64_t ctl_window[512] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t window[512] __attribute__((aligned(PAGE_SIZE)));

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

static void wait_stage(volatile struct control *c, uint32_t stage, int yield)
{
	uint64_t deadline = pv_now() + 60 * SEC;

	while (__atomic_load_n(&c->stage, __ATOMIC_ACQUIRE) != stage) {
		if (pv_now() > deadline)
			fail("stage %u did not come in 60 s", stage);
		if (yield)
			hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

/* --- d1, the granter ----------------------------------------------------- */

static void grant(unsigned int ref, const volatile void *va)
{
	gnttab[ref].domid = 2;
	gnttab[ref].frame = virt_to_mfn((const void *)va);
	__atomic_store_n(&gnttab[ref].flags, GTF_permit_access,
			 __ATOMIC_RELEASE);
}

static void granter(void)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	volatile struct control *c = (volatile struct control *)control_page;
	xen_pfn_t frame = 0, f;
	uint64_t deadline;

	st.frame_list = (unsigned long)&frame;
	check_rc(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
	check_eq(st.status, GNTST_okay);
	check_rc(remap(gnttab, frame, PTE_FLAGS_RW), 0);
	grant(REF_CTL, control_page);
	grant(REF_TARGET, target);
	printk("d1: granted the control page and the target (mfn 0x%lx)\n",
	       (unsigned long)virt_to_mfn((const void *)target));

	wait_stage(c, STAGE_READY, 1);
	printk("d1: d2 wrote 0x%lx through its stale entry\n",
	       (unsigned long)target[1]);
	check_eq(target[1], 0x22);
	/* The grant stays pinned (d2 could not unmap it)... */
	check(gnttab[REF_TARGET].flags & GTF_reading);
	/* ...but it pins the entry, not the frame: it balloons out. */
	f = virt_to_mfn((const void *)target);
	check_rc(hyp_update_va_mapping((unsigned long)target, 0, UVMF_INVLPG),
		 0);
	check_rc(memop(XENMEM_decrease_reservation, &f), 1);
	printk("d1: target frame 0x%lx given back\n", (unsigned long)f);
	__atomic_store_n(&c->stage, STAGE_GONE, __ATOMIC_RELEASE);

	/* d2 is done when it has unmapped the control page. */
	wait_stage(c, STAGE_DONE, 1);
	deadline = pv_now() + 60 * SEC;
	while (__atomic_load_n(&gnttab[REF_CTL].flags, __ATOMIC_ACQUIRE) &
	       (GTF_reading | GTF_writing)) {
		if (pv_now() > deadline)
			fail("d2 did not unmap the control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	/* Take a frame back, so that we end with all our pages. */
	f = virt_to_pfn((const void *)target);
	check_rc(memop(XENMEM_populate_physmap, &f), 1);
	check_rc(remap((void *)target, f, PTE_FLAGS_RW), 0);
	check_eq(target[1], 0);
	printk("gnt_stale_tlb: d1 done\n");
}

/* --- d2, the grantee ----------------------------------------------------- */

static int map(volatile void *va, uint32_t ref, grant_handle_t *h)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = (uint64_t)va, .flags = GNTMAP_host_map,
		.ref = ref, .dom = 1, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_map_grant_ref, &op, 1), 0);
	*h = op.handle;
	return op.status;
}

static int unmap(volatile void *va, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = (uint64_t)va, .handle = h, .status = 1,
	};

	check_rc(gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

static void grantee(void)
{
	volatile struct control *c = (volatile struct control *)ctl_window;
	uint64_t deadline = pv_now() + 60 * SEC;
	grant_handle_t hc, ht;

	/* d1's grants appear when d1 gets there. */
	while (map(ctl_window, REF_CTL, &hc) != GNTST_okay) {
		if (pv_now() > deadline)
			fail("could not map d1's control page in 60 s");
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	check_eq(map(window, REF_TARGET, &ht), GNTST_okay);
	window[0] = 0x11;			/* the TLB holds it now */
	check_eq(window[0], 0x11);

	/* Clear the PTE behind the hypervisor's back: no flush. */
	check_rc(mmu_update1(entry_maddr((const void *)window, 1), 0), 0);
	/* Linux's unmap: refused, the entry maps nothing any more. */
	check_eq(unmap(window, ht), GNTST_general_error);
	window[1] = 0x22;			/* stale, but it works */
	printk("d2: wrote through the stale entry; ready\n");
	__atomic_store_n(&c->stage, STAGE_READY, __ATOMIC_RELEASE);

	/* No hypercall from here to the write: nothing of ours flushes. */
	wait_stage(c, STAGE_GONE, 0);
	probe_arm(14);
	PROBE("movq %%rdx, (%%rax)", , "a"(&window[2]), "d"(0x33UL));
	printk("d2: write after the frame was given back: %u #PF, cr2 0x%lx\n",
	       probe_rec.count, (unsigned long)probe_rec.cr2);
	if (probe_rec.count != 1)
		fail("a write through the stale entry landed in a frame that "
		     "had left its owner");
	check_eq(probe_rec.cr2, (uint64_t)&window[2]);

	__atomic_store_n(&c->stage, STAGE_DONE, __ATOMIC_RELEASE);
	check_eq(unmap(ctl_window, hc), GNTST_okay);
	printk("gnt_stale_tlb: d2 done\n");
}

void test_main(void)
{
	iso_begin();
	if (iso_is_dom0())
		fail("needs two domUs");
	if (iso_role() == 1)
		granter();
	else
		grantee();
}
