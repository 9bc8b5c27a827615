// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_ops: bringing up a second vCPU the way Linux does
 * (arch/x86/xen/smp_pv.c): VCPUOP_initialise with a vcpu_guest_context,
 * VCPUOP_up, and VCPUOP_down from the vCPU itself, which resumes after
 * that call when brought up again.  The refusals around it: up before
 * initialise, a non-canonical start address, a base pointer that is not
 * one of our frames, initialise twice, register_vcpu_info for a vCPU
 * that is up.  The runner boots this kernel with two vCPUs.
 */
#include "pvmm.h"

#include <veneer/vcpu.h>

#define EEXIST	17

const char test_name[] = "vcpu_ops";

static uint8_t vcpu1_stack[8192] __attribute__((aligned(16)));
static volatile int vcpu1_stage;
static struct vcpu_guest_context ctx;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

/* vCPU 1's life: say hello, go down, come back, go down for good. */
static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	vcpu1_stage = 1;
	vcpu_op(VCPUOP_down, 1, NULL);
	/* Only VCPUOP_up from vCPU 0 brings us here. */
	vcpu1_stage = 2;
	for (;;)
		vcpu_op(VCPUOP_down, 1, NULL);
}

static void wait_for(int stage)
{
	for (unsigned long i = 0; vcpu1_stage != stage; i++) {
		if (i == 100000000UL)
			fail("vCPU 1 did not reach stage %d (at %d)", stage,
			     vcpu1_stage);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
}

static void wait_down(void)
{
	for (unsigned long i = 0; vcpu_op(VCPUOP_is_up, 1, NULL) != 0; i++)
		if (i == 100000000UL)
			fail("vCPU 1 did not go down");
}

static void fill_context(void)
{
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
}

void test_main(void)
{
	struct vcpu_register_vcpu_info info = { 0 };
	long rc;

	rc = vcpu_op(VCPUOP_is_up, 1, NULL);
	if (rc < 0)
		fail("no vCPU 1 (%ld): the runner must give this kernel two "
		     "vCPUs", rc);
	check_rc(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	check_rc(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	check_refused(vcpu_op(VCPUOP_up, 1, NULL));

	fill_context();
	ctx.user_regs.rip = 0x800000000000UL;
	check_refused(vcpu_op(VCPUOP_initialise, 1, &ctx));
	fill_context();
	ctx.ctrlreg[3] = 0;			/* frame 0 is never ours */
	check_refused(vcpu_op(VCPUOP_initialise, 1, &ctx));
	check_rc(vcpu_op(VCPUOP_is_up, 1, NULL), 0);

	fill_context();
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
	wait_for(1);
	printk("  vCPU 1 ran and is going down\n");
	wait_down();
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
	wait_for(2);
	printk("  vCPU 1 came back after its VCPUOP_down\n");
	/* register_vcpu_info for another vCPU only while it is down. */
	info.mfn = kernel_l4_mfn();
	if (vcpu_op(VCPUOP_is_up, 1, NULL) == 1)
		check_refused(vcpu_op(VCPUOP_register_vcpu_info, 1, &info));
	wait_down();
}
