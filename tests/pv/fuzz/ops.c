// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's operations: one function per family of hypercalls, each
 * building mutated but plausible arguments (docs/fuzzing.md).
 *
 * Every structure the hypervisor reads is filled here: a batch is padded
 * with entries that must be refused rather than let the hypervisor read
 * stale scratch memory, and the "huge count" shapes use pointers that
 * fault or the guard page after the raw buffer.  What is left out, and
 * why, is listed in docs/fuzzing.md ("Exclusions"); each exclusion has
 * its comment here where it is made.
 */
#include "fuzz.h"

#define PTE_RW	_PAGE_RW

extern char entry_stack_top[];
extern uint8_t *fz_raw_tail;		/* 256 bytes just before a guard page */

static void restore_entry_points(void)
{
	traps_init();
	hyp_stack_switch(FLAT_KERNEL_SS, (unsigned long)entry_stack_top);
}

static unsigned long hook_va(void)
{
	unsigned int s = fz.hook_slot[below(NHOOK)];

	return VIRT_BASE + ((unsigned long)s << 21) + (below(512) << 12);
}

static uint16_t any_domid(void)
{
	switch (below(6)) {
	case 0: return DOMID_SELF;
	case 1: return (uint16_t)fz.domid;
	case 2: return 0;
	case 3: return (uint16_t)(DOMID_FIRST_RESERVED + below(16));
	case 4: return (uint16_t)below(8);
	}
	return (uint16_t)rnd();
}

/*
 * What a hook slot may hold: a victim or a frame that is not ours.  Not
 * one of our own tables (exclusion): hung on a hook, our boot L1 would
 * let update_va_mapping on the hook's addresses remap our image.
 */
static uint64_t hook_pte(void)
{
	return pte_for(chance(85) ? victim_mfn(1) : foreign_mfn(), chance(70));
}

/* Map @mfn at window @i, read-write if @rw; 1 if the entry now says so. */
static int map_window(unsigned int i, uint64_t mfn, int rw)
{
	uint64_t e = (mfn << 12) | _PAGE_PRESENT | _PAGE_ACCESSED |
		     (rw ? PTE_RW | _PAGE_DIRTY : 0);

	hcall(__HYPERVISOR_update_va_mapping, (unsigned long)win[i], e,
	      UVMF_INVLPG, 0, 0);
	e = win_l1e(i);
	return (e & _PAGE_PRESENT) && pte_mfn(e) == mfn &&
	       (!rw || (e & PTE_RW));
}

static void unmap_window(unsigned int i)
{
	hcall(__HYPERVISOR_update_va_mapping, (unsigned long)win[i], 0,
	      UVMF_INVLPG, 0, 0);
}

/* With trace=N: what a batch holds, not only where it is. */
static void trace_mmu(const struct mmu_update *u, unsigned int n)
{
	if (fz.calls + 1 < fz.trace_from)
		return;
	for (unsigned int i = 0; i < n; i++)
		printk("fuzz:   mmu_update 0x%lx = 0x%lx\n", u[i].ptr,
		       u[i].val);
}

static void trace_mmuext(const struct mmuext_op *op, unsigned int n)
{
	if (fz.calls + 1 < fz.trace_from)
		return;
	for (unsigned int i = 0; i < n; i++)
		printk("fuzz:   mmuext_op %u 0x%lx 0x%lx\n", op[i].cmd,
		       op[i].arg1.mfn, op[i].arg2.src_mfn);
}

/* --- raw: any number, any arguments ----------------------------------- */

/*
 * Left out of raw calls (each has a structured operation instead):
 * iret (23: it would jump wherever its frame says), multicall (13: it
 * could nest any of the below), console_io (18: a huge count over our own
 * memory prints megabytes), sched_op (29: shutdown ends the run),
 * vcpu_op (24: VCPUOP_down on ourselves never returns) and
 * event_channel_op (32: closing port 1 or a reset ends dom0's wait).
 */
static int raw_excluded(unsigned long nr)
{
	if (nr == __HYPERVISOR_iret || nr == __HYPERVISOR_multicall ||
	    nr == __HYPERVISOR_console_io || nr == __HYPERVISOR_sched_op ||
	    nr == __HYPERVISOR_vcpu_op ||
	    nr == __HYPERVISOR_event_channel_op)
		return 1;
	/*
	 * Known bugs (docs/fuzzing.md), until known_bugs=1: a random
	 * update_descriptor may land in one of our page tables (KB-DESC),
	 * and set_segment_base(SEGBASE_GS_USER_SEL) with a selector of a
	 * not-present descriptor panics the host (KB-NP).
	 */
	return !fz.known_bugs && (nr == __HYPERVISOR_update_descriptor ||
				  nr == __HYPERVISOR_set_segment_base);
}

void op_raw(void)
{
	unsigned long nr, a[5];
	int used_tail = 0;

	do {
		unsigned int r = below(100);

		if (r < 85)
			nr = below(72);
		else if (r < 95)
			nr = 72 + below(64);
		else
			nr = any_int() | 64;
	} while (raw_excluded(nr));
	for (unsigned int i = 0; i < 5; i++) {
		unsigned int r = below(10);

		if (r < 4) {
			a[i] = any_int();
		} else if (r < 7 && !used_tail) {
			/* Random bytes; what lies beyond them faults. */
			used_tail = 1;
			fill_random(fz_raw_tail, 256);
			a[i] = (unsigned long)fz_raw_tail + below(32) * 8;
		} else {
			a[i] = fault_ptr();
		}
	}
	/*
	 * Exclusion: the address of update_va_mapping is a page of ours to
	 * remap, so never the raw buffer itself (our image): op_uvm does
	 * the structured remaps, on the windows.
	 */
	if ((nr == __HYPERVISOR_update_va_mapping ||
	     nr == __HYPERVISOR_update_va_mapping_otherdomain) &&
	    a[0] >= (unsigned long)fz_raw_tail - PAGE_SIZE &&
	    a[0] < (unsigned long)fz_raw_tail + 256)
		a[0] = fault_ptr();
	hcall(nr, a[0], a[1], a[2], a[3], a[4]);
	if (nr == __HYPERVISOR_set_trap_table ||
	    nr == __HYPERVISOR_set_callbacks ||
	    nr == __HYPERVISOR_stack_switch ||
	    nr == __HYPERVISOR_callback_op)
		restore_entry_points();
}

/* --- page tables ------------------------------------------------------- */

static unsigned long uvm_flags(void)
{
	unsigned long f = below(4) & UVMF_FLUSHTYPE_MASK;
	unsigned long *mask;

	switch (below(4)) {
	case 0:
		return f | UVMF_LOCAL;
	case 1:
		return f | UVMF_ALL;
	case 2:
		mask = arena_alloc(8);
		*mask = below(2) ? 1 : rnd();
		return f | (unsigned long)mask;
	}
	return f | (bad_ptr() & ~3UL);
}

void op_uvm(void)
{
	unsigned long va;
	unsigned int r = below(100);

	if (r < 70)
		va = (unsigned long)win[below(NWIN)];
	else if (r < 90)
		va = hook_va();
	else
		va = bad_ptr();
	hcall(__HYPERVISOR_update_va_mapping, va, any_pte(0), uvm_flags(),
	      0, 0);
}

/* One mmu_update request that cannot touch what keeps us running. */
static void gen_mmu_req(struct mmu_update *u)
{
	uint64_t cmd = chance(80) ? MMU_NORMAL_PT_UPDATE :
		       chance(70) ? MMU_PT_UPDATE_PRESERVE_AD : below(8);
	unsigned int r = below(100);

	if (cmd == MMU_MACHPHYS_UPDATE) {
		/* Only victims: the framework walks our tables by M2P. */
		const struct victim *v = &fz.v[below(NVICTIM)];

		u->ptr = (chance(90) ? v->mfn : foreign_mfn()) << 12 | cmd;
		u->val = chance(50) ? v->pfn : any_int() & ~(1ULL << 63);
		return;
	}
	if (r < 40) {
		u->ptr = win_l1e_maddr(below(NWIN));
		u->val = any_pte(0);
	} else if (r < 75) {
		u->ptr = (victim_mfn(1) << 12) + below(512) * 8;
		u->val = any_pte(1);
	} else if (r < 85) {
		u->ptr = fz.hook_l2_maddr + fz.hook_slot[below(NHOOK)] * 8;
		u->val = chance(30) ? 0 : hook_pte();
	} else {
		u->ptr = (foreign_mfn() << 12) + below(512) * 8;
		u->val = any_pte(1);
	}
	u->ptr |= cmd;
	if (chance(3))
		u->ptr += below(8) & ~7UL;
}

