// SPDX-License-Identifier: GPL-2.0
/*
 * Segments of a PV guest: its own GDT (set_gdt, update_descriptor), its
 * LDT (MMUEXT_SET_LDT) and the FS/GS bases (set_segment_base).
 *
 * Each CPU's GDT is a 16-page window (arch/x86/desc.c): pages 0-13 hold
 * the running vCPU's GDT, page 14 the hypervisor's selectors (0xe000 and
 * up, incl. the flat ring-3 ones).  A guest descriptor is accepted only
 * if it cannot give ring 3 more than ring 3 already has: code and data
 * segments have their DPL forced to 3 (Linux's GDT says DPL 0 for
 * __KERNEL_CS; the guest kernel runs in ring 3 anyway), and system
 * descriptors (call gates above all, TSS, LDT) are refused.  The accessed
 * bit is set up front so the CPU never needs to write it.
 *
 * The hard part: a GDT descriptor is checked once but used forever, and
 * a guest that could still write its GDT frame afterwards could plant a
 * call gate into ring 0.  Xen prevents that with a page type (no writable
 * mapping of a descriptor page).  Until the page-type module is in, we
 * never let the CPU see the guest's frames at all: the window maps
 * hypervisor-owned shadow pages holding the checked copies, and
 * update_descriptor writes both.  The guest reads its own frame, which
 * has the same contents unless it wrote it behind our back, and then
 * only it is fooled.  The iret path (pv/iret.c) checks every selector it
 * loads against the shadow, so a GDT descriptor cannot fault our iretq;
 * an LDT one can (another vCPU may rewrite it after the check), and
 * that fault goes to the guest (arch/x86/traps.c, iret_fault_to_guest).
 *
 * The LDT is done the other way, Xen's: its frames themselves become
 * the CPU's LDT, so they must hold the descriptor-page type
 * (PGT_seg_desc_page), which no writable mapping can coexist with, and
 * whose first reference checks (and fixes up) all 512 descriptors of
 * the frame (pv_validate_desc_page()).  After that only
 * update_descriptor writes them, one checked descriptor at a time.  An
 * LDT may be 16 pages, and Linux shares one between all the threads of
 * a process (so all the vCPUs running them): a shadow per vCPU would
 * copy up to 64 KiB at every set_ldt and could not follow
 * update_descriptor on another vCPU.
 *
 * Xen maps the LDT frames lazily, on the #PF the CPU takes in its LDT
 * window.  We take them all when MMUEXT_SET_LDT is made (pv_set_ldt()):
 * walk the guest's kernel page tables for each page of the LDT, take the
 * type reference, and keep the frames in the vCPU; a context switch maps
 * them into the CPU's LDT window (arch/x86/desc.c).  That needs no fault
 * path (a descriptor read in the window never faults, in the guest or in
 * our own segment loads, which run with interrupts off where the page
 * lock may not be taken) and no hook in every L1 update to forget a
 * stale window.  What it changes, for a guest only: an LDT page that is
 * not mapped, not the guest's, mapped writable or holds a bad descriptor
 * makes set_ldt fail with -EINVAL, where Xen accepts it and gives the
 * guest a #PF at the first use; and a guest that remaps its LDT's
 * address keeps the old frames until its next set_ldt.  Linux makes the
 * LDT pages read-only before it sets an LDT and never remaps one in use.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pagetype.h>
#include <hv/pv.h>

#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define DESC_ACCESSED	(1UL << 40)
#define DESC_CODE	(1UL << 43)
#define DESC_S		(1UL << 44)
#define DESC_DPL_SHIFT	45
#define DESC_DPL	(3UL << DESC_DPL_SHIFT)
#define DESC_PRESENT	(1UL << 47)
#define DESC_WRITABLE	(1UL << 41)	/* data segments */
#define DESC_TYPE	(0xfUL << 40)
#define DESC_L		(1UL << 53)	/* 64-bit code */
#define DESC_DB		(1UL << 54)
#define DESC_G		(1UL << 55)

#define MAX_GDT_FRAMES	FIRST_RESERVED_GDT_PAGE

