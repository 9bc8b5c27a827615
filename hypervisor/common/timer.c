// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU software timers (see hv/timer.h).
 *
 * Each CPU's queue is a singly-linked list sorted by deadline, with
 * timers of equal deadline kept in the order they were set.  Insertion is
 * O(n), which is fine for the handful of timers per CPU a hypervisor has
 * (one per vCPU plus a few); the hardware one-shot is always programmed
 * for the head.  When a timer is set on another CPU and becomes that
 * CPU's earliest, that CPU is sent an IPI on the timer vector so it
 * reprograms its own hardware: a CPU only ever touches its own timer.
 *
 * Callbacks run in interrupt context with the queue unlocked, so they may
 * set timers, including their own.  migrate_timer() moves a timer to
 * another CPU (the scheduler moves a vCPU's one-shot timer with it).
 */
#include <hv/panic.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/timer.h>

/**
 * init_timer() - prepare a timer; it starts inactive
 * @t:    the timer
 * @fn:   callback
 * @data: its argument
 * @cpu:  the CPU whose queue it joins and where @fn runs
 */
void init_timer(struct timer *t, void (*fn)(void *), void *data,
		unsigned int cpu)
{
	t->expires = 0;
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
	t->active = false;
	t->next = NULL;
}

static void dequeue(struct timer_queue *q, struct timer *t)
{
	struct timer **pp;

	for (pp = &q->head; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->active = false;
}

/* Insert in deadline order; returns true if @t is the new head. */
static bool enqueue(struct timer_queue *q, struct timer *t)
{
	struct timer **pp = &q->head;

	while (*pp && (*pp)->expires <= t->expires)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->active = true;
	return q->head == t;
}

/**
 * set_timer() - (re)arm a timer
 * @t:       the timer
 * @expires: deadline in system time (ns); a past deadline fires at once
 */
void set_timer(struct timer *t, s_time_t expires)
{
	struct timer_queue *q = &percpu[t->cpu].timers;
	unsigned long flags = spin_lock_irqsave(&q->lock);
	bool head;

	if (t->active)
		dequeue(q, t);
	t->expires = expires;
	head = enqueue(q, t);
	spin_unlock_irqrestore(&q->lock, flags);

	if (!head)
		return;
	if (t->cpu == smp_processor_id())
		arch_timer_program(expires);
	else
		arch_send_timer_ipi(t->cpu);
}

/**
 * stop_timer() - disarm a timer; its callback will not run afterwards
 * @t: the timer (may be inactive)
 *
 * A callback already running on another CPU may still be finishing.
 */
void stop_timer(struct timer *t)
{
	struct timer_queue *q = &percpu[t->cpu].timers;
	unsigned long flags = spin_lock_irqsave(&q->lock);

	if (t->active)
		dequeue(q, t);
	spin_unlock_irqrestore(&q->lock, flags);
}

/**
 * migrate_timer() - move a timer to another CPU's queue, keeping its deadline
 * @t:   the timer (may be inactive); nobody may set it meanwhile
 * @cpu: its new CPU, where its callback will run from now on
 */
void migrate_timer(struct timer *t, unsigned int cpu)
{
	struct timer_queue *q = &percpu[t->cpu].timers;
	unsigned long flags;
	bool was_active;

	if (t->cpu == cpu)
		return;
	flags = spin_lock_irqsave(&q->lock);
	was_active = t->active;
	if (was_active)
		dequeue(q, t);
	t->cpu = cpu;
	spin_unlock_irqrestore(&q->lock, flags);
	if (was_active)
		set_timer(t, t->expires);
}

/**
 * timer_interrupt() - run this CPU's expired timers and rearm the hardware
 *
 * Called by the architecture's timer interrupt (and timer IPI) handler.
 */
void timer_interrupt(void)
{
	struct timer_queue *q = &this_cpu()->timers;
	unsigned long flags = spin_lock_irqsave(&q->lock);
	struct timer *t;

	while ((t = q->head) && t->expires <= NOW()) {
		q->head = t->next;
		t->next = NULL;
		t->active = false;
		q->fired++;
		/* Checked under the lock: migrate_timer() may move an
		 * inactive timer as soon as we let go. */
		ASSERT(t->cpu == smp_processor_id());
		spin_unlock_irqrestore(&q->lock, flags);
		trace_event(TRACE_TIMER, (u64)t->expires, (u64)t->fn);
		t->fn(t->data);
		flags = spin_lock_irqsave(&q->lock);
	}
	if (q->head)
		arch_timer_program(q->head->expires);
	spin_unlock_irqrestore(&q->lock, flags);
}
