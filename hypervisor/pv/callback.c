// SPDX-License-Identifier: GPL-2.0
/*
 * Where the guest wants to be entered: trap table, callbacks, kernel
 * stack (set_trap_table, set_callbacks, callback_op, stack_switch).
 *
 * These only record addresses; pv/traps.c uses them when it bounces.
 * Every address is checked to be a canonical guest address outside the
 * hypervisor's slots: we will put it in rip and iretq to it, and a
 * non-canonical rip would make our iretq fault.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/pv.h>

#include <veneer/callback.h>

bool pv_guest_code_address_ok(unsigned long a)
{
	return guest_range_ok(a, 1);
}

/**
 * do_set_trap_table() - install trap-table entries
 * @table: guest array of struct trap_info ending with address 0, or 0 to
 *         clear the whole table
 */
long do_set_trap_table(unsigned long table)
{
	struct vcpu *v = current_vcpu();
	struct trap_info t;

	if (!table) {
		memset(v->pv.trap_ctxt, 0, sizeof(v->pv.trap_ctxt));
		return 0;
	}
	for (unsigned int i = 0; i < 256 * 4; i++) {
		if (copy_from_guest(&t, table + i * sizeof(t), sizeof(t)))
			return -EFAULT;
		if (!t.address)
			return 0;
		if (!pv_guest_code_address_ok(t.address))
			return -EINVAL;
		v->pv.trap_ctxt[t.vector] = t;
	}
	return -E2BIG;
}

long pv_register_callback(struct vcpu *v, unsigned int type,
			  unsigned int flags, unsigned long address)
{
	bool mask = flags & CALLBACKF_mask_events;

	if (address && !pv_guest_code_address_ok(address))
		return -EINVAL;
	switch (type) {
	case CALLBACKTYPE_event:
		v->pv.event_callback = address;
		return 0;
	case CALLBACKTYPE_failsafe:
		v->pv.failsafe_callback = address;
		v->pv.failsafe_mask_events = mask;
		return 0;
	case CALLBACKTYPE_syscall:
		v->pv.syscall_callback = address;
		v->pv.syscall_mask_events = mask;
		return 0;
	case CALLBACKTYPE_syscall32:
		v->pv.syscall32_callback = address;
		v->pv.syscall32_mask_events = mask;
		return 0;
	case CALLBACKTYPE_sysenter:
	case CALLBACKTYPE_sysenter_deprecated:
		v->pv.sysenter_callback = address;
		v->pv.sysenter_mask_events = mask;
		return 0;
	case CALLBACKTYPE_nmi:
		v->pv.nmi_callback = address;
		return 0;
	}
	return -EINVAL;
}

/**
 * do_callback_op() - register or unregister one callback
 * @cmd: CALLBACKOP_register or CALLBACKOP_unregister
 * @arg: guest struct callback_register / callback_unregister
 */
long do_callback_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();

	switch (cmd) {
	case CALLBACKOP_register: {
		struct callback_register cb;

		if (copy_from_guest(&cb, arg, sizeof(cb)))
			return -EFAULT;
		return pv_register_callback(v, cb.type, cb.flags, cb.address);
	}
	case CALLBACKOP_unregister: {
		struct callback_unregister cb;

		if (copy_from_guest(&cb, arg, sizeof(cb)))
			return -EFAULT;
		/* The event and failsafe callbacks cannot go away. */
		if (cb.type == CALLBACKTYPE_event ||
		    cb.type == CALLBACKTYPE_failsafe)
			return -EINVAL;
		return pv_register_callback(v, cb.type, 0, 0);
	}
	}
	return -ENOSYS;
}

/**
 * do_set_callbacks() - the older call for event, failsafe and syscall
 */
long do_set_callbacks(unsigned long event, unsigned long failsafe,
		      unsigned long syscall)
{
	struct vcpu *v = current_vcpu();
	long rc;

	rc = pv_register_callback(v, CALLBACKTYPE_event, 0, event);
	if (!rc)
		rc = pv_register_callback(v, CALLBACKTYPE_failsafe, 0, failsafe);
	if (!rc)
		rc = pv_register_callback(v, CALLBACKTYPE_syscall, 0, syscall);
	return rc;
}

/**
 * do_stack_switch() - the guest kernel stack for entries from user mode
 * @ss: its stack selector
 * @sp: its top
 */
long do_stack_switch(unsigned long ss, unsigned long sp)
{
	struct vcpu *v = current_vcpu();

	if ((ss | 3) != FLAT_RING3_SS64 && (ss & ~3UL) >= 0x10000)
		return -EINVAL;
	v->pv.kernel_ss = ss | 3;
	v->pv.kernel_sp = sp;
	return 0;
}