void op_mmu_update(void)
{
	unsigned int n = 1 + below(8), pad = chance(10) ? below(4) : 0;
	struct mmu_update *u = arena_alloc((n + pad) * sizeof(*u));
	unsigned int *done = arena_alloc(sizeof(*done));
	unsigned long count = n, domid = DOMID_SELF;

	for (unsigned int i = 0; i < n; i++)
		gen_mmu_req(&u[i]);
	for (unsigned int i = n; i < n + pad; i++) {
		u[i].ptr = (foreign_mfn() << 12) | MMU_NORMAL_PT_UPDATE;
		u[i].val = rnd();
	}
	count = n + pad;
	if (chance(5))
		count |= 1ULL << (32 + below(32));	/* upper bits ignored */
	if (chance(5))
		domid = any_domid();
	if (chance(3)) {
		hcall(__HYPERVISOR_mmu_update, fault_ptr(), any_int(),
		      (unsigned long)done, domid, 0);
		return;
	}
	trace_mmu(u, n + pad);
	hcall(__HYPERVISOR_mmu_update, (unsigned long)u, count,
	      chance(20) ? 0 : chance(90) ? (unsigned long)done : bad_ptr(),
	      domid, 0);
}

/*
 * A frame to copy from: not shared_info nor a frame of our image (its
 * stack and state hold times), whose contents depend on timing: copied
 * into a victim they would decide later calls, and a seed would no
 * longer replay its run.
 */
static uint64_t copy_src_mfn(void)
{
	uint64_t m;

	do
		m = any_mfn(0);
	while (m == fz.shared_info_mfn || mfn_is_protected(m));
	return m;
}

static void gen_mmuext(struct mmuext_op *op)
{
	unsigned long *mask;

	memset(op, 0, sizeof(*op));
	op->cmd = below(22);
	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE: case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE: case MMUEXT_PIN_L4_TABLE:
		op->arg1.mfn = chance(80) ? victim_mfn(1) : any_mfn(1);
		break;
	case MMUEXT_UNPIN_TABLE:
		/* Not our boot L4: we could not get back to it (exclusion). */
		do
			op->arg1.mfn = chance(85) ? victim_mfn(1) : any_mfn(1);
		while (op->arg1.mfn == fz.boot_l4_mfn);
		break;
	case MMUEXT_NEW_BASEPTR:
		/*
		 * Only frames that cannot become a working L4 (op_baseptr
		 * does the real switches): a victim may hold a valid L4 that
		 * no longer maps us.  Exclusion, not a hypervisor bug.
		 */
		op->arg1.mfn = chance(50) ? fz.boot_l4_mfn : foreign_mfn();
		break;
	case MMUEXT_NEW_USER_BASEPTR:
		op->arg1.mfn = chance(20) ? 0 : any_mfn(1);
		break;
	case MMUEXT_INVLPG_LOCAL: case MMUEXT_INVLPG_ALL:
		op->arg1.linear_addr = chance(60) ?
			(uint64_t)win[below(NWIN)] : bad_ptr();
		break;
	case MMUEXT_TLB_FLUSH_MULTI: case MMUEXT_INVLPG_MULTI:
		mask = arena_alloc(8);
		*mask = chance(50) ? 1 : rnd();
		op->arg1.linear_addr = (uint64_t)win[below(NWIN)];
		op->arg2.vcpumask = ptr_or_bad(mask);
		break;
	case MMUEXT_SET_LDT:
		op->arg1.linear_addr = chance(50) ?
			(uint64_t)win[below(NWIN)] : any_int();
		op->arg2.nr_ents = (uint32_t)any_int();
		break;
	case MMUEXT_CLEAR_PAGE: case MMUEXT_COPY_PAGE:
		op->arg1.mfn = chance(50) ? victim_mfn(0) : foreign_mfn();
		op->arg2.src_mfn = copy_src_mfn();
		break;
	default:
		if (chance(20))
			op->cmd = (uint32_t)any_int();
		op->arg1.mfn = any_int();
		op->arg2.src_mfn = any_int();
	}
}

void op_mmuext(void)
{
	unsigned int n = 1 + below(6), pad = chance(10) ? below(4) : 0;
	struct mmuext_op *op = arena_alloc((n + pad) * sizeof(*op));
	unsigned int *done = arena_alloc(sizeof(*done));

	for (unsigned int i = 0; i < n; i++)
		gen_mmuext(&op[i]);
	for (unsigned int i = n; i < n + pad; i++) {
		memset(&op[i], 0, sizeof(op[i]));
		op[i].cmd = 0xff00 + below(256);
	}
	if (chance(3)) {
		hcall(__HYPERVISOR_mmuext_op, fault_ptr(), any_int(),
		      (unsigned long)done, DOMID_SELF, 0);
		return;
	}
	trace_mmuext(op, n + pad);
	hcall(__HYPERVISOR_mmuext_op, (unsigned long)op, n + pad,
	      chance(20) ? 0 : chance(90) ? (unsigned long)done : bad_ptr(),
	      chance(95) ? DOMID_SELF : any_domid(), 0);
}

/*
 * Give a victim frame contents shaped like a page table of some level,
 * through a window, and usually unmap it again so that it may be pinned
 * or hung on a hook.
 */
void op_fill_table(void)
{
	unsigned int i = below(NWIN), shape = below(5);
	uint64_t mfn = victim_mfn(1), *p = (uint64_t *)win[i];
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;

	if (!map_window(i, mfn, 1))
		return;
	for (unsigned int k = 0; k < 512; k++) {
		uint64_t e = 0;

		switch (shape) {
		case 0:		/* an L1 (that may be pinned as any level) */
			if (chance(30))
				e = any_pte(1);
			break;
		case 1:		/* an L2 or L3: tables below are victims */
		case 2:
			if (chance(15))
				e = pte_for(chance(85) ? victim_mfn(1) :
					    any_mfn(1), chance(60));
			break;
		case 3:		/* an L4: ours, a little changed */
			e = l4[k];
			if (k >= 256 && k < 272 && chance(50))
				e = 0;
			else if (k < 256 && chance(3))
				e = pte_for(victim_mfn(1), chance(60));
			break;
		default:
			e = chance(50) ? rnd() & ~PTE_RW : 0;
		}
		if (try_write((uint64_t)&p[k], e))
			break;
	}
	if (chance(70))
		unmap_window(i);
}

void op_hook(void)
{
	struct mmu_update u;

	if (chance(70)) {
		u.ptr = fz.hook_l2_maddr + fz.hook_slot[below(NHOOK)] * 8;
		u.val = chance(25) ? 0 : hook_pte();
	} else {
		/* A free slot of our L4 (low half): a victim as an L3. */
		u.ptr = (fz.boot_l4_mfn << 12) + (1 + below(4)) * 8;
		u.val = chance(25) ? 0 : hook_pte();
	}
	trace_mmu(&u, 1);
	hcall(__HYPERVISOR_mmu_update, (unsigned long)&u, 1, 0, DOMID_SELF,
	      0);
}

/*
 * Switch to a copy of our L4 and back.  The copy maps the same L3s, so
 * we keep running while we are on it; the switch back must work.
 */
