// SPDX-License-Identifier: GPL-2.0
/*
 * physdev_op and platform_op: the hardware-facing calls of an initial
 * domain, for a dom0 that has no hardware.
 *
 * Veneer's dom0 boots with ACPI and PCI unused and owns no device, so of
 * physdev_op only set_iopl and set_iobitmap matter: the guest kernel's
 * virtual IOPL (Linux asks for 1) and the I/O bitmap its user space gets
 * (Linux 6.1 hands its TSS bitmap over at each switch to a task that has
 * ioperm() or iopl(3), and none otherwise).  pv/emul-cr-io.c checks port
 * I/O against them.  pirq_eoi_gmfn_v2 and the interrupt
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
	struct physdev_set_iobitmap bmp;

	switch (cmd) {
	case PHYSDEVOP_set_iopl:
		if (copy_from_guest(&iopl, arg, sizeof(iopl)))
			return -EFAULT;
		if (iopl.iopl > 3)
			return -EINVAL;
		vcpu_evt(v)->iopl = iopl.iopl;
		return 0;
	case PHYSDEVOP_set_iobitmap:
		/*
		 * Recorded as given, as Xen does: the pointer is only ever
		 * read through copy_from_guest() when a port is checked,
		 * with the guest's kernel page tables, so any value is safe.
		 */
		if (copy_from_guest(&bmp, arg, sizeof(bmp)))
			return -EFAULT;
		if (bmp.nr_ports > 65536)
			return -EINVAL;
		v->pv.iobmp = (unsigned long)bmp.bitmap;
		v->pv.iobmp_limit = bmp.nr_ports;
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
