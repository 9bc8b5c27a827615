// SPDX-License-Identifier: GPL-2.0
/*
 * The basic PV MMU calls: update_va_mapping, mmu_update, mmuext_op
 * (pin/unpin, base pointers, TLB flushes) — in a deliberately simple
 * form, to be replaced by the page-type model of issue 5
 * (mm/pagetype.c).
 *
 * >>> SIMPLE MODEL, REPLACE WITH THE PAGE-TYPE MODULE (issue 5) <<<
 * What is enforced here:
 *   - ownership: every frame a guest page-table entry points at, at any
 *     level, must belong to the domain; the only exception is a leaf
 *     mapping of the domain's shared_info page.  The M2P is reached
 *     through the hypervisor's own L4 slots, which we copy into every
 *     guest L4 when it is pinned (whatever the guest put there is lost);
 *   - no superpages; every present entry gets _PAGE_USER (the guest
 *     kernel runs in ring 3, contract §0.5) and loses _PAGE_GLOBAL;
 *   - an L4 in use (pinned, or a base pointer: type PGT_l4_page_table
 *     with a type count in the frame table; a pin holds one type
 *     reference and sets PGT_pinned, a base pointer holds another) cannot
 *     be mapped writable through update_va_mapping / mmu_update, and its
 *     hypervisor slots cannot be written through mmu_update.
 * What is NOT enforced yet, and is the page-type module's job: type
 * counts for L1-L3 (a guest can still keep, or later create, a writable
 * mapping of one of its own L1-L3 tables and write arbitrary entries),
 * validation of entries written directly, reference counts that keep a
 * frame alive while it is mapped, and unpinning a table still in use.
 * Isolation is therefore only as strong as the guest's good behaviour
 * for L1-L3 contents; the test kernels and Linux's early boot behave.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pagetype.h>	/* PGT_pinned */
#include <hv/pv.h>

#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define M2P_RW		((unsigned long *)M2P_RW_VIRT)

/**
 * pv_mfn_is_guest_page() - is @mfn an allocated frame owned by @d?
 */
bool pv_mfn_is_guest_page(struct domain *d, unsigned long mfn)
{
	struct page_info *pg;

	if (mfn >= max_page)
		return false;
	pg = mfn_to_page(mfn);
	return (READ_ONCE(pg->count_info) & PGC_allocated) &&
	       !(READ_ONCE(pg->count_info) & (PGC_free | PGC_reserved)) &&
	       READ_ONCE(pg->owner) == d->id;
}

/* An L4 in use: pinned, or a base pointer of some vCPU. */
static bool is_live_l4(unsigned long mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	return (READ_ONCE(pg->type_info) & PGT_type_mask) ==
	       PGT_l4_page_table && page_type_count(pg);
}

static bool is_pinned(unsigned long mfn)
{
	return READ_ONCE(mfn_to_page(mfn)->type_info) & PGT_pinned;
}

/* Check and adjust one leaf (L1) entry the guest wants to write. */
static int check_l1e(struct domain *d, u64 *e)
{
	unsigned long mfn = (*e & PTE_ADDR_MASK) >> PAGE_SHIFT;

	if (!(*e & _PAGE_PRESENT))
		return 0;
	if (mfn != d->shared_info_mfn && !pv_mfn_is_guest_page(d, mfn))
		return -EPERM;
	if ((*e & _PAGE_RW) && mfn < max_page && is_live_l4(mfn))
		return -EPERM;
	*e = (*e | _PAGE_USER) & ~_PAGE_GLOBAL;
	return 0;
}

static int validate_table(struct domain *d, unsigned long mfn, int level)
{
	u64 *t = __va(mfn << PAGE_SHIFT);

	for (unsigned int i = 0; i < 512; i++) {
		u64 e = t[i];
		unsigned long m = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
		int rc;

		if (level == 4 && i >= HV_FIRST_SLOT && i <= HV_LAST_SLOT)
			continue;
		if (!(e & _PAGE_PRESENT))
			continue;
		if (level == 1) {
			rc = check_l1e(d, &e);
		} else if ((e & _PAGE_PSE) || !pv_mfn_is_guest_page(d, m)) {
			rc = -EPERM;
		} else {
			rc = validate_table(d, m, level - 1);
			e = (e | _PAGE_USER) & ~_PAGE_GLOBAL;
		}
		if (rc) {
			log_warn("(d%u) L%d table %#lx entry %u = %#lx "
				 "refused", d->id, level, mfn, i,
				 (unsigned long)t[i]);
			return rc;
		}
		t[i] = e;
	}
	return 0;
}