void op_baseptr(void)
{
	unsigned int i = below(NWIN);
	uint64_t mfn = victim_mfn(1), *p = (uint64_t *)win[i];
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	struct mmuext_op op[4];
	unsigned int n = 0;
	long rc;

	if (!map_window(i, mfn, 1))
		return;
	for (unsigned int k = 0; k < 512; k++)
		if (try_write((uint64_t)&p[k], (k >= 256 && k < 272 &&
						chance(50)) ? 0 : l4[k]))
			return;
	unmap_window(i);
	memset(op, 0, sizeof(op));
	if (chance(50)) {
		op[n].cmd = MMUEXT_PIN_L4_TABLE;
		op[n++].arg1.mfn = mfn;
	}
	op[n].cmd = MMUEXT_NEW_BASEPTR;
	op[n++].arg1.mfn = mfn;
	op[n++].cmd = MMUEXT_TLB_FLUSH_LOCAL;
	trace_mmuext(op, n);
	rc = hcall(__HYPERVISOR_mmuext_op, (unsigned long)op, n, 0,
		   DOMID_SELF, 0);
	if (chance(50))
		op_uvm();
	memset(op, 0, sizeof(op));
	op[0].cmd = MMUEXT_NEW_BASEPTR;
	op[0].arg1.mfn = fz.boot_l4_mfn;
	op[1].cmd = chance(50) ? MMUEXT_UNPIN_TABLE : MMUEXT_TLB_FLUSH_LOCAL;
	op[1].arg1.mfn = mfn;
	if (hcall(__HYPERVISOR_mmuext_op, (unsigned long)op, 1, 0,
		  DOMID_SELF, 0))
		fail("fuzz: cannot switch back to our L4 0x%lx (seed=%lu, "
		     "call %lu, switch away: %ld)", fz.boot_l4_mfn, fz.seed,
		     fz.calls, rc);
	hcall(__HYPERVISOR_mmuext_op, (unsigned long)&op[1], 1, 0,
	      DOMID_SELF, 0);
}

/*
 * Reach through the windows: read whatever they map, write where the
 * frame is a victim mapped writable, and write by instructions the
 * hypervisor must emulate where a victim is mapped read-only (it may be
 * a pinned L1).  Also read through hooked victim tables and at
 * addresses nobody may read.
 */
void op_touch(void)
{
	unsigned int i = below(NWIN);
	uint64_t e = win_l1e(i), mfn = pte_mfn(e), val;
	uint64_t va = (uint64_t)win[i] + below(512) * 8;

	switch (below(4)) {
	case 0:
		try_read(va, &val);
		break;
	case 1:
		if ((e & _PAGE_PRESENT) && mfn_is_victim(mfn)) {
			if (e & PTE_RW)
				try_write(va, chance(50) ? any_pte(1) : rnd());
			else
				try_ptwr(va, any_pte(1), below(8));
		}
		break;
	case 2:
		try_read(hook_va() + below(512) * 8, &val);
		break;
	default:
		try_read(bad_ptr() & ~7UL, &val);
	}
}

/* --- descriptors ------------------------------------------------------ */

static uint64_t any_descriptor(void)
{
	uint64_t base = rnd() & 0xffffffff, limit = rnd() & 0xfffff;
	uint64_t type;

	switch (below(6)) {
	case 0:		/* code or data, any DPL */
		type = 0x90 | (below(4) << 5) | below(16);
		break;
	case 1:		/* system: LDT, TSS, call/interrupt/trap gates */
		type = 0x80 | (below(4) << 5) |
		       (uint64_t[]){ 2, 9, 0xb, 0xc, 0xe, 0xf, 0, 5 }[below(8)];
		break;
	case 2:		/* not present */
		return rnd() & ~(1ULL << 47);
	case 3:
		return rnd();
	case 4:
		return 0;
	default:	/* flat 64-bit code or data, DPL 3 */
		return chance(50) ? 0x00affa000000ffffULL :
				    0x00cff2000000ffffULL;
	}
	return (limit & 0xffff) | ((base & 0xffffff) << 16) | (type << 40) |
	       ((limit >> 16) << 48) | ((rnd() & 0xf) << 52) |
	       ((base >> 24) << 56);
}

/* A frame for update_descriptor: see the known-bug note below. */
static uint64_t desc_target_mfn(void)
{
	unsigned int r = below(100);

	if (r < 70)
		return pool_mfn(POOL_DESC);
	if (r < 85 && fz.known_bugs)
		return victim_mfn(1);
	return foreign_mfn();
}

void op_descriptor(void)
{
	/*
	 * Known bug KB-DESC (issue 19; docs/fuzzing.md): update_descriptor
	 * writes into any frame the guest owns, page tables included, and
	 * a non-present descriptor passes unchecked, so it plants any PTE
	 * in a live table; the hypervisor then panics (pagetype.c, "Assertion
	 * 'pg' failed") when the table is torn down.  Until it is fixed the
	 * short run writes descriptors only into frames that are never page
	 * tables (POOL_DESC) or not ours; known_bugs=1 lifts that.
	 */
	uint64_t maddr = (desc_target_mfn() << 12) + below(512) * 8;

	if (chance(5))
		maddr += 1 + below(7);
	hcall(__HYPERVISOR_update_descriptor, maddr, any_descriptor(), 0, 0,
	      0);
}

void op_gdt(void)
{
	unsigned long entries, n;
	unsigned long *frames;
	uint16_t sel;

	switch (below(4)) {
	case 0:
		entries = 0;
		break;
	case 1:
		entries = any_int();
		break;
	default:
		entries = 1 + below(1024);
	}
	n = entries > 14 * 512 ? 16 : (entries + 511) / 512;
	frames = arena_alloc(16 * sizeof(*frames));
	for (unsigned int i = 0; i < 16; i++)
		/* Not a POOL_DATA frame: see grant_copy (KB-COPY). */
		frames[i] = i < n ? (chance(70) ? desc_target_mfn() :
				     any_mfn(1)) : foreign_mfn();
	/* Sometimes write descriptors into the frame first. */
	if (chance(30)) {
		unsigned int w = below(NWIN);

		/* Only victims: a window maps nothing else writable. */
		if (mfn_is_victim(frames[0]) && map_window(w, frames[0], 1))
			for (unsigned int k = 0; k < 8; k++)
				try_write((uint64_t)win[w] + below(512) * 8,
					  any_descriptor());
		unmap_window(w);
	}
	hcall(__HYPERVISOR_set_gdt, ptr_or_bad(frames), entries, 0, 0, 0);
	/* Load a selector from it: the hypervisor must not mind. */
	sel = (uint16_t)((below(entries ? entries + 2 : 8) << 3) | 3 |
			 (chance(10) ? 4 : 0));
	if (chance(50)) {
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: movw %0, %%fs\n\t"
			     "2: movq $0, fz_resume(%%rip)\n\t"
			     "movl $0, %%eax; movw %%ax, %%fs"
			     : : "r"(sel) : "rax", "memory");
	} else {
		/* Known bug KB-NP: the hypervisor's own load of a selector
		 * whose descriptor is not present panics the host, now or at
		 * the next context switch; until fixed, only the null one. */
		hcall(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL,
		      fz.known_bugs ? sel : 0, 0, 0, 0);
	}
}

/* --- grant tables ----------------------------------------------------- */

static void grant_setup(void)
{
	struct gnttab_setup_table *st = arena_alloc(sizeof(*st));
	uint64_t *frames = arena_alloc(8 * sizeof(*frames));
	long rc;

	st->dom = chance(80) ? DOMID_SELF : any_domid();
	st->nr_frames = chance(80) ? 1 + below(4) : (uint32_t)any_int();
	st->status = 0x5555;
	st->frame_list = chance(90) ? (unsigned long)frames : bad_ptr();
	memset(frames, 0, 8 * sizeof(*frames));
	rc = hcall(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
		   ptr_or_bad(st), chance(95) ? 1 : any_int(), 0, 0);
	if (!rc && st->status == GNTST_okay && st->nr_frames <= 4 &&
	    st->frame_list == (unsigned long)frames &&
	    (st->dom == DOMID_SELF || st->dom == fz.domid)) {
		for (unsigned int i = 0; i < st->nr_frames; i++)
			fz.gnt_mfn[i] = frames[i];
		if (st->nr_frames > fz.gnt_frames)
			fz.gnt_frames = st->nr_frames;
	}
}

/*
 * The frame a grant entry names: our victims (never a frame that keeps
 * us running: a grant copy into it would clobber us), or frames that are
 * not ours, which must be refused.  @copy_dest: an entry that copies may
 * write through (see copy_side()): only POOL_DATA frames, or frames that
 * can never become ours (a free one may come to us by populate_physmap
 * later, and become a page table, while the entry still names it; frames
 * of the first MiB and beyond RAM never do).
 */
