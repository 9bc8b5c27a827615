/* SPDX-License-Identifier: MIT */
/*
 * Event channels: the PV replacement for interrupts.  A port is a bit in
 * shared_info.evtchn_pending; sending sets it (and the selector bit and
 * upcall flag in vcpu_info) and may trigger an upcall.
 *
 * Argument structures of event_channel_op (hypercall 32), one per EVTCHNOP_*.
 * "IN" fields are read by the hypervisor, "OUT" fields written by it.
 */
#ifndef VENEER_EVENT_CHANNEL_H
#define VENEER_EVENT_CHANNEL_H

#include <veneer/xen.h>

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11 /* FIFO ABI only */
#define EVTCHNOP_expand_array     12 /* FIFO ABI only */
#define EVTCHNOP_set_priority     13 /* FIFO ABI only */
#define EVTCHNOP_reset_cont       14 /* continuation of reset (hypervisor-internal) */

/* A port number within a domain; 0 is never a valid port. */
typedef uint32_t evtchn_port_t;

/* Ports in the 2-level ABI: 64 selector bits times 64 pending bits. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* Make a port in dom that remote_dom may later bind to. */
struct evtchn_alloc_unbound {
	domid_t dom;          /* IN: owner of the new port (usually DOMID_SELF) */
	domid_t remote_dom;   /* IN: the domain allowed to connect */
	evtchn_port_t port;   /* OUT: the new port */
};

/* Connect a new local port to an unbound port of another domain. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;         /* IN */
	evtchn_port_t remote_port;  /* IN */
	evtchn_port_t local_port;   /* OUT */
};

/* Deliver a VIRQ_* to a new port on the given vCPU. */
struct evtchn_bind_virq {
	uint32_t virq;        /* IN: VIRQ_* */
	uint32_t vcpu;        /* IN */
	evtchn_port_t port;   /* OUT */
};

#define BIND_PIRQ__WILL_SHARE 1

/* Deliver a physical IRQ to a new port. */
struct evtchn_bind_pirq {
	uint32_t pirq;        /* IN */
	uint32_t flags;       /* IN: BIND_PIRQ__* */
	evtchn_port_t port;   /* OUT */
};

/* A port for inter-processor events to the given vCPU of this domain. */
struct evtchn_bind_ipi {
	uint32_t vcpu;        /* IN */
	evtchn_port_t port;   /* OUT */
};

/* Close a port; its peer (if any) becomes unbound. */
struct evtchn_close {
	evtchn_port_t port;   /* IN */
};

/* Signal the other end of a port. */
struct evtchn_send {
	evtchn_port_t port;   /* IN */
};

/* evtchn_status.status values. */
#define EVTCHNSTAT_closed       0 /* not in use */
#define EVTCHNSTAT_unbound      1 /* waiting for a remote domain */
#define EVTCHNSTAT_interdomain  2 /* connected to another domain */
#define EVTCHNSTAT_pirq         3 /* bound to a physical IRQ */
#define EVTCHNSTAT_virq         4 /* bound to a VIRQ */
#define EVTCHNSTAT_ipi          5 /* bound for IPIs */

/* Query what a port is bound to. */
struct evtchn_status {
	domid_t dom;          /* IN */
	evtchn_port_t port;   /* IN */
	uint32_t status;      /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;        /* OUT: vCPU the port notifies */
	union {
		struct {
			domid_t dom;         /* who may bind */
		} unbound;
		struct {
			domid_t dom;         /* peer domain */
			evtchn_port_t port;  /* peer port */
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;                  /* OUT: details for the status */
};

/* Move notifications of a port to another vCPU. */
struct evtchn_bind_vcpu {
	evtchn_port_t port;   /* IN */
	uint32_t vcpu;        /* IN */
};

/* Clear a port's mask bit and re-deliver it if it is pending. */
struct evtchn_unmask {
	evtchn_port_t port;   /* IN */
};

/* Close every port of a domain. */
struct evtchn_reset {
	domid_t dom;          /* IN */
};

/* FIFO ABI: register a vCPU's control block. */
struct evtchn_init_control {
	uint64_t control_gfn;  /* IN: frame holding the control block */
	uint32_t offset;       /* IN: its offset in the frame */
	uint32_t vcpu;         /* IN */
	uint8_t link_bits;     /* OUT: EVTCHN_FIFO_LINK_BITS */
	uint8_t _pad[7];
};

/* FIFO ABI: add a page of event words. */
struct evtchn_expand_array {
	uint64_t array_gfn;    /* IN */
};

/* FIFO ABI: set a port's queue priority. */
struct evtchn_set_priority {
	evtchn_port_t port;    /* IN */
	uint32_t priority;     /* IN: EVTCHN_FIFO_PRIORITY_* */
};

/* Argument of the old event_channel_op_compat hypercall (16). */
struct evtchn_op {
	uint32_t cmd;          /* EVTCHNOP_* */
	union {
		struct evtchn_alloc_unbound alloc_unbound;
		struct evtchn_bind_interdomain bind_interdomain;
		struct evtchn_bind_virq bind_virq;
		struct evtchn_bind_pirq bind_pirq;
		struct evtchn_bind_ipi bind_ipi;
		struct evtchn_close close;
		struct evtchn_send send;
		struct evtchn_status status;
		struct evtchn_bind_vcpu bind_vcpu;
		struct evtchn_unmask unmask;
	} u;
};

/* FIFO event ABI constants (Veneer implements the 2-level ABI only). */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       (EVTCHN_FIFO_PRIORITY_MIN + 1)

/* Bits of a FIFO event word. */
#define EVTCHN_FIFO_PENDING   31
#define EVTCHN_FIFO_MASKED    30
#define EVTCHN_FIFO_LINKED    29
#define EVTCHN_FIFO_BUSY      28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

/* FIFO ABI: one 32-bit event word per port. */
typedef uint32_t event_word_t;

/* FIFO ABI: per-vCPU control block. */
struct evtchn_fifo_control_block {
	uint32_t ready;                        /* bit per queue with events */
	uint32_t _rsvd;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES]; /* first port of each queue */
};

#endif /* VENEER_EVENT_CHANNEL_H */
