// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler: proportional share by credits, in the manner of Xen's
 * credit scheduler, kept small.
 *
 * What a domain gets.  Each domain has a weight (default 256) and may
 * have a cap (percent of one CPU; above 100 for a domain with several
 * vCPUs).  Every accounting period (30 ms) account() hands out the CPU
 * time since the last one (elapsed x online CPUs) to the domains that are
 * active (a vCPU that wants to run, or ran since the last period), in
 * proportion to their weights; a domain never gets more than its vCPUs
 * could use, nor more than its cap.  A domain's share is split evenly
 * among its active vCPUs, as credit in nanoseconds.  Running burns
 * credit at the rate of the clock (charge()).  A vCPU with credit left is
 * UNDER, one that used it up is OVER; credit is kept between -10 and +2
 * periods, so no vCPU can hoard time or sink so deep that it starves
 * later.  Weight is per domain: a domain with two busy vCPUs gets the
 * same share as one with one (unlike Xen's credit1, where it doubles).
 *
 * Caps.  A capped domain's CPU time is counted against its budget for
 * the period (cap% of the period); once it is spent the domain is
 * parked: none of its vCPUs is picked until an accounting period gives
 * it a new budget.  Time used beyond the budget (several vCPUs running at
 * once, or the tick coming late) is a debt paid from the next budget, so
 * over time the cap holds exactly.
 *
 * Where vCPUs run.  Every vCPU lives on one CPU's list (v->processor).
 * schedule() picks, from this CPU's list, the runnable vCPU of highest
 * priority (UNDER before OVER; parked ones not at all) and, among equals,
 * the one with the most credit (furthest behind its share), then the one
 * waiting longest (queued_seq).  It keeps the running vCPU while its time
 * slice lasts unless one of strictly higher priority waits.  Then it
 * looks at the vCPUs waiting on the other CPUs and steals one that is a
 * better choice than its own: anything when it would otherwise idle, one
 * of higher priority, or (unless its own vCPU is finishing its slice) one
 * of the same priority that is clearly further behind its share
 * (worth_stealing()).  That is the load balancing, and the only way a
 * vCPU changes CPU besides an affinity change.  Hard affinity
 * (sched_set_affinity()) is honoured by both.  The lists are short (a
 * few vCPUs per CPU), so a scan is the priority queue.
 *
 * A vCPU's state is on a CPU from the moment a CPU picks it until the
 * CPU it ran on has saved it in schedule(): is_running says so, and no
 * other CPU picks such a vCPU.  Each CPU only writes its own lists under
 * its lock and never holds two list locks at once.
 *
 * Preemption.  While a vCPU runs, a per-CPU tick timer fires at least
 * every 10 ms, at the end of the time slice (sched_timeslice_ms=, 30 ms
 * by default), and when a capped domain's budget runs out.  The tick
 * charges the running vCPU and sets need_resched; the way back to the
 * guest (pv_return_to_guest()) then calls schedule().  A vCPU that
 * becomes runnable (vcpu_wake()) kicks a CPU that should run it: its own
 * if that one idles or runs something of lower priority, else an idle CPU
 * its affinity allows, which will steal it.  Idle CPUs halt.
 *
 * Switching.  schedule() never returns: it saves the running vCPU's
 * register frame (the struct cpu_regs at the top of the CPU's stack, see
 * entry.S), switches the rest of the CPU state (arch_context_switch():
 * FPU, segment bases, CR3), then continues on a fresh stack just below
 * that frame, either returning to the next vCPU's frame with
 * enter_guest() or running the idle loop.  Nothing on the hypervisor
 * stack survives a switch, which is why a hypercall that blocks sets its
 * return value before calling here.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/options.h>
#include <hv/panic.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/timer.h>

#include <asm/processor.h>

#define PERIOD_NS	MILLISECS(30)	/* accounting period */
#define TICK_NS		MILLISECS(10)	/* longest time between charges */
#define MIN_TICK_NS	MICROSECS(50)	/* shortest timer we arm */
#define MAX_CHARGE_NS	(2 * TICK_NS)	/* see charge() */
#define CREDIT_MAX	(2 * PERIOD_NS)	/* no hoarding beyond this */
#define CREDIT_MIN	(-10 * PERIOD_NS) /* no debt beyond this */
#define STEAL_MARGIN	MILLISECS(1)	/* see worth_stealing() */

enum { PRIO_OVER, PRIO_UNDER };

struct sched_cpu {
	spinlock_t lock;		/* vcpus */
	struct list_head vcpus;		/* the vCPUs that live on this CPU */
	struct timer tick;		/* preemption and charging */
	s_time_t slice_end;		/* the running vCPU's slice */
	s_time_t idle_since;		/* when it last went idle */
	u64 idle_ns;			/* time idle, until idle_since */
};

static struct sched_cpu sched_cpus[MAX_CPUS];
static struct timer acct_timer;		/* on CPU0 */
static s_time_t last_acct;		/* when account() last ran */
static spinlock_t acct_lock;		/* account() against vCPU removal */
static u64 seq_counter;			/* source of queued_seq */

struct vcpu *current_vcpu(void)
{
	return this_cpu()->curr;
}

/* ---- small helpers ---- */

/* The list of a CPU's vCPUs; set up on first use.  Lock held. */
static struct list_head *vcpus_of(struct sched_cpu *sc)
{
	if (!sc->vcpus.next)
		list_init(&sc->vcpus);
	return &sc->vcpus;
}

#define for_each_vcpu_on(v, sc)						\
	for (struct list_head *_l = vcpus_of(sc)->next;			\
	     _l != &(sc)->vcpus &&					\
	     ((v) = list_entry(_l, struct vcpu, sched.home), 1);	\
	     _l = _l->next)

static u64 next_seq(void)
{
	return __atomic_add_fetch(&seq_counter, 1, __ATOMIC_RELAXED);
}

static s64 timeslice_ns(void)
{
	return MILLISECS(opt_sched_timeslice_ms);
}

static u64 cap_budget(const struct domain *d)
{
	return (u64)d->sched.cap * PERIOD_NS / 100;
}

static int prio(const struct vcpu *v)
{
	return READ_ONCE(v->sched.credit) > 0 ? PRIO_UNDER : PRIO_OVER;
}

static bool allowed_on(const struct vcpu *v, unsigned int cpu)
{
	u64 mask = READ_ONCE(v->sched.affinity);

	return !mask || (cpu < 64 && (mask & (1ULL << cpu)));
}

/* May @v be picked to run on @cpu now? */
static bool can_run_on(const struct vcpu *v, unsigned int cpu)
{
	return vcpu_runnable(v) && !READ_ONCE(v->domain->sched.parked) &&
	       allowed_on(v, cpu);
}

/*
 * Does @a go before @b?  Priority first; then a vCPU whose slice is not
 * over (@front) before, and one that yielded (@back) after, its equals;
 * then the one with more credit, which is the one furthest behind its
 * share; then the one waiting longest.
 */
static bool ranks_before(const struct vcpu *a, const struct vcpu *b,
			 const struct vcpu *front, const struct vcpu *back)
{
	int pa = prio(a), pb = prio(b);

	if (pa != pb)
		return pa > pb;
	if (a == front || b == front)
		return a == front;
	if (a == back || b == back)
		return b == back;
	if (a->sched.credit != b->sched.credit)
		return a->sched.credit > b->sched.credit;
	return a->sched.queued_seq < b->sched.queued_seq;
}

static void release(struct vcpu *v)
{
	__atomic_store_n(&v->sched.is_running, false, __ATOMIC_RELEASE);
}

/* Does this CPU want to reschedule (a long hypercall then makes way)? */
bool sched_need_resched(void)
{
	return READ_ONCE(this_cpu()->need_resched);
}

/*
 * The running vCPU sleeps or makes way: now, or, inside a multicall, at
 * its next entry.  There the multicall sees need_resched and leaves a
 * continuation, so the entries after a block, poll or yield run once the
 * vCPU runs again, as on Xen; schedule() here would drop them (it never
 * returns).  The vCPU's state (blocked, runnable, yield) is already set,
 * so a wake-up in between is not lost: it makes the vCPU runnable again.
 */
void sched_make_way(void)
{
	if (hypercall_in_multicall()) {
		WRITE_ONCE(this_cpu()->need_resched, true);
		return;
	}
	schedule();
}

/* Make @cpu run schedule() soon. */
static void kick(unsigned int cpu)
{
	WRITE_ONCE(percpu[cpu].need_resched, true);
	if (cpu != smp_processor_id())
		arch_send_call_ipi(cpu);
}

/*
 * @v waits to run: kick its own CPU if that one idles or runs something
 * of lower priority, else an idle CPU (then a lower-priority one) that
 * its affinity allows; that CPU will steal it.
 */
static void tickle(struct vcpu *v)
{
	unsigned int home = READ_ONCE(v->processor);
	int p = prio(v);

	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < nr_cpus; i++) {
			unsigned int cpu = (home + i) % nr_cpus;
			struct vcpu *c = READ_ONCE(percpu[cpu].curr);

			if (!percpu[cpu].online || !allowed_on(v, cpu))
				continue;
			if (!c || (pass == 1 && prio(c) < p)) {
				kick(cpu);
				return;
			}
		}
	}
}

