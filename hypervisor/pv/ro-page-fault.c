// SPDX-License-Identifier: GPL-2.0
/*
 * Writable-pagetable emulation: a guest kernel writes a pinned L1 table
 * directly (contract §7.3, VMASST_TYPE_writable_pagetables).
 *
 * The table is mapped read-only (the page-type engine never lets a page
 * table be writable), so the write takes a #PF, and pv_guest_trap() asks
 * here before bouncing it.  We fetch the instruction at the guest's rip,
 * decode it (pv/ptwr-decode.c), compute the entry it would leave behind,
 * and hand that entry to the engine exactly as mmu_update would.  Only if
 * the engine accepts it do we commit the registers and flags the
 * instruction produces and step over it.  Anything else -- a form the
 * decoder does not know, a write that is not to a live L1 table, an
 * entry the engine refuses -- is the guest's #PF, bounced as it came.
 *
 * Like Xen, only L1 tables are emulated: Linux writes L2-L4 entries with
 * hypercalls, and a direct write to them stays a fault.
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pagetype.h>
#include <hv/pv.h>
#include <hv/x86-decode.h>

#include <asm/page.h>
#include <asm/processor.h>

#define PFEC_PRESENT	(1UL << 0)
#define PFEC_WRITE	(1UL << 1)
#define PFEC_RSVD	(1UL << 3)
#define PFEC_INSN	(1UL << 4)

#define PTWR_RETRIES	8	/* A/D bits set by the hardware meanwhile */

/* struct cpu_regs in the decoder's encoding order (rax, rcx, ...). */
static void regs_to_gpr(const struct cpu_regs *r, u64 g[16])
{
	g[0] = r->rax; g[1] = r->rcx; g[2] = r->rdx; g[3] = r->rbx;
	g[4] = r->rsp; g[5] = r->rbp; g[6] = r->rsi; g[7] = r->rdi;
	g[8] = r->r8; g[9] = r->r9; g[10] = r->r10; g[11] = r->r11;
	g[12] = r->r12; g[13] = r->r13; g[14] = r->r14; g[15] = r->r15;
}

static void gpr_to_regs(const u64 g[16], struct cpu_regs *r)
{
	r->rax = g[0]; r->rcx = g[1]; r->rdx = g[2]; r->rbx = g[3];
	r->rsp = g[4]; r->rbp = g[5]; r->rsi = g[6]; r->rdi = g[7];
	r->r8 = g[8]; r->r9 = g[9]; r->r10 = g[10]; r->r11 = g[11];
	r->r12 = g[12]; r->r13 = g[13]; r->r14 = g[14]; r->r15 = g[15];
}

/*
 * The machine address of the 8-byte entry at guest address @addr, if the
 * page there is a live L1 table of @d mapped in the kernel page tables.
 */
static bool l1_entry_at(struct vcpu *v, u64 addr, u64 *maddr)
{
	struct domain *d = v->domain;
	u64 l1e_maddr, e;
	unsigned long mfn;

	if (pt_find_l1e(&d->pt, v->pv.kernel_l4, addr, &l1e_maddr))
		return false;
	e = READ_ONCE(*(u64 *)__va(l1e_maddr));
	if (!(e & PTE_P))
		return false;
	mfn = (e & PTE_MFN_MASK) >> PAGE_SHIFT;
	if (mfn >= max_page || mfn_to_page(mfn)->owner != d->id ||
	    pt_table_level(&d->pt, mfn) != 1)
		return false;
	*maddr = ((u64)mfn << PAGE_SHIFT) | (addr & (PAGE_SIZE - 8));
	return true;
}

/**
 * pv_ptwr_emulate() - emulate a guest kernel's write to a pinned L1 table
 * @v:   the running vCPU
 * @r:   its registers at the #PF
 * @cr2: the faulting address
 * @err: the hardware error code
 *
 * Return: true if the write was emulated (the guest resumes after it),
 * false if the #PF must go to the guest.
 */
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *r, unsigned long cr2,
		     unsigned long err)
{
	struct domain *d = v->domain;
	u8 buf[X86_MAX_INSN_LEN];
	struct x86_mem_insn insn;
	u64 gpr[16], g[16], flags, addr, maddr, old, new, seg_base = 0;
	unsigned int n, tries;
	int rc;

	if (!(v->pv.vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
	    !v->pv.in_kernel ||
	    (err & (PFEC_PRESENT | PFEC_WRITE | PFEC_RSVD | PFEC_INSN)) !=
	    (PFEC_PRESENT | PFEC_WRITE))
		return false;
	n = X86_MAX_INSN_LEN -
	    copy_from_guest_partial(buf, r->rip, X86_MAX_INSN_LEN);
	if (!n || x86_decode_mem_write(buf, n, &insn))
		return false;
	regs_to_gpr(r, gpr);
	if (insn.seg == X86_SEG_FS)
		seg_base = rdmsr(MSR_FS_BASE);
	else if (insn.seg == X86_SEG_GS)
		seg_base = read_guest_gs_base();
	addr = x86_insn_linear_addr(&insn, gpr, r->rip, seg_base);
	if ((addr >> 3) != (cr2 >> 3))
		return false;

	spin_lock(&d->pt_lock);
	d->pt.why = NULL;
	if (!l1_entry_at(v, addr, &maddr)) {
		spin_unlock(&d->pt_lock);
		return false;
	}
	for (tries = 0; tries < PTWR_RETRIES; tries++) {
		old = READ_ONCE(*(u64 *)__va(maddr));
		for (unsigned int i = 0; i < 16; i++)
			g[i] = gpr[i];
		flags = r->rflags;
		rc = x86_emulate_pte_write(&insn, addr, old, &new, g, &flags);
		if (rc)
			break;
		rc = pt_update_entry(&d->pt, maddr, new, PT_UPD_EXPECT_OLD,
				     &old);
		if (rc != -PT_EAGAIN)
			break;
	}
	if (rc)
		gprintk(LOG_WARN, v, "ptwr: write of %#lx to L1 entry %#lx "
			"at %#lx refused: %s", (unsigned long)new,
			(unsigned long)maddr, (unsigned long)r->rip,
			rc == -PT_EAGAIN ? "entry keeps changing" :
			d->pt.why ? d->pt.why : "bad operand");
	spin_unlock(&d->pt_lock);
	if (rc)
		return false;
	gpr_to_regs(g, r);
	r->rflags = (r->rflags & ~X86_FLAGS_ARITH) | (flags & X86_FLAGS_ARITH);
	r->rip += insn.len;
	return true;
}
