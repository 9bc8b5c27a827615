/* SPDX-License-Identifier: MIT */
/*
 * Veneer's management interface (ours, not Xen's): one hypercall,
 * __HYPERVISOR_veneer_mgmt, taking a pointer to a struct veneer_mgmt.
 * Only the initial domain (dom0) may call it; anyone else gets -EPERM.
 *
 * Every call names the interface version it was written against
 * (VENEER_MGMT_VERSION).  A hypervisor speaking another version answers
 * -EPROTONOSUPPORT and writes its own version into `version`, so a tool
 * can say which two disagree.  The hypervisor copies the whole structure
 * in once, checks every field it uses (reserved fields and padding must
 * be zero: -EINVAL otherwise), and copies back only the sub-operation's
 * output.
 *
 * Return: 0 or a negative Xen errno.  docs/management-abi.md is the
 * reference, one section per sub-operation.
 */
#ifndef VENEER_MGMT_H
#define VENEER_MGMT_H

#include <veneer/xen.h>

/* A number Xen leaves unused (it stops at 42; 48-55 are per-arch). */
#define __HYPERVISOR_veneer_mgmt 56

/* Major version in the top 16 bits: another major is refused. */
#define VENEER_MGMT_VERSION 0x00010001U

/* Sub-operations (veneer_mgmt.cmd). */
#define VENEER_MGMT_physinfo          1 /* u.physinfo (out) */
#define VENEER_MGMT_createdomain      2 /* u.create (in), domid (in/out) */
#define VENEER_MGMT_destroydomain     3 /* domid */
#define VENEER_MGMT_pausedomain       4 /* domid */
#define VENEER_MGMT_unpausedomain     5 /* domid */
#define VENEER_MGMT_getdomaininfo     6 /* domid (in), u.info (out) */
#define VENEER_MGMT_getdomaininfolist 7 /* u.list (in/out) */
#define VENEER_MGMT_getvcpuinfo       8 /* domid, u.vcpuinfo */
#define VENEER_MGMT_setmaxmem         9 /* domid, u.maxmem (in) */
#define VENEER_MGMT_setvcpucontext   10 /* domid, u.vcpucontext (in) */
#define VENEER_MGMT_getschedparams   11 /* domid, u.sched (out) */
#define VENEER_MGMT_setschedparams   12 /* domid, u.sched (in) */
#define VENEER_MGMT_setvcpuaffinity  13 /* domid, u.affinity (in) */
#define VENEER_MGMT_readconsole      14 /* u.console (in/out) */
#define VENEER_MGMT_getcounters      15 /* domid, u.counters (out) */

/* --- physinfo ---------------------------------------------------------- */

#define VENEER_CAP_PV64        (1U << 0) /* 64-bit PV guests */
#define VENEER_CAP_FOREIGN_MAP (1U << 1) /* dom0 maps other domains' frames */
#define VENEER_CAP_GRANT_V2    (1U << 2)

struct veneer_mgmt_physinfo {
	uint32_t nr_cpus;        /* CPUs the hypervisor runs on */
	uint32_t max_domains;    /* domain ids are below this */
	uint64_t total_pages;    /* machine memory the heap manages */
	uint64_t free_pages;     /* in the heap now */
	uint64_t cpu_khz;        /* TSC frequency */
	uint32_t version_major;  /* as xen_version(XENVER_version) */
	uint32_t version_minor;
	uint32_t capabilities;   /* VENEER_CAP_* */
	uint32_t pad;
	char extra[16];          /* version suffix, NUL-terminated */
};

/* --- createdomain ------------------------------------------------------ */

/* veneer_mgmt.domid on input: 0 lets the hypervisor pick a free id;
 * otherwise the id wanted (taken: -EEXIST).  On output: the id. */
struct veneer_mgmt_createdomain {
	uint64_t max_pages;      /* memory limit, 4 KiB pages (> 0) */
	uint32_t max_vcpus;      /* 1..VENEER_MGMT_MAX_VCPUS */
	uint32_t flags;          /* none defined: must be 0 */
};

#define VENEER_MGMT_MAX_VCPUS 64

/* --- getdomaininfo, getdomaininfolist ---------------------------------- */

/* veneer_domaininfo.flags: the domain's state, as xl shows it. */
#define VENEER_DOMINF_running  (1U << 0) /* a vCPU is on a CPU now */
#define VENEER_DOMINF_blocked  (1U << 1) /* every online vCPU waits */
#define VENEER_DOMINF_paused   (1U << 2) /* paused by the toolstack */
#define VENEER_DOMINF_shutdown (1U << 3) /* shut down: see shutdown_reason */
#define VENEER_DOMINF_dying    (1U << 4) /* being destroyed */
#define VENEER_DOMINF_crashed  (1U << 5) /* shut down with SHUTDOWN_crash */
#define VENEER_DOMINF_privileged (1U << 6) /* dom0 */

struct veneer_domaininfo {
	domid_t domid;
	uint16_t pad0;
	uint32_t flags;          /* VENEER_DOMINF_* */
	uint32_t shutdown_reason; /* SHUTDOWN_*, when shutdown is set */
	uint32_t nr_online_vcpus;
	uint32_t max_vcpus;
	uint32_t pad1;
	uint64_t tot_pages;      /* pages the domain holds now */
	uint64_t max_pages;      /* its limit */
	uint64_t cpu_time_ns;    /* all its vCPUs, running */
	uint64_t shared_info_frame; /* MFN of its shared_info (1.1) */
};