/*
 * Make a guest descriptor (GDT or LDT) safe, or refuse it: Xen 4.17's
 * check_descriptor() for a 64-bit guest, less call gates.  A descriptor
 * that is not present always faults, so anything goes; code and data
 * segments get DPL 3 (the guest kernel runs in ring 3 too) and the
 * accessed bit; a system descriptor of type 0 (Xen keeps it for the
 * upper half of a call gate) faults on every use and stays.  Every other
 * system descriptor is refused: TSS and LDT descriptors, interrupt and
 * trap gates, and call gates, which Xen accepts with DPL 0 to emulate
 * them on the #GP of their use and which we do not emulate.
 */
static bool check_descriptor(u64 *d)
{
	if (!(*d & DESC_PRESENT))
		return true;
	if (!(*d & DESC_S))
		return !(*d & DESC_TYPE);
	*d |= DESC_DPL | DESC_ACCESSED;
	return true;
}

/**
 * pv_validate_desc_page() - may frame @mfn become a descriptor page?
 * @pd:  the owner's page-type state; its page-table lock is held
 * @mfn: the frame, just typed PGT_seg_desc_page (first reference)
 *
 * The page-type engine's validate_desc hook (pv/mm-ops.c).  Checks all
 * 512 descriptors, as Xen does for a whole page, and writes each back as
 * check_descriptor() fixed it (DPL 3, accessed): with the type held,
 * nobody else writes the frame.
 *
 * Return: 0, or -EINVAL with @pd->why set.
 */
int pv_validate_desc_page(struct pt_domain *pd, unsigned long mfn)
{
	u64 *page = __va((paddr_t)mfn << PAGE_SHIFT);

	for (unsigned int i = 0; i < 512; i++) {
		u64 d = READ_ONCE(page[i]);

		if (!check_descriptor(&d)) {
			pd->why = "a system descriptor (gate, TSS, LDT) in "
				  "the page";
			return -EINVAL;
		}
		WRITE_ONCE(page[i], d);
	}
	return 0;
}

static unsigned long gdt_window(void)
{
	return GDT_WINDOW_VIRT + smp_processor_id() * GDT_WINDOW_SIZE;
}

/*
 * What the window shows where the guest gave no GDT frame: zeroes, read
 * only, as Xen maps its zero page there.  The CPU then reads a null
 * descriptor: LAR, LSL, VERR and VERW just clear ZF, and a segment load
 * is #GP(selector), instead of a #PF in the window.
 */
static u64 gdt_zero_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

/**
 * pv_load_gdt() - map a vCPU's GDT frames into this CPU's GDT window
 * @v: the vCPU about to run
 */
void pv_load_gdt(struct vcpu *v)
{
	unsigned long win = gdt_window();
	unsigned int n = (v->pv.gdt_ents + 511) / 512;

	for (unsigned int i = 0; i < MAX_GDT_FRAMES; i++) {
		if (i < n)
			map_pages(win + i * PAGE_SIZE, __pa(v->pv.gdt_shadow[i]),
				  1, PAGE_HV_RW);
		else
			map_pages(win + i * PAGE_SIZE, __pa(gdt_zero_page), 1,
				  PAGE_HV_RO);
		__asm__ __volatile__("invlpg (%0)" : :
				     "r"(win + i * PAGE_SIZE) : "memory");
	}
}

/*
 * Descriptor @sel of @v's GDT or LDT, as the CPU would read it, or false
 * if @sel is beyond the table.  The GDT copy the CPU uses is the shadow;
 * the LDT is the guest's frames themselves (typed, see above).
 */
static bool read_descriptor(struct vcpu *v, u16 sel, u64 *d)
{
	unsigned int idx = sel >> 3;

	if (sel & 4) {
		if (idx >= v->pv.ldt_ents)
			return false;
		*d = READ_ONCE(((u64 *)__va((paddr_t)v->pv.ldt_frames[idx >> 9]
					    << PAGE_SHIFT))[idx & 511]);
		return true;
	}
	if (idx >= v->pv.gdt_ents || idx == 0)
		return false;
	*d = v == current_vcpu() ? ((u64 *)gdt_window())[idx] :
	     v->pv.gdt_shadow[idx >> 9][idx & 511];
	return true;
}

