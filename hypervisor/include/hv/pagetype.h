/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PV page-type engine: validation of guest page tables and the
 * reference counts that keep every guest inside its own memory.
 *
 * mm/frame.c counts references; mm/pagetype.c decides what a reference
 * means.  A guest page table becomes live only once it is validated as
 * an L1..L4 table, and validation takes a reference on everything the
 * table points to.  The hypercall code (mmu_update, mmuext_op,
 * update_va_mapping, the writable-pagetable fault handler) calls the
 * pt_*() functions below and nothing else; docs/pv-memory.md tells the
 * whole story and mm/pagetype.c lists the invariants.
 *
 * The engine reaches frames and their contents only through struct
 * pt_mem_ops, so the same code runs in the hypervisor (frame table and
 * direct map) and on the host in unit tests (plain arrays).
 *
 * Locking: every call on a domain's tables must hold that domain's
 * page-table lock.  The frame counts themselves are atomic (frame.c), and
 * entries of live tables are written atomically, because the hardware
 * sets A/D bits in them concurrently.
 */
#ifndef HV_PAGETYPE_H
#define HV_PAGETYPE_H

#include <hv/page.h>
#include <hv/types.h>

/* Page-table entry bits the engine interprets (x86-64, 4-level). */
#define PTE_P		(1UL << 0)
#define PTE_RW		(1UL << 1)
#define PTE_US		(1UL << 2)
#define PTE_PWT		(1UL << 3)
#define PTE_PCD		(1UL << 4)
#define PTE_A		(1UL << 5)
#define PTE_D		(1UL << 6)
#define PTE_PSE		(1UL << 7)	/* L2/L3; PAT in an L1 entry */
#define PTE_G		(1UL << 8)
#define PTE_NX		(1UL << 63)
#define PTE_MFN_MASK	0x000ffffffffff000UL
/*
 * Software bit 52 of an L1 entry: "the guest made this a supervisor
 * mapping".  The hypervisor must set U/S on every guest entry because the
 * guest kernel runs in ring 3 (contract §0.5); this bit remembers what
 * the guest asked for.  The same bit Xen uses.
 */
#define PTE_GUEST_KERNEL (1UL << 52)
/* Bits 59-62 (protection keys, and Xen's grant marker) are refused. */
#define PTE_RSVD_HIGH	(0xfUL << 59)

#define PT_ENTRIES		512
#define PT_HV_FIRST_SLOT	256	/* L4 slots owned by the hypervisor */
#define PT_HV_NR_SLOTS		16

/*
 * type_info bit: the guest pinned this table (MMUEXT_PIN_Ln_TABLE).  A
 * pin holds one general and one type reference.  Bits 48-58 of type_info
 * are unused by frame.c, which keeps flags above the count when it
 * increments and only clears them when the count goes from 0 to 1 (a
 * pinned frame never has count 0).
 */
#define PGT_pinned		(1UL << 58)

struct pt_domain;

/**
 * struct pt_mem_ops - how the engine reaches frames
 * @page:    frame-table record of @mfn, or NULL if @mfn is not RAM
 * @map:     the 512 entries of frame @mfn, readable and writable
 * @unmap:   done with a pointer from @map
 * @xen_ro:  true if @mfn is a hypervisor frame every guest may map
 *           read-only (the M2P table); may be NULL
 * @foreign: hook for mappings of frames owned by another domain (grant
 *           mappings, privileged foreign mappings): return true to allow
 *           the L1 entry @pte of @d to map @mfn; may be NULL (refuse all)
 * @validate_desc: check a frame that is about to become a segment
 *           descriptor page; 0 or -errno; may be NULL (accept)
 * @released: the last general reference of @mfn was dropped by the
 *           engine; may be NULL
 * @leave_writable: @mfn, writable until now, has just taken its first
 *           page-table or descriptor type reference (so no new writable
 *           mapping of it can be made): TLBs that may still hold a
 *           writable translation of it must be flushed before it is
 *           validated (removing a mapping does not flush); may be NULL
 * @preempt: asked now and then by a preemptible job (struct pt_job):
 *           true if it should stop here and be continued later; may be
 *           NULL (never)
 * @tables_released: page tables were released (their last type
 *           reference dropped) that a CPU may still cache in its
 *           paging-structure caches (a parent entry removed without a
 *           flush): flush every CPU that may hold a guest translation
 *           before they take another type; may be NULL
 */
