// SPDX-License-Identifier: GPL-2.0
/*
 * Segments of a PV guest: its own GDT (set_gdt, update_descriptor) and
 * the FS/GS bases (set_segment_base).
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
 * loads against the shadow, so a descriptor cannot fault our iretq.
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

#define MAX_GDT_FRAMES	FIRST_RESERVED_GDT_PAGE

/* Make a guest descriptor safe, or refuse it. */
static bool check_descriptor(u64 *d)
{
	if (!(*d & DESC_PRESENT))
		return true;
	if (!(*d & DESC_S))
		return false;
	*d |= DESC_DPL | DESC_ACCESSED;
	return true;
}

static unsigned long gdt_window(void)
{
	return GDT_WINDOW_VIRT + smp_processor_id() * GDT_WINDOW_SIZE;
}

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
			unmap_pages(win + i * PAGE_SIZE, 1);
		__asm__ __volatile__("invlpg (%0)" : :
				     "r"(win + i * PAGE_SIZE) : "memory");
	}
}

/**
 * pv_selector_ok() - may iretq load @sel as a code or stack selector?
 * @v:    the running vCPU, or a down one with its GDT set
 * @sel:  the selector, RPL 3
 * @code: code (CS) or stack (SS)
 */
bool pv_selector_ok(struct vcpu *v, u16 sel, bool code)
{
	u64 d;

	if (code && (sel == FLAT_RING3_CS64 || sel == FLAT_RING3_CS32))
		return true;
	if (!code && sel == FLAT_RING3_SS64)
		return true;
	if ((sel & 4) || (sel >> 3) >= v->pv.gdt_ents || (sel >> 3) == 0)
		return false;
	d = v == current_vcpu() ? ((u64 *)gdt_window())[sel >> 3] :
	    v->pv.gdt_shadow[sel >> 12][(sel >> 3) & 511];
	if (!(d & DESC_PRESENT) || !(d & DESC_S) ||
	    ((d & DESC_DPL) >> DESC_DPL_SHIFT) != 3)
		return false;
	if (code)
		return d & DESC_CODE;
	return !(d & DESC_CODE) && (d & DESC_WRITABLE);
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
 * Return: 0, -EINVAL for a frame or descriptor we refuse, -ENOMEM.
 */
long pv_set_gdt(struct vcpu *v, const unsigned long *mfns,
		unsigned long entries)
{
	unsigned int n;

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	n = (entries + 511) / 512;
	for (unsigned int i = 0; i < n; i++) {
		if (!frame_is_guest_page(v->domain, mfns[i])) {
			gprintk(LOG_WARN, v, "set_gdt: frame %#lx is not "
				"the guest's", mfns[i]);
			return -EINVAL;
		}
		if (!v->pv.gdt_shadow[i]) {
			v->pv.gdt_shadow[i] = alloc_heap_pages(0);
			if (!v->pv.gdt_shadow[i])
				return -ENOMEM;
		}
	}
	/* Check into a scratch page first: a refused GDT changes nothing. */
	for (unsigned int i = 0; i < n; i++) {
		const u64 *page = __va(mfns[i] << PAGE_SHIFT);

		for (unsigned int j = 0; j < 512 && i * 512 + j < entries; j++) {
			u64 d = page[j];

			if (!check_descriptor(&d)) {
				gprintk(LOG_WARN, v, "set_gdt: bad descriptor "
					"%u: %#lx", i * 512 + j,
					(unsigned long)d);
				return -EINVAL;
			}
		}
	}
	for (unsigned int i = 0; i < n; i++) {
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
	return 0;
}

/*
 * The type update_descriptor writes @mfn under: a descriptor page stays
 * one (Xen's choice), anything else must be, or become for the duration
 * of the write, ordinary writable memory.  A page table cannot: a
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