/* Fills buffer with up to max_domains records of the domains whose ids
 * are >= first_domid, in id order; nr_domains (out) says how many. */
struct veneer_mgmt_getdomaininfolist {
	domid_t first_domid;
	uint16_t pad[3];
	uint32_t max_domains;
	uint32_t nr_domains;     /* out */
	uint64_t buffer;         /* struct veneer_domaininfo[max_domains] */
};

/* --- getvcpuinfo ------------------------------------------------------- */

struct veneer_mgmt_getvcpuinfo {
	uint32_t vcpu;           /* in */
	uint8_t online;          /* out: brought up and not down */
	uint8_t blocked;         /* out: waiting for an event */
	uint8_t running;         /* out: on a CPU now */
	uint8_t pad;
	uint32_t cpu;            /* out: the CPU it runs or last ran on */
	uint32_t pad1;
	uint64_t cpu_time_ns;    /* out: time spent running */
	uint64_t affinity;       /* out: CPUs it may run on, bit per CPU */
};

/* --- setmaxmem --------------------------------------------------------- */

struct veneer_mgmt_setmaxmem {
	uint64_t max_pages;      /* >= 1; may be below what the domain holds:
				  * it can then only give memory back */
};

/* --- setvcpucontext ---------------------------------------------------- */

/* The initial register state of a vCPU of a domain that has not run
 * yet (or of a vCPU that is down), as VCPUOP_initialise takes it. */
struct veneer_mgmt_setvcpucontext {
	uint32_t vcpu;
	uint32_t pad;
	uint64_t ctxt;           /* struct vcpu_guest_context * */
};

/* --- getschedparams, setschedparams ------------------------------------ */

struct veneer_mgmt_sched {
	uint32_t weight;         /* 1..65535, relative share (default 256) */
	uint32_t cap;            /* % of one CPU, 0 = no cap */
};

/* --- setvcpuaffinity --------------------------------------------------- */

struct veneer_mgmt_setvcpuaffinity {
	uint32_t vcpu;
	uint32_t pad;
	uint64_t cpumask;        /* bit per CPU; must name an online CPU */
};

/* --- readconsole ------------------------------------------------------- */

/* Reads the hypervisor's log ring from index onwards into buffer.  On
 * output: count bytes were copied, index is where the next read starts
 * (it moves past lines the ring lost since), and with
 * VENEER_CONSOLE_clear the ring is emptied up to that index (all of it
 * when the buffer held the rest): nothing not yet read is lost. */
#define VENEER_CONSOLE_clear (1U << 0)

struct veneer_mgmt_readconsole {
	uint64_t buffer;         /* char[size] */
	uint32_t size;           /* in */
	uint32_t count;          /* out */
	uint64_t index;          /* in/out */
	uint32_t flags;          /* VENEER_CONSOLE_* */
	uint32_t pad;
};

/* --- getcounters ------------------------------------------------------- */

#define VENEER_NR_HYPERCALL_COUNTERS 64
#define VENEER_NR_TRAP_COUNTERS      32

/* What a domain has made the hypervisor do since it was created. */
struct veneer_mgmt_getcounters {
	uint64_t hypercalls[VENEER_NR_HYPERCALL_COUNTERS]; /* by number */
	uint64_t traps[VENEER_NR_TRAP_COUNTERS];  /* exceptions, by vector */
	uint64_t pt_updates;     /* page-table entries written (mmu_update,
				  * update_va_mapping, ptwr) */
	uint64_t events_sent;    /* event channel notifications it sent */
	uint64_t ptwr_emulations; /* writes to its page tables emulated */
	uint64_t tlb_flushes;    /* flushes done on its behalf */
	uint64_t multicall_entries;
	uint64_t bounces;        /* exceptions and events delivered to it */
};

/* --- the call ---------------------------------------------------------- */

struct veneer_mgmt {
	uint32_t cmd;            /* VENEER_MGMT_* */
	uint32_t version;        /* VENEER_MGMT_VERSION */
	domid_t domid;
	uint16_t pad[3];
	union {
		struct veneer_mgmt_physinfo physinfo;
		struct veneer_mgmt_createdomain create;
		struct veneer_domaininfo info;
		struct veneer_mgmt_getdomaininfolist list;
		struct veneer_mgmt_getvcpuinfo vcpuinfo;
		struct veneer_mgmt_setmaxmem maxmem;
		struct veneer_mgmt_setvcpucontext vcpucontext;
		struct veneer_mgmt_sched sched;
		struct veneer_mgmt_setvcpuaffinity affinity;
		struct veneer_mgmt_readconsole console;
		struct veneer_mgmt_getcounters counters;
		uint8_t raw[1024];
	} u;
};

/* The layout is the interface: no Xen header to check it against. */
_Static_assert(sizeof(struct veneer_mgmt_physinfo) == 64, "physinfo");
_Static_assert(sizeof(struct veneer_domaininfo) == 56, "domaininfo");
_Static_assert(sizeof(struct veneer_mgmt_getdomaininfolist) == 24, "list");
_Static_assert(sizeof(struct veneer_mgmt_getvcpuinfo) == 32, "vcpuinfo");
_Static_assert(sizeof(struct veneer_mgmt_readconsole) == 32, "console");
_Static_assert(sizeof(struct veneer_mgmt_getcounters) == 816, "counters");
_Static_assert(__builtin_offsetof(struct veneer_mgmt, u) == 16, "u");
_Static_assert(sizeof(struct veneer_mgmt) == 1040, "veneer_mgmt");

#endif /* VENEER_MGMT_H */
