// SPDX-License-Identifier: GPL-2.0
/*
 * The PV MMU hypercalls: mmu_update, mmuext_op, update_va_mapping.
 *
 * A PV guest writes machine frame numbers into its own page tables, and
 * the page-type engine (mm/pagetype.c, docs/pv-memory.md) decides whether
 * each table and each entry is safe.  This file is the glue between the
 * guest's requests and that engine:
 *
 *   - pv_mm_init() gives a domain its struct pt_domain: the frame table
 *     and the direct map as the engine's backend, the hypervisor's L4
 *     slots, the shared_info frame the guest may map;
 *   - the hypercall handlers copy each request in, check the arguments,
 *     take the domain's page-table lock and call one pt_*() function;
 *   - mmu_update with a foreign domain (FOREIGNDOM, dom0 only) lets an
 *     L1 entry of the caller's name that domain's frames: how Linux's
 *     privcmd maps another domain's memory (docs/pv-memory.md);
 *   - base pointers (NEW_BASEPTR, NEW_USER_BASEPTR) hold their own type
 *     reference, apart from the pin, so a guest may unpin the table it
 *     runs on (Linux unpins its boot L4 before switching away);
 *   - with the pt_audit option, pv_mm_audit() (pv/mm-audit.c) checks the
 *     domain after every pin and unpin in debug builds.
 *
 * The TLB rule: the engine never flushes.  Removing a mapping leaves the
 * old translation in TLBs until the guest asks for a flush (as on Xen),
 * except when a frame stops being writable to become a table or a
 * descriptor page: then leave_writable() flushes every CPU as soon as it
 * has the new type, before it is validated; and a
 * frame that leaves its owner (decrease_reservation, destroy, the last
 * reference of a frame let go while mapped: released()) is freed only
 * after a flush of every CPU that may hold a guest translation
 * (common/memory.c).  A guest flush that names
 * other vCPUs (UVMF_ALL, UVMF_MULTI, MMUEXT_*_ALL, MMUEXT_*_MULTI)
 * reaches every CPU in the domain's dirty_cpus (arch/x86/context.c):
 * a superset of where the named vCPUs' translations can be.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pagetype.h>
#include <hv/pv.h>

#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define M2P_RW		((unsigned long *)M2P_RW_VIRT)

#ifndef NDEBUG
#define AUDIT_EVERY_PIN	1
#else
#define AUDIT_EVERY_PIN	0
#endif

/*
 * Bit 31 of a batch's count marks a continuation (Xen's
 * MMU_UPDATE_PREEMPTED): the guest's done counter already holds what
 * the earlier slices did.  A guest may set it itself; it then only
 * changes its own counter.
 */
#define BATCH_PREEMPTED		0x80000000U

/* --- the engine's backend: the frame table and the direct map --------- */

static struct page_info *hv_page(unsigned long mfn)
{
	return mfn < max_page ? mfn_to_page(mfn) : NULL;
}

static u64 *hv_map(unsigned long mfn)
{
	return __va((paddr_t)mfn << PAGE_SHIFT);
}

static void hv_unmap(u64 *p)
{
	(void)p;	/* the direct map is always there */
}

/*
 * The running vCPU's page-table job (struct pt_job): a validation or a
 * release that stopped for preemption goes on from there when the
 * hypercall re-enters (a continuation).  Only the vCPU itself uses it,
 * always under its domain's pt_lock.
 */
struct pt_job *pv_ptjob(void)
{
	struct pt_job *job = &current_vcpu()->pv.ptjob;

	job->preemptible = true;
	return job;
}

/* At teardown: whatever @v's job holds goes back, all at once. */
void pv_ptjob_abandon(struct vcpu *v)
{
	pt_job_abandon(&v->domain->pt, &v->pv.ptjob);
}

/*
 * The job of the walks dom0 does on @d's tables (mmuext_op pin/unpin
 * naming @d), kept with @d, not with dom0's vCPU: its frames are @d's,
 * and only @d's page-table lock may cover them.  One walk at a time: a
 * second caller naming another frame abandons the first, which then
 * starts again when it re-enters, as a guest's own walk does.
 */
static struct pt_job *foreign_job(struct domain *d)
{
	d->foreign_job.preemptible = true;
	return &d->foreign_job;
}

/* At teardown of @d, with its pt_lock held: dom0's walk goes back. */
void pv_ptjob_abandon_foreign(struct domain *d)
{
	pt_job_abandon(&d->pt, &d->foreign_job);
}

