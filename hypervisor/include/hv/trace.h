/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU ring of recent events: traps and interrupts now, hypercalls
 * and exception bounces later.  Cheap to record (no lock: only its own CPU
 * writes a ring), dumped on panic so a crash shows what led up to it.
 */
#ifndef HV_TRACE_H
#define HV_TRACE_H

#include <hv/types.h>

#define TRACE_ENTRIES	32

enum trace_type {
	TRACE_NONE,
	TRACE_TRAP,	/* a = vector, b = rip */
	TRACE_IRQ,	/* a = vector, b = rip */
	TRACE_TIMER,	/* a = deadline, b = callback */
	TRACE_IPI,	/* a = from cpu, b = function */
	TRACE_SELFTEST,	/* a = test number */
	TRACE_HYPERCALL, /* a = number, b = first argument */
	TRACE_BOUNCE,	/* a = vector (256+: callback), b = handler */
};

struct trace_entry {
	u64 tsc;
	u32 type;
	u64 a, b;
};

struct trace_ring {
	unsigned int next;
	struct trace_entry e[TRACE_ENTRIES];
};

void trace_event(enum trace_type type, u64 a, u64 b);
void trace_dump(unsigned int cpu);

#endif /* HV_TRACE_H */
