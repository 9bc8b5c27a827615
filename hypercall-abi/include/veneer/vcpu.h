/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op (hypercall 24): bringing secondary vCPUs up and down, runstate
 * accounting, timers, and moving vcpu_info out of shared_info.
 * Every command takes (cmd, vcpu id, argument pointer).
 */
#ifndef VENEER_VCPU_H
#define VENEER_VCPU_H

#include <veneer/xen.h>

#define VCPUOP_initialise                      0 /* arg: vcpu_guest_context */
#define VCPUOP_up                              1
#define VCPUOP_down                            2
#define VCPUOP_is_up                           3
#define VCPUOP_get_runstate_info               4 /* arg: vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area   5
#define VCPUOP_set_periodic_timer              6
#define VCPUOP_stop_periodic_timer             7
#define VCPUOP_set_singleshot_timer            8
#define VCPUOP_stop_singleshot_timer           9
#define VCPUOP_register_vcpu_info             10
#define VCPUOP_send_nmi                       11
#define VCPUOP_get_physid                     12
#define VCPUOP_register_vcpu_time_memory_area 13

/* vcpu_runstate_info.state values. */
#define RUNSTATE_running  0 /* on a physical CPU */
#define RUNSTATE_runnable 1 /* ready, waiting for a CPU */
#define RUNSTATE_blocked  2 /* waiting for an event */
#define RUNSTATE_offline  3 /* down or paused */

/* Set in state_entry_time while the record is being rewritten. */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

/* How long a vCPU has spent in each state. */
struct vcpu_runstate_info {
	int32_t state;             /* RUNSTATE_* */
	uint64_t state_entry_time; /* system time of entering it */
	uint64_t time[4];          /* ns spent in each RUNSTATE_* */
};

/* Have the hypervisor keep a vcpu_runstate_info up to date at addr. */
struct vcpu_register_runstate_memory_area {
	union {
		xen_guest_handle_t h;  /* guest virtual address */
		uint64_t p;
	} addr;
};

/* Periodic timer with this period, delivered as VIRQ_TIMER. */
struct vcpu_set_periodic_timer {
	uint64_t period_ns;
};

/* With VCPU_SSHOTTMR_future: fail with -ETIME if already in the past. */
#define _VCPU_SSHOTTMR_future (0)
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

/* One-shot timer at an absolute system time, delivered as VIRQ_TIMER. */
struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;  /* system time of expiry */
	uint32_t flags;           /* VCPU_SSHOTTMR_* */
};

/* Move this vCPU's vcpu_info to (mfn, offset). */
struct vcpu_register_vcpu_info {
	uint64_t mfn;     /* frame holding the new vcpu_info */
	uint32_t offset;  /* its offset in that frame */
	uint32_t rsvd;    /* must be zero */
};

/* Physical CPU id: APIC id in the low half, ACPI id in the high half. */
struct vcpu_get_physid {
	uint64_t phys_id;
};

/* Have the hypervisor keep a copy of vcpu_time_info at addr. */
struct vcpu_register_time_memory_area {
	union {
		xen_guest_handle_t h;  /* guest virtual address */
		uint64_t p;
	} addr;
};

#endif /* VENEER_VCPU_H */