struct flush_req {
	unsigned long va;	/* invlpg this address, or */
	bool all;		/* flush the whole TLB */
};

static void invlpg(unsigned long va)
{
	if (is_canonical(va))
		__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

static void flush_req_here(void *data)
{
	const struct flush_req *f = data;

	if (f->all)
		flush_tlb_local();
	else
		invlpg(f->va);
}

/* Do @f here and on every other CPU in @cpus, waiting for each. */
static void flush_cpus(u64 cpus, const struct flush_req *f)
{
	flush_req_here((void *)f);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu != smp_processor_id() && (cpus & (1ULL << cpu)))
			smp_call(cpu, flush_req_here, (void *)f, true);
}

/*
 * Flush on every CPU that may hold translations of @d.  The caller's
 * page-table writes are done (the fence orders them before we read the
 * mask): a CPU not in the mask loads @d's tables only after them.
 */
static void flush_domain(struct domain *d, const struct flush_req *f)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flush_cpus(__atomic_load_n(&d->dirty_cpus, __ATOMIC_SEQ_CST), f);
}

/*
 * @mfn was writable and has just become a table or descriptor page (not
 * validated yet; no new writable mapping can be made of it): a CPU may
 * still hold a writable translation of it from a mapping removed without
 * a flush, in the owner's tables or (a grant mapping cleared by
 * mmu_update) another domain's.  Flush every CPU that may hold any
 * guest's translations; an idle CPU (idle_l4 loaded) holds none.
 */
static void hv_leave_writable(unsigned long mfn)
{
	struct flush_req f = { .all = true };
	u64 cpus = 0;

	(void)mfn;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d)
			cpus |= __atomic_load_n(&d->dirty_cpus,
						__ATOMIC_SEQ_CST);
	}
	flush_cpus(cpus, &f);
}

/*
 * Page tables were released that a CPU may still cache: a paging-
 * structure cache can keep a parent entry the guest removed without a
 * flush, and walk the old table once the guest writes it as plain memory
 * (on hardware; TCG keeps no such cache).  The same flush as above.
 */
static void hv_tables_released(void)
{
	hv_leave_writable(0);
}

/*
 * An L1 entry of @pd's domain names a frame another domain owns: here,
 * only a grant mapping being installed may (common/grant_table.c).  A
 * privileged domain's mappings by FOREIGNDOM (privcmd) do not come
 * through this hook: mmu_update names the foreign domain to the engine
 * itself (pt_update_entry_foreign()).
 */
static bool hv_foreign(const struct pt_domain *pd, unsigned long mfn, u64 pte)
{
	struct domain *d = container_of(pd, struct domain, pt);

	return gnttab_foreign_ok(d, mfn, pte & PTE_RW, pd->auditing);
}

/*
 * An entry dropped the last reference of a frame: its owner had let it
 * go (ballooned, or the owner died) while this mapping still held it.
 * It goes back to the heap now, through the common free path.
 */
static void hv_released(unsigned long mfn)
{
	guest_frame_free(mfn_to_page(mfn));
}

/*
 * When a walk stops: the budget of the teardown step running on this CPU
 * (common/domain.c), if one runs, else the hypercall's.
 */
static bool hv_preempt(void)
{
	int td = domain_teardown_preempt();

	return td >= 0 ? td : hypercall_preempt_check();
}

static const struct pt_mem_ops hv_pt_ops = {
	.page = hv_page,
	.map = hv_map,
	.unmap = hv_unmap,
	.foreign = hv_foreign,
	.released = hv_released,
	.leave_writable = hv_leave_writable,
	.preempt = hv_preempt,
	.tables_released = hv_tables_released,
	/* LDT frames (pv/descriptor-tables.c): every descriptor checked. */
	.validate_desc = pv_validate_desc_page,
	/* No xen_ro: the M2P is reached through the hypervisor's slots. */
};

/**
 * pv_mm_init() - give @d its page-type engine state
 * @d: a new domain, before any of its tables is pinned
 *
 * The shared_info page is a hypervisor heap page the guest maps
 * read-write (contract §3.2); the engine takes a general reference on it
 * for each mapping, which needs it allocated to DOMID_XEN.
 */
void pv_mm_init(struct domain *d)
{
	struct page_info *pg = mfn_to_page(d->shared_info_mfn);

	spin_lock_init(&d->pt_lock);
	d->pt.id = d->id;
	d->pt.mem = &hv_pt_ops;
	d->pt.shared_info_mfn = d->shared_info_mfn;
	/* dom0 maps other domains' frames (mmu_update FOREIGNDOM). */
	d->pt.foreign_mapper = d->is_privileged;
	for (unsigned int i = 0; i < PT_HV_NR_SLOTS; i++)
		d->pt.hv_l4e[i] = idle_l4[PT_HV_FIRST_SLOT + i];
	if (!(pg->count_info & PGC_allocated))
		assign_page(pg, DOMID_XEN);
}

