// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall_page: the image asks, by the HYPERCALL_PAGE note, for a page
 * of 32-byte hypercall stubs; the builder fills it before we start.  Each
 * stub i is `push %rcx; push %r11; mov $i, %eax; syscall; pop %r11;
 * pop %rcx; ret`; the iret stub (23) instead pushes %rax too and never
 * returns.  Calling a stub makes the hypercall.
 */
#include "pv.h"

const char test_name[] = "hypercall_page";

extern unsigned char hypercall_page[];

static const unsigned char stub_head[] = { 0x51, 0x41, 0x53, 0xb8 };
static const unsigned char stub_tail[] = {
	0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3
};
static const unsigned char iret_stub[] = {
	0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05
};

static long call_stub(unsigned int nr, long a1, long a2)
{
	long ret;

	asm volatile("call *%[stub]"
		     : "=a"(ret), "+D"(a1), "+S"(a2)
		     : [stub] "r"(hypercall_page + nr * 32)
		     : "rdx", "r8", "r9", "r10", "r11", "rcx", "memory");
	return ret;
}

void test_main(void)
{
	unsigned int i;
	uint32_t nr;
	long v;

	for (i = 0; i < 128; i++) {
		unsigned char *s = hypercall_page + i * 32;

		if (i == 23) {
			check(memcmp(s, iret_stub, sizeof(iret_stub)) == 0);
			continue;
		}
		memcpy(&nr, s + 4, 4);
		if (memcmp(s, stub_head, 4) || nr != i ||
		    memcmp(s + 8, stub_tail, sizeof(stub_tail)))
			fail("stub %u: %02x %02x %02x %02x %02x %02x %02x %02x",
			     i, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
	}
	printk("all 128 stubs as expected\n");

	v = call_stub(__HYPERVISOR_xen_version, XENVER_version, 0);
	printk("  xen_version through the page = 0x%lx\n", v);
	check_eq(v, hyp_xen_version(XENVER_version, NULL));
	check_eq(call_stub(__HYPERVISOR_console_io, CONSOLEIO_write, 0), 0);
	check_eq(call_stub(60, 0, 0), -38);
}