/* ---- credit ---- */

/*
 * Charge @v for the time since it was last charged.  The tick comes at
 * least every TICK_NS while a vCPU runs, so a longer gap means the CPU
 * itself was stopped (an emulator's host thread descheduled, a debugger):
 * time @v did not run, which is not charged beyond MAX_CHARGE_NS.
 */
static void charge(struct vcpu *v, s_time_t now)
{
	struct domain *d = v->domain;
	s64 delta = now - v->sched.last_start;

	if (delta <= 0)
		return;
	if (delta > MAX_CHARGE_NS)
		delta = MAX_CHARGE_NS;
	v->sched.last_start = now;
	v->sched.run_ns += delta;
	__atomic_fetch_sub(&v->sched.credit, delta, __ATOMIC_RELAXED);
	if (d->sched.cap &&
	    __atomic_add_fetch(&d->sched.cap_used_ns, delta,
			       __ATOMIC_RELAXED) >= cap_budget(d))
		WRITE_ONCE(d->sched.parked, true);
}

static void add_credit(struct vcpu *v, s64 add)
{
	s64 old = READ_ONCE(v->sched.credit), new;

	do {
		new = old + add;
		if (new > CREDIT_MAX)
			new = CREDIT_MAX;
		if (new < CREDIT_MIN)
			new = CREDIT_MIN;
	} while (!__atomic_compare_exchange_n(&v->sched.credit, &old, new,
					      false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}

/*
 * A new period's cap budget (cap% of @elapsed): pay the debt, unpark if
 * what is left is less than one period's budget.
 */
static bool refill_cap(struct domain *d, u64 elapsed)
{
	u64 budget = cap_budget(d), refill = d->sched.cap * elapsed / 100;
	u64 old = READ_ONCE(d->sched.cap_used_ns), new;
	bool was_parked = READ_ONCE(d->sched.parked);

	do {
		new = old > refill ? old - refill : 0;
	} while (!__atomic_compare_exchange_n(&d->sched.cap_used_ns, &old,
					      new, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	WRITE_ONCE(d->sched.parked, new >= budget);
	return was_parked && new < budget;
}

/* Is @v active for accounting: it wants to run, or it ran lately? */
static bool active(struct vcpu *v)
{
	bool ran = v->sched.run_ns != v->sched.acct_run_ns;

	v->sched.acct_run_ns = v->sched.run_ns;
	return ran || vcpu_runnable(v);
}

/*
 * The accounting period (timer on CPU0): hand out the CPU time since the
 * last one as credit, by weight, to the active domains; renew cap
 * budgets.  What is handed out is the time that really passed, not a
 * nominal period, so that credit given and credit burnt stay equal when
 * the timer comes late.
 */
static void account(void *unused)
{
	s_time_t now = NOW();
	u64 elapsed = now > last_acct ? now - last_acct : 0, weight_sum = 0;
	unsigned int nr_active[MAX_DOMAINS] = { 0 };
	bool waiting = false;
	u64 total;

	/* CPU0 stopped (see charge()): hand out no more than was charged. */
	if (elapsed > 2 * PERIOD_NS)
		elapsed = 2 * PERIOD_NS;
	last_acct = now;
	total = elapsed * nr_cpus_online;
	spin_lock(&acct_lock);
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = READ_ONCE(domain_list[id]);

		if (!d || d->is_dying)
			continue;
		if (d->sched.cap && refill_cap(d, elapsed))
			waiting = true;
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];

			if (!v)
				continue;
			v->sched.acct_active = active(v);
			if (v->sched.acct_active)
				nr_active[id]++;
			if (vcpu_runnable(v) && !READ_ONCE(v->sched.is_running))
				waiting = true;
		}
		if (nr_active[id])
			weight_sum += d->sched.weight;
	}
	for (unsigned int id = 0; id < MAX_DOMAINS && weight_sum; id++) {
		struct domain *d = READ_ONCE(domain_list[id]);
		u64 share;

		if (!d || d->is_dying || !nr_active[id])
			continue;
		share = total * d->sched.weight / weight_sum;
		if (share > elapsed * nr_active[id])
			share = elapsed * nr_active[id];
		if (d->sched.cap && share > d->sched.cap * elapsed / 100)
			share = d->sched.cap * elapsed / 100;
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];

			if (v && v->sched.acct_active)
				add_credit(v, share / nr_active[id]);
		}
	}
	spin_unlock(&acct_lock);

	/* Something waits (or was unparked): idle CPUs look again. */
	if (waiting)
		for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
			if (percpu[cpu].online && !READ_ONCE(percpu[cpu].curr))
				kick(cpu);
	set_timer(&acct_timer, now + PERIOD_NS);
}