static uint64_t grant_frame(int copy_dest)
{
	if (copy_dest && !fz.known_bugs)
		return chance(90) ? pool_mfn(POOL_DATA) :
		       chance(50) ? below(16) : fz.max_page + below(4);
	return chance(90) ? victim_mfn(0) : foreign_mfn();
}

/*
 * Version 2 entries, in the table's v2 layout (256 a frame; entries
 * 128-255 of each frame are the copy destinations): full page, sub-page
 * with any range, transitive (copies follow one level), readonly or not,
 * for us or dom0.
 */
static void grant_write_v2(union grant_entry_v2 *e)
{
	for (unsigned int k = 0; k < 8; k++) {
		unsigned int ref = below(256);
		uint16_t flags;
		uint64_t words[2];
		union grant_entry_v2 ge;

		memset(&ge, 0, sizeof(ge));
		flags = (uint16_t)(chance(80) ? GTF_permit_access |
				   (chance(40) ? GTF_readonly : 0) |
				   (chance(25) ? GTF_sub_page : 0) :
				   chance(50) ? GTF_transitive : rnd());
		ge.hdr.flags = chance(10) ? 0 : flags;
		ge.hdr.domid = chance(70) ? (uint16_t)fz.domid :
			       chance(60) ? 0 : any_domid();
		if ((flags & GTF_type_mask) == GTF_transitive) {
			ge.transitive.trans_domid = chance(50) ?
				(uint16_t)fz.domid : any_domid();
			ge.transitive.gref = (uint32_t)(chance(80) ?
				below(fz.gnt_frames * 256) : any_int());
		} else {
			ge.full_page.frame = chance(97) ? grant_frame(ref >= 128) :
					     (uint64_t)any_int() << 32;
			if (flags & GTF_sub_page) {
				ge.sub_page.page_off = (uint16_t)(chance(80) ?
					below(4096) : rnd());
				ge.sub_page.length = (uint16_t)(chance(80) ?
					below(4097) : rnd());
			}
		}
		memcpy(words, &ge, sizeof(words));
		/* The frame first, the flags that make it live last. */
		try_write((uint64_t)&e[ref] + 8, words[1]);
		try_write((uint64_t)&e[ref], words[0]);
	}
}

/* Write grant entries: our victims, to ourselves or to dom0. */
static void grant_write(void)
{
	unsigned int w = below(NWIN), g;
	struct grant_entry_v1 *e = (struct grant_entry_v1 *)win[w];

	if (!fz.gnt_frames)
		return grant_setup();
	g = below(fz.gnt_frames);
	if (!map_window(w, fz.gnt_mfn[g], 1))
		return;
	if (fz.gnt_version == 2) {
		grant_write_v2((union grant_entry_v2 *)win[w]);
		if (chance(50))
			unmap_window(w);
		return;
	}
	for (unsigned int k = 0; k < 8; k++) {
		struct grant_entry_v1 ge;
		unsigned int ref = below(512);
		uint64_t word;

		ge.flags = (uint16_t)(chance(80) ? GTF_permit_access |
				      (chance(40) ? GTF_readonly : 0) :
				      rnd());
		ge.domid = chance(70) ? (uint16_t)fz.domid :
			   chance(60) ? 0 : any_domid();
		/*
		 * Never a frame that keeps us running: a grant copy into it
		 * would clobber us.  Foreign frames must be refused.  Refs
		 * 256-511 of each frame are copy destinations: known bug
		 * KB-COPY (grant_copy) keeps them to POOL_DATA frames.
		 */
		ge.frame = (uint32_t)(chance(90) ? victim_mfn(0) :
				      foreign_mfn());
		/* Not any foreign frame: one that is free now may come to
		 * us by populate_physmap later, and become a page table,
		 * while the entry still names it.  Frames of the first MiB
		 * and beyond RAM never do. */
		if (ref >= 256 && !fz.known_bugs)
			ge.frame = (uint32_t)(chance(90) ?
					      pool_mfn(POOL_DATA) :
					      chance(50) ? below(16) :
					      fz.max_page + below(4));
		if (chance(10))
			ge.flags = 0;

		memcpy(&word, &ge, sizeof(word));
		try_write((uint64_t)&e[ref], word);
	}
	if (chance(50))
		unmap_window(w);
}

static uint64_t grant_host_addr(uint32_t *flags)
{
	unsigned int r = below(100);

	if (*flags & GNTMAP_contains_pte) {
		if (r < 50)
			return win_l1e_maddr(below(NWIN));
		if (r < 85)
			return (victim_mfn(1) << 12) + below(512) * 8;
		return (foreign_mfn() << 12) + below(512) * 8;
	}
	if (r < 60)
		return (uint64_t)win[below(NWIN)];
	if (r < 85)
		return hook_va();
	return bad_ptr();
}

static void grant_map(void)
{
	unsigned int n = 1 + below(4), pad = chance(10) ? 2 : 0;
	struct gnttab_map_grant_ref *m = arena_alloc((n + pad) * sizeof(*m));

	for (unsigned int i = 0; i < n + pad; i++) {
		m[i].flags = chance(90) ?
			((chance(93) ? GNTMAP_host_map : 0) |
			 (chance(40) ? GNTMAP_readonly : 0) |
			 (chance(30) ? GNTMAP_contains_pte : 0) |
			 (chance(10) ? GNTMAP_application_map : 0) |
			 (chance(12) ? GNTMAP_device_map : 0) |
			 (chance(5) ? (uint32_t)rnd() << 16 : 0)) :
			(uint32_t)rnd();
		m[i].host_addr = grant_host_addr(&m[i].flags);
		m[i].ref = chance(90) ? below(fz.gnt_frames * 512 + 8) :
			   (uint32_t)any_int();
		if (!(m[i].flags & (GNTMAP_host_map | GNTMAP_device_map)) &&
		    chance(80))
			m[i].flags |= GNTMAP_device_map;
		m[i].dom = chance(75) ? (uint16_t)fz.domid : any_domid();
		m[i].status = 0x5555;
		m[i].handle = 0xffffffff;
		m[i].dev_bus_addr = 0;
		if (i >= n) {		/* padding: refused */
			m[i].flags = GNTMAP_host_map;
			m[i].host_addr = bad_ptr();
			m[i].dom = 0x7ff5;
		}
	}
	hcall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref,
	      chance(97) ? (unsigned long)m : fault_ptr(), n + pad, 0, 0);
	for (unsigned int i = 0; i < n; i++)
		if (m[i].status == GNTST_okay && fz.nr_handles < MAX_HANDLES) {
			fz.handles[fz.nr_handles] = (uint16_t)m[i].handle;
			fz.handle_bus[fz.nr_handles] = m[i].dev_bus_addr;
			fz.handle_addr[fz.nr_handles++] = m[i].host_addr;
		}
}

/*
 * GNTTABOP_unmap_and_replace: the grant's entry gets what a window maps
 * (which is then unmapped: the window forgets it), or nothing, or a bad
 * address's (refused).
 */
static void grant_replace(void)
{
	unsigned int n = 1 + below(2), w = below(NWIN);
	struct gnttab_unmap_and_replace *u = arena_alloc(n * sizeof(*u));
	int moved = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (fz.nr_handles && chance(80)) {
			unsigned int h = below(fz.nr_handles);

			u[i].handle = fz.handles[h];
			u[i].host_addr = chance(85) ? fz.handle_addr[h] :
					 (uint64_t)win[below(NWIN)];
		} else {
			u[i].handle = (uint32_t)any_int();
			u[i].host_addr = (uint64_t)win[below(NWIN)];
		}
		if (chance(40)) {
			u[i].new_addr = (uint64_t)win[w];
			moved = 1;
		} else {
			u[i].new_addr = chance(60) ? 0 : bad_ptr();
		}
		u[i].status = 0x5555;
	}
	hcall(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_and_replace,
	      chance(97) ? (unsigned long)u : fault_ptr(), n, 0, 0);
	if (moved)
		unmap_window(w);
}

