/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ticket spinlocks.  A CPU takes a ticket and waits until the lock's
 * "serving" number reaches it, so waiters are served in order and none
 * starves.  The _irqsave variants also disable interrupts, for locks that
 * interrupt handlers take too (timer queues, allocator), and
 * spin_unlock_irqrestore() puts the interrupt flag back as it was, on or
 * off.  Never spin with interrupts off on a lock whose holder may be
 * waiting for this CPU to answer an IPI (a TLB flush): take such a lock
 * with interrupts on (SECURITY.md, invariant 8).
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <asm/processor.h>
#include <hv/types.h>

typedef struct {
	u32 next;
	u32 serving;
} spinlock_t;

#define SPINLOCK_INIT	{ 0, 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->serving = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	u32 t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != t)
		cpu_relax();
}

/* Take the lock if it is free right now; never waits. */
static inline bool spin_trylock(spinlock_t *l)
{
	u32 t = __atomic_load_n(&l->serving, __ATOMIC_RELAXED);
	u32 expect = t;

	return __atomic_compare_exchange_n(&l->next, &expect, t + 1, false,
					   __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->serving, l->serving + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return READ_ONCE(l->next) != READ_ONCE(l->serving);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long f = local_irq_save();

	spin_lock(l);
	return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
	spin_unlock(l);
	local_irq_restore(f);
}

#endif /* HV_SPINLOCK_H */