/* The per-CPU tick: charge the running vCPU and let schedule() judge. */
static void tick(void *unused)
{
	struct percpu *p = this_cpu();

	if (p->curr)
		charge(p->curr, NOW());
	p->need_resched = true;
}

static void arm_tick(struct sched_cpu *sc, struct vcpu *v, s_time_t now)
{
	struct domain *d = v->domain;
	s_time_t when = now + TICK_NS;

	if (sc->slice_end < when)
		when = sc->slice_end;
	if (d->sched.cap) {
		s64 left = (s64)cap_budget(d) -
			   (s64)READ_ONCE(d->sched.cap_used_ns);

		if (now + left < when)
			when = now + left;
	}
	if (when < now + MIN_TICK_NS)
		when = now + MIN_TICK_NS;
	set_timer(&sc->tick, when);
}

/* ---- picking ---- */

/*
 * @v, claimed by this CPU (is_running set by us), moves from @from's list
 * to @to's; its one-shot timer follows it.
 */
static void move_vcpu(struct vcpu *v, unsigned int from, unsigned int to)
{
	struct sched_cpu *src = &sched_cpus[from], *dst = &sched_cpus[to];
	unsigned long flags;

	flags = spin_lock_irqsave(&src->lock);
	list_del(&v->sched.home);
	spin_unlock_irqrestore(&src->lock, flags);
	flags = spin_lock_irqsave(&dst->lock);
	list_add_tail(&v->sched.home, vcpus_of(dst));
	WRITE_ONCE(v->processor, to);
	spin_unlock_irqrestore(&dst->lock, flags);
	v->sched.nr_migrations++;
	pv_time_migrate(v);
}