/* Is @mfn an allocated frame owned by domain @id? */
static bool pv_mfn_is_owned_by(domid_t id, unsigned long mfn)
{
	struct page_info *pg;

	if (mfn >= max_page)
		return false;
	pg = mfn_to_page(mfn);
	return (READ_ONCE(pg->count_info) & PGC_allocated) &&
	       !(READ_ONCE(pg->count_info) & (PGC_free | PGC_reserved)) &&
	       READ_ONCE(pg->owner) == id;
}

/**
 * pv_mfn_is_guest_page() - is @mfn an allocated frame owned by @d?
 */
bool pv_mfn_is_guest_page(struct domain *d, unsigned long mfn)
{
	return pv_mfn_is_owned_by(d->id, mfn);
}

static void audit_if_asked(struct domain *d, const char *why)
{
	if (opt_pt_audit && opt_pt_audit_pins && AUDIT_EVERY_PIN)
		pv_mm_audit(d, why);
}

/* --- pins and base pointers -------------------------------------------- */

/**
 * pv_pin_table() - validate @mfn as a level-@level table of @d and pin it
 *
 * All at once: for the domain builder, which runs before the guest.
 */
int pv_pin_table(struct domain *d, unsigned long mfn, unsigned int level)
{
	int rc;

	spin_lock(&d->pt_lock);
	rc = pt_pin(&d->pt, mfn, level);
	if (rc)
		log_warn("(d%u) pin L%u %#lx refused: %s", d->id, level, mfn,
			 d->pt.why);
	else
		audit_if_asked(d, "pin");
	spin_unlock(&d->pt_lock);
	return rc;
}

/* MMUEXT_PIN_Ln_TABLE: restartable (-PT_ERESTART: call again). */
static int pin_table(struct vcpu *v, unsigned long mfn, unsigned int level)
{
	struct domain *d = v->domain;
	int rc;

	spin_lock(&d->pt_lock);
	rc = pt_pin_job(&d->pt, pv_ptjob(), mfn, level);
	if (rc && rc != -PT_ERESTART)
		gprintk(LOG_WARN, v, "pin L%u %#lx refused: %s", level, mfn,
			d->pt.why);
	else if (!rc)
		audit_if_asked(d, "pin");
	spin_unlock(&d->pt_lock);
	return rc;
}

/* MMUEXT_UNPIN_TABLE: the release may go on in the vCPU's job. */
static int unpin_table(struct vcpu *v, unsigned long mfn)
{
	struct domain *d = v->domain;
	int rc;

	spin_lock(&d->pt_lock);
	rc = pt_unpin_job(&d->pt, pv_ptjob(), mfn);
	if (rc && rc != -PT_ERESTART)
		gprintk(LOG_WARN, v, "unpin %#lx refused: %s", mfn, d->pt.why);
	else if (!rc)
		audit_if_asked(d, "unpin");
	spin_unlock(&d->pt_lock);
	return rc;
}

/*
 * A base pointer holds its own L4 type reference (validating the table
 * if nobody holds one yet, through @job when there is one), taken before
 * the old one is dropped, and the old one dropped only once CR3 no longer
 * points at it.
 */
