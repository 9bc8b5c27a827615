// SPDX-License-Identifier: GPL-2.0
/*
 * Debug keys: a person at the serial console asks the hypervisor what it
 * is doing, without a debugger and without stopping anything.
 *
 * Serial input normally goes to dom0 (pv/console_io.c polls the port and
 * hands every byte to keyhandler_serial_rx() first).  Typing Ctrl-A three
 * times in a row switches input to the hypervisor, and three more switch
 * it back; each switch logs one line saying where input goes now.  As on
 * Xen, Ctrl-As are held back until we know whether three arrive: any
 * other byte in between releases them to dom0 first.
 *
 * While the hypervisor has the input, each key runs one handler from the
 * table below, which prints through the log ('h' lists them).  Handlers
 * run in the serial poll timer on CPU0 and read state other CPUs change
 * without taking their locks: a dump may catch something mid-update, the
 * price of never being able to deadlock on a wedged lock, which is when
 * one wants the keys most.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/grant_table.h>
#include <hv/keyhandler.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/trace.h>

#include <veneer/event_channel.h>

struct keyhandler {
	char key;
	void (*fn)(void);
	const char *desc;
};

static const struct keyhandler keys[];

static void key_help(void);

/* 'q': every domain and vCPU, with a summary of its registers. */
static void dump_vcpu(struct vcpu *v)
{
	const struct cpu_regs *r = &v->regs;
	const struct vcpu_info *vi = v->vcpu_info;
	bool running = percpu[v->processor].curr == v;

	log_info("  d%uv%u: CPU%u %s, %s mode, kernel L4 %#lx user L4 %#lx",
		 v->domain->id, v->id, v->processor,
		 running ? "running" : v->down ? "down" :
		 v->blocked ? "blocked" : v->runnable ? "runnable" : "paused",
		 v->pv.in_kernel ? "kernel" : "user", v->pv.kernel_l4,
		 v->pv.user_l4);
	log_info("    %s rip %04lx:%016lx rsp %016lx rflags %08lx",
		 running ? "last saved:" : "saved:", (unsigned long)r->cs,
		 (unsigned long)r->rip, (unsigned long)r->rsp,
		 (unsigned long)r->rflags);
	log_info("    rax %016lx rbx %016lx rcx %016lx rdx %016lx",
		 (unsigned long)r->rax, (unsigned long)r->rbx,
		 (unsigned long)r->rcx, (unsigned long)r->rdx);
	if (vi)
		log_info("    upcall pending %u mask %u, pending_sel %#lx",
			 vi->evtchn_upcall_pending, vi->evtchn_upcall_mask,
			 (unsigned long)vi->evtchn_pending_sel);
}

static void key_domains(void)
{
	log_info("'q' pressed -> dumping domains and vCPUs");
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (!d)
			continue;
		log_info("d%u:%s%s %lu pages (%lu given back), %u vCPU%s, "
			 "shared_info mfn %#lx", d->id,
			 d->is_privileged ? " privileged" : "",
			 d->is_dying ? " dying" : "", d->nr_pages, d->ballooned,
			 d->max_vcpus, d->max_vcpus == 1 ? "" : "s",
			 d->shared_info_mfn);
		for (unsigned int i = 0; i < d->max_vcpus && i < MAX_VIRT_CPUS;
		     i++)
			if (d->vcpu[i])
				dump_vcpu(d->vcpu[i]);
		gnttab_dump(d);
	}
}

/* 'r': the scheduler's view (common/sched.c). */
static void key_sched(void)
{
	log_info("'r' pressed -> dumping run queues");
	sched_dump();
}

/* 't': each online CPU's ring of recent events. */
static void key_trace(void)
{
	log_info("'t' pressed -> dumping trace rings");
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (percpu[cpu].online)
			trace_dump(cpu);
}

/* 'm': free memory, and whose the rest is (one pass over the frames). */
static void key_memory(void)
{
	unsigned long owned[MAX_DOMAINS] = { 0 };
	unsigned long xen = 0, heap = 0, other = 0;

	log_info("'m' pressed -> dumping memory");
	for (unsigned long mfn = 0; mfn < max_page; mfn++) {
		const struct page_info *pg = mfn_to_page(mfn);
		u64 ci = READ_ONCE(pg->count_info);
		domid_t owner = READ_ONCE(pg->owner);

		if (!(ci & PGC_allocated) && !(ci & PGC_heap))
			continue;
		if (ci & PGC_heap)
			heap++;
		else if (owner < MAX_DOMAINS)
			owned[owner]++;
		else if (owner == DOMID_XEN)
			xen++;
		else
			other++;
	}
	log_info("frames: %lu usable, %lu free, %lu hypervisor heap, "
		 "%lu other hypervisor-owned, %lu other", total_pages,
		 free_page_count(), heap, xen, other);
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d)
			log_info("d%u: owns %lu frames (%lu KiB), %lu given back",
				 id, owned[id], owned[id] * 4, d->ballooned);
	}
}