/**
 * pv_selector_ok() - may iretq load @sel as a code or stack selector?
 * @v:    the running vCPU, or a down one with its GDT and LDT set
 * @sel:  the selector, RPL 3, of the GDT or the LDT
 * @code: code (CS) or stack (SS)
 *
 * A code descriptor with both L and D set is reserved: loading it into
 * CS raises #GP, so it is refused here too.
 */
bool pv_selector_ok(struct vcpu *v, u16 sel, bool code)
{
	u64 d;

	if (code && (sel == FLAT_RING3_CS64 || sel == FLAT_RING3_CS32))
		return true;
	if (!code && sel == FLAT_RING3_SS64)
		return true;
	if (!read_descriptor(v, sel, &d))
		return false;
	if (!(d & DESC_PRESENT) || !(d & DESC_S) ||
	    ((d & DESC_DPL) >> DESC_DPL_SHIFT) != 3)
		return false;
	if (code)
		return (d & DESC_CODE) && (d & (DESC_L | DESC_DB)) !=
					  (DESC_L | DESC_DB);
	return !(d & DESC_CODE) && (d & DESC_WRITABLE);
}

/**
 * pv_code_rip_ok() - may iretq return to @rip in code segment @cs?
 * @v:   as for pv_selector_ok()
 * @cs:  a selector pv_selector_ok() accepted
 * @rip: the return address
 *
 * To 64-bit code, @rip must be canonical; to compatibility mode (a 32-
 * or 16-bit code segment), iretq checks it against the segment's limit.
 * Either failure is #GP(0) raised by our iretq in ring 0, so it is
 * checked here, and the guest gets that #GP from the context it named.
 */
bool pv_code_rip_ok(struct vcpu *v, u16 cs, u64 rip)
{
	u64 d, limit;

	if (cs == FLAT_RING3_CS64)
		return is_canonical(rip);
	if (cs == FLAT_RING3_CS32)
		return rip <= 0xffffffffUL;
	if (!read_descriptor(v, cs, &d))
		return false;
	if (d & DESC_L)
		return is_canonical(rip);
	limit = (d & 0xffff) | ((d >> 32) & 0xf0000);
	if (d & DESC_G)
		limit = (limit << PAGE_SHIFT) | (PAGE_SIZE - 1);
	return rip <= limit;
}

/* Is @cs (RPL 3) a 64-bit code selector of @v, as the CPU would read it? */
bool pv_code_is_64bit(struct vcpu *v, u16 cs)
{
	u64 d;

	if (cs == FLAT_RING3_CS64)
		return true;
	if (cs == FLAT_RING3_CS32)
		return false;
	return read_descriptor(v, cs, &d) && (d & DESC_L);
}

static bool frame_is_guest_page(struct domain *d, unsigned long mfn)
{
	return pv_mfn_is_guest_page(d, mfn);
}

/**
 * do_set_gdt() - the vCPU's GDT is in these guest frames
 * @frames:  guest array of MFNs
 * @entries: descriptors, at most 14 pages' worth
 */
long do_set_gdt(unsigned long frames, unsigned long entries)
{
	unsigned long mfns[MAX_GDT_FRAMES];

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	if (copy_from_guest(mfns, frames, (entries + 511) / 512 * sizeof(mfns[0])))
		return -EFAULT;
	return pv_set_gdt(current_vcpu(), mfns, entries);
}

/**
 * pv_set_gdt() - give @v the GDT in guest frames @mfns
 * @v:       the running vCPU, or one that is down (VCPUOP_initialise)
 * @mfns:    the frames, (@entries + 511) / 512 of them
 * @entries: descriptors, at most 14 pages' worth
 *
 * Each frame is held by a general reference while it is read: another
 * vCPU could otherwise give it back (decrease_reservation) between the
 * ownership check and the copy, and the copy would read a frame that
 * was scrubbed, or already belongs to someone else (SECURITY.md
 * invariant 2).  Once copied the frames are not used again.
 *
 * Return: 0, -EINVAL for a frame or descriptor we refuse, -ENOMEM.
 */