static void grant_unmap(void)
{
	unsigned int n = 1 + below(3);
	struct gnttab_unmap_grant_ref *u = arena_alloc(n * sizeof(*u));

	for (unsigned int i = 0; i < n; i++) {
		u[i].dev_bus_addr = chance(90) ? 0 : any_int();
		if (fz.nr_handles && chance(80)) {
			unsigned int h = below(fz.nr_handles);

			u[i].handle = fz.handles[h];
			u[i].host_addr = chance(85) ? fz.handle_addr[h] :
					 chance(50) ? 0 :
					 (uint64_t)win[below(NWIN)];
			if (chance(50))
				u[i].dev_bus_addr = fz.handle_bus[h];
			if (chance(70)) {	/* forget it */
				fz.handles[h] = fz.handles[fz.nr_handles - 1];
				fz.handle_bus[h] =
					fz.handle_bus[fz.nr_handles - 1];
				fz.handle_addr[h] =
					fz.handle_addr[--fz.nr_handles];
			}
		} else {
			u[i].handle = (uint32_t)any_int();
			u[i].host_addr = chance(50) ?
					 (uint64_t)win[below(NWIN)] : bad_ptr();
		}
		u[i].status = 0x5555;
	}
	hcall(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref,
	      chance(97) ? (unsigned long)u : fault_ptr(), n, 0, 0);
}

/*
 * Known bug KB-COPY (issue 19; docs/fuzzing.md): GNTTABOP_copy writes
 * its destination without the writable type, so a copy into a live page
 * table plants any PTE in it.  Until it is fixed, destinations are
 * POOL_DATA frames (never tables, never GDTs), directly or through refs
 * 256-511 (grant_write), or frames that are not ours; known_bugs=1
 * lifts that.
 */
static void copy_side(struct gnttab_copy_ptr *p, int *gref, int dest)
{
	*gref = chance(50);
	if (*gref && dest && !fz.known_bugs && fz.gnt_version == 2)
		p->u.ref = chance(90) ? below(fz.gnt_frames) * 256 + 128 +
					below(128) :
			   256 * (uint32_t)below(64) + 128 + below(128);
	else if (*gref && dest && !fz.known_bugs)
		p->u.ref = chance(90) ? below(fz.gnt_frames) * 512 + 256 +
					below(256) :
			   512 * (uint32_t)below(64) + 256 + below(256);
	else if (*gref)
		p->u.ref = chance(90) ? below(fz.gnt_frames * 512 + 8) :
			   (uint32_t)any_int();
	else if (dest && !fz.known_bugs)
		p->u.gmfn = chance(85) ? pool_mfn(POOL_DATA) : foreign_mfn();
	else if (dest)	/* never one of the frames that keep us running */
		p->u.gmfn = chance(85) ? victim_mfn(0) : foreign_mfn();
	else
		p->u.gmfn = copy_src_mfn();
	p->domid = chance(75) ? (chance(50) ? DOMID_SELF :
				 (uint16_t)fz.domid) : any_domid();
	p->offset = (uint16_t)(chance(80) ? below(4096) : any_int());
}

static void grant_copy(void)
{
	unsigned int n = 1 + below(4);
	struct gnttab_copy *c = arena_alloc(n * sizeof(*c));
	unsigned long count = n;

	for (unsigned int i = 0; i < n; i++) {
		int sg, dg;

		copy_side(&c[i].source, &sg, 0);
		copy_side(&c[i].dest, &dg, 1);
		c[i].len = (uint16_t)(chance(80) ? below(4097) : any_int());
		c[i].flags = (uint16_t)((sg ? GNTCOPY_source_gref : 0) |
					(dg ? GNTCOPY_dest_gref : 0));
		if (chance(5))
			c[i].flags = (uint16_t)rnd();
		c[i].status = 0x5555;
	}
	if (chance(3))
		count = 513 + below(1000);	/* more than a batch */
	if (fz.calls + 1 >= fz.trace_from)
		for (unsigned int i = 0; i < n; i++)
			printk("fuzz:   copy 0x%lx/%u+0x%x -> 0x%lx/%u+0x%x, "
			       "len 0x%x, flags 0x%x\n", c[i].source.u.gmfn,
			       c[i].source.domid, c[i].source.offset,
			       c[i].dest.u.gmfn, c[i].dest.domid,
			       c[i].dest.offset, c[i].len, c[i].flags);
	hcall(__HYPERVISOR_grant_table_op, GNTTABOP_copy,
	      count > n || chance(3) ? fault_ptr() : (unsigned long)c, count, 0,
	      0);
}

/* What version the table is in now (after any call that may switch it). */
static void grant_resync_version(void)
{
	struct gnttab_get_version *gv = arena_alloc(sizeof(*gv));

	gv->dom = DOMID_SELF;
	gv->pad = 0;
	gv->version = 0;
	uint64_t *frame = arena_alloc(sizeof(*frame));
	struct gnttab_get_status_frames *gs = arena_alloc(sizeof(*gs));

	if (!hcall(__HYPERVISOR_grant_table_op, GNTTABOP_get_version,
		   (unsigned long)gv, 1, 0, 0) &&
	    (gv->version == 1 || gv->version == 2))
		fz.gnt_version = gv->version;
	fz.gnt_status_live = 0;
	if (fz.gnt_version != 2)
		return;
	/* A new v2 table may have a new status frame. */
	gs->nr_frames = 1;
	gs->dom = DOMID_SELF;
	gs->status = 0x5555;
	gs->frame_list = (unsigned long)frame;
	*frame = 0;
	if (!hcall(__HYPERVISOR_grant_table_op, GNTTABOP_get_status_frames,
		   (unsigned long)gs, 1, 0, 0) && gs->status == GNTST_okay &&
	    *frame) {
		fz.gnt_status_mfn = *frame;
		fz.gnt_status_live = 1;
	}
}

/*
 * Versions and status frames: switch (refused while a grant is in use or
 * the status frame is mapped), ask for the status frames with good and
 * bad counts and lists, and map the status frame -- or the one a switch
 * back to v1 freed, which must be refused -- into a window, sometimes
 * leaving it there.
 */
static void grant_version(void)
{
	struct gnttab_set_version *sv;
	struct gnttab_get_status_frames *gs;
	uint64_t *frames;
	unsigned int w;

	switch (below(4)) {
	case 0: case 1:
		sv = arena_alloc(sizeof(*sv));
		sv->version = chance(90) ? 1 + below(2) : (uint32_t)any_int();
		hcall(__HYPERVISOR_grant_table_op, GNTTABOP_set_version,
		      ptr_or_bad(sv), chance(95) ? 1 : any_int(), 0, 0);
		grant_resync_version();
		break;
	case 2:
		gs = arena_alloc(sizeof(*gs));
		frames = arena_alloc(4 * sizeof(*frames));
		memset(frames, 0, 4 * sizeof(*frames));
		gs->nr_frames = chance(85) ? below(3) : (uint32_t)any_int();
		gs->dom = chance(85) ? DOMID_SELF : any_domid();
		gs->status = 0x5555;
		gs->frame_list = chance(85) ? (unsigned long)frames :
				 bad_ptr();
		if (!hcall(__HYPERVISOR_grant_table_op,
			   GNTTABOP_get_status_frames, ptr_or_bad(gs),
			   chance(95) ? 1 : any_int(), 0, 0) &&
		    gs->status == GNTST_okay && gs->nr_frames >= 1 &&
		    gs->nr_frames <= 4 && gs->dom == DOMID_SELF &&
		    gs->frame_list == (unsigned long)frames && frames[0] &&
		    fz.gnt_version == 2) {
			fz.gnt_status_mfn = frames[0];
			fz.gnt_status_live = 1;
		}
		break;
	default:
		if (!fz.gnt_status_mfn)
			break;
		w = below(NWIN);
		if (map_window(w, fz.gnt_status_mfn, chance(30))) {
			volatile uint16_t *st = (volatile uint16_t *)win[w];

			(void)st[below(2048)];
			if (chance(60))
				unmap_window(w);
		}
		break;
	}
}

