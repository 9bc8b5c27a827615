// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_down_last: a domain whose every vCPU is down is shut down
 * (poweroff), as Xen 4.17 does ("last vCPU going down"), instead of
 * staying alive with nothing runnable and all its memory held until
 * someone destroys it.  vCPU 0 brings vCPU 1 up, takes it down again
 * (the domain lives on: vCPU 0 still runs), prints its verdict and then
 * takes itself down: the runner then sees "d1 shutdown: poweroff" and
 * every page back.  Without the rule the domain would hang here and the
 * runner time out.  (Found by the review of the multicall scheduling
 * work.)
 *
 * domu-args: veneer.vcpus=2
 * veneer-log: VCPUOP_down of the last vCPU: the domain shuts down
 * xen: skip needs a second vCPU on a domU, and dom0 powering off this way ends Xen's run without the harness's poweroff path
 */
#include "isolation.h"

#include "pvmm.h"

#include <veneer/vcpu.h>

const char test_name[] = "vcpu_down_last";

static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile int v1_running;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	v1_running = 1;
	for (;;)
		hyp_sched_op(SCHEDOP_yield, NULL);
}

void test_main(void)
{
	iso_begin();
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
	for (unsigned long i = 0; !v1_running && i < 100000000UL; i++)
		hyp_sched_op(SCHEDOP_yield, NULL);
	check(v1_running);
	/* A sibling down: the domain lives on, vCPU 0 still runs. */
	check_rc(vcpu_op(VCPUOP_down, 1, NULL), 0);
	check_eq(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	check_eq(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	/* The verdict now: the last down ends the domain, there is no
	 * return to print it after. */
	printk("Test result: SUCCESS\n");
	vcpu_op(VCPUOP_down, 0, NULL);
	fail("VCPUOP_down of the last vCPU returned: the domain lives on");
}