/*
 * The best vCPU on @cpu's list to run there, claimed; lock not held.
 * @prev keeps its slice (@keep_prev), or yielded (@yielded), or neither.
 */
static struct vcpu *pick_local(unsigned int cpu, struct vcpu *prev,
			       bool keep_prev, bool yielded)
{
	struct sched_cpu *sc = &sched_cpus[cpu];
	struct vcpu *v, *best = NULL, *front = keep_prev ? prev : NULL;
	struct vcpu *back = yielded ? prev : NULL;

	spin_lock(&sc->lock);
	for_each_vcpu_on(v, sc) {
		if (v != prev && READ_ONCE(v->sched.is_running))
			continue;
		if (!can_run_on(v, cpu))
			continue;
		if (!best || ranks_before(v, best, front, back))
			best = v;
	}
	if (best)
		WRITE_ONCE(best->sched.is_running, true);
	spin_unlock(&sc->lock);
	return best;
}

/*
 * Is @c, waiting on another CPU, worth taking instead of @than?  Always
 * when this CPU would idle; when it is of higher priority; and, unless
 * @than is finishing its time slice, when it is of the same priority and
 * further behind its share by more than STEAL_MARGIN (which keeps two
 * nearly equal vCPUs from being swapped back and forth).
 */
static bool worth_stealing(const struct vcpu *c, const struct vcpu *than,
			   bool than_keeps_slice)
{
	if (!than)
		return true;
	if (prio(c) != prio(than))
		return prio(c) > prio(than);
	return !than_keeps_slice &&
	       READ_ONCE(c->sched.credit) >
	       READ_ONCE(than->sched.credit) + STEAL_MARGIN;
}

/* A vCPU from another CPU better than @than (see above), claimed. */
static struct vcpu *steal(unsigned int cpu, const struct vcpu *than,
			  bool than_keeps_slice)
{
	for (unsigned int i = 1; i < nr_cpus; i++) {
		unsigned int peer = (cpu + i) % nr_cpus;
		struct sched_cpu *sc = &sched_cpus[peer];
		struct vcpu *v, *best = NULL;

		if (!percpu[peer].online)
			continue;
		spin_lock(&sc->lock);
		for_each_vcpu_on(v, sc) {
			if (READ_ONCE(v->sched.is_running) ||
			    !can_run_on(v, cpu) ||
			    !worth_stealing(v, than, than_keeps_slice))
				continue;
			if (!best || ranks_before(v, best, NULL, NULL))
				best = v;
		}
		if (best)
			WRITE_ONCE(best->sched.is_running, true);
		spin_unlock(&sc->lock);
		if (best) {
			move_vcpu(best, peer, cpu);
			return best;
		}
	}
	return NULL;
}

static struct vcpu *pick_next(unsigned int cpu, struct vcpu *prev,
			      bool keep_prev, bool yielded)
{
	struct vcpu *best = pick_local(cpu, prev, keep_prev, yielded);
	struct vcpu *stolen;

	stolen = steal(cpu, best, keep_prev && best == prev);
	if (!stolen)
		return best;
	if (best && best != prev)
		release(best);
	return stolen;
}

/* ---- switching ---- */

static void __noreturn idle(void)
{
	for (;;) {
		/* Deferred work (a dying domain's teardown) before a halt:
		 * one bounded step at a time, while nothing else waits. */
		while (!READ_ONCE(this_cpu()->need_resched) &&
		       domain_teardown_work())
			;
		local_irq_disable();
		if (this_cpu()->need_resched)
			schedule();
		safe_halt();
	}
}

