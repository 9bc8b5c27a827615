// SPDX-License-Identifier: GPL-2.0
/*
 * bad_pointers: a guest pointer the hypervisor cannot use, passed to any
 * hypercall the tests use, gets -EFAULT; the domain carries on.  Three
 * kinds: an unmapped guest address, an address inside the hypervisor's
 * reserved range (the start of Xen's direct map, and the read-only M2P
 * the guest may read itself but may not pass as a buffer), and a
 * non-canonical address.
 */
#include "pv.h"
#include <veneer/memory.h>

const char test_name[] = "bad_pointers";

#define EFAULT 14

static const unsigned long bad[] = {
	0x1000UL,			/* unmapped */
	0xffff830000000000UL,		/* hypervisor (Xen's direct map) */
	0xffff800000000000UL,		/* read-only M2P */
	0x8000000000000000UL,		/* non-canonical */
};

#define try(call, p)							\
	do {								\
		long _rc = (call);					\
		printk("  %s with 0x%lx = %ld\n", #call, p, _rc);	\
		if (_rc != -EFAULT)					\
			fail("%s with pointer 0x%lx returned %ld, "	\
			     "want -EFAULT", #call, p, _rc);		\
	} while (0)

void test_main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *p = (void *)bad[i];
		unsigned long v = bad[i];

		try(hyp_console_write(p, 16), v);
		try(hyp_set_trap_table(p), v);
		try(hyp_callback_op(CALLBACKOP_register, p), v);
		try(hyp_xen_version(XENVER_get_features, p), v);
		try(hyp_xen_version(XENVER_extraversion, p), v);
		try(hyp_xen_version(XENVER_compile_info, p), v);
		try(hyp_mmuext_op(p, 1, NULL, DOMID_SELF), v);
		try(hyp_mmu_update(p, 1, NULL, DOMID_SELF), v);
		try(hyp_multicall(p, 1), v);
		try(hyp_sched_op(SCHEDOP_shutdown, p), v);
		try(hypercall2(__HYPERVISOR_memory_op,
			       XENMEM_machphys_mapping, p), v);
	}
	/* The trap table and callbacks must still work. */
	probe_arm(6);
	PROBE("ud2");
	check_kernel_frame(6, 0, 0, probe_rec.fault_rip);
}