static const char *const evtchn_state[] = {
	[EVTCHNSTAT_closed] = "closed", [EVTCHNSTAT_unbound] = "unbound",
	[EVTCHNSTAT_interdomain] = "interdomain", [EVTCHNSTAT_pirq] = "pirq",
	[EVTCHNSTAT_virq] = "virq", [EVTCHNSTAT_ipi] = "ipi",
};

static bool port_bit(const xen_ulong_t *words, unsigned int port)
{
	return (words[port / 64] >> (port % 64)) & 1;
}

/* 'e': every open port of every domain. */
static void key_evtchn(void)
{
	log_info("'e' pressed -> dumping event channels");
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);
		unsigned int open = 0;

		if (!d || !d->evtchn)
			continue;
		log_info("d%u:", id);
		for (unsigned int p = 1; p < EVTCHN_NR_PORTS; p++) {
			const struct evtchn *c = &d->evtchn->port[p];
			char what[40] = "";

			if (c->state == EVTCHNSTAT_closed)
				continue;
			open++;
			if (c->state == EVTCHNSTAT_virq)
				snprintf(what, sizeof(what), " %u", c->virq);
			else if (c->state == EVTCHNSTAT_interdomain)
				snprintf(what, sizeof(what), " -> d%u port %u",
					 c->remote_dom, c->remote_port);
			else if (c->state == EVTCHNSTAT_unbound)
				snprintf(what, sizeof(what), " for d%u",
					 c->remote_dom);
			log_info("  port %4u: %s%s, vcpu %u%s%s", p,
				 c->state < ARRAY_SIZE(evtchn_state) ?
				 evtchn_state[c->state] : "?", what, c->vcpu,
				 port_bit(d->shared_info->evtchn_pending, p) ?
				 " pending" : "",
				 port_bit(d->shared_info->evtchn_mask, p) ?
				 " masked" : "");
		}
		log_info("  %u open port%s", open, open == 1 ? "" : "s");
	}
}

/* 'g': grant tables and live grant mappings. */
static void key_grants(void)
{
	log_info("'g' pressed -> dumping grant tables");
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (d) {
			log_info("d%u:", id);
			gnttab_dump(d);
		}
	}
}

static const struct keyhandler keys[] = {
	{ 'h', key_help, "this list" },
	{ 'q', key_domains, "domains and vCPUs (state, registers)" },
	{ 'r', key_sched, "scheduler: CPUs, run state, counters" },
	{ 't', key_trace, "each CPU's ring of recent events" },
	{ 'm', key_memory, "memory: free frames, frames per domain" },
	{ 'e', key_evtchn, "event channels of each domain" },
	{ 'g', key_grants, "grant tables and grant mappings" },
};

static void key_help(void)
{
	log_info("'h' pressed -> debug keys:");
	for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
		log_info("  '%c' %s", keys[i].key, keys[i].desc);
	log_info("  Ctrl-A three times: serial input back to dom0");
}

static void handle_key(char c)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++) {
		if (keys[i].key == c) {
			keys[i].fn();
			return;
		}
	}
	log_info("key %#x: no handler ('h' lists the keys)",
		 (unsigned int)(unsigned char)c);
}

/* Only the serial poll timer calls us, always on CPU0: no lock. */
static bool to_hypervisor;
static unsigned int switch_count;

/**
 * keyhandler_serial_rx() - route one byte of serial input
 * @c:   the byte
 * @out: the bytes that go to the domain that owns console input
 *
 * Return: how many bytes were written to @out (0-3).
 */
unsigned int keyhandler_serial_rx(char c, char out[3])
{
	unsigned int n = 0;

	if (c == KEYHANDLER_SWITCH_CHAR) {
		if (++switch_count == 3) {
			switch_count = 0;
			to_hypervisor = !to_hypervisor;
			log_info("*** Serial input to %s (type 'CTRL-a' three "
				 "times to switch input)",
				 to_hypervisor ? "the hypervisor" : "dom0");
		}
		return 0;
	}
	/* Not a switch after all: the Ctrl-As held back go where c goes. */
	for (; switch_count; switch_count--)
		if (!to_hypervisor)
			out[n++] = KEYHANDLER_SWITCH_CHAR;
	if (to_hypervisor) {
		handle_key(c);
		return 0;
	}
	out[n++] = c;
	return n;
}