void op_grant(void)
{
	void *buf;
	unsigned long cmd;

	if (!fz.gnt_version)
		fz.gnt_version = 1;
	if (chance(15))
		return grant_version();
	if (chance(6))
		return grant_replace();
	switch (below(10)) {
	case 0:
		grant_setup();
		break;
	case 1: case 2:
		grant_write();
		break;
	case 3: case 4:
		grant_map();
		break;
	case 5:
		grant_unmap();
		break;
	case 6: case 7:
		grant_copy();
		break;
	default:
		/* query_size, set_version, get_version and the rest */
		buf = arena_alloc(64);
		fill_random(buf, 64);
		if (chance(50))
			*(uint16_t *)buf = chance(50) ? DOMID_SELF :
					   any_domid();
		cmd = chance(90) ? below(14) : (unsigned long)any_int();
		if (chance(80))
			hcall(__HYPERVISOR_grant_table_op, cmd,
			      ptr_or_bad(buf), 1, 0, 0);
		else	/* a batch: only where nothing can be read */
			hcall(__HYPERVISOR_grant_table_op, cmd,
			      fault_ptr(), any_int(), 0, 0);
		if (cmd == GNTTABOP_set_version)
			grant_resync_version();
	}
}

/* --- event channels ----------------------------------------------------- */

void op_evtchn(void)
{
	union {
		struct evtchn_alloc_unbound alloc;
		struct evtchn_bind_interdomain inter;
		struct evtchn_bind_virq virq;
		struct evtchn_bind_ipi ipi;
		struct evtchn_close close;
		struct evtchn_send send;
		struct evtchn_status status;
		struct evtchn_bind_vcpu vcpu;
		struct evtchn_unmask unmask;
		struct evtchn_reset reset;
		uint8_t raw[64];
	} *a = arena_alloc(sizeof(*a));
	unsigned long cmd = chance(95) ? below(16) : any_int();
	uint32_t port = chance(85) ? below(64) : (uint32_t)any_int();
	unsigned long arg;

	fill_random(a, sizeof(*a));
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		a->alloc.dom = chance(80) ? DOMID_SELF : any_domid();
		a->alloc.remote_dom = chance(50) ? (uint16_t)fz.domid :
				      any_domid();
		break;
	case EVTCHNOP_bind_interdomain:
		a->inter.remote_dom = chance(60) ? (uint16_t)fz.domid :
				      any_domid();
		a->inter.remote_port = port;
		break;
	case EVTCHNOP_bind_virq:
		a->virq.virq = chance(90) ? below(24) : (uint32_t)any_int();
		a->virq.vcpu = chance(80) ? 0 : (uint32_t)any_int();
		break;
	case EVTCHNOP_bind_ipi:
		a->ipi.vcpu = chance(80) ? 0 : (uint32_t)any_int();
		break;
	case EVTCHNOP_close:
		/* Exclusion: port 1 is dom0's line to us; closing it makes
		 * dom0_waiter take us for destroyed. */
		if (port == 1)
			port = 2;
		a->close.port = port;
		break;
	case EVTCHNOP_send:
	case EVTCHNOP_unmask:
		a->send.port = port;
		break;
	case EVTCHNOP_status:
		a->status.dom = chance(70) ? DOMID_SELF : any_domid();
		a->status.port = port;
		break;
	case EVTCHNOP_bind_vcpu:
		a->vcpu.port = port;
		a->vcpu.vcpu = chance(70) ? 0 : (uint32_t)any_int();
		break;
	case EVTCHNOP_reset:
		/* Exclusion: a reset of ourselves closes port 1 (above). */
		do
			a->reset.dom = any_domid();
		while (a->reset.dom == DOMID_SELF ||
		       a->reset.dom == fz.domid);
		break;
	}
	/* For close and reset no window: its contents could say port 1. */
	arg = (cmd == EVTCHNOP_close || cmd == EVTCHNOP_reset) ?
	      (chance(95) ? (unsigned long)a : fault_ptr()) : ptr_or_bad(a);
	if (cmd == EVTCHNOP_reset && arg == (unsigned long)a &&
	    (a->reset.dom == DOMID_SELF || a->reset.dom == fz.domid))
		return;
	hcall(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static uint8_t runstate_area[2 * 512] __attribute__((aligned(64)));

/* --- vCPUs and scheduling ------------------------------------------------ */

void op_vcpu(void)
{
	unsigned long cmd = chance(95) ? below(14) : any_int();
	unsigned long id = chance(70) ? 0 : chance(50) ? below(4) : any_int();
	uint64_t *buf = arena_alloc(4096);
	unsigned long arg;

	fill_random(buf, 4096);
	arg = ptr_or_bad(buf);
	switch (cmd) {
	case VCPUOP_get_runstate_info:
		/* Times: never into a window (see the runstate area). */
		arg = chance(95) ? (unsigned long)buf : fault_ptr();
		break;
	case VCPUOP_down:
		/* Exclusion: we are vCPU 0 and nobody would bring us up. */
		if (id == 0)
			id = 1 + below(64);
		break;
	case VCPUOP_register_runstate_memory_area:
		/*
		 * Only where a write cannot hurt us: it is updated at every
		 * context switch from then on.  Not a window: what lands
		 * there depends on timing, and a frame's contents decide
		 * later calls (a pin), so a seed would no longer replay.
		 */
		buf[0] = chance(20) ? 0 : chance(60) ? (uint64_t)
			 runstate_area + below(64) * 8 : bad_ptr();
		arg = chance(95) ? (unsigned long)buf : fault_ptr();
		break;
	case VCPUOP_register_vcpu_info: {
		/*
		 * Exclusion: a successful move of vCPU 0's vcpu_info leaves
		 * shared_info, where pv_now() and the event code read it.
		 * Only shapes that must be refused: a bad offset, reserved
		 * bits, a frame not ours, another vCPU.
		 */
		struct vcpu_register_vcpu_info *ri = (void *)buf;

		ri->mfn = chance(50) ? victim_mfn(0) : foreign_mfn();
		ri->offset = (uint32_t)any_int();
		ri->rsvd = (uint32_t)any_int();
		if (id == 0 && mfn_is_victim(ri->mfn) && !ri->rsvd &&
		    ri->offset <= 4096 - 64 && !(ri->offset & 7))
			ri->rsvd = 1;
		arg = chance(95) ? (unsigned long)buf : fault_ptr();
		break;
	}
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer *t = (void *)buf;

		t->timeout_abs_ns = chance(50) ? pv_now() + below(1000000) :
				    any_int();
		t->flags = (uint32_t)(chance(50) ? below(2) : any_int());
		break;
	}
	}
	hcall(__HYPERVISOR_vcpu_op, cmd, id, arg, 0, 0);
}

/*
 * The port bound to VIRQ_TIMER on vCPU 0, bound anew if our calls closed
 * it, unmasked and not pending: without it a block would never end (the
 * hypervisor, like Xen, wakes a blocked vCPU only by an event that
 * becomes pending).  0 if there is none we can trust.
 */
static int is_timer_port(unsigned int port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	return port && !evtchn_op(EVTCHNOP_status, &st) &&
	       st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER &&
	       st.vcpu == 0;
}