long pv_set_gdt(struct vcpu *v, const unsigned long *mfns,
		unsigned long entries)
{
	struct page_info *held[MAX_GDT_FRAMES];
	unsigned int n, i, nheld = 0;
	long rc = 0;

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	n = (entries + 511) / 512;
	for (i = 0; i < n; i++) {
		if (!frame_is_guest_page(v->domain, mfns[i]) ||
		    !get_page(mfn_to_page(mfns[i]), v->domain->id)) {
			gprintk(LOG_WARN, v, "set_gdt: frame %#lx is not "
				"the guest's", mfns[i]);
			rc = -EINVAL;
			goto out;
		}
		held[nheld++] = mfn_to_page(mfns[i]);
		if (!v->pv.gdt_shadow[i]) {
			v->pv.gdt_shadow[i] = alloc_heap_pages(0);
			if (!v->pv.gdt_shadow[i]) {
				rc = -ENOMEM;
				goto out;
			}
		}
	}
	/* Check into a scratch page first: a refused GDT changes nothing. */
	for (i = 0; i < n; i++) {
		const u64 *page = __va(mfns[i] << PAGE_SHIFT);

		for (unsigned int j = 0; j < 512 && i * 512 + j < entries; j++) {
			u64 d = page[j];

			if (!check_descriptor(&d)) {
				gprintk(LOG_WARN, v, "set_gdt: bad descriptor "
					"%u: %#lx", i * 512 + j,
					(unsigned long)d);
				rc = -EINVAL;
				goto out;
			}
		}
	}
	for (i = 0; i < n; i++) {
		const u64 *page = __va(mfns[i] << PAGE_SHIFT);
		u64 *shadow = v->pv.gdt_shadow[i];

		for (unsigned int j = 0; j < 512; j++) {
			u64 d = i * 512 + j < entries ? page[j] : 0;

			/* Re-check: the guest may have changed it since. */
			shadow[j] = check_descriptor(&d) ? d : 0;
		}
	}
	memcpy(v->pv.gdt_frames, mfns, n * sizeof(mfns[0]));
	v->pv.gdt_ents = entries;
	if (v == current_vcpu())
		pv_load_gdt(v);
out:
	while (nheld)
		put_page_and_free(held[--nheld]);
	return rc;
}

/* Give back the frames of @v's LDT.  Caller holds the page-table lock. */
static void put_ldt_frames(struct domain *d, const unsigned long *mfns,
			   unsigned int ents)
{
	for (unsigned int i = 0; i * 512 < ents; i++)
		pt_put_page_and_type(&d->pt, mfns[i]);
}

/*
 * Take the frame that maps guest address @va in @v's kernel page tables
 * (as Xen reads the LDT through the kernel-mode tables) as a descriptor
 * page.  Caller holds the page-table lock, so the tables cannot change.
 */
static int get_ldt_frame(struct vcpu *v, unsigned long va, unsigned long *mfn)
{
	struct domain *d = v->domain;
	u64 maddr, e;
	int rc;

	if (!v->pv.kernel_l4) {
		d->pt.why = "the vCPU has no page tables";
		return -EINVAL;
	}
	rc = pt_find_l1e(&d->pt, v->pv.kernel_l4, va, &maddr);
	if (rc)
		return rc;
	e = READ_ONCE(*(u64 *)__va(maddr));
	if (!(e & PTE_P)) {
		d->pt.why = "the address is not mapped";
		return -EINVAL;
	}
	*mfn = (e & PTE_MFN_MASK) >> PAGE_SHIFT;
	return pt_get_page_and_type(&d->pt, *mfn, PGT_seg_desc_page);
}

/**
 * pv_set_ldt() - MMUEXT_SET_LDT: @v's LDT is @ents descriptors at @base
 * @v:    the running vCPU, or a down one (VCPUOP_initialise) whose
 *        kernel page tables are set
 * @base: guest linear address, page aligned (ignored when @ents is 0)
 * @ents: descriptors, at most 8192; 0 for no LDT
 *
 * Xen's argument checks (page aligned, a guest address, at most 8192
 * entries), then every page of the new LDT is taken as a descriptor page
 * before the old LDT's pages are let go, so a refusal changes nothing.
 *
 * Return: 0, or -EINVAL (see the top of this file for what is refused).
 */
long pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents)
{
	struct domain *d = v->domain;
	unsigned long mfns[LDT_MAX_FRAMES], old[LDT_MAX_FRAMES];
	unsigned int n, i, old_ents;
	int rc = 0;

	if (!ents)
		base = 0;
	if ((base & (PAGE_SIZE - 1)) || ents > LDT_MAX_ENTS ||
	    (ents && !guest_range_ok(base, ents * 8UL))) {
		gprintk(LOG_WARN, v, "set_ldt %#lx, %u entries refused: bad "
			"arguments", base, ents);
		return -EINVAL;
	}
	n = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
	spin_lock(&d->pt_lock);
	for (i = 0; i < n; i++) {
		rc = get_ldt_frame(v, base + i * PAGE_SIZE, &mfns[i]);
		if (rc)
			break;
	}
	if (rc) {
		gprintk(LOG_WARN, v, "set_ldt %#lx, %u entries refused: page "
			"%u: %s", base, ents, i, d->pt.why);
		put_ldt_frames(d, mfns, i * 512);
		spin_unlock(&d->pt_lock);
		return -EINVAL;
	}
	old_ents = v->pv.ldt_ents;
	memcpy(old, v->pv.ldt_frames, sizeof(old));
	memset(v->pv.ldt_frames, 0, sizeof(v->pv.ldt_frames));
	memcpy(v->pv.ldt_frames, mfns, n * sizeof(mfns[0]));
	v->pv.ldt_base = base;
	v->pv.ldt_ents = ents;
	/* The CPU stops using the old frames before they are let go. */
	if (v == current_vcpu())
		load_ldt(v->pv.ldt_frames, ents);
	put_ldt_frames(d, old, old_ents);
	spin_unlock(&d->pt_lock);
	return 0;
}

/**
 * pv_release_ldt() - drop @v's LDT (domain destruction)
 * @v: a vCPU that runs nowhere, so no other CPU maps its LDT (context.c
 *     unmaps it at the switch away), or the caller's own vCPU, tearing
 *     its domain down before it schedules away; caller holds the
 *     page-table lock
 */
void pv_release_ldt(struct vcpu *v)
{
	if (v == current_vcpu())
		load_ldt(NULL, 0);	/* no CPU maps a frame let go */
	put_ldt_frames(v->domain, v->pv.ldt_frames, v->pv.ldt_ents);
	memset(v->pv.ldt_frames, 0, sizeof(v->pv.ldt_frames));
	v->pv.ldt_base = 0;
	v->pv.ldt_ents = 0;
}

/*
 * The type update_descriptor writes @mfn under: a descriptor page (a
 * page of a live LDT) stays one (Xen's choice) and the CPU sees the new
 * descriptor at once, checked like every other; anything else must be,
 * or become for the duration of the write, ordinary writable memory.  A page table cannot: a
 * "descriptor" whose present bit is clear passes check_descriptor() with
 * any other bits, which in a live table would be an unvalidated entry.
 */
static u64 update_descriptor_type(unsigned long mfn)
{
	if (mfn < max_page && (READ_ONCE(mfn_to_page(mfn)->type_info) &
			       PGT_type_mask) == PGT_seg_desc_page)
		return PGT_seg_desc_page;
	return PGT_writable_page;
}

/**
 * do_update_descriptor() - write one descriptor of a guest frame
 * @maddr: machine address of the 8-byte descriptor
 * @desc:  its new value
 *
 * Invariant 1 of SECURITY.md: the write holds a type reference that
 * allows it, taken under the page-table lock like every other typed
 * reference, so the frame cannot become a page table while we write.
 *
 * Return: 0, or -EINVAL for a misaligned address, a bad descriptor, or a
 * frame that is not the guest's or is in use as a page table.
 */
