// SPDX-License-Identifier: GPL-2.0
/*
 * vm_assist and fpu_taskswitch: two small switches a guest flips.
 *
 * vm_assist turns optional hypervisor behaviours on or off.  We record
 * the 64-bit ones Linux asks for (writable_pagetables, which this
 * hypervisor's PV MMU will emulate regardless; architectural_iopl;
 * runstate_update_flag; m2p_strict) and refuse the 32-bit-only ones.
 *
 * fpu_taskswitch sets or clears the vCPU's virtual CR0.TS: the next FPU
 * instruction then raises #NM in the guest, which clears it again
 * (pv/traps.c).  The hardware TS bit is the virtual one while the vCPU
 * runs.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/pv.h>

#include <asm/processor.h>

#define VMASST_VALID	((1UL << VMASST_TYPE_writable_pagetables) | \
			 (1UL << VMASST_TYPE_architectural_iopl) | \
			 (1UL << VMASST_TYPE_runstate_update_flag) | \
			 (1UL << VMASST_TYPE_m2p_strict))

/**
 * do_vm_assist() - enable or disable one assist
 * @cmd:  VMASST_CMD_enable or VMASST_CMD_disable
 * @type: VMASST_TYPE_*
 */
long do_vm_assist(unsigned long cmd, unsigned long type)
{
	struct domain *d = current_vcpu()->domain;

	if (type >= 64 || !(VMASST_VALID & (1UL << type)))
		return -EINVAL;
	if (cmd != VMASST_CMD_enable && cmd != VMASST_CMD_disable)
		return -ENOSYS;
	/* Assists belong to the domain: every vCPU gets the same set. */
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		if (cmd == VMASST_CMD_enable)
			v->pv.vm_assist |= 1UL << type;
		else
			v->pv.vm_assist &= ~(1UL << type);
	}
	return 0;
}

/**
 * do_fpu_taskswitch() - set (1) or clear (0) the virtual CR0.TS
 */
long do_fpu_taskswitch(unsigned long set)
{
	struct vcpu *v = current_vcpu();

	v->pv.ts = set != 0;
	if (v->pv.ts)
		write_cr0(read_cr0() | X86_CR0_TS);
	else
		write_cr0(read_cr0() & ~X86_CR0_TS);
	return 0;
}