static int new_baseptr(struct vcpu *v, struct pt_job *job, unsigned long mfn,
		       bool user, bool pinned_only)
{
	struct domain *d = v->domain;
	unsigned long *slot = user ? &v->pv.user_l4 : &v->pv.kernel_l4;
	unsigned long old;
	int rc = 0;

	if (!mfn && !user)
		return -EINVAL;
	spin_lock(&d->pt_lock);
	/*
	 * From the toolstack: only a table the domain's builder already
	 * pinned as an L4 of this domain.  Checked under the page-table
	 * lock, so no unpin comes between the check and the reference, and
	 * the reference needs no validation (nothing to restart).
	 */
	if (pinned_only && mfn) {
		struct page_info *pg = d->pt.mem->page(mfn);
		u64 ti = pg ? READ_ONCE(pg->type_info) : 0;

		if (!pg || READ_ONCE(pg->owner) != d->id ||
		    !(ti & PGT_pinned) ||
		    (ti & PGT_type_mask) != PGT_l4_page_table) {
			gprintk(LOG_WARN, v, "%sbase pointer %#lx refused: not "
				"an L4 the domain has pinned", user ? "user " :
				"", mfn);
			rc = -EINVAL;
			goto out;
		}
		/*
		 * An earlier context that failed part way left the vCPU
		 * holding another L4.  Dropping it here is all at once (no
		 * job, no continuation): only while the pin still holds it,
		 * so that ours is not the last reference and nothing below
		 * it is released now.
		 */
		pg = *slot && *slot != mfn ? d->pt.mem->page(*slot) : NULL;
		if (pg && !(READ_ONCE(pg->type_info) & PGT_pinned)) {
			gprintk(LOG_WARN, v, "%sbase pointer %#lx refused: the "
				"vCPU still holds %#lx, which is no longer "
				"pinned", user ? "user " : "", mfn, *slot);
			rc = -EBUSY;
			goto out;
		}
	}
	/*
	 * Already there: nothing to take or drop.  VCPUOP_initialise sets
	 * the kernel L4 again each time it re-enters for a user L4 that
	 * takes several slices, and must not abandon that walk.
	 */
	if (mfn && *slot == mfn)
		goto out;
	if (mfn)
		rc = pt_get_type_job(&d->pt, job, mfn, PGT_l4_page_table);
	else if (job)	/* nothing to take: only finish what is pending */
		rc = pt_job_settle(&d->pt, job);
	if (rc) {
		if (rc != -PT_ERESTART)
			gprintk(LOG_WARN, v, "%sbase pointer %#lx refused: %s",
				user ? "user " : "", mfn, d->pt.why);
		goto out;
	}
	old = *slot;
	*slot = mfn;
	if (v == current_vcpu() && user == !v->pv.in_kernel)
		pv_load_cr3(v);
	/* The job is free after a get: this drop cannot be refused. */
	if (old)
		pt_put_type_job(&d->pt, job, old);
out:
	spin_unlock(&d->pt_lock);
	return rc;
}

/**
 * pv_new_baseptr() - make an L4 the vCPU's kernel or user top-level table
 * @v:    the vCPU
 * @mfn:  the L4 (0: no user L4)
 * @user: which one
 *
 * All at once: for the builder, which runs before the guest.
 */
int pv_new_baseptr(struct vcpu *v, unsigned long mfn, bool user)
{
	return new_baseptr(v, NULL, mfn, user, false);
}

/**
 * pv_new_baseptr_job() - the same for VCPUOP_initialise of vCPU @v
 *
 * The work goes through the calling vCPU's job: -PT_ERESTART means call
 * again.
 */
int pv_new_baseptr_job(struct vcpu *v, unsigned long mfn, bool user)
{
	return new_baseptr(v, pv_ptjob(), mfn, user, false);
}

/**
 * pv_new_baseptr_pinned() - the same for VENEER_MGMT_setvcpucontext
 *
 * @mfn must be a table @v's domain has pinned as an L4 (dom0 pins it
 * with mmuext_op naming the domain): taking it then validates nothing.
 * An L4 the vCPU holds already (from a context refused part way) must
 * still be pinned too, so that dropping it releases nothing below it.
 * Return: 0, -EINVAL, or -EBUSY (the one held is no longer pinned).
 */
int pv_new_baseptr_pinned(struct vcpu *v, unsigned long mfn, bool user)
{
	return new_baseptr(v, NULL, mfn, user, true);
}

/* --- argument checks shared by the batched calls ----------------------- */

/*
 * The domain whose frames the requests name (FOREIGNDOM), found as
 * Xen's get_pg_owner() finds it: DOMID_SELF is the caller (*pg_owner
 * DOMID_SELF); naming oneself by id, a domain that does not exist or one
 * being destroyed is -ESRCH; the special domains (DOMID_IO, DOMID_XEN:
 * we have no device memory or hypervisor pages to map that way) -EPERM.
 * Whether the caller may use another domain's frames is checked per
 * request, as Xen's XSM hook does (foreign_allowed()).
 *
 * mmu_update keeps only the id: an entry takes its reference on the
 * frame through the frame table (get_page() refuses a frame its owner
 * has let go), so a domain that dies meanwhile leaves nothing to map.
 * mmuext_op walks the domain's tables and holds a domain_get()
 * reference for the call.
 */
