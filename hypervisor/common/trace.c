// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU recent-event ring (see hv/trace.h).
 *
 * entry.S's C handler records every trap and interrupt here before
 * handling it; timers and cross-CPU calls add their own entries.  On panic
 * every CPU's ring is printed, oldest first.  A ring is written only by
 * its own CPU with interrupts off, so it needs no lock; reading another
 * CPU's ring during panic may catch it mid-update, which is acceptable
 * for a post-mortem.
 */
#include <hv/log.h>
#include <hv/smp.h>
#include <hv/symbols.h>
#include <hv/trace.h>

#include <asm/processor.h>

/**
 * trace_event() - record an event in this CPU's ring
 * @type: what happened
 * @a:    first detail (vector, deadline, ...)
 * @b:    second detail (an address, usually)
 */
void trace_event(enum trace_type type, u64 a, u64 b)
{
	unsigned long flags = local_irq_save();
	struct trace_ring *r = &this_cpu()->trace;
	struct trace_entry *e = &r->e[r->next % TRACE_ENTRIES];

	e->tsc = rdtsc();
	e->type = type;
	e->a = a;
	e->b = b;
	r->next++;
	local_irq_restore(flags);
}

static const char *const type_name[] = {
	[TRACE_NONE] = "none", [TRACE_TRAP] = "trap", [TRACE_IRQ] = "irq",
	[TRACE_TIMER] = "timer", [TRACE_IPI] = "ipi",
	[TRACE_SELFTEST] = "selftest", [TRACE_HYPERCALL] = "hypercall",
	[TRACE_BOUNCE] = "bounce",
};

/**
 * trace_dump() - print a CPU's ring, oldest first
 * @cpu: which CPU
 */
void trace_dump(unsigned int cpu)
{
	struct trace_ring *r = &percpu[cpu].trace;
	unsigned int n = r->next < TRACE_ENTRIES ? r->next : TRACE_ENTRIES;

	printk("Recent events on CPU%u (oldest first):\n", cpu);
	for (unsigned int i = r->next - n; i != r->next; i++) {
		struct trace_entry *e = &r->e[i % TRACE_ENTRIES];
		unsigned long off;
		const char *sym = symbol_lookup(e->b, &off);

		printk("  tsc=%016llx %-8s %#llx %#llx%s%s\n",
		       (unsigned long long)e->tsc,
		       e->type < ARRAY_SIZE(type_name) ? type_name[e->type] : "?",
		       (unsigned long long)e->a, (unsigned long long)e->b,
		       sym ? " " : "", sym ? sym : "");
	}
}
