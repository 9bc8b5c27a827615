/* SPDX-License-Identifier: MIT */
/*
 * sched_op (hypercall 29): yield, block until an event, poll ports, and
 * shut the domain down.  SCHEDOP_shutdown is also how PV test kernels
 * report their exit status.
 */
#ifndef VENEER_SCHED_H
#define VENEER_SCHED_H

#include <veneer/event_channel.h>

#define SCHEDOP_yield           0 /* give up the CPU */
#define SCHEDOP_block           1 /* sleep until an event is pending */
#define SCHEDOP_shutdown        2 /* arg: sched_shutdown */
#define SCHEDOP_poll            3 /* arg: sched_poll */
#define SCHEDOP_remote_shutdown 4 /* arg: sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5 /* record the reason without shutting down */
#define SCHEDOP_watchdog        6 /* arg: sched_watchdog */
#define SCHEDOP_pin_override    7 /* arg: sched_pin_override */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5

struct sched_shutdown {
	uint32_t reason;  /* SHUTDOWN_* */
};

/* Block until one of the ports is pending or the timeout passes. */
struct sched_poll {
	xen_guest_handle_t ports; /* array of evtchn_port_t */
	uint32_t nr_ports;
	uint64_t timeout;         /* absolute system time, 0 for none */
};

/* Shut down another domain (privileged). */
struct sched_remote_shutdown {
	domid_t domain_id;
	uint32_t reason;          /* SHUTDOWN_* */
};

/* Create (id 0), pet or destroy (timeout 0) a domain watchdog. */
struct sched_watchdog {
	uint32_t id;
	uint32_t timeout;         /* seconds */
};

/* Temporarily pin the vCPU to a physical CPU (-1 to undo). */
struct sched_pin_override {
	int32_t pcpu;
};

#endif /* VENEER_SCHED_H */
