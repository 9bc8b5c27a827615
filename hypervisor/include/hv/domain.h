/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Domains and vCPUs.
 *
 * A domain is a set of machine frames it owns (found through its P2M), a
 * shared_info page, and its vCPUs.  A vCPU is the state of one virtual
 * processor of a 64-bit PV guest: the guest registers while it is not
 * running, the kernel/user mode flag and the two top-level page tables
 * that go with it, the callbacks and trap table the guest registered, its
 * segment bases and its FPU state.  common/domain.c and common/vcpu.c
 * create and destroy them; pv/ implements what the guest can ask of
 * them; common/sched.c decides which vCPU runs where.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/mm.h>
#include <hv/pagetype.h>
#include <hv/sched-types.h>
#include <hv/spinlock.h>
#include <hv/timer.h>
#include <hv/types.h>

#include <asm/regs.h>

#include <veneer/vcpu.h>
#include <veneer/xen.h>

#define MAX_VIRT_CPUS	8	/* vCPUs per domain */
#define MAX_DOMAINS	16	/* domain ids 0..MAX_DOMAINS-1 */
#define NR_HYPERCALL_COUNTERS	64

struct domain;
struct evtchn_table;
struct gnttab;

/* Event, time and vCPU-op state of a vCPU (common/event_channel.c,
 * common/time-pv.c, pv/vcpu-op.c). */
struct vcpu_evt {
	struct timer singleshot;	/* VCPUOP_set_singleshot_timer */
	bool timer_ready;
	unsigned long runstate_va;	/* register_runstate_memory_area */
	struct vcpu_runstate_info runstate;	/* kept by pv_runstate_*() */
	bool vcpu_info_registered;	/* register_vcpu_info done */
	bool polling;			/* SCHEDOP_poll in progress */
	unsigned int iopl;		/* PHYSDEVOP_set_iopl */
	u16 virq_to_port[NR_VIRQS];
};

/* What a vCPU did, for the debug keys and the management interface
 * (VENEER_MGMT_getcounters sums them over the domain's vCPUs).  Only the
 * vCPU itself writes its counters, on its own CPU: plain increments, no
 * atomics on the hot paths; a reader may see a count one behind. */
#define NR_TRAP_COUNTERS	32
struct vcpu_stats {
	u64 hypercalls[NR_HYPERCALL_COUNTERS];	/* by hypercall number */
	u64 traps[NR_TRAP_COUNTERS];	/* exceptions it raised, by vector */
	u64 pt_updates;			/* page-table entries written */
	u64 events_sent;		/* EVTCHNOP_send that raised a port */
	u64 ptwr_emulations;		/* writes to pinned tables emulated */
	u64 tlb_flushes;		/* flushes it asked for */
	u64 multicall_entries;		/* entries of its multicalls */
	u64 bounces;			/* exceptions and events delivered */
};

/* The PV-specific half of a vCPU (pv/). */
struct pv_vcpu {
	bool in_kernel;			/* guest kernel (vs. user) mode;
					 * its invariant: pv/traps.c */
	unsigned long kernel_l4;	/* MFN of the kernel L4, pinned */
	unsigned long user_l4;		/* MFN of the user L4, 0 if none */
	struct pt_job ptjob;		/* a page-table walk in progress,
					 * under d->pt_lock (pv/mm-ops.c) */
	unsigned long kernel_sp;	/* stack_switch */
	unsigned long kernel_ss;
	u64 fs_base, gs_base_kernel, gs_base_user;
	u32 tsc_aux;			/* MSR_TSC_AUX (rdtscp, rdpid) */
	unsigned long iobmp;		/* PHYSDEVOP_set_iobitmap: guest VA */
	unsigned int iobmp_limit;	/* ... and the ports it covers */
	u16 gs_sel_user;
	u16 ds_sel, es_sel, fs_sel, gs_sel; /* data selectors while off CPU */
	u16 reload_sel[4];		/* ds, es, fs, gs a switch failed to load */
	bool reload_failed;		/* so bounce to the failsafe callback */
	struct trap_info trap_ctxt[256];
	unsigned long event_callback, failsafe_callback;
	unsigned long syscall_callback, syscall32_callback;
	unsigned long sysenter_callback, nmi_callback;
	bool syscall_mask_events, syscall32_mask_events;
	bool sysenter_mask_events, failsafe_mask_events;
	bool ts;			/* virtual CR0.TS (fpu_taskswitch) */
	unsigned long vm_assist;	/* VMASST_TYPE_* bits enabled */
	unsigned long gdt_frames[14];	/* set_gdt: guest GDT frames */
	u64 *gdt_shadow[14];		/* checked copies the CPU uses */
	unsigned int gdt_ents;
	unsigned long ldt_base;		/* MMUEXT_SET_LDT */
	unsigned int ldt_ents;		/* 0: the null LDT */
	unsigned long ldt_frames[16];	/* its frames, each holding a
					 * descriptor-page type reference */
	unsigned long dr[8];		/* set_debugreg (pv/debugreg.c) */
	bool dr_written[8];
};

