// SPDX-License-Identifier: GPL-2.0
/*
 * physdev_op and platform_op: the hardware-facing calls of an initial
 * domain, for a dom0 that has no hardware.
 *
 * Veneer's dom0 boots with ACPI and PCI unused and owns no device, so of
 * physdev_op only set_iopl matters at boot (Linux asks for IOPL 1; we
 * record it, and port I/O from the guest kernel still #GPs, which it
 * never tries without devices).  pirq_eoi_gmfn_v2 and the interrupt
 * routing calls are refused, which Linux tolerates (contract §18).  The
 * platform_op calls Linux makes at boot (firmware info, EDD, processor
 * power data, settime) are all optional: each is refused once, logged.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/pv.h>

#include <veneer/physdev.h>
#include <veneer/platform.h>

/**
 * do_physdev_op() - PHYSDEVOP_*
 */
long do_physdev_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();
	struct physdev_set_iopl iopl;

	switch (cmd) {
	case PHYSDEVOP_set_iopl:
		if (copy_from_guest(&iopl, arg, sizeof(iopl)))
			return -EFAULT;
		if (iopl.iopl > 3)
			return -EINVAL;
		vcpu_evt(v)->iopl = iopl.iopl;
		return 0;
	}
	return pv_enosys_once("physdev_op", 33, cmd);
}

/**
 * do_platform_op() - XENPF_* for the initial domain
 * @arg: guest struct xen_platform_op; only its command is read
 */
long do_platform_op(unsigned long arg)
{
	struct vcpu *v = current_vcpu();
	u32 head[2];

	if (!v->domain->is_privileged)
		return -EPERM;
	if (copy_from_guest(head, arg, sizeof(head)))
		return -EFAULT;
	if (head[1] != XENPF_INTERFACE_VERSION)
		return -EINVAL;
	return pv_enosys_once("platform_op", 7, head[0]);
}