static long pg_owner_of(struct vcpu *v, unsigned long domid,
			domid_t *pg_owner)
{
	domid_t id = (domid_t)domid;
	struct domain *fd;

	*pg_owner = DOMID_SELF;
	if (id == DOMID_SELF)
		return 0;
	if (id == DOMID_IO || id == DOMID_XEN)
		return -EPERM;
	fd = domain_get(id);
	if (!fd)
		return -ESRCH;
	if (fd != v->domain && !READ_ONCE(fd->is_dying))
		*pg_owner = id;
	domain_put(fd);
	return *pg_owner == DOMID_SELF ? -ESRCH : 0;
}

/*
 * May @v's domain use frames of @pg_owner?  Only a privileged domain
 * (SECURITY.md invariant 9); anyone else gets -EPERM, as from Xen's
 * default XSM policy, and one log line.
 */
static long foreign_allowed(struct vcpu *v, domid_t pg_owner,
			    const char *call)
{
	struct domain *d = v->domain;

	if (pg_owner == DOMID_SELF || d->is_privileged)
		return 0;
	if (!d->foreign_map_logged)
		gprintk(LOG_WARN, v, "%s naming d%u's frames refused: not "
			"a privileged domain (logged once)", call, pg_owner);
	d->foreign_map_logged = true;
	return -EPERM;
}

/**
 * pv_flush_domain() - flush every TLB that may hold @d's translations
 * @d: the domain
 */
void pv_flush_domain(struct domain *d)
{
	struct flush_req f = { .all = true };

	flush_domain(d, &f);
}

/*
 * A guest vCPU bitmap for the *_MULTI flushes.  Any bit means "flush
 * the domain": dirty_cpus is already a small superset.
 */
static long read_vcpumask(unsigned long ptr, bool *any)
{
	unsigned long mask;

	if (copy_from_guest(&mask, ptr, sizeof(mask)))
		return -EFAULT;
	*any = mask != 0;
	return 0;
}

/* --- update_va_mapping --------------------------------------------------- */

static long flush_after_uvm(unsigned long va, unsigned long flags)
{
	unsigned long which = flags & ~UVMF_FLUSHTYPE_MASK;
	bool any = true, remote = false;
	long rc;

	struct flush_req f = { .va = va };

	switch (which) {
	case UVMF_LOCAL:
		break;
	case UVMF_ALL:
		remote = true;
		break;
	default:
		/* UVMF_MULTI: the rest of flags is a guest vcpumask pointer. */
		rc = read_vcpumask(which, &any);
		if (rc)
			return rc;
		remote = true;
	}
	if (!any)
		return 0;
	switch (flags & UVMF_FLUSHTYPE_MASK) {
	case UVMF_NONE:
		return 0;
	case UVMF_INVLPG:
		break;
	default:
		f.all = true;
	}
	current_vcpu()->stats.tlb_flushes++;
	if (remote)
		flush_domain(current_vcpu()->domain, &f);
	else
		flush_req_here(&f);
	return 0;
}

/**
 * do_update_va_mapping() - set the L1 entry that maps @va
 * @va:    guest virtual address, looked up in the kernel page tables
 * @val:   new entry (machine frame numbers)
 * @flags: UVMF_NONE / UVMF_INVLPG / UVMF_TLB_FLUSH, with UVMF_LOCAL,
 *         UVMF_ALL or a vcpumask pointer (UVMF_MULTI)
 */
long do_update_va_mapping(unsigned long va, unsigned long val,
			  unsigned long flags)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	u64 maddr;
	long rc;

	spin_lock(&d->pt_lock);
	rc = pt_find_l1e(&d->pt, v->pv.kernel_l4, va, &maddr);
	/*
	 * Through a linear (recursive) entry the walk ends in an L2, L3
	 * or L4: that entry is not ours to write here, as on Xen (-EINVAL).
	 * It would validate or release a whole tree in one go, with no
	 * job to cut it into slices (SECURITY.md invariant 7).
	 */
	if (!rc && pt_table_level(&d->pt, maddr >> PAGE_SHIFT) != 1) {
		d->pt.why = "the address is not mapped by an L1 table "
			    "(a linear entry on the way)";
		rc = -EINVAL;
	}
	if (!rc)
		rc = pt_update_entry(&d->pt, maddr, val, 0, NULL);
	if (rc)
		gprintk(LOG_WARN, v, "update_va_mapping %#lx = %#lx refused: %s",
			va, val, d->pt.why);
	spin_unlock(&d->pt_lock);
	if (rc)
		return rc;
	v->stats.pt_updates++;
	return flush_after_uvm(va, flags);
}

/* --- restartable work between the requests of a batch ------------------ */

