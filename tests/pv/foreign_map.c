// SPDX-License-Identifier: GPL-2.0
/*
 * dom0 maps another domain's memory the way Linux's privcmd does for a
 * PV dom0 (IOCTL_PRIVCMD_MMAPBATCH_V2 -> xen_remap_domain_gfn_array ->
 * mmu_update with the domain as FOREIGNDOM), after giving that domain
 * memory with populate_physmap naming it (docs/pv-memory.md, "Foreign
 * mappings"):
 *
 *   - two domains are created with the management hypercall (d_e, d_d)
 *     and given frames; populate returns their MFNs and the M2P names
 *     their PFNs; a populate past d_d's limit (setmaxmem) gets nothing;
 *   - a batch maps d_d's frames into our own L1 entries: a frame of the
 *     third domain in the middle is refused and `done' says exactly how
 *     many went before it, so the rest can go on as Linux's
 *     do_remap_pfn does; a hypervisor frame is refused too; what we write
 *     through the mappings is there when read back; a frame of d_d we
 *     pin as its L1 table (mmuext_op naming d_d, as a domain builder
 *     does) maps read-only only, and one we map writable cannot be
 *     pinned; MACHPHYS_UPDATE sets d_d's M2P entry, not d_e's;
 *   - a continuation of mmuext_op naming d_e with a done counter that
 *     cannot be read gets -EFAULT and leaves no reference on d_e;
 *   - decrease_reservation naming d_e takes its frame back; naming d_d
 *     it cannot take a frame we still map;
 *   - d_d is destroyed while we still map two of its frames: they stay
 *     readable and writable through our mappings, leave the M2P, and the
 *     free-page count comes back to what it was before the test only
 *     as each mapping goes (the last reference frees the frame).
 *
 * Veneer only: creating a domain needs its management hypercall.
 */
#include "pvmm.h"

#include <veneer/memory.h>
#include <veneer/mgmt.h>

const char test_name[] = "foreign_map";

#define EPERM	1
#define EINVAL	22
#define ESRCH	3
#define EBUSY	16
#define EFAULT	14
#define SEC	1000000000ULL
#define NWIN	4
#define PATTERN	0x666f726569676e00ULL
#define BATCH_PREEMPTED	0x80000000U	/* a continuation's count */
#define BAD_PTR	0xffff830000000000UL	/* the hypervisor's */

static volatile uint64_t win[NWIN][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t own_mfn[NWIN];
static struct veneer_mgmt m;

static long mgmt(unsigned int cmd, domid_t dom)
{
	m.cmd = cmd;
	m.version = VENEER_MGMT_VERSION;
	m.domid = dom;
	return hypercall1(__HYPERVISOR_veneer_mgmt, &m);
}

static domid_t create(uint64_t max_pages)
{
	memset(&m, 0, sizeof(m));
	m.u.create.max_pages = max_pages;
	m.u.create.max_vcpus = 1;
	check_rc(mgmt(VENEER_MGMT_createdomain, 0), 0);
	check(m.domid != 0);
	return m.domid;
}

static uint64_t free_pages(void)
{
	memset(&m, 0, sizeof(m));
	check_rc(mgmt(VENEER_MGMT_physinfo, 0), 0);
	return m.u.physinfo.free_pages;
}

static uint64_t tot_pages(domid_t dom)
{
	memset(&m, 0, sizeof(m));
	check_rc(mgmt(VENEER_MGMT_getdomaininfo, dom), 0);
	return m.u.info.tot_pages;
}

/* The heap gets back what a destroyed domain held: its shell goes a
 * little later (a timer frees it once no CPU runs it). */
static void wait_free_pages(uint64_t want)
{
	uint64_t deadline = pv_now() + 30 * SEC;

	while (free_pages() != want) {
		if (pv_now() > deadline)
			fail("free pages %lu, want %lu", free_pages(), want);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static long memop(int cmd, domid_t dom, xen_pfn_t *list, unsigned int n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = dom,
	};

	r.extent_start = (unsigned long)list;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

static struct mmu_update map_req(unsigned int w, uint64_t mfn, uint64_t fl)
{
	struct mmu_update u = {
		.ptr = entry_maddr((const void *)win[w], 1) |
		       MMU_NORMAL_PT_UPDATE,
		.val = (mfn << 12) | fl,
	};

	return u;
}

static long map(unsigned int w, uint64_t mfn, uint64_t fl, domid_t dom)
{
	struct mmu_update u = map_req(w, mfn, fl);
	long rc = hyp_mmu_update(&u, 1, NULL, dom);

	mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)win[w]);
	return rc;
}

static long foreign_op(unsigned int cmd, uint64_t mfn, domid_t dom)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = mfn;
	return hyp_mmuext_op(&op, 1, NULL, dom);
}