/**
 * pv_pin_l4() - validate @mfn as an L4 of @d and pin it
 * @d:   the domain
 * @mfn: the table
 *
 * Also installs the hypervisor's slots 256-271.
 */
int pv_pin_l4(struct domain *d, unsigned long mfn)
{
	u64 *t;
	int rc;

	if (!pv_mfn_is_guest_page(d, mfn) || is_pinned(mfn))
		return -EINVAL;
	rc = validate_table(d, mfn, 4);
	if (rc)
		return rc;
	t = __va(mfn << PAGE_SHIFT);
	for (unsigned int i = HV_FIRST_SLOT; i <= HV_LAST_SLOT; i++)
		t[i] = idle_l4[i];
	rc = get_page_type(mfn_to_page(mfn), PGT_l4_page_table);
	if (rc < 0)
		return rc;
	__atomic_or_fetch(&mfn_to_page(mfn)->type_info, PGT_pinned,
			  __ATOMIC_ACQ_REL);
	return 0;
}

static int unpin(struct domain *d, unsigned long mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pv_mfn_is_guest_page(d, mfn) || !is_pinned(mfn))
		return -EINVAL;
	__atomic_and_fetch(&pg->type_info, ~PGT_pinned, __ATOMIC_ACQ_REL);
	put_page_type(pg);
	return 0;
}

/**
 * pv_new_baseptr() - make a validated L4 the vCPU's kernel or user L4
 * @v:    the vCPU
 * @mfn:  the L4 (0 for "no user L4")
 * @user: which one
 *
 * The base pointer holds its own type reference, so the guest may unpin
 * a table it still runs on (Linux unpins the boot L4 before switching).
 */
int pv_new_baseptr(struct vcpu *v, unsigned long mfn, bool user)
{
	unsigned long *slot = user ? &v->pv.user_l4 : &v->pv.kernel_l4;

	if (mfn || !user) {
		if (!pv_mfn_is_guest_page(v->domain, mfn) || !is_live_l4(mfn))
			return -EINVAL;
		if (get_page_type(mfn_to_page(mfn), PGT_l4_page_table) < 0)
			return -EINVAL;
	}
	if (*slot)
		put_page_type(mfn_to_page(*slot));
	*slot = mfn;
	if (user != !v->pv.in_kernel)
		return 0;
	if (v == current_vcpu())
		pv_load_cr3(v);
	return 0;
}

/* The L1 entry that maps @va in the vCPU's kernel page tables. */
static u64 *l1e_of(struct vcpu *v, unsigned long va)
{
	struct domain *d = v->domain;
	unsigned long mfn = v->pv.kernel_l4;
	int shift;

	for (shift = 39; shift > 12; shift -= 9) {
		u64 e = ((u64 *)__va(mfn << PAGE_SHIFT))[(va >> shift) & 511];

		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			return NULL;
		mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
		if (!pv_mfn_is_guest_page(d, mfn))
			return NULL;
	}
	return &((u64 *)__va(mfn << PAGE_SHIFT))[(va >> 12) & 511];
}

