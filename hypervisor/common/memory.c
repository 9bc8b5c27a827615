// SPDX-License-Identifier: GPL-2.0
/*
 * memory_op: what a guest may learn about, and later change in, its
 * memory reservation.
 *
 * For now only XENMEM_machphys_mapping: where the read-only M2P is
 * (Linux reads machine_to_phys_mapping[] directly) and how far it goes.
 * Everything else is -ENOSYS until the memory issue adds it.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/mm.h>
#include <hv/pv.h>

#include <veneer/memory.h>

/**
 * do_memory_op() - XENMEM_*
 * @cmd: the sub-operation
 * @arg: its guest argument structure
 */
long do_memory_op(unsigned long cmd, unsigned long arg)
{
	switch (cmd) {
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = {
			.v_start = MACH2PHYS_VIRT_START,
			.v_end = MACH2PHYS_VIRT_START +
				 max_page * sizeof(unsigned long),
			.max_mfn = max_page - 1,
		};

		return copy_to_guest(arg, &m, sizeof(m));
	}
	}
	return -ENOSYS;
}
