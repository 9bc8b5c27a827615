// SPDX-License-Identifier: GPL-2.0
/*
 * xen_version: who we are and what we offer.
 *
 * The first hypercall Linux makes is XENVER_get_features, and it panics
 * unless submap 0 has mmu_pt_update_preserve_ad and gnttab_map_avail_bits
 * (contract §0.4).  We report exactly what Xen 4.17 reports for a PV
 * guest: bits 5, 6, 7, 13 and 17, plus 11 (dom0) for the hardware
 * domain, and never writable_page_tables, writable_descriptor_tables,
 * auto_translated_physmap or supervisor_mode_kernel.  We also give Xen
 * 4.17's version number, since guests compare against it.
 *
 * The string answers are built in zeroed buffers of the ABI's fixed
 * sizes and copied out whole, so no byte of hypervisor memory beyond the
 * string itself can reach the guest.
 */
#include <hv/bootinfo.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/pv.h>

#include <veneer/version.h>


static const u32 pv_features =
	(1U << XENFEAT_mmu_pt_update_preserve_ad) |
	(1U << XENFEAT_highmem_assist) |
	(1U << XENFEAT_gnttab_map_avail_bits) |
	(1U << XENFEAT_memory_op_vnode_supported) |
	(1U << XENFEAT_direct_mapped);

/* Copy a string into a zeroed buffer of @size bytes, then to the guest. */
static long put_string(unsigned long arg, const char *s, size_t size)
{
	char buf[1024];
	size_t n = strlen(s);

	if (n >= size)
		n = size - 1;
	memset(buf, 0, size);
	memcpy(buf, s, n);
	return copy_to_guest(arg, buf, size);
}

static long get_features(struct vcpu *v, unsigned long arg)
{
	struct xen_feature_info fi;

	if (copy_from_guest(&fi, arg, sizeof(fi)))
		return -EFAULT;
	if (fi.submap_idx != 0)
		return -EINVAL;
	fi.submap = pv_features;
	if (v->domain->is_privileged)
		fi.submap |= 1U << XENFEAT_dom0;
	return copy_to_guest(arg, &fi, sizeof(fi));
}

static long compile_info(unsigned long arg)
{
	struct xen_compile_info ci;

	memset(&ci, 0, sizeof(ci));
	memcpy(ci.compiler, "gcc", 3);
	memcpy(ci.compile_by, "veneer", 6);
	memcpy(ci.compile_domain, "veneer", 6);
	memcpy(ci.compile_date, __DATE__, sizeof(__DATE__) - 1);
	return copy_to_guest(arg, &ci, sizeof(ci));
}

/**
 * do_xen_version() - XENVER_* queries
 * @cmd: XENVER_*
 * @arg: guest buffer for the answer, if the query has one
 */
long do_xen_version(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();

	switch (cmd) {
	case XENVER_version:
		return VENEER_XEN_VERSION;
	case XENVER_extraversion:
		return put_string(arg, ".0-veneer", XEN_EXTRAVERSION_LEN);
	case XENVER_compile_info:
		return compile_info(arg);
	case XENVER_capabilities:
		return put_string(arg, "xen-3.0-x86_64",
				  XEN_CAPABILITIES_INFO_LEN);
	case XENVER_changeset:
		return put_string(arg, "veneer", XEN_CHANGESET_INFO_LEN);
	case XENVER_platform_parameters: {
		struct xen_platform_parameters p = {
			.virt_start = HYPERVISOR_VIRT_START,
		};

		return copy_to_guest(arg, &p, sizeof(p));
	}
	case XENVER_get_features:
		return get_features(v, arg);
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle: {
		u8 handle[16] = { 0 };

		return copy_to_guest(arg, handle, sizeof(handle));
	}
	case XENVER_commandline:
		if (!v->domain->is_privileged)
			return -EPERM;
		return put_string(arg, bootinfo.cmdline,
				  sizeof(xen_commandline_t));
	}
	return -ENOSYS;
}