static void flush_va(unsigned long va, unsigned long flags)
{
	if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
		flush_tlb_local();
	else
		__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/**
 * do_update_va_mapping() - set the L1 entry for @va
 * @va:    guest virtual address (kernel page tables)
 * @val:   new entry
 * @flags: UVMF_*
 */
long do_update_va_mapping(unsigned long va, unsigned long val,
			  unsigned long flags)
{
	struct vcpu *v = current_vcpu();
	u64 e = val;
	u64 *l1e;
	int rc;

	if (!guest_range_ok(va, 1))
		return -EINVAL;
	l1e = l1e_of(v, va);
	if (!l1e) {
		gprintk(LOG_WARN, v, "update_va_mapping %#lx: no L1 table",
			va);
		return -EINVAL;
	}
	rc = check_l1e(v->domain, &e);
	if (rc) {
		gprintk(LOG_WARN, v, "update_va_mapping %#lx = %#lx refused "
			"(%d)", va, val, rc);
		return rc;
	}
	WRITE_ONCE(*l1e, e);
	flush_va(va, flags);
	return 0;
}

/**
 * do_mmu_update() - a batch of page-table and M2P updates
 * @reqs:  guest array of struct mmu_update
 * @count: its length
 * @done:  guest counter of completed requests, or 0
 * @domid: DOMID_SELF only
 */
long do_mmu_update(unsigned long reqs, unsigned long count,
		   unsigned long done, unsigned long domid)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	unsigned int i;
	long rc = 0;

	if ((domid_t)domid != DOMID_SELF && (domid_t)domid != d->id)
		return -ESRCH;
	for (i = 0; i < (unsigned int)count; i++) {
		struct mmu_update u;
		unsigned long mfn;
		u64 e;

		if (copy_from_guest(&u, reqs + i * sizeof(u), sizeof(u))) {
			rc = -EFAULT;
			break;
		}
		mfn = u.ptr >> PAGE_SHIFT;
		if (!pv_mfn_is_guest_page(d, mfn)) {
			gprintk(LOG_WARN, v, "mmu_update: frame %#lx is not "
				"the guest's", mfn);
			rc = -EPERM;
			break;
		}
		switch (u.ptr & 3) {
		case MMU_NORMAL_PT_UPDATE:
		case MMU_PT_UPDATE_PRESERVE_AD:
			/* The hypervisor's own slots of a live L4 are ours. */
			if (is_live_l4(mfn) &&
			    ((u.ptr & (PAGE_SIZE - 1)) >> 3) >= HV_FIRST_SLOT &&
			    ((u.ptr & (PAGE_SIZE - 1)) >> 3) <= HV_LAST_SLOT) {
				gprintk(LOG_WARN, v, "mmu_update: write to "
					"hypervisor slot %lu of L4 %#lx refused",
					(unsigned long)(u.ptr & (PAGE_SIZE - 1)) >> 3,
					mfn);
				rc = -EPERM;
				break;
			}
			e = u.val;
			rc = check_l1e(d, &e);
			if (!rc)
				WRITE_ONCE(*(u64 *)__va(u.ptr & ~7UL), e);
			break;
		case MMU_MACHPHYS_UPDATE:
			M2P_RW[mfn] = u.val;
			break;
		default:
			rc = -ENOSYS;
		}
		if (rc)
			break;
	}
	flush_tlb_local();
	if (done && copy_to_guest(done, &i, sizeof(i)))
		return -EFAULT;
	return rc;
}

static long mmuext_one(struct vcpu *v, const struct mmuext_op *op)
{
	struct domain *d = v->domain;
	unsigned long mfn = op->arg1.mfn;

	switch (op->cmd) {
	case MMUEXT_PIN_L4_TABLE:
		return pv_pin_l4(d, mfn);
	case MMUEXT_UNPIN_TABLE:
		return unpin(d, mfn);
	case MMUEXT_NEW_BASEPTR:
		return pv_new_baseptr(v, mfn, false);
	case MMUEXT_NEW_USER_BASEPTR:
		return pv_new_baseptr(v, mfn, true);
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_TLB_FLUSH_ALL:
		flush_tlb_local();
		return 0;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_INVLPG_ALL:
		if (!guest_range_ok(op->arg1.linear_addr, 1))
			return -EINVAL;
		__asm__ __volatile__("invlpg (%0)" : :
				     "r"(op->arg1.linear_addr) : "memory");
		return 0;
	}
	return -ENOSYS;
}

/**
 * do_mmuext_op() - a batch of extended MMU operations
 * @ops:   guest array of struct mmuext_op
 * @count: its length
 * @done:  guest counter of completed operations, or 0
 * @domid: DOMID_SELF only
 */
long do_mmuext_op(unsigned long ops, unsigned long count,
		  unsigned long done, unsigned long domid)
{
	struct vcpu *v = current_vcpu();
	unsigned int i;
	long rc = 0;

	if ((domid_t)domid != DOMID_SELF && (domid_t)domid != v->domain->id)
		return -ESRCH;
	for (i = 0; i < (unsigned int)count; i++) {
		struct mmuext_op op;

		if (copy_from_guest(&op, ops + i * sizeof(op), sizeof(op))) {
			rc = -EFAULT;
			break;
		}
		rc = mmuext_one(v, &op);
		if (rc) {
			gprintk(LOG_WARN, v, "mmuext_op %u on %#lx: %ld",
				op.cmd, (unsigned long)op.arg1.mfn, rc);
			break;
		}
	}
	if (done && copy_to_guest(done, &i, sizeof(i)))
		return -EFAULT;
	return rc;
}
