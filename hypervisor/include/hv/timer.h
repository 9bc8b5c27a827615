/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU software timers.  A timer belongs to one CPU and its callback
 * runs there, in interrupt context, once system time passes its deadline.
 * Each CPU keeps its pending timers in a list sorted by deadline and
 * programs its one hardware one-shot timer for the earliest.
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <hv/spinlock.h>
#include <hv/types.h>

struct timer {
	s_time_t expires;
	void (*fn)(void *data);
	void *data;
	unsigned int cpu;
	bool active;
	struct timer *next;
};

struct timer_queue {
	spinlock_t lock;
	struct timer *head;
	unsigned long fired;
};

void init_timer(struct timer *t, void (*fn)(void *), void *data,
		unsigned int cpu);
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);
void migrate_timer(struct timer *t, unsigned int cpu);
void timer_interrupt(void);

/* Provided by the architecture: fire the local one-shot at @deadline. */
void arch_timer_program(s_time_t deadline);
void arch_send_timer_ipi(unsigned int cpu);

#endif /* HV_TIMER_H */
