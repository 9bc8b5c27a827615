// SPDX-License-Identifier: GPL-2.0
/*
 * spin: a CPU-bound domU for the scheduler tests.  It never blocks or
 * yields: whatever CPU time it gets, the scheduler chose to give it.  A
 * cheap hypercall every few million rounds keeps the hypercall counters
 * honest.  Given a second vCPU (veneer.vcpus=2), it brings it up the way
 * Linux does (VCPUOP_initialise + VCPUOP_up) and spins there too.  It
 * never ends; dom0's shutdown ends the machine.
 */
#include "sched.h"

#include <veneer/vcpu.h>

const char test_name[] = "spin";

static uint8_t vcpu1_stack[8192] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static void __attribute__((noreturn)) spin(void)
{
	volatile unsigned long rounds = 0;

	for (;;) {
		rounds++;
		if (!(rounds & ((1UL << 22) - 1)))
			hyp_xen_version(XENVER_version, NULL);
	}
}

/* vCPU 1 starts here, on its own stack, in kernel mode. */
static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	spin();
}

static void start_vcpu1(void)
{
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
}

void test_main(void)
{
	if (vcpu_op(VCPUOP_is_up, 1, NULL) >= 0)
		start_vcpu1();
	printk("spin: spinning\n");
	spin();
}
