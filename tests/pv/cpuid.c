// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid: the forced-emulation prefix (`ud2; .ascii "xen"; cpuid`) makes
 * the hypervisor emulate CPUID with its own leaves at 0x40000000, as
 * Linux's xen_cpuid() relies on; a ud2 without the exact signature, or
 * the signature not followed by cpuid, is a plain #UD at the ud2.
 */
#include "pv.h"

const char test_name[] = "cpuid";

static void xen_cpuid(uint32_t leaf, uint32_t *r)
{
	asm volatile(XEN_CPUID
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "0"(leaf), "2"(0));
	printk("  leaf 0x%08x: %08x %08x %08x %08x\n", leaf, r[0], r[1], r[2],
	       r[3]);
}

void test_main(void)
{
	uint32_t r[4];
	char sig[13];
	long ver = hyp_xen_version(XENVER_version, NULL);

	printk("forced-emulation cpuid\n");
	xen_cpuid(0x40000000, r);
	memcpy(sig, &r[1], 12);
	sig[12] = 0;
	check(memcmp(sig, "XenVMMXenVMM", 12) == 0);
	check(r[0] >= 0x40000002 && r[0] < 0x40000100);

	xen_cpuid(0x40000001, r);
	check_eq(r[0], ver);

	/* One hypercall page; its MSR is at 0x40000000 (Xen's choice). */
	xen_cpuid(0x40000002, r);
	check_eq(r[0], 1);
	check_eq(r[1], 0x40000000);

	/* Leaf 1 says "running on a hypervisor". */
	xen_cpuid(1, r);
	check(r[2] & (1U << 31));

	printk("ud2 with a different signature: #UD at the ud2\n");
	probe_arm(6);
	PROBE("ud2; .ascii \"xyz\"; cpuid", , "a"(0));
	check_kernel_frame(6, 0, 0, probe_rec.fault_rip);

	printk("signature not followed by cpuid: #UD at the ud2\n");
	probe_arm(6);
	PROBE("ud2; .ascii \"xen\"; nop", , "a"(0));
	check_kernel_frame(6, 0, 0, probe_rec.fault_rip);
}