struct pt_mem_ops {
	struct page_info *(*page)(unsigned long mfn);
	u64 *(*map)(unsigned long mfn);
	void (*unmap)(u64 *p);
	bool (*xen_ro)(unsigned long mfn);
	bool (*foreign)(const struct pt_domain *d, unsigned long mfn, u64 pte);
	int (*validate_desc)(struct pt_domain *d, unsigned long mfn);
	void (*released)(unsigned long mfn);
	void (*leave_writable)(unsigned long mfn);
	bool (*preempt)(void);
	void (*tables_released)(void);
};

/**
 * struct pt_domain - what the engine knows about one domain
 * @id:              the domain id frames must be owned by
 * @mem:             frame access (see struct pt_mem_ops)
 * @shared_info_mfn: the domain's shared_info frame, hypervisor-owned but
 *                   mappable (read-write) by this guest (contract §3.2)
 * @hv_l4e:          the hypervisor's entries for L4 slots 256-271, copied
 *                   into every L4 the engine validates
 * @why:             after a refusal, a short static reason for the log
 * @auditing:        set by pt_check_table() while it asks the hooks about
 *                   entries that already exist (a foreign hook answers
 *                   differently for an entry being made and one that is
 *                   already there)
 * @foreign_mapper:  the domain may map other domains' frames by naming
 *                   them (pt_update_entry_foreign(): a privileged
 *                   domain); the audit then accepts an existing L1 entry
 *                   naming any domain's frame, whose owner may have died
 *                   since
 */
struct pt_domain {
	domid_t id;
	const struct pt_mem_ops *mem;
	unsigned long shared_info_mfn;
	u64 hv_l4e[PT_HV_NR_SLOTS];
	const char *why;
	bool auditing;
	bool foreign_mapper;
};

/* Flags of pt_update_entry(). */
#define PT_UPD_PRESERVE_AD	(1U << 0)	/* keep A/D bits set in the old entry */
#define PT_UPD_EXPECT_OLD	(1U << 1)	/* write only if the entry is *old */

/*
 * mmu_update commands handled by pt_mmu_update(), the values of the ABI's
 * MMU_NORMAL_PT_UPDATE and MMU_PT_UPDATE_PRESERVE_AD (veneer/xen.h),
 * spelled out so the engine's unit tests need nothing but this header.
 */
#define PT_MMU_NORMAL_PT_UPDATE		0
#define PT_MMU_PT_UPDATE_PRESERVE_AD	2

#define PT_EAGAIN		11		/* EAGAIN: entry changed under us */

static inline u64 pt_level_type(unsigned int level)
{
	return (u64)level << PGT_type_shift;	/* PGT_l1..l4_page_table */
}

/*
 * Restartable validation and release (SECURITY.md invariant 7).
 *
 * Taking the first type reference of a page table validates the whole
 * tree below it, and dropping the last one releases it: up to 512^3
 * entries for an L4.  The _job functions below do that work as an
 * explicit depth-first walk whose state is a struct pt_job, so that it
 * can stop (-ERESTART) when ops->preempt() says so and go on where it
 * stopped the next time it is called with the same job.  The hypervisor
 * keeps one job per vCPU; the hypercall that got -ERESTART re-enters
 * itself (a continuation), and a release it started finishes before
 * the vCPU's next page-table operation does anything else.
 *
 * Every frame on a job's stack is PGT_partial: its one type reference
 * belongs to the job, entries [0, idx) hold their references (I3) and
 * the others nothing, and no other type reference can be taken on it
 * (frame.c refuses), so nothing can use a half-checked table.  A frame
 * @get (validating) goes up from idx; one released goes down to 0.
 * A get that fails turns round and gives back what it took, and so do
 * its parents, before the error is reported.
 */
