// SPDX-License-Identifier: GPL-2.0
/*
 * unknown_hypercall: a hypercall number nobody implements returns
 * -ENOSYS in %rax, and the domain carries on.
 */
#include "pv.h"

const char test_name[] = "unknown_hypercall";

#define ENOSYS 38

void test_main(void)
{
	/* Unassigned, the end of the table, far beyond it.  (56 is
	 * Veneer's management hypercall, tests/pv/mgmt_dom0.c.) */
	static const unsigned long nrs[] = {
		11, 43, 44, 45, 46, 47, 57, 63, 64, 127, 128, 255, 1000,
		0x7fffffff, 0xffffffff, 0xffffffffffffffffUL,
	};
	unsigned int i;

	for (i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		long rc = hypercall5(nrs[i], 1, 2, 3, 4, 5);

		printk("  hypercall %lu = %ld\n", nrs[i], rc);
		if (rc != -ENOSYS)
			fail("hypercall %lu returned %ld, want -ENOSYS",
			     nrs[i], rc);
	}
	/* Still alive and able to make a real one. */
	check(hyp_xen_version(XENVER_version, NULL) > 0);
}
