// SPDX-License-Identifier: GPL-2.0
/*
 * preempt_batch: a guest cannot hold a CPU with one huge batch.
 *
 * Two domUs share CPU 1.  d1 (role 1) issues mmu_update batches of a
 * million entries (each rewrites one PTE of its own with the value it
 * already has), and a multicall of two such batches, so each call is
 * far more work than one time slice; d2 (role 2) meanwhile runs a 1 ms
 * timer loop and measures how late each wake-up is.  The hypervisor
 * must cut the batches into bounded slices (continuations) so that d2
 * keeps running; d1 must see each batch complete exactly, as if it had
 * run in one go (every entry done, done counter = count, rc 0).  The
 * worst lateness d2 saw is printed; the test asserts only that d2 made
 * progress while d1 was busy.  First, d1 gives 8 MiB back to the
 * hypervisor and takes it again with one decrease_reservation and one
 * populate_physmap of 2048 extents each, and pins and unpins a deep tree
 * (an L2 over 512 L1 tables, 262144 entries) three times: one pin is a
 * whole-tree validation the hypervisor must cut into slices too
 * (restartable validation and release), and the tree must be exactly as
 * pinned afterwards (pt_audit).  Each phase prints when it starts, on the
 * clock d2's report uses.  The audit after every pin is off here (it is
 * a debug walk of all memory, not what is measured); the one at shutdown
 * checks the result.  On Xen (dom0, alone) role 1 runs: Xen preempts
 * these calls too, and the results must be the same.
 *
 * domus: 2
 * mem: 40
 * domu-args: veneer.affinity=1
 * veneer-args: pt_audit_pins=off
 */
#include "isolation.h"

#include "pvmm.h"

#include <veneer/event_channel.h>
#include <veneer/memory.h>

const char test_name[] = "preempt_batch";

#define MS		1000000ULL
#define BATCH		(1u << 20)	/* 16 MiB of requests */
#define HALF		(BATCH / 2)
#define ROUNDS		3