static void __noreturn resume_guest(void)
{
	struct cpu_regs *frame = guest_regs();

	pv_return_to_guest(frame);
	enter_guest(frame);
}

/* The first CPU @v's affinity allows, online. */
static unsigned int first_allowed(const struct vcpu *v)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (percpu[cpu].online && allowed_on(v, cpu))
			return cpu;
	return v->processor;
}

/**
 * schedule() - run the best vCPU for this CPU, or idle
 *
 * Called when the running vCPU stops (block, poll, shutdown), gives way
 * (yield), on the way back to the guest when need_resched is set (tick,
 * wake-up of a better vCPU), and by the idle loop when kicked.
 */
void schedule(void)
{
	struct percpu *p = this_cpu();
	unsigned int cpu = p->cpu;
	struct sched_cpu *sc = &sched_cpus[cpu];
	struct vcpu *prev = p->curr, *next;
	struct cpu_regs *frame = guest_regs();
	bool keep_prev = false, yielded = false;
	s_time_t now;

	local_irq_disable();
	/* Cleared before looking, so a wake-up after the look kicks again
	 * (the list lock orders the two). */
	p->need_resched = false;
	now = NOW();
	if (prev) {
		charge(prev, now);
		yielded = prev->sched.yield;
		keep_prev = now < sc->slice_end && !yielded;
		prev->sched.yield = false;
		if (!keep_prev || !vcpu_runnable(prev))
			prev->sched.queued_seq = next_seq();
	}
	next = pick_next(cpu, prev, keep_prev, yielded);

	if (next != prev) {
		if (prev)
			prev->regs = *frame;
		else
			sc->idle_ns += now - sc->idle_since;
		if (!next)
			sc->idle_since = now;
		if (next) {
			next->sched.nr_runs++;
			next->sched.last_start = now;
			if (!next->sched.first_start)
				next->sched.first_start = now;
		}
		arch_context_switch(prev, next);
		pv_runstate_switch(prev, next, now);
		p->curr = next;
		if (next)
			*frame = next->regs;
		if (prev) {
			/* Looked at before release(): a vCPU that cannot
			 * run may be freed as soon as it is released. */
			bool waits = vcpu_runnable(prev);

			if (!allowed_on(prev, cpu))
				move_vcpu(prev, cpu, first_allowed(prev));
			release(prev);
			if (waits)
				tickle(prev);
		}
	}
	if (!next) {
		stop_timer(&sc->tick);
		reset_stack_and_call((unsigned long)frame - 16, idle);
	}
	if (next != prev || !keep_prev)
		sc->slice_end = now + timeslice_ns();
	arm_tick(sc, next, now);
	/* A fresh stack: a reschedule on the way out starts over there. */
	reset_stack_and_call((unsigned long)frame - 16, resume_guest);
}

/**
 * sched_start() - this CPU leaves bring-up and starts scheduling
 *
 * Every CPU calls it once; the boot CPU (after building dom0) also
 * starts the accounting period.
 */
void sched_start(void)
{
	unsigned int cpu = smp_processor_id();

	init_timer(&sched_cpus[cpu].tick, tick, NULL, cpu);
	sched_cpus[cpu].idle_since = NOW();
	if (cpu == 0) {
		/* The others idle since bring-up: the domains built since
		 * may have vCPUs for them. */
		for (unsigned int i = 1; i < nr_cpus; i++)
			if (percpu[i].online)
				kick(i);
		init_timer(&acct_timer, account, NULL, 0);
		last_acct = NOW();
		set_timer(&acct_timer, last_acct + PERIOD_NS);
		log_info("sched: credit scheduler, timeslice %u ms, "
			 "accounting period %lu ms", opt_sched_timeslice_ms,
			 (unsigned long)(PERIOD_NS / 1000000));
	}
	this_cpu()->curr = NULL;
	schedule();
}

/* ---- the API the rest of the hypervisor uses ---- */

/**
 * sched_add_vcpu() - a new vCPU joins its CPU's list
 * @v: the vCPU; it runs once vcpu_runnable() says so
 */
void sched_add_vcpu(struct vcpu *v)
{
	struct sched_cpu *sc = &sched_cpus[v->processor];
	unsigned long flags = spin_lock_irqsave(&sc->lock);

	v->sched.queued_seq = next_seq();
	list_add_tail(&v->sched.home, vcpus_of(sc));
	spin_unlock_irqrestore(&sc->lock, flags);
}

/**
 * sched_remove_vcpu() - a vCPU that is going away leaves the scheduler
 * @v: the vCPU, no longer runnable and off every CPU (vcpu_sleep_sync())
 *
 * Its domain must be out of domain_list already: after this returns,
 * account() no longer looks at @v.
 */
