// SPDX-License-Identifier: GPL-2.0
/*
 * ldt_init_ents (found by review of the LDT change): VCPUOP_initialise
 * hands the context's 64-bit ldt_ents to pv_set_ldt(), whose parameter is
 * an unsigned int, so the count is narrowed before it is checked
 * (SECURITY.md invariant 3: check the guest's number, not what is left of
 * it).  ldt_ents = 2^32 + 2 is taken as a 2-entry LDT; Xen 4.17 compares
 * the whole value with 8192 and refuses the context (-EINVAL).  The LDT
 * the hypervisor keeps is then not the one the guest named.
 *
 *  1. vCPU 1, ldt_ents = 2^32 + 2 (base: a read-only page of valid
 *     descriptors): -EINVAL expected, and the vCPU stays uninitialised.
 *  2. The same context with ldt_ents = 2: accepted (the checks above are
 *     not refusing something else).
 *
 * veneer-log: VCPUOP_initialise of vCPU 1 refused: -22
 * domu-args: veneer.vcpus=2
 * xen: skip needs a second vCPU brought up on a domU
 */
#include "isolation.h"

#include "pvmm.h"

#include <veneer/vcpu.h>

const char test_name[] = "ldt_init_ents";

#define EINVAL		22
#define DATA_DPL3	0x00cff3000000ffffUL	/* flat data, DPL 3 */

static uint64_t ldt[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vcpu1_stack[4096] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	for (;;)
		vcpu_op(VCPUOP_down, 1, NULL);
}

void test_main(void)
{
	iso_begin();
	ldt[0] = DATA_DPL3;
	ldt[1] = DATA_DPL3;
	make_page_readonly(ldt);
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	ctx.ldt_base = (unsigned long)ldt;

	printk("1. ldt_ents = 2^32 + 2\n");
	ctx.ldt_ents = (1UL << 32) + 2;
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL);
	printk("2. ldt_ents = 2\n");
	ctx.ldt_ents = 2;
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	printk("ldt_init_ents: the whole count was checked\n");
}
