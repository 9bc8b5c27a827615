// SPDX-License-Identifier: GPL-2.0
/*
 * sched_op: the guest gives up the CPU (yield), sleeps until an event
 * (block) or until one of a few ports fires (poll, common/event_channel.c),
 * or ends (shutdown).
 *
 * Shutdown carries a reason (poweroff, reboot, crash, ...).  It is the
 * last thing a PV test kernel does, with poweroff for success and crash
 * for failure, so the reason must reach whoever watches the machine:
 * domain_shutdown() logs it and, for dom0, turns it into QEMU's exit
 * status.  SHUTDOWN_code only records the reason for a later shutdown.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>
#include <hv/sched.h>

#include <veneer/sched.h>

/**
 * do_sched_op() - SCHEDOP_*
 * @cmd: SCHEDOP_yield, _block, _shutdown, _shutdown_code
 * @arg: guest struct sched_shutdown for the shutdown commands
 */
long do_sched_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();
	struct sched_shutdown s;

	switch (cmd) {
	case SCHEDOP_yield:
		guest_regs()->rax = 0;
		vcpu_yield(v);
		return 0;
	case SCHEDOP_block:
		guest_regs()->rax = 0;
		/* No timer interrupt between "nothing pending" and sleeping,
		 * or its wake-up would be lost. */
		local_irq_disable();
		vcpu_block(v);
		/* Back here only if an event was pending, or inside a
		 * multicall (it sleeps at the next entry): handlers run
		 * with interrupts on. */
		local_irq_enable();
		return 0;
	case SCHEDOP_poll:
		guest_regs()->rax = 0;
		return evtchn_poll(v, arg);
	case SCHEDOP_shutdown:
	case SCHEDOP_shutdown_code:
		if (copy_from_guest(&s, arg, sizeof(s)))
			return -EFAULT;
		if (s.reason > SHUTDOWN_MAX)
			return -EINVAL;
		if (cmd == SCHEDOP_shutdown_code) {
			v->domain->shutdown_code = s.reason;
			return 0;
		}
		guest_regs()->rax = 0;
		domain_shutdown(v->domain, s.reason);
		return 0;
	}
	return -ENOSYS;
}