struct vcpu {
	unsigned int id;
	struct domain *domain;
	unsigned int processor;		/* the CPU it runs on */
	bool runnable;			/* has a context, not stopped: see vcpu_runnable() */
	bool blocked;			/* SCHEDOP_block */
	bool down;			/* not up (VCPUOP_up/down) */
	bool initialised;		/* has a context (VCPUOP_initialise) */
	spinlock_t ctx_lock;		/* initialise/up/down of this vCPU */
	struct cpu_regs regs;		/* guest registers while not running */
	void *fpu_area;			/* xsave/fxsave image, 64-byte aligned */
	struct pv_vcpu pv;
	struct vcpu_info *vcpu_info;	/* in shared_info */
	struct vcpu_evt evt;
	struct sched_vcpu sched;	/* the scheduler's (hv/sched-types.h) */
	struct vcpu_stats stats;
};

/*
 * A domain's teardown, done in bounded steps (common/domain.c): where it
 * stands, so that the next step goes on from there.
 */
struct domain_teardown {
	u8 phase;			/* TD_* in common/domain.c */
	bool by_toolstack;		/* driven by VENEER_MGMT_destroydomain
					 * (else by the deferred work) */
	unsigned int vcpu;		/* next vCPU whose references go */
	unsigned long next;		/* next frame to look at */
	unsigned long freed, held;	/* frames freed, frames others hold */
	unsigned int steps, long_steps;	/* all, and those over 1 ms */
	s_time_t started, worst_ns;	/* the longest step */
	u8 worst_phase;			/* where it began */
	struct domain *next_queued;	/* in the deferred queue */
	struct pt_job job;		/* a release the last step left */
	struct frame_batch dead;	/* let go, waiting to be scrubbed */
};

struct domain {
	domid_t id;
	bool is_privileged;
	bool is_dying;			/* being destroyed (or a failed build) */
	bool is_shutdown;		/* a toolstack domain that shut down:
					 * kept until dom0 destroys it */
	bool toolstack;			/* made by VENEER_MGMT_createdomain:
					 * not destroyed when it shuts down */
	unsigned int shutdown_code;	/* SHUTDOWN_*, valid when is_dying
					 * or is_shutdown */
	unsigned int pause_count;	/* toolstack pauses (under state_lock;
					 * see vcpu_runnable()) */
	unsigned int refcnt;		/* domain_get() references: the shell
					 * is freed only at 0 */
	spinlock_t state_lock;		/* shutdown, dying, pause_count */
	unsigned long max_pages;	/* memory limit (common/memory.c) */
	struct domain *next_dead;	/* in the graveyard (common/domain.c) */
	s_time_t buried_at;		/* when it went there */
	bool mgmt_refused_logged;	/* common/mgmt.c: one line a domain */
	struct shared_info *shared_info; /* hypervisor (direct-map) address */
	unsigned long shared_info_mfn;
	unsigned long *p2m;		/* p2m[pfn] = mfn; hypervisor copy */
	unsigned int p2m_order;		/* its allocation */
	unsigned long nr_pages;
	spinlock_t lock;
	struct vcpu *vcpu[MAX_VIRT_CPUS];
	unsigned int max_vcpus;
	u64 unknown_hypercall_logged[1]; /* bitmap, one log line per number */
	bool dr7_refusal_logged;	/* pv/debugreg.c */
	bool bad_iret_logged;		/* pv/iret.c */
	bool foreign_map_logged;	/* pv/mm-ops.c: one refusal line */
	bool foreign_mem_logged;	/* common/memory.c: one refusal line */
	struct pt_domain pt;		/* page-type engine view (pv/mm-ops.c) */
	struct pt_job foreign_job;	/* a walk dom0 does on our tables
					 * (foreign pin/unpin), under pt_lock */
	spinlock_t pt_lock;		/* held around every pt_*() call */
	struct evtchn_table *evtchn;	/* ports (common/event_channel.c) */
	struct gnttab *gnttab;		/* grant table (common/grant_table.c) */
	unsigned long ballooned;	/* pages given back (common/memory.c) */
	u64 dirty_cpus;			/* CPUs that may cache its mappings */
	struct sched_domain sched;	/* the scheduler's (hv/sched-types.h) */
	struct domain_teardown td;	/* under is_dying (common/domain.c) */
};

/* Every domain that exists, by id (common/domain.c). */
extern struct domain *domain_list[MAX_DOMAINS];

/* common/domain.c */
struct domain *domain_create(domid_t id, bool privileged);
struct domain *domain_get(domid_t id);
void domain_put(struct domain *d);
int domain_kill(struct domain *d);
bool domain_teardown_work(void);
int domain_teardown_preempt(void);
int domain_pause_by_toolstack(struct domain *d);
int domain_unpause_by_toolstack(struct domain *d);
void __noreturn domain_crash(struct domain *d, const char *why);
void domain_shutdown(struct domain *d, unsigned int reason);
void domain_destroy(struct domain *d);
const char *shutdown_reason_name(unsigned int reason);
struct domain *domain_by_id(domid_t id);

/* common/vcpu.c */
struct vcpu *vcpu_create(struct domain *d, unsigned int id,
			 unsigned int cpu);
void vcpu_free(struct vcpu *v);

/* The vCPU running on this CPU, NULL when idle (common/sched.c). */
struct vcpu *current_vcpu(void);

/* Guest log lines: "(veneer) (d0v0) ...", rate limited for a domU
 * (common/log.c). */
#define gprintk(lvl, v, fmt, ...) \
	guest_log_msg((v)->domain->id, (v)->domain->is_privileged, lvl, \
		      "(d%uv%u) " fmt, (v)->domain->id, (v)->id, ##__VA_ARGS__)

#endif /* HV_DOMAIN_H */
