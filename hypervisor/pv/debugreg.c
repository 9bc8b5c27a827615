// SPDX-License-Identifier: GPL-2.0
/*
 * set_debugreg and get_debugreg (hypercalls 8 and 9): the guest's view of
 * DR0-DR3, DR6 and DR7.
 *
 * Linux reads and writes them when a CPU comes up and around #DB; it
 * uses hardware breakpoints only for ptrace/perf watchpoints.  We keep
 * the values per vCPU so that a read returns what was written, but we do
 * not load them into the CPU: a DR7 that enables a breakpoint is refused
 * with -EPERM (logged once per domain) instead of silently doing nothing.
 * DR4/DR5 are aliases the architecture deprecates; like Xen, -EINVAL.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/log.h>
#include <hv/pv.h>

#define DR7_DEFAULT	0x00000400UL
#define DR7_ENABLES	0xffUL		/* L0-L3, G0-G3 */

/* The value a vCPU reads before writing: the architectural reset. */
static unsigned long dr_value(const struct vcpu *v, unsigned int reg)
{
	if (reg == 6 && !v->pv.dr_written[6])
		return DR6_DEFAULT;
	if (reg == 7 && !v->pv.dr_written[7])
		return DR7_DEFAULT;
	return v->pv.dr[reg];
}

/**
 * do_set_debugreg() - write debug register @reg of the running vCPU
 * @reg:   0-3, 6 or 7
 * @value: for 0-3 a canonical address; for 7 no enabled breakpoint
 */
long do_set_debugreg(unsigned long reg, unsigned long value)
{
	struct vcpu *v = current_vcpu();

	switch (reg) {
	case 0: case 1: case 2: case 3:
		if ((u64)((s64)(value << 16) >> 16) != value)
			return -EINVAL;
		break;
	case 6:
		value |= DR6_DEFAULT & ~0x1e00fUL;
		break;
	case 7:
		if (value & DR7_ENABLES) {
			if (!v->domain->dr7_refusal_logged) {
				v->domain->dr7_refusal_logged = true;
				gprintk(LOG_WARN, v, "set_debugreg 7 = %#lx: "
					"hardware breakpoints are not "
					"supported: -EPERM", value);
			}
			return -EPERM;
		}
		value |= DR7_DEFAULT;
		break;
	default:
		return -EINVAL;
	}
	v->pv.dr[reg] = value;
	v->pv.dr_written[reg] = true;
	return 0;
}

/**
 * do_get_debugreg() - read debug register @reg of the running vCPU
 * @reg: 0-3, 6 or 7
 *
 * Returns the value (a debug register value is never a small negative
 * number, so it cannot be mistaken for an error), or -EINVAL.
 */
long do_get_debugreg(unsigned long reg)
{
	if (reg > 7 || reg == 4 || reg == 5)
		return -EINVAL;
	return (long)dr_value(current_vcpu(), reg);
}