static unsigned int timer_port(void)
{
	static unsigned int port;
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };

	if (!hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
		   (unsigned long)&b, 0, 0, 0))
		port = b.port;
	if (!is_timer_port(port)) {
		/* Bound already, by one of our random calls: find where. */
		for (port = 1; port < 64 && !is_timer_port(port); port++)
			;
		if (port == 64)
			return port = 0;
	}
	/*
	 * Neither the port nor its selector bit pending: the timer wakes us
	 * only if it sets both anew (as on Xen), and our event handler
	 * clears only evtchn_upcall_pending.
	 */
	__atomic_and_fetch(&vcpu0()->evtchn_pending_sel, ~(1UL << (port / 64)),
			   __ATOMIC_SEQ_CST);
	__atomic_and_fetch(&shared_info->evtchn_pending[port / 64],
			   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
	__atomic_and_fetch(&shared_info->evtchn_mask[port / 64],
			   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
	return port;
}

void op_sched(void)
{
	struct sched_poll *p = arena_alloc(sizeof(*p));
	uint32_t *ports = arena_alloc(256 * sizeof(*ports));
	struct sched_shutdown *s = arena_alloc(sizeof(*s));
	struct sched_remote_shutdown *rs = arena_alloc(sizeof(*rs));
	void *buf;

	switch (below(8)) {
	case 0:
		hcall(__HYPERVISOR_sched_op, SCHEDOP_yield, any_int(), 0, 0,
		      0);
		break;
	case 1:
		/* Block only with a timer armed that can wake us, and mask
		 * events again afterwards: block unmasks them. */
		if (!timer_port())
			break;
		hcall(__HYPERVISOR_set_timer_op, pv_now() + 20000 +
		      below(200000), 0, 0, 0, 0);
		hcall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
		vcpu0()->evtchn_upcall_mask = 1;
		break;
	case 2:
		/*
		 * Exclusion: poll sleeps until a port fires unless its
		 * timeout is past; every poll here has a past timeout or
		 * arguments that must be refused.
		 */
		for (unsigned int i = 0; i < 256; i++)
			ports[i] = chance(90) ? below(64) : (uint32_t)rnd();
		p->ports = chance(90) ? (unsigned long)ports : bad_ptr();
		p->nr_ports = chance(80) ? below(130) : (uint32_t)any_int();
		p->timeout = 1 + below(1000);
		hcall(__HYPERVISOR_sched_op, SCHEDOP_poll,
		      chance(95) ? (unsigned long)p : fault_ptr(), 0, 0, 0);
		break;
	case 3:
		/* Exclusion: shutdown only with arguments that must be
		 * refused (a bad pointer, a reason beyond SHUTDOWN_MAX). */
		s->reason = SHUTDOWN_MAX + 1 + (uint32_t)below(0xfffffff0);
		hcall(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
		      chance(50) ? (unsigned long)s : fault_ptr(), 0, 0, 0);
		break;
	case 4:
		s->reason = (uint32_t)(chance(70) ? below(8) : any_int());
		hcall(__HYPERVISOR_sched_op, SCHEDOP_shutdown_code,
		      ptr_or_bad(s), 0, 0, 0);
		break;
	case 5:
		/* Exclusion: never ourselves; dom0 and others must be
		 * refused to an unprivileged domain. */
		do
			rs->domain_id = any_domid();
		while (rs->domain_id == DOMID_SELF ||
		       rs->domain_id == fz.domid);
		rs->reason = (uint32_t)(chance(80) ? below(6) : any_int());
		hcall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown,
		      chance(95) ? (unsigned long)rs : fault_ptr(), 0, 0, 0);
		break;
	default:
		/* watchdog, pin_override and unknown commands */
		buf = arena_alloc(64);
		fill_random(buf, 64);
		hcall(__HYPERVISOR_sched_op, chance(70) ? 6 + below(10) :
		      any_int() | 8, chance(95) ? (unsigned long)buf :
		      fault_ptr(), 0, 0, 0);
	}
}

/* --- memory ------------------------------------------------------------ */

static void balloon_note(void)
{
	for (unsigned int i = 0; i < NVICTIM; i++) {
		struct victim *v = &fz.v[i];

		if (v->ours && m2p(v->mfn) == ~0ULL &&
		    fz.nr_ballooned < NVICTIM) {
			v->ours = 0;
			fz.ballooned_pfn[fz.nr_ballooned++] = v->pfn;
		}
	}
}

/* Populate @pfn (one of our victims' pfns) with one frame. */
static long populate_one(uint64_t pfn)
{
	struct xen_memory_reservation *r = arena_alloc(sizeof(*r));
	uint64_t *f = arena_alloc(sizeof(*f));
	long rc;

	*f = pfn;
	memset(r, 0, sizeof(*r));
	r->extent_start = (unsigned long)f;
	r->nr_extents = 1;
	r->domid = DOMID_SELF;
	rc = hcall(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
		   (unsigned long)r, 0, 0, 0);
	if (rc == 1)
		for (unsigned int i = 0; i < NVICTIM; i++)
			if (fz.v[i].pfn == pfn) {
				fz.v[i].mfn = *f;
				fz.v[i].ours = 1;
			}
	return rc;
}

void op_memory(void)
{
	struct xen_memory_reservation *r = arena_alloc(sizeof(*r));
	uint64_t *ext = arena_alloc(8 * sizeof(*ext));
	uint16_t *dom = arena_alloc(16);
	unsigned int n = 1 + below(4);
	void *buf;

	memset(r, 0, sizeof(*r));
	r->extent_start = (unsigned long)ext;
	r->nr_extents = n;
	r->domid = chance(90) ? DOMID_SELF : any_domid();
	switch (below(6)) {
	case 0:
		/*
		 * Give back victims (most are refused: mapped, typed).
		 * Order 0 only: a larger extent could reach frames we do
		 * not track, and we must put every page back before the end.
		 */
		for (unsigned int i = 0; i < n; i++) {
			ext[i] = chance(85) ? victim_mfn(0) : any_mfn(0);
			/*
			 * Known bug KB-GNTFREE: a grant-table frame given
			 * back stays in the table, which then writes into
			 * the frame's next owner.  And no pool frame: its
			 * number lives on in grant entries and descriptor
			 * targets, and the frame could come back to us as
			 * a victim that becomes a page table (KB-COPY,
			 * KB-DESC).
			 */
			while (!fz.known_bugs && (mfn_is_grant_frame(ext[i]) ||
						  mfn_is_pool(ext[i])))
				ext[i] = victim_mfn(1);
		}
		if (chance(10)) {
			r->extent_order = 10 + below(60);	/* refused */
		}
		hcall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation,
		      chance(95) ? (unsigned long)r : fault_ptr(), 0, 0, 0);
		/*
		 * Known bug KB-TLB: a frame leaves us without a TLB flush, so
		 * a stale translation of a window (remapped by mmu_update,
		 * which does not flush) would write into its next owner.
		 * Flush before anything touches memory again.
		 */
		if (!fz.known_bugs) {
			struct mmuext_op *f = arena_alloc(sizeof(*f));

			f->cmd = MMUEXT_TLB_FLUSH_ALL;
			hcall(__HYPERVISOR_mmuext_op, (unsigned long)f, 1, 0,
			      DOMID_SELF, 0);
		}
		balloon_note();
		break;
	case 1:
		if (fz.nr_ballooned && chance(80)) {
			uint64_t pfn = fz.ballooned_pfn[--fz.nr_ballooned];

			if (populate_one(pfn) != 1)
				fz.ballooned_pfn[fz.nr_ballooned++] = pfn;
			break;
		}
		/* Only pfns that must be refused, or order > 9. */
		for (unsigned int i = 0; i < n; i++)
			ext[i] = chance(50) ? fz.nr_pages + below(16) :
				 -(uint64_t)below(1024);
		r->extent_order = chance(50) ? 0 : 10 + below(30);
		if (r->extent_order == 0 && chance(30))
			r->nr_extents = any_int();
		hcall(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
		      chance(95) ? (unsigned long)r : fault_ptr(), 0, 0, 0);
		break;
	case 2:
		*dom = chance(60) ? DOMID_SELF : any_domid();
		hcall(__HYPERVISOR_memory_op, chance(50) ?
		      XENMEM_current_reservation : XENMEM_maximum_reservation,
		      ptr_or_bad(dom), 0, 0, 0);
		break;
	default:
		buf = arena_alloc(256);
		fill_random(buf, 256);
		hcall(__HYPERVISOR_memory_op, chance(90) ? below(32) :
		      (below(32) | (any_int() << 6)), ptr_or_bad(buf), 0, 0,
		      0);
	}
}

/* Put back every page we gave away, so that all come back at destroy. */
void balloon_refill(void)
{
	uint16_t *dom = arena_alloc(16);
	long cur, max;

	*dom = DOMID_SELF;
	for (unsigned int tries = 0; tries < 4 * NVICTIM; tries++) {
		cur = hcall(__HYPERVISOR_memory_op, XENMEM_current_reservation,
			    (unsigned long)dom, 0, 0, 0);
		max = hcall(__HYPERVISOR_memory_op, XENMEM_maximum_reservation,
			    (unsigned long)dom, 0, 0, 0);
		if (cur >= max)
			return;
		if (fz.nr_ballooned)
			populate_one(fz.ballooned_pfn[--fz.nr_ballooned]);
		else	/* a frame we never tracked: a pfn nobody uses */
			populate_one(fz.nr_pages - 2 * NSPARE - 1 - tries);
	}
	fail("fuzz: could not put back our pages: %ld of %ld", cur, max);
}

/* --- the rest ------------------------------------------------------------ */

void op_version(void)
{
	void *buf = arena_alloc(1024);

	hcall(__HYPERVISOR_xen_version, chance(90) ? below(16) : any_int(),
	      ptr_or_bad(buf), 0, 0, 0);
}

