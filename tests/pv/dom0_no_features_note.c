// SPDX-License-Identifier: GPL-2.0
/*
 * dom0_no_features_note: a kernel with no XEN_ELFNOTE_SUPPORTED_FEATURES
 * note at all (linked with a head.S built with PV_NO_SUPPORTED_FEATURES,
 * tests/pv/pv.mk) still boots as dom0: Xen 4.17 checks the dom0 bit only
 * in a kernel that has the note, taking one without it as older than the
 * note, and so does Veneer's builder.
 */
#include "pv.h"

const char test_name[] = "dom0_no_features_note";

void test_main(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };

	check(start_info->flags & SIF_INITDOMAIN);
	check(start_info->flags & SIF_PRIVILEGED);
	check_rc(hyp_xen_version(XENVER_get_features, &fi), 0);
	check(fi.submap & (1u << XENFEAT_dom0));
	printk("dom0_no_features_note: booted as the initial domain, "
	       "features 0x%x\n", fi.submap);
}
