// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the smallest test kernel.  It boots, prints, and checks what a
 * PV dom0 is handed at start of day: start_info (magic, flags, our
 * command line), events masked on vCPU 0, and the feature bits Linux
 * needs from XENVER_get_features.
 */
#include "pv.h"

const char test_name[] = "hello";

void test_main(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	const char *cmdline = (const char *)start_info->cmd_line;
	long ver;

	printk("Hello from a PV test kernel\n");
	printk("  magic \"%s\" nr_pages %lu flags 0x%x pt_base 0x%lx "
	       "nr_pt_frames %lu mfn_list 0x%lx\n", start_info->magic,
	       start_info->nr_pages, start_info->flags, start_info->pt_base,
	       start_info->nr_pt_frames, start_info->mfn_list);
	check(strncmp(start_info->magic, "xen-3.0-x86_64", 14) == 0);
	check(start_info->flags & SIF_INITDOMAIN);
	check(start_info->flags & SIF_PRIVILEGED);
	check(start_info->nr_pages > 0);
	check(start_info->pt_base >= VIRT_BASE);
	check(start_info->mfn_list >= VIRT_BASE);
	/* The runner passes "pvtest=<name>"; Xen may append options. */
	check(strncmp(cmdline, "pvtest=hello", 12) == 0);

	check_eq(vcpu0()->evtchn_upcall_mask, 1);

	ver = hyp_xen_version(XENVER_version, NULL);
	printk("  xen_version = %ld.%ld\n", ver >> 16, ver & 0xffff);
	check(ver > 0);

	check_rc(hyp_xen_version(XENVER_get_features, &fi), 0);
	printk("  features[0] = 0x%x\n", fi.submap);
	check(fi.submap & (1U << XENFEAT_mmu_pt_update_preserve_ad));
	check(fi.submap & (1U << XENFEAT_gnttab_map_avail_bits));
	check(fi.submap & (1U << XENFEAT_dom0));
	check(!(fi.submap & (1U << XENFEAT_writable_page_tables)));
	check(!(fi.submap & (1U << XENFEAT_writable_descriptor_tables)));
	check(!(fi.submap & (1U << XENFEAT_auto_translated_physmap)));
	check(!(fi.submap & (1U << XENFEAT_supervisor_mode_kernel)));
}
