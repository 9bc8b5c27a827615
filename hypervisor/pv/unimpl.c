// SPDX-License-Identifier: GPL-2.0
/*
 * Sub-operations we do not implement.
 *
 * A guest probes: Linux tries the FIFO event ABI, platform_op firmware
 * queries, vCPU time areas and more, and copes with -ENOSYS for each
 * (contract §18).  Every such refusal is logged once per hypercall and
 * sub-op, so the boot log lists exactly what Veneer left out, without a
 * line per call.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/log.h>
#include <hv/spinlock.h>

#define MAX_CALL	64
#define MAX_SUB		128

static unsigned long logged[MAX_CALL][MAX_SUB / 64];
static spinlock_t logged_lock = SPINLOCK_INIT;

/**
 * pv_enosys_once() - refuse @sub of hypercall @nr, saying so the first time
 * @call: the hypercall's name, for the log
 * @nr:   its number
 * @sub:  the sub-op (any value; large ones share one log slot)
 *
 * Return: -ENOSYS.
 */
long pv_enosys_once(const char *call, unsigned int nr, unsigned long sub)
{
	unsigned int s = sub < MAX_SUB ? sub : MAX_SUB - 1;
	unsigned long flags, bit = 1UL << (s % 64);
	bool first;

	if (nr >= MAX_CALL)
		nr = MAX_CALL - 1;
	flags = spin_lock_irqsave(&logged_lock);
	first = !(logged[nr][s / 64] & bit);
	logged[nr][s / 64] |= bit;
	spin_unlock_irqrestore(&logged_lock, flags);
	if (first) {
		struct vcpu *v = current_vcpu();

		if (v)
			gprintk(LOG_WARN, v, "%s %lu: not implemented: -ENOSYS",
				call, sub);
	}
	return -ENOSYS;
}