void sched_remove_vcpu(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&acct_lock);
	struct sched_cpu *sc = &sched_cpus[v->processor];

	ASSERT(!v->sched.is_running);
	spin_lock(&sc->lock);
	list_del(&v->sched.home);
	spin_unlock(&sc->lock);
	spin_unlock_irqrestore(&acct_lock, flags);
}

/**
 * vcpu_wake() - something that kept @v off the CPU has changed: look again
 * @v: the vCPU
 *
 * An event for a blocked (or polling) vCPU ends the block; VCPUOP_up
 * clears down and calls this.  @v becomes runnable unless it is down or
 * its domain is dying.  Callable from interrupt context.
 */
void vcpu_wake(struct vcpu *v)
{
	WRITE_ONCE(v->blocked, false);
	if (READ_ONCE(v->down) || READ_ONCE(v->domain->is_dying))
		return;
	WRITE_ONCE(v->runnable, true);
	if (READ_ONCE(v->sched.is_running)) {
		/* Still on (or leaving) its CPU: that CPU looks again. */
		kick(READ_ONCE(v->processor));
		return;
	}
	v->sched.queued_seq = next_seq();
	tickle(v);
}

/**
 * vcpu_sleep() - @v must stop running soon (VCPUOP_down, pause, destroy)
 * @v: the vCPU; the caller has set the flag that keeps it off the CPUs
 *      (down, is_dying); runnable is cleared here too
 *
 * If @v is on a CPU, that CPU reschedules on its next way back to the
 * guest (an IPI makes that immediate for another CPU).
 */
void vcpu_sleep(struct vcpu *v)
{
	WRITE_ONCE(v->runnable, false);
	if (READ_ONCE(v->sched.is_running))
		kick(READ_ONCE(v->processor));
}

/**
 * vcpu_sleep_sync() - vcpu_sleep(), then wait until @v's state is saved
 * @v: a vCPU of another domain, or of this one running elsewhere
 *
 * Afterwards no CPU runs @v or will pick it while it stays unrunnable.
 */
void vcpu_sleep_sync(struct vcpu *v)
{
	unsigned int cpu;
	unsigned long flags;

	ASSERT(v != current_vcpu());
	ASSERT(!vcpu_runnable(v));
	/* A CPU that looked at @v before it became unrunnable may be about
	 * to claim it: that happens under its list's lock, so wait for the
	 * lock once. */
	do {
		cpu = READ_ONCE(v->processor);
		flags = spin_lock_irqsave(&sched_cpus[cpu].lock);
		spin_unlock_irqrestore(&sched_cpus[cpu].lock, flags);
	} while (cpu != READ_ONCE(v->processor));
	vcpu_sleep(v);
	while (__atomic_load_n(&v->sched.is_running, __ATOMIC_ACQUIRE))
		cpu_relax();
}

/**
 * vcpu_stop_sync() - wait until @v, kept off the CPUs by its domain's
 *                    state (a toolstack pause, a shutdown), is off them
 * @v: a vCPU of another domain than the caller's
 *
 * Unlike vcpu_sleep_sync(), v->runnable (it has a context) is left as it
 * is, so the vCPU runs again when what keeps it off goes.  Returns early
 * if it becomes runnable again meanwhile (an unpause on another CPU).
 */
void vcpu_stop_sync(struct vcpu *v)
{
	unsigned int cpu;
	unsigned long flags;

	ASSERT(v != current_vcpu());
	do {
		cpu = READ_ONCE(v->processor);
		flags = spin_lock_irqsave(&sched_cpus[cpu].lock);
		spin_unlock_irqrestore(&sched_cpus[cpu].lock, flags);
	} while (cpu != READ_ONCE(v->processor));
	if (READ_ONCE(v->sched.is_running))
		kick(READ_ONCE(v->processor));
	while (__atomic_load_n(&v->sched.is_running, __ATOMIC_ACQUIRE) &&
	       !vcpu_runnable(v))
		cpu_relax();
}

/**
 * vcpu_kick() - what kept @v off the CPUs (a toolstack pause) is gone
 * @v: the vCPU; nothing about it changes, but if it may run now a CPU
 *     looks for it (unlike vcpu_wake(), a block stays a block)
 */
void vcpu_kick(struct vcpu *v)
{
	if (!vcpu_runnable(v))
		return;
	if (READ_ONCE(v->sched.is_running)) {
		kick(READ_ONCE(v->processor));
		return;
	}
	v->sched.queued_seq = next_seq();
	tickle(v);
}

/**
 * vcpu_block() - SCHEDOP_block: sleep until an event is pending
 * @v: the running vCPU; its hypercall result must already be set
 *
 * Blocking enables event delivery, as in Xen, so that the event that
 * wakes the vCPU is delivered at once.
 */