/* Does a release started by an earlier request still go on? */
static bool release_pending(struct vcpu *v)
{
	return pt_job_pending(&v->pv.ptjob) && v->pv.ptjob.put;
}

/* Go on with it: 0 when done, -PT_ERESTART when it must go on later. */
static int finish_release(struct vcpu *v)
{
	struct domain *d = v->domain;
	int rc;

	if (!release_pending(v))
		return 0;
	spin_lock(&d->pt_lock);
	rc = pt_job_finish_put(&d->pt, pv_ptjob());
	spin_unlock(&d->pt_lock);
	return rc;
}

/* --- mmu_update ----------------------------------------------------------- */

/*
 * One request.  @pg_owner is DOMID_SELF or the foreign domain whose
 * frames the request may name: an L1 entry of the caller's own tables
 * (pt_update_entry_foreign()), or the M2P entry of that domain's frame.
 */
static long mmu_update_one(struct vcpu *v, const struct mmu_update *u,
			   domid_t pg_owner)
{
	struct domain *d = v->domain;
	unsigned long mfn = u->ptr >> PAGE_SHIFT;
	unsigned int flags = (u->ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD ?
			     PT_UPD_PRESERVE_AD : 0;
	long rc;

	switch (u->ptr & 7) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_PRESERVE_AD:
		rc = foreign_allowed(v, pg_owner, "mmu_update");
		if (rc)
			return rc;
		spin_lock(&d->pt_lock);
		if (pg_owner == DOMID_SELF)
			rc = pt_update_entry_job(&d->pt, pv_ptjob(),
						 u->ptr & ~7UL, u->val, flags,
						 NULL);
		else
			rc = pt_update_entry_foreign(&d->pt, pv_ptjob(),
						     u->ptr & ~7UL, u->val,
						     flags, pg_owner);
		if (rc && rc != -PT_ERESTART)
			gprintk(LOG_WARN, v, "mmu_update %#lx = %#lx%s refused: "
				"%s", (unsigned long)u->ptr,
				(unsigned long)u->val,
				pg_owner == DOMID_SELF ? "" : " (foreign)",
				d->pt.why);
		spin_unlock(&d->pt_lock);
		if (!rc)
			v->stats.pt_updates++;
		return rc;
	case MMU_MACHPHYS_UPDATE:
		rc = foreign_allowed(v, pg_owner, "mmu_update");
		if (rc)
			return rc;
		/* The M2P entry of a frame the page owner owns; -EINVAL as
		 * Xen.  A domain builder in dom0 names the new domain. */
		if (!pv_mfn_is_owned_by(pg_owner == DOMID_SELF ? d->id :
					pg_owner, mfn)) {
			gprintk(LOG_WARN, v, "machphys update of frame %#lx "
				"refused: not d%u's", mfn,
				pg_owner == DOMID_SELF ? d->id : pg_owner);
			return -EINVAL;
		}
		WRITE_ONCE(M2P_RW[mfn], u->val);
		return 0;
	default:
		return -ENOSYS;
	}
}

/**
 * do_mmu_update() - a batch of page-table and M2P updates
 * @reqs:  guest array of struct mmu_update
 * @count: its length
 * @done:  guest counter of requests completed, or 0
 * @domid: FOREIGNDOM: DOMID_SELF, or (a privileged caller) the domain
 *         whose frames the entries name (privcmd's foreign mappings)
 *
 * Stops at the first failure and returns its error; *@done then says how
 * many requests succeeded before it, exactly: Linux's privcmd
 * (MMAPBATCH_V2) skips the failed request by that count, records its
 * error for that frame alone and goes on with the next one.
 */