#define PT_JOB_DEPTH	4

struct pt_job_frame {
	unsigned long mfn;
	u16 idx;
	u8 level;
	bool get;
	bool live;		/* a validated table being released */
};

/* Released tables a job holds back until one flush covers them all. */
#define PT_JOB_STALE	16

/**
 * struct pt_job - a restartable validation (get) or release (put)
 * @depth:  frames on the stack; 0 when there is no job
 * @put:    a release: it has no result, only work to finish
 * @failed: a get that failed and is giving back what it took; @rc and
 *          @why say why
 * @abandoned: a failed get that nobody waits for (the vCPU asked for
 *          something else): it is only finished, never continued
 * @preemptible: may stop when ops->preempt() says so
 * @f:      the stack, f[0] the root (the frame the caller asked for)
 * @stale:  tables released since the last flush (PGT_flush_pending);
 *          flushed and let go before the job returns, whatever it says
 */
struct pt_job {
	unsigned int depth;
	bool put;
	bool failed;
	bool abandoned;
	bool preemptible;
	int rc;
	const char *why;
	struct pt_job_frame f[PT_JOB_DEPTH];
	unsigned int nr_stale;
	unsigned long stale[PT_JOB_STALE];
};

static inline bool pt_job_pending(const struct pt_job *job)
{
	return job && job->depth;
}

#define PT_ERESTART	85		/* ERESTART: call again, same job */

int pt_get_type_job(struct pt_domain *d, struct pt_job *job,
		    unsigned long mfn, u64 type);
int pt_put_type_job(struct pt_domain *d, struct pt_job *job,
		    unsigned long mfn);
int pt_pin_job(struct pt_domain *d, struct pt_job *job, unsigned long mfn,
	       unsigned int level);
int pt_unpin_job(struct pt_domain *d, struct pt_job *job, unsigned long mfn);
int pt_update_entry_job(struct pt_domain *d, struct pt_job *job, u64 maddr,
			u64 val, unsigned int flags, u64 *old);
int pt_job_finish_put(struct pt_domain *d, struct pt_job *job);
int pt_job_settle(struct pt_domain *d, struct pt_job *job);
void pt_job_abandon(struct pt_domain *d, struct pt_job *job);

/*
 * The same without a job: the whole walk in one go, for the builder,
 * domain teardown, descriptor pages and frames that cannot cascade.
 */

/* Typed references: pin, base pointers, descriptor pages. */
int pt_get_page_and_type(struct pt_domain *d, unsigned long mfn, u64 type);
void pt_put_page_and_type(struct pt_domain *d, unsigned long mfn);
int pt_pin(struct pt_domain *d, unsigned long mfn, unsigned int level);
int pt_unpin(struct pt_domain *d, unsigned long mfn);

/* Entry updates: mmu_update, update_va_mapping, emulated writes. */
int pt_update_entry(struct pt_domain *d, u64 maddr, u64 val,
		    unsigned int flags, u64 *old);
int pt_update_entry_foreign(struct pt_domain *d, struct pt_job *job,
			    u64 maddr, u64 val, unsigned int flags,
			    domid_t pg_owner);
int pt_mmu_update(struct pt_domain *d, u64 ptr, u64 val);
int pt_find_l1e(struct pt_domain *d, unsigned long l4_mfn, u64 va,
		u64 *maddr);
int pt_table_level(struct pt_domain *d, unsigned long mfn);

/* Debug aids: 0 if the table satisfies every invariant, else -EINVAL. */
int pt_check_table(struct pt_domain *d, unsigned long mfn);

#endif /* HV_PAGETYPE_H */