static void unmap(unsigned int w)
{
	check_rc(map(w, 0, 0, DOMID_SELF), 0);
}

void test_main(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	uint64_t hv = pte_mfn(l4[256]);
	xen_pfn_t d_mfn[NWIN], e_mfn, f;
	struct mmu_update batch[3];
	unsigned int done = 99;
	uint64_t free0;
	domid_t de, dd;

	for (unsigned int w = 0; w < NWIN; w++) {
		win[w][0] = w;	/* touch: our own frame, mapped writable */
		own_mfn[w] = virt_to_mfn((const void *)win[w]);
	}
	free0 = free_pages();
	printk("free pages before: %lu\n", free0);
	check(m.u.physinfo.capabilities & VENEER_CAP_FOREIGN_MAP);

	printk("two domains, given memory by populate_physmap\n");
	de = create(16);
	dd = create(16);
	e_mfn = 0;
	check_rc(memop(XENMEM_populate_physmap, de, &e_mfn, 1), 1);
	for (unsigned int i = 0; i < NWIN; i++)
		d_mfn[i] = i;
	check_rc(memop(XENMEM_populate_physmap, dd, d_mfn, NWIN), NWIN);
	for (unsigned int i = 0; i < NWIN; i++) {
		printk("  d%u pfn %u = mfn 0x%lx\n", dd, i,
		       (unsigned long)d_mfn[i]);
		check_eq(m2p(d_mfn[i]), i);
		check(d_mfn[i] != e_mfn);
	}
	check_eq(m2p(e_mfn), 0);
	check_eq(tot_pages(dd), NWIN);
	check_eq(tot_pages(de), 1);
	/* Beyond its limit: nothing. */
	memset(&m, 0, sizeof(m));
	m.u.maxmem.max_pages = NWIN;
	check_rc(mgmt(VENEER_MGMT_setmaxmem, dd), 0);
	f = NWIN;
	check_rc(memop(XENMEM_populate_physmap, dd, &f, 1), 0);
	check_eq(tot_pages(dd), NWIN);

	printk("a batch of foreign mappings with a bad request inside\n");
	batch[0] = map_req(0, d_mfn[0], PTE_FLAGS_RW);
	batch[1] = map_req(1, e_mfn, PTE_FLAGS_RW);	/* d_e's, not d_d's */
	batch[2] = map_req(2, d_mfn[1], PTE_FLAGS_RW);
	check_rc(hyp_mmu_update(batch, 3, &done, dd), -EBUSY);
	check_eq(done, 1);
	/* As do_remap_pfn: skip the failed one, go on with the rest. */
	check_rc(hyp_mmu_update(&batch[2], 1, &done, dd), 0);
	check_eq(done, 1);
	mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0);
	check_eq(win[1][0], 1);		/* still our own frame */
	check_eq(pte_mfn(table_of((const void *)win[1], 1)
			 [((uint64_t)win[1] >> 12) & 511]), own_mfn[1]);
	for (unsigned int i = 0; i < 512; i++)
		check_eq(win[0][i], 0);	/* populated frames come zeroed */
	win[0][0] = PATTERN;
	win[2][7] = PATTERN + 2;
	check_eq(win[0][0], PATTERN);
	check_eq(win[2][7], PATTERN + 2);
	check_rc(map(3, d_mfn[2], PTE_FLAGS_RO, dd), 0);
	check_eq(win[3][0], 0);

	printk("refused: a hypervisor frame, a domain not there, ourselves\n");
	check_refused(map(1, hv, PTE_FLAGS_RO, dd));
	check_rc(map(1, d_mfn[3], PTE_FLAGS_RO, 0x7000), -ESRCH);
	done = 99;
	check_rc(hyp_mmu_update(batch, 1, &done, 0x7000), -ESRCH);
	check_eq(done, 0);
	check_rc(map(1, own_mfn[1], PTE_FLAGS_RW, 0), -ESRCH);
	check_eq(win[1][0], 1);

	printk("a page table of d%u: pinned by us, mapped read-only only\n",
	       dd);
	check_rc(foreign_op(MMUEXT_PIN_L1_TABLE, d_mfn[3], dd), 0);
	check_rc(map(1, d_mfn[3], PTE_FLAGS_RW, dd), -EBUSY);
	check_rc(map(1, d_mfn[3], PTE_FLAGS_RO, dd), 0);
	check_eq(win[1][0], 0);
	/* and a frame we map writable cannot become one of its tables */
	check_refused(foreign_op(MMUEXT_PIN_L1_TABLE, d_mfn[1], dd));
	check_rc(foreign_op(MMUEXT_UNPIN_TABLE, d_mfn[3], dd), 0);
	check_rc(map(1, d_mfn[3], PTE_FLAGS_RW, dd), 0);
	check_refused(foreign_op(MMUEXT_PIN_L1_TABLE, d_mfn[3], dd));
	check_rc(map(1, own_mfn[1], PTE_FLAGS_RW, DOMID_SELF), 0);
	/* Pinned again, and left so: the destroy unpins it. */
	check_rc(foreign_op(MMUEXT_PIN_L1_TABLE, d_mfn[3], dd), 0);
	/* Only pins and unpins may name another domain. */
	check_rc(foreign_op(MMUEXT_TLB_FLUSH_LOCAL, 0, dd), -EPERM);

	printk("machphys_update for d%u's frame\n", dd);
	batch[0].ptr = (d_mfn[3] << 12) | MMU_MACHPHYS_UPDATE;
	batch[0].val = 9;
	check_rc(hyp_mmu_update(batch, 1, NULL, dd), 0);
	check_eq(m2p(d_mfn[3]), 9);
	batch[0].ptr = (e_mfn << 12) | MMU_MACHPHYS_UPDATE;
	check_rc(hyp_mmu_update(batch, 1, NULL, dd), -EINVAL);
	check_eq(m2p(e_mfn), 0);

	/* A continuation (as the count says) whose done counter cannot be
	 * read: -EFAULT, and d_e's reference goes with it, or its shell
	 * never would (the free-page count below says). */
	printk("mmuext_op continuation naming d%u, bad done pointer\n", de);
	{
		struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE };

		op.arg1.mfn = e_mfn;
		check_rc(hyp_mmuext_op(&op, 1 | BATCH_PREEMPTED,
				       (unsigned int *)BAD_PTR, de), -EFAULT);
	}

	printk("decrease_reservation for d%u and d%u\n", de, dd);
	f = e_mfn;
	check_rc(memop(XENMEM_decrease_reservation, de, &f, 1), 1);
	check_eq(tot_pages(de), 0);
	f = d_mfn[0];			/* we map it: not to be taken */
	check_rc(memop(XENMEM_decrease_reservation, dd, &f, 1), 0);
	check_eq(tot_pages(dd), NWIN);
	check_rc(mgmt(VENEER_MGMT_destroydomain, de), 0);

	printk("d%u destroyed while we map two of its frames\n", dd);
	unmap(2);
	check_rc(mgmt(VENEER_MGMT_destroydomain, dd), 0);
	/* Everything both domains took is back, but the two frames. */
	wait_free_pages(free0 - 2);
	check_rc(mgmt(VENEER_MGMT_getdomaininfo, dd), -ESRCH);
	check_eq(win[0][0], PATTERN);	/* nobody else has the frame */
	check_eq(win[3][0], 0);
	win[0][1] = PATTERN + 1;
	check_eq(win[0][1], PATTERN + 1);
	check_eq(m2p(d_mfn[0]), ~0UL);
	check_eq(m2p(d_mfn[2]), ~0UL);
	check_rc(map(1, d_mfn[0], PTE_FLAGS_RO, dd), -ESRCH);
	unmap(0);
	check_eq(free_pages(), free0 - 1);
	unmap(3);
	check_eq(free_pages(), free0);

	for (unsigned int w = 0; w < NWIN; w++)
		check_rc(map(w, own_mfn[w], PTE_FLAGS_RW, DOMID_SELF), 0);
	check_eq(win[1][0], 1);
	printk("foreign_map: frames of a destroyed domain freed at their "
	       "last unmap\n");
}