long do_mmu_update(unsigned long reqs, unsigned long count,
		   unsigned long done, unsigned long domid)
{
	struct vcpu *v = current_vcpu();
	unsigned int i = 0, n = (unsigned int)count, before = 0;
	domid_t pg_owner;
	long rc;

	/* Bits 16-31 name a page-table owner on Xen (a PV domain builder's
	 * extension we do not have): refused, not taken as DOMID_SELF. */
	if (domid >> 16) {
		if (!v->domain->foreign_map_logged)
			gprintk(LOG_WARN, v, "mmu_update: foreign domain "
				"%#lx with a page-table owner: not supported "
				"(logged once)", domid);
		v->domain->foreign_map_logged = true;
		return -EINVAL;
	}
	rc = pg_owner_of(v, domid, &pg_owner);
	if (rc) {
		/* Xen reports nothing done here too (Linux reads it). */
		if (done && !(n & BATCH_PREEMPTED) &&
		    copy_to_guest(done, &before, sizeof(before)))
			return -EFAULT;
		return rc;
	}
	rc = finish_release(v);
	if (rc)
		return hypercall_continuation(__HYPERVISOR_mmu_update, 4, reqs,
					      count, done, domid, 0);
	/* A continuation: the done count so far is in the guest's counter. */
	if (n & BATCH_PREEMPTED) {
		n &= ~BATCH_PREEMPTED;
		if (done && copy_from_guest(&before, done, sizeof(before)))
			return -EFAULT;
	}
	for (i = 0; ; i++) {
		struct mmu_update u;

		/* A release left by the last request finishes first. */
		if (release_pending(v) ||
		    (i && i < n && hypercall_preempt_check())) {
			rc = hypercall_continuation(__HYPERVISOR_mmu_update, 4,
					reqs + i * sizeof(u),
					(n - i) | BATCH_PREEMPTED, done,
					domid, 0);
			break;
		}
		if (i == n)
			break;
		if (copy_from_guest(&u, reqs + i * sizeof(u), sizeof(u))) {
			rc = -EFAULT;
			break;
		}
		rc = mmu_update_one(v, &u, pg_owner);
		if (rc == -PT_ERESTART) {	/* this one goes on later */
			rc = hypercall_continuation(__HYPERVISOR_mmu_update, 4,
					reqs + i * sizeof(u),
					(n - i) | BATCH_PREEMPTED, done,
					domid, 0);
			break;
		}
		if (rc)
			break;
	}
	before += i;
	if (done && copy_to_guest(done, &before, sizeof(before)))
		return -EFAULT;
	return rc;
}

/* --- mmuext_op ------------------------------------------------------------ */

static long mmuext_one(struct vcpu *v, const struct mmuext_op *op)
{
	struct domain *d = v->domain;
	struct flush_req f = { 0 };
	unsigned long mfn = op->arg1.mfn;
	bool any = true;
	long rc;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pin_table(v, mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
	case MMUEXT_UNPIN_TABLE:
		return unpin_table(v, mfn);
	case MMUEXT_NEW_BASEPTR:
		return new_baseptr(v, pv_ptjob(), mfn, false, false);
	case MMUEXT_NEW_USER_BASEPTR:
		return new_baseptr(v, pv_ptjob(), mfn, true, false);
	case MMUEXT_TLB_FLUSH_LOCAL:
		v->stats.tlb_flushes++;
		flush_tlb_local();
		return 0;
	case MMUEXT_INVLPG_LOCAL:
		v->stats.tlb_flushes++;
		invlpg(op->arg1.linear_addr);
		return 0;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
		rc = read_vcpumask(op->arg2.vcpumask, &any);
		if (rc || !any)
			return rc;
		/* fall through */
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_ALL:
		v->stats.tlb_flushes++;
		f.all = op->cmd == MMUEXT_TLB_FLUSH_ALL ||
			op->cmd == MMUEXT_TLB_FLUSH_MULTI;
		f.va = op->arg1.linear_addr;
		flush_domain(d, &f);
		return 0;
	case MMUEXT_SET_LDT:
		return pv_set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
	}
	return -ENOSYS;
}

/*
 * An operation of a privileged caller on another domain @fd: pinning
 * and unpinning its tables, as a PV domain builder in dom0 does (Xen's
 * MMUEXT_PIN_Ln_TABLE / UNPIN_TABLE with a foreign domain).  The walk is
 * validated against @fd's frames under @fd's page-table lock, in @fd's
 * foreign job (restartable: -PT_ERESTART makes the batch re-enter), and
 * a release it leaves is finished before the next operation and before
 * the batch returns (mmuext_foreign_settle()).  Everything else only
 * makes sense for the caller's own domain (-EPERM, as on Xen).
 */