void vcpu_block(struct vcpu *v)
{
	v->vcpu_info->evtchn_upcall_mask = 0;
	/* Say we sleep before looking for events: a waker on another CPU
	 * sets the event first and then looks at v->blocked (kick_vcpu()),
	 * so one of us sees the other. */
	v->blocked = true;
	v->runnable = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(v->vcpu_info->evtchn_upcall_pending)) {
		v->blocked = false;
		v->runnable = true;
		return;
	}
	v->sched.nr_blocks++;
	sched_make_way();
}

/**
 * vcpu_yield() - SCHEDOP_yield: let another vCPU run if one waits
 * @v: the running vCPU; its hypercall result must already be set
 */
void vcpu_yield(struct vcpu *v)
{
	v->sched.yield = true;
	sched_make_way();
}

/**
 * sched_set_params() - a domain's weight and cap
 * @d:      the domain
 * @weight: its share relative to other domains, 1..65535
 * @cap:    the most CPU it may use, in percent of one CPU; 0 for none.
 *          Above 100 makes sense for a domain with several vCPUs; at
 *          most 100 per vCPU the domain may have.
 *
 * Takes effect at the next accounting period.
 * Return: 0, or -EINVAL for a value out of range.
 */
int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap)
{
	if (weight < 1 || weight > 65535 || cap > 100 * MAX_VIRT_CPUS)
		return -EINVAL;
	d->sched.weight = weight;
	d->sched.cap = cap;
	if (!cap)
		WRITE_ONCE(d->sched.parked, false);
	return 0;
}

/**
 * sched_set_affinity() - the CPUs a vCPU may run on
 * @v:       the vCPU
 * @cpumask: bit n for CPU n; must include an online CPU
 *
 * A vCPU waiting on a CPU it may no longer use moves at once; a running
 * one moves when it next stops.
 *
 * Return: 0, or -EINVAL for a mask without an online CPU.
 */
int sched_set_affinity(struct vcpu *v, u64 cpumask)
{
	unsigned int from = v->processor, cpu;
	struct sched_cpu *sc = &sched_cpus[from];
	unsigned long flags;
	bool claimed = false;

	for (cpu = 0; cpu < nr_cpus && cpu < 64; cpu++)
		if ((cpumask & (1ULL << cpu)) && percpu[cpu].online)
			break;
	if (cpu == nr_cpus || cpu == 64)
		return -EINVAL;
	WRITE_ONCE(v->sched.affinity, cpumask);
	if (allowed_on(v, from))
		return 0;
	flags = spin_lock_irqsave(&sc->lock);
	if (!v->sched.is_running && v->processor == from) {
		WRITE_ONCE(v->sched.is_running, true);
		claimed = true;
	}
	spin_unlock_irqrestore(&sc->lock, flags);
	if (!claimed) {
		/* On a CPU now: that CPU reschedules on its way back to the
		 * guest, and schedule() moves it.  Not vcpu_sleep(), which
		 * would take its context away for good. */
		kick(READ_ONCE(v->processor));
		return 0;
	}
	move_vcpu(v, from, cpu);
	release(v);
	if (vcpu_runnable(v))
		tickle(v);
	return 0;
}

/* ---- counters ---- */

/* CPU time used by @v until @now, counting a run in progress. */
static u64 run_ns_until(const struct vcpu *v, s_time_t now)
{
	u64 ns = v->sched.run_ns;

	if (READ_ONCE(percpu[v->processor].curr) == v &&
	    now > v->sched.last_start)
		ns += now - v->sched.last_start;
	return ns;
}

/**
 * vcpu_run_ns() - the CPU time @v has used, counting a run in progress
 * @v: the vCPU
 */
u64 vcpu_run_ns(const struct vcpu *v)
{
	return run_ns_until(v, NOW());
}

/**
 * vcpu_is_on_cpu() - is @v the vCPU some CPU runs now?
 * @v: the vCPU
 */
bool vcpu_is_on_cpu(const struct vcpu *v)
{
	return READ_ONCE(percpu[READ_ONCE(v->processor)].curr) == v;
}

static const char *vcpu_state(const struct vcpu *v)
{
	if (v->down)
		return "down";
	if (v->blocked)
		return "blocked";
	if (v->domain->is_dying || v->domain->is_shutdown ||
	    v->domain->pause_count || !v->runnable)
		return "paused";
	if (READ_ONCE(percpu[v->processor].curr) == v)
		return "running";
	return "runnable";
}

/* Hypercalls @v made, all numbers together. */
static u64 hypercalls_made(const struct vcpu *v)
{
	u64 n = 0;

	for (unsigned int i = 0; i < NR_HYPERCALL_COUNTERS; i++)
		n += v->stats.hypercalls[i];
	return n;
}