static struct mmu_update reqs[BATCH];
#define TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
static uint64_t deep_l1[512][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t deep_l2[512] __attribute__((aligned(PAGE_SIZE)));
static char deep_data[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static char victim[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#define NBALLOON	2048	/* 8 MiB: several continuations' worth */
static char balloon_pages[NBALLOON][PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE)));
static xen_pfn_t balloon_frames[NBALLOON];

/* When each phase starts, on the clock d2's report uses. */
static void mark(const char *what)
{
	printk("preempt_batch: %s from %lu ms\n", what,
	       (unsigned long)(pv_now() / MS));
}

/* An L2 over 512 L1s, each mapping one data page 512 times read-only. */
static void deep_pin(void)
{
	static int built;
	uint64_t t0, tpin, tunpin;

	for (unsigned int i = 0; i < 512 && !built; i++) {
		for (unsigned int j = 0; j < 512; j++)
			deep_l1[i][j] = (virt_to_mfn(deep_data) << 12) |
					PTE_FLAGS_RO;
		deep_l2[i] = (virt_to_mfn(deep_l1[i]) << 12) | TABLE_FLAGS;
	}
	for (unsigned int i = 0; i < 512 && !built; i++)
		make_page_readonly(deep_l1[i]);
	if (!built)
		make_page_readonly(deep_l2);
	built = 1;
	mark("deep pin");
	t0 = pv_now();
	check_rc(pin_table(deep_l2, 2), 0);
	tpin = pv_now() - t0;
	t0 = pv_now();
	check_rc(unpin_table(deep_l2), 0);
	tunpin = pv_now() - t0;
	printk("preempt_batch: deep pin of 512 L1 tables (262144 entries) "
	       "%lu ms, unpin %lu ms (one hypercall each)\n",
	       (unsigned long)(tpin / MS), (unsigned long)(tunpin / MS));
}

static long memop(int cmd, xen_pfn_t *frames, unsigned int n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = DOMID_SELF,
	};

	r.extent_start = (unsigned long)frames;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

/*
 * Give 8 MiB back in one decrease_reservation and take it back in one
 * populate_physmap: each call is cut into slices (continuations carry
 * the next extent in cmd) and must still count every extent.
 */
static void balloon(void)
{
	uint64_t t0, tdec, tpop;
	long rc;

	for (unsigned int i = 0; i < NBALLOON; i++) {
		balloon_pages[i][0] = 1;
		balloon_frames[i] = virt_to_mfn(balloon_pages[i]);
		if (hyp_update_va_mapping((unsigned long)balloon_pages[i], 0,
					  UVMF_INVLPG))
			fail("unmapping a page to give back failed");
	}
	mark("balloon");
	t0 = pv_now();
	rc = memop(XENMEM_decrease_reservation, balloon_frames, NBALLOON);
	tdec = pv_now() - t0;
	check_eq(rc, NBALLOON);
	for (unsigned int i = 0; i < NBALLOON; i++)
		balloon_frames[i] = virt_to_pfn(balloon_pages[i]);
	t0 = pv_now();
	rc = memop(XENMEM_populate_physmap, balloon_frames, NBALLOON);
	tpop = pv_now() - t0;
	check_eq(rc, NBALLOON);
	for (unsigned int i = 0; i < NBALLOON; i++) {
		if (hyp_update_va_mapping((unsigned long)balloon_pages[i],
				(balloon_frames[i] << 12) | _PAGE_PRESENT |
				_PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY,
				UVMF_INVLPG))
			fail("mapping a repopulated frame failed");
		/* Veneer scrubs what a guest gives back; Xen does not
		 * for a live domain, and may hand the same frame back. */
		if (!iso_is_dom0() && balloon_pages[i][0] != 0)
			fail("a repopulated frame was not scrubbed");
		balloon_pages[i][PAGE_SIZE - 1] = 2;
	}
	printk("preempt_batch: %u frames given back in one "
	       "decrease_reservation %lu ms, taken again in one "
	       "populate_physmap %lu ms\n", NBALLOON,
	       (unsigned long)(tdec / MS), (unsigned long)(tpop / MS));
}

static void hog(void)
{
	uint64_t hog_start = pv_now();
	uint64_t pte_ma = entry_maddr(victim, 1);
	uint64_t pte = table_of(victim, 1)[((unsigned long)victim >> 12) & 511];
	unsigned int done;
	uint64_t t0, t;

	for (unsigned int i = 0; i < BATCH; i++) {
		reqs[i].ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = pte;
	}
	victim[0] = 1;
	balloon();
	for (unsigned int r = 0; r < ROUNDS; r++)
		deep_pin();
	mark("batches");
	for (unsigned int r = 0; r < ROUNDS; r++) {
		done = 12345;
		t0 = pv_now();
		check_rc(hyp_mmu_update(reqs, BATCH, &done, DOMID_SELF), 0);
		t = pv_now() - t0;
		check_eq(done, BATCH);
		printk("preempt_batch: %u updates in one mmu_update, %lu ms\n",
		       BATCH, (unsigned long)(t / MS));
	}
	/* Two half batches in one multicall: a continuation inside it. */
	{
		struct multicall_entry mc[2];
		unsigned int d0 = 0, d1 = 0;

		memset(mc, 0, sizeof(mc));
		mc[0].op = __HYPERVISOR_mmu_update;
		mc[0].args[0] = (unsigned long)reqs;
		mc[0].args[1] = HALF;
		mc[0].args[2] = (unsigned long)&d0;
		mc[0].args[3] = DOMID_SELF;
		mc[1] = mc[0];
		mc[1].args[0] = (unsigned long)&reqs[HALF];
		mc[1].args[2] = (unsigned long)&d1;
		t0 = pv_now();
		check_rc(hyp_multicall(mc, 2), 0);
		t = pv_now() - t0;
		check_eq(mc[0].result, 0);
		check_eq(mc[1].result, 0);
		check_eq(d0, HALF);
		check_eq(d1, HALF);
		printk("preempt_batch: multicall of 2 x %u updates, %lu ms\n",
		       HALF, (unsigned long)(t / MS));
	}
	/* The PTE is what it was and the page still works. */
	check_eq(table_of(victim, 1)[((unsigned long)victim >> 12) & 511] &
		 ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY),
		 pte & ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY));
	check_eq(victim[0], 1);
	/*
	 * Stay until d2's window is over: the teardown of a dying domain
	 * is not cut into slices yet (docs/security.md), and is not what
	 * this test measures.
	 */
	mark("done");
	while (pv_now() < hog_start + 7500 * MS)
		hyp_sched_op(SCHEDOP_yield, NULL);
}

static void timer_loop(void)
{
	struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
	uint64_t end, worst = 0, worst_at = 0, sum = 0;
	unsigned long n = 0;

	check_rc(hypercall2(__HYPERVISOR_event_channel_op,
			    EVTCHNOP_bind_virq, &bind), 0);
	end = pv_now() + 6000 * MS;
	while (pv_now() < end) {
		uint64_t deadline = pv_now() + 1 * MS, late;

		while (pv_now() < deadline) {
			/*
			 * Events masked from here to the block, which
			 * unmasks them and sleeps only if none is pending:
			 * a timer firing in between would otherwise be
			 * taken by the upcall before the block, which then
			 * sleeps for good.
			 */
			vcpu0()->evtchn_upcall_mask = 1;
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			if (hypercall1(__HYPERVISOR_set_timer_op, deadline))
				fail("set_timer_op failed");
			hyp_sched_op(SCHEDOP_block, NULL);
			/* 2-level events: clear both levels so that the
			 * next timer raises the upcall afresh. */
			__atomic_store_n(&vcpu0()->evtchn_pending_sel, 0,
					 __ATOMIC_SEQ_CST);
			__atomic_and_fetch(
				&shared_info->evtchn_pending[bind.port / 64],
				~(1UL << (bind.port % 64)), __ATOMIC_SEQ_CST);
		}
		late = pv_now() - deadline;
		if (late > worst) {
			worst = late;
			worst_at = deadline;
		}
		sum += late;
		n++;
	}
	printk("preempt_batch: %lu timer wake-ups in 6 s beside the batches, "
	       "worst %lu us late (at %lu ms), mean %lu us\n", n,
	       (unsigned long)(worst / 1000), (unsigned long)(worst_at / MS),
	       (unsigned long)(sum / n / 1000));
	check(n >= 20);
}

void test_main(void)
{
	iso_begin();
	if (iso_role() == 1)
		hog();
	else
		timer_loop();
}