static long mmuext_foreign(struct vcpu *v, struct domain *fd,
			   const struct mmuext_op *op)
{
	unsigned long mfn = op->arg1.mfn;
	long rc;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		spin_lock(&fd->pt_lock);
		/* Teardown sets is_dying, then takes this lock to unpin
		 * everything: no pin may come after it. */
		if (READ_ONCE(fd->is_dying)) {
			spin_unlock(&fd->pt_lock);
			return -ESRCH;
		}
		rc = pt_pin_job(&fd->pt, foreign_job(fd), mfn,
				op->cmd - MMUEXT_PIN_L1_TABLE + 1);
		if (rc && rc != -PT_ERESTART)
			gprintk(LOG_WARN, v, "pin L%u %#lx of d%u refused: %s",
				op->cmd - MMUEXT_PIN_L1_TABLE + 1, mfn, fd->id,
				fd->pt.why);
		else if (!rc)
			audit_if_asked(fd, "foreign pin");
		spin_unlock(&fd->pt_lock);
		return rc;
	case MMUEXT_UNPIN_TABLE:
		spin_lock(&fd->pt_lock);
		/* Nor an unpin: teardown settles this job once, then unpins
		 * in steps that let the lock go; a release begun after that
		 * would be left half done when our continuation finds the
		 * domain dying, its tables' frames held for good. */
		if (READ_ONCE(fd->is_dying)) {
			spin_unlock(&fd->pt_lock);
			return -ESRCH;
		}
		rc = pt_unpin_job(&fd->pt, foreign_job(fd), mfn);
		if (rc && rc != -PT_ERESTART)
			gprintk(LOG_WARN, v, "unpin %#lx of d%u refused: %s",
				mfn, fd->id, fd->pt.why);
		else if (!rc)
			audit_if_asked(fd, "foreign unpin");
		spin_unlock(&fd->pt_lock);
		return rc;
	}
	return -EPERM;
}

/* A release left in @fd's foreign job: 0 when done, else -PT_ERESTART. */
static int mmuext_foreign_settle(struct domain *fd)
{
	int rc = 0;

	if (!fd || !pt_job_pending(&fd->foreign_job) || !fd->foreign_job.put)
		return 0;
	spin_lock(&fd->pt_lock);
	rc = pt_job_finish_put(&fd->pt, foreign_job(fd));
	spin_unlock(&fd->pt_lock);
	return rc;
}

/**
 * do_mmuext_op() - a batch of extended MMU operations
 * @ops:   guest array of struct mmuext_op
 * @count: its length
 * @done:  guest counter of operations completed, or 0
 * @domid: DOMID_SELF.  Another domain: -EPERM for an unprivileged caller
 *         (Xen's XSM check, before any operation); dom0 may pin and
 *         unpin that domain's tables (a domain builder does), every
 *         other operation is -EPERM at its first request, as on Xen.
 */
long do_mmuext_op(unsigned long ops, unsigned long count,
		  unsigned long done, unsigned long domid)
{
	struct vcpu *v = current_vcpu();
	unsigned int i = 0, n = (unsigned int)count, before = 0;
	struct domain *fd = NULL;
	domid_t pg_owner;
	long rc;

	rc = pg_owner_of(v, domid, &pg_owner);
	if (!rc)
		rc = foreign_allowed(v, pg_owner, "mmuext_op");
	if (rc)
		return rc;
	/* Held for the call: its tables are walked under its lock. */
	if (pg_owner != DOMID_SELF) {
		fd = domain_get(pg_owner);
		if (!fd)
			return -ESRCH;
	}
	rc = finish_release(v);
	if (!rc)
		rc = mmuext_foreign_settle(fd);
	if (rc) {
		rc = hypercall_continuation(__HYPERVISOR_mmuext_op, 4, ops,
					    count, done, domid, 0);
		goto put;
	}
	if (n & BATCH_PREEMPTED) {
		n &= ~BATCH_PREEMPTED;
		if (done && copy_from_guest(&before, done, sizeof(before))) {
			rc = -EFAULT;	/* and fd's reference goes */
			goto put;
		}
	}
	for (i = 0; ; i++) {
		struct mmuext_op op;

		if (release_pending(v) || mmuext_foreign_settle(fd) ||
		    (i && i < n && hypercall_preempt_check())) {
			rc = hypercall_continuation(__HYPERVISOR_mmuext_op, 4,
					ops + i * sizeof(op),
					(n - i) | BATCH_PREEMPTED, done,
					domid, 0);
			break;
		}
		if (i == n)
			break;
		if (copy_from_guest(&op, ops + i * sizeof(op), sizeof(op))) {
			rc = -EFAULT;
			break;
		}
		rc = fd ? mmuext_foreign(v, fd, &op) : mmuext_one(v, &op);
		if (rc == -PT_ERESTART) {	/* this one goes on later */
			rc = hypercall_continuation(__HYPERVISOR_mmuext_op, 4,
					ops + i * sizeof(op),
					(n - i) | BATCH_PREEMPTED, done,
					domid, 0);
			break;
		}
		if (rc)
			break;
	}
	before += i;
	if (done && copy_to_guest(done, &before, sizeof(before)))
		rc = -EFAULT;
put:
	if (fd)
		domain_put(fd);
	return rc;
}