/**
 * sched_dump() - every CPU's vCPUs and every domain's shares and counters
 *
 * For the debug keys; log lines at info level.
 */
void sched_dump(void)
{
	s_time_t now = NOW();

	log_info("sched: timeslice %u ms, period %lu ms, now %lu ms",
		 opt_sched_timeslice_ms, (unsigned long)(PERIOD_NS / 1000000),
		 (unsigned long)(now / 1000000));
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct vcpu *c = READ_ONCE(percpu[cpu].curr);

		if (c)
			log_info("CPU%u: running d%uv%u", cpu, c->domain->id,
				 c->id);
		else
			log_info("CPU%u: idle", cpu);
	}
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);

		if (!d)
			continue;
		log_info("d%u: weight %u cap %u%s%s", d->id, d->sched.weight,
			 d->sched.cap, d->sched.parked ? " parked" : "",
			 d->is_dying ? " dying" : "");
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];

			if (!v)
				continue;
			log_info("  d%uv%u: CPU%u %s, ran %lu ms in %lu runs, "
				 "blocked %lu times, %lu hypercalls, credit "
				 "%ld us, moved %lu times", d->id, v->id,
				 v->processor, vcpu_state(v),
				 (unsigned long)(run_ns_until(v, now) / 1000000),
				 (unsigned long)v->sched.nr_runs,
				 (unsigned long)v->sched.nr_blocks,
				 (unsigned long)hypercalls_made(v),
				 (long)(v->sched.credit / 1000),
				 (unsigned long)v->sched.nr_migrations);
		}
	}
}

/* "sched: d1v0 hypercalls 17:3 29:120" (numbers with a count only). */
static void report_hypercalls(const struct vcpu *v)
{
	char line[256];
	unsigned int len = 0;

	for (unsigned int n = 0; n < NR_HYPERCALL_COUNTERS; n++) {
		if (!v->stats.hypercalls[n])
			continue;
		if (len > sizeof(line) - 32) {
			printk("sched: d%uv%u hypercalls%s\n", v->domain->id,
			       v->id, line);
			len = 0;
		}
		len += snprintf(line + len, sizeof(line) - len, " %u:%lu", n,
				(unsigned long)v->stats.hypercalls[n]);
	}
	if (len)
		printk("sched: d%uv%u hypercalls%s\n", v->domain->id, v->id,
		       line);
}

/**
 * sched_report() - the counters, one parseable line per domain and vCPU
 *
 * Printed when dom0 shuts down, before the machine exits, for tests and
 * for anyone reading the log:
 *
 *   sched: report now_ms 41234 cpus 2 timeslice_ms 30
 *   sched: cpu0 idle_ms 1020
 *   sched: d1 weight 256 cap 0 vcpus 1 run_ms 20123
 *   sched: d1v0 weight 256 cap 0 run_ms 20123 runs 812 blocks 0
 *          migrations 3 first_ms 512 hypercalls 40   (one line)
 *   sched: d1v0 hypercalls 17:3 29:37
 */
void sched_report(void)
{
	s_time_t now = NOW();

	printk("sched: report now_ms %lu cpus %u timeslice_ms %u\n",
	       (unsigned long)(now / 1000000), nr_cpus_online,
	       opt_sched_timeslice_ms);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		struct sched_cpu *sc = &sched_cpus[cpu];
		u64 idle = sc->idle_ns;

		if (!percpu[cpu].online)
			continue;
		if (!READ_ONCE(percpu[cpu].curr))
			idle += now - sc->idle_since;
		printk("sched: cpu%u idle_ms %lu\n", cpu,
		       (unsigned long)(idle / 1000000));
	}
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id(id);
		u64 run_ns = 0;

		if (!d)
			continue;
		for (unsigned int i = 0; i < d->max_vcpus; i++)
			if (d->vcpu[i])
				run_ns += run_ns_until(d->vcpu[i], now);
		printk("sched: d%u weight %u cap %u vcpus %u run_ms %lu\n",
		       d->id, d->sched.weight, d->sched.cap, d->max_vcpus,
		       (unsigned long)(run_ns / 1000000));
		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];

			if (!v)
				continue;
			printk("sched: d%uv%u weight %u cap %u run_ms %lu "
			       "runs %lu blocks %lu migrations %lu first_ms "
			       "%lu hypercalls %lu\n", d->id, v->id,
			       d->sched.weight, d->sched.cap,
			       (unsigned long)(run_ns_until(v, now) / 1000000),
			       (unsigned long)v->sched.nr_runs,
			       (unsigned long)v->sched.nr_blocks,
			       (unsigned long)v->sched.nr_migrations,
			       (unsigned long)(v->sched.first_start / 1000000),
			       (unsigned long)hypercalls_made(v));
			report_hypercalls(v);
		}
	}
}