void op_console(void)
{
	char *buf = arena_alloc(256);
	unsigned int len = below(120);

	for (unsigned int i = 0; i < len; i++)
		buf[i] = "fuzzing console_io "[below(19)];
	buf[len++] = '\n';
	switch (below(4)) {
	case 0:
		hcall(__HYPERVISOR_console_io, CONSOLEIO_write,
		      len | (any_int() << 32), (unsigned long)buf, 0, 0);
		break;
	case 1:		/* unreadable: nothing may be printed */
		hcall(__HYPERVISOR_console_io, CONSOLEIO_write, any_int(),
		      fault_ptr(), 0, 0);
		break;
	case 2:
		hcall(__HYPERVISOR_console_io, CONSOLEIO_read, any_int(),
		      ptr_or_bad(buf), 0, 0);
		break;
	default:
		hcall(__HYPERVISOR_console_io, 2 + any_int(), len,
		      (unsigned long)buf, 0, 0);
	}
}

static uint64_t canonical_or_bad(void)
{
	switch (below(3)) {
	case 0:
		return (uint64_t)win[below(NWIN)];
	case 1:
		return bad_ptr();
	}
	return any_int();
}

void op_misc(void)
{
	void *buf = arena_alloc(128);

	fill_random(buf, 128);
	switch (below(9)) {
	case 0:
		hcall(__HYPERVISOR_fpu_taskswitch, any_int(), 0, 0, 0, 0);
		break;
	case 1:
		hcall(__HYPERVISOR_vm_assist, chance(80) ? below(3) : any_int(),
		      chance(80) ? below(40) : any_int(), 0, 0, 0);
		break;
	case 2: {
		unsigned long which = chance(90) ? below(5) : any_int();

		/* KB-NP (op_gdt): a user GS selector only the null one. */
		hcall(__HYPERVISOR_set_segment_base, which,
		      which == SEGBASE_GS_USER_SEL && !fz.known_bugs ? 0 :
		      canonical_or_bad(), 0, 0, 0);
		break;
	}
	case 3:
		hcall(__HYPERVISOR_set_debugreg, chance(90) ? below(9) :
		      any_int(), chance(50) ? canonical_or_bad() : any_int(),
		      0, 0, 0);
		break;
	case 4:
		hcall(__HYPERVISOR_get_debugreg, chance(90) ? below(9) :
		      any_int(), 0, 0, 0, 0);
		break;
	case 5:
		hcall(__HYPERVISOR_set_timer_op, chance(50) ? pv_now() +
		      below(1000000) : any_int(), 0, 0, 0, 0);
		break;
	case 6:
		if (chance(50))
			*(uint32_t *)buf = (uint32_t)below(4);
		hcall(__HYPERVISOR_physdev_op, chance(90) ? below(32) :
		      any_int(), ptr_or_bad(buf), 0, 0, 0);
		break;
	case 7:
		if (chance(50))
			((uint32_t *)buf)[1] = 0x03000001;
		hcall(__HYPERVISOR_platform_op, ptr_or_bad(buf), 0, 0, 0, 0);
		break;
	default:
		hcall(__HYPERVISOR_stack_switch, chance(50) ? FLAT_KERNEL_SS :
		      any_int(), canonical_or_bad(), 0, 0, 0);
		restore_entry_points();
	}
}

void op_callbacks(void)
{
	struct trap_info *t = arena_alloc(10 * sizeof(*t));
	struct callback_register *cb = arena_alloc(sizeof(*cb));
	unsigned int n = below(8);

	switch (below(4)) {
	case 0:
		for (unsigned int i = 0; i < n; i++) {
			t[i].vector = (uint8_t)(chance(90) ? 32 + below(224) :
						below(32));
			t[i].flags = (uint8_t)rnd();
			t[i].cs = (uint16_t)(chance(50) ? FLAT_KERNEL_CS :
					     rnd());
			t[i].address = canonical_or_bad() | 1;
		}
		memset(&t[n], 0, sizeof(t[n]));
		hcall(__HYPERVISOR_set_trap_table, chance(10) ? 0 :
		      ptr_or_bad(t), 0, 0, 0, 0);
		break;
	case 1:
		cb->type = (uint16_t)(chance(90) ? below(10) : rnd());
		cb->flags = (uint16_t)rnd();
		cb->address = chance(20) ? 0 : canonical_or_bad();
		hcall(__HYPERVISOR_callback_op, chance(90) ? below(3) :
		      any_int(), ptr_or_bad(cb), 0, 0, 0);
		break;
	default:
		hcall(__HYPERVISOR_set_callbacks, canonical_or_bad(),
		      canonical_or_bad(), canonical_or_bad(), 0, 0);
	}
	restore_entry_points();
}

/*
 * A call with no follow-up, for multicall: the families above that
 * need none, with their arguments in the arena.
 */
void gen_simple(struct call *c)
{
	uint64_t *u;

	memset(c, 0, sizeof(*c));
	switch (below(8)) {
	case 0:
		c->nr = __HYPERVISOR_update_va_mapping;
		c->a[0] = (unsigned long)win[below(NWIN)];
		c->a[1] = any_pte(0);
		c->a[2] = below(3);
		break;
	case 1:
		u = arena_alloc(sizeof(struct mmu_update));
		gen_mmu_req((struct mmu_update *)u);
		c->nr = __HYPERVISOR_mmu_update;
		c->a[0] = (unsigned long)u;
		c->a[1] = 1;
		c->a[3] = DOMID_SELF;
		break;
	case 2:
		u = arena_alloc(sizeof(struct mmuext_op));
		gen_mmuext((struct mmuext_op *)u);
		c->nr = __HYPERVISOR_mmuext_op;
		c->a[0] = (unsigned long)u;
		c->a[1] = 1;
		c->a[3] = DOMID_SELF;
		break;
	case 3:
		c->nr = __HYPERVISOR_xen_version;
		c->a[0] = below(16);
		c->a[1] = ptr_or_bad(arena_alloc(1024));
		break;
	case 4:
		c->nr = __HYPERVISOR_update_descriptor;
		c->a[0] = (desc_target_mfn() << 12) + below(512) * 8;
		c->a[1] = any_descriptor();
		break;
	case 5:
		c->nr = __HYPERVISOR_sched_op;
		c->a[0] = SCHEDOP_yield;
		break;
	case 6:
		c->nr = __HYPERVISOR_get_debugreg;
		c->a[0] = below(9);
		break;
	default:
		c->nr = chance(50) ? __HYPERVISOR_iret :
			__HYPERVISOR_multicall;	/* refused inside */
		c->a[0] = bad_ptr();
		c->a[1] = any_int();
	}
}

void op_multicall(void)
{
	unsigned int n = 1 + below(16), pad = chance(10) ? below(4) : 0;
	struct multicall_entry *m = arena_alloc((n + pad) * sizeof(*m));

	for (unsigned int i = 0; i < n + pad; i++) {
		struct call c;

		if (i < n) {
			gen_simple(&c);
		} else {	/* padding: unknown numbers */
			memset(&c, 0, sizeof(c));
			c.nr = 100 + below(100);
		}
		m[i].op = c.nr;
		m[i].result = 0x5555;
		for (unsigned int j = 0; j < 5; j++)
			m[i].args[j] = c.a[j];
		m[i].args[5] = rnd();
	}
	if (fz.calls >= fz.trace_from)
		for (unsigned int i = 0; i < n + pad; i++) {
			printk("fuzz:   entry %u: %lu(0x%lx, 0x%lx, 0x%lx, "
			       "0x%lx)\n", i, m[i].op, m[i].args[0],
			       m[i].args[1], m[i].args[2], m[i].args[3]);
			if (m[i].op == __HYPERVISOR_mmu_update)
				trace_mmu((void *)m[i].args[0], 1);
			else if (m[i].op == __HYPERVISOR_mmuext_op)
				trace_mmuext((void *)m[i].args[0], 1);
		}
	fz.calls += n + pad;	/* each entry is a call too */
	if (chance(3))
		hcall(__HYPERVISOR_multicall, fault_ptr(), any_int(), 0, 0, 0);
	else
		hcall(__HYPERVISOR_multicall, (unsigned long)m,
		      (n + pad) | (chance(5) ? any_int() << 32 : 0), 0, 0, 0);
}