long do_update_descriptor(unsigned long maddr, unsigned long desc)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	unsigned long mfn = maddr >> PAGE_SHIFT;
	u64 dsc = desc;
	int rc;

	if (maddr & 7) {
		gprintk(LOG_WARN, v, "update_descriptor: address %#lx is not "
			"8-byte aligned", maddr);
		return -EINVAL;
	}
	if (!check_descriptor(&dsc)) {
		gprintk(LOG_WARN, v, "update_descriptor: bad descriptor %#lx",
			desc);
		return -EINVAL;
	}
	spin_lock(&d->pt_lock);
	rc = pt_get_page_and_type(&d->pt, mfn, update_descriptor_type(mfn));
	if (rc) {
		gprintk(LOG_WARN, v, "update_descriptor: frame %#lx refused: "
			"%s", mfn, d->pt.why);
		spin_unlock(&d->pt_lock);
		return -EINVAL;
	}
	WRITE_ONCE(*(u64 *)__va(maddr), dsc);
	for (unsigned int i = 0; i * 512 < v->pv.gdt_ents; i++)
		if (v->pv.gdt_frames[i] == mfn)
			v->pv.gdt_shadow[i][(maddr & (PAGE_SIZE - 1)) >> 3] = dsc;
	pt_put_page_and_type(&d->pt, mfn);
	spin_unlock(&d->pt_lock);
	return 0;
}

/*
 * Refusals a guest can repeat at will (any user program can leave a bad
 * selector in %gs) are logged this many times in all, then no more.
 */
#define SEG_LOG_LIMIT	16
static unsigned int seg_logged;

static bool seg_log_ok(void)
{
	return __atomic_fetch_add(&seg_logged, 1, __ATOMIC_RELAXED) <
	       SEG_LOG_LIMIT;
}

/*
 * Load a user GS selector, as Xen does: RPL 3 for a non-null selector,
 * and a selector that faults (#GP, #NP, or #PF on an unused page of the
 * GDT window) loads the null selector instead, with success.  Linux's
 * xen_load_gs_index() takes any error as a BUG, and the selector comes
 * from a user program, so an error would let any program kill its
 * kernel.  The flat ring-3 data selector is loaded before a null one:
 * on CPUs that keep the base on a null load (AMD), the user's base then
 * is 0 and not the hypervisor's per-CPU pointer.
 */
static long load_user_gs_sel(struct vcpu *v, u16 sel)
{
	u64 hv_gs = rdmsr(MSR_GS_BASE);
	unsigned long flags = local_irq_save();
	u16 flat = FLAT_RING3_DS32;
	u16 want = sel;
	int faulted = 0;

	if (sel > 3)
		sel |= 3;
	else
		__asm__ __volatile__("movw %w0, %%gs" : : "r"(flat));
	__asm__ __volatile__("1: movw %w1, %%gs\n"
			     "2:\n\t"
			     ".pushsection .text.fixup, \"ax\"\n"
			     "3: movl $1, %0\n\t"
			     "movw %w2, %%gs\n\t"
			     "xorl %k1, %k1\n\t"
			     "movw %w1, %%gs\n\t"
			     "jmp 2b\n\t"
			     ".popsection\n\t"
			     _ASM_EXTABLE(1b, 3b)
			     : "+r"(faulted), "+r"(sel) : "r"(flat));
	v->pv.gs_base_user = rdmsr(MSR_GS_BASE);
	v->pv.gs_sel_user = sel;
	wrmsr(MSR_GS_BASE, hv_gs);
	local_irq_restore(flags);
	if (faulted && seg_log_ok())
		gprintk(LOG_WARN, v, "set_segment_base(GS_USER_SEL): selector "
			"%#x cannot be loaded: null selector", want);
	return 0;
}

/**
 * do_set_segment_base() - set the FS base, a GS base, or the user GS
 * @which: SEGBASE_*
 * @base:  the new base (canonical), or a selector for GS_USER_SEL
 */
long do_set_segment_base(unsigned long which, unsigned long base)
{
	struct vcpu *v = current_vcpu();

	if (which != SEGBASE_GS_USER_SEL && !is_canonical(base)) {
		gprintk(LOG_WARN, v, "set_segment_base(%lu): non-canonical "
			"%#lx: -EINVAL", which, base);
		return -EINVAL;
	}
	switch (which) {
	case SEGBASE_FS:
		wrmsr(MSR_FS_BASE, base);
		v->pv.fs_base = base;
		return 0;
	case SEGBASE_GS_USER:
		v->pv.gs_base_user = base;
		return 0;
	case SEGBASE_GS_KERNEL:
		write_guest_gs_base(base);
		return 0;
	case SEGBASE_GS_USER_SEL:
		return load_user_gs_sel(v, base);
	}
	return -EINVAL;
}
