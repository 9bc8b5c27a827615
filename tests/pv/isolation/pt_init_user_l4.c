// SPDX-License-Identifier: GPL-2.0
/*
 * pt_init_user_l4: VCPUOP_initialise with a user L4 whose validation
 * needs several slices must still complete.
 *
 * Validating a new L4 is restartable (struct pt_job, one per vCPU): the
 * hypercall stops with a continuation and goes on where it stopped.  But
 * VCPUOP_initialise does everything again on each re-entry, and takes the
 * kernel L4 (ctrlreg[3]) before the user L4 (ctrlreg[1]): the get of the
 * kernel L4 is "another operation" for the job, which abandons the user
 * L4's half-done validation, and the user L4 starts again from entry 0.
 * If it needs more than one slice, it never ends: the hypercall is
 * re-entered for ever (found by the attacker review of the restartable
 * walks).  vCPU 0 asks for vCPU 1 with its own kernel L4 and a fresh user
 * L4 over 128 L1 tables (65536 entries, many slices under TCG); a timer
 * upcall taken between two slices fails the test after 20 s.
 *
 * domu-args: veneer.vcpus=2
 * mem: 24
 * xen: skip needs a second vCPU on a domU (dom0 has one in the harness)
 */
#include "isolation.h"

#include "pvmm.h"

#include <veneer/event_channel.h>
#include <veneer/vcpu.h>

const char test_name[] = "pt_init_user_l4";

#define MS		1000000ULL
#define NL1		128
#define TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

static uint64_t u_l1[NL1][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t u_l2[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t u_l3[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t u_l4[512] __attribute__((aligned(PAGE_SIZE)));
static char u_data[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static uint64_t deadline;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	for (;;)
		hyp_sched_op(SCHEDOP_yield, NULL);
}

/* The watchdog: taken between two slices of the hypercall. */
static void on_event(struct trap_regs *r, struct bounce *b)
{
	vcpu0()->evtchn_upcall_pending = 0;
	if (pv_now() >= deadline)
		fail("VCPUOP_initialise with a %u-table user L4 did not "
		     "complete in 20 s: its validation is abandoned and "
		     "started again on every re-entry", NL1);
}

static void build_user_l4(void)
{
	for (unsigned int i = 0; i < NL1; i++) {
		for (unsigned int j = 0; j < 512; j++)
			u_l1[i][j] = (virt_to_mfn(u_data) << 12) | PTE_FLAGS_RO;
		u_l2[i] = (virt_to_mfn(u_l1[i]) << 12) | TABLE_FLAGS;
		make_page_readonly(u_l1[i]);
	}
	u_l3[0] = (virt_to_mfn(u_l2) << 12) | TABLE_FLAGS;
	u_l4[0] = (virt_to_mfn(u_l3) << 12) | TABLE_FLAGS;
	make_page_readonly(u_l2);
	make_page_readonly(u_l3);
	make_page_readonly(u_l4);
}

void test_main(void)
{
	struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
	uint64_t t0;
	long rc;

	iso_begin();
	build_user_l4();
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	ctx.ctrlreg[1] = virt_to_mfn(u_l4) << 12;

	check_rc(hypercall2(__HYPERVISOR_event_channel_op,
			    EVTCHNOP_bind_virq, &bind), 0);
	set_handler(VEC_EVENT, on_event);
	t0 = pv_now();
	deadline = t0 + 20000 * MS;
	check_rc(hypercall1(__HYPERVISOR_set_timer_op, deadline), 0);
	vcpu0()->evtchn_upcall_mask = 0;
	rc = vcpu_op(VCPUOP_initialise, 1, &ctx);
	vcpu0()->evtchn_upcall_mask = 1;
	hypercall1(__HYPERVISOR_set_timer_op, 0);
	printk("pt_init_user_l4: VCPUOP_initialise = %ld after %lu ms\n", rc,
	       (unsigned long)((pv_now() - t0) / MS));
	check_rc(rc, 0);
	/* The user L4 is vCPU 1's now: it is a live L4, not writable. */
	check_refused(remap(u_l4, virt_to_mfn(u_l4), PTE_FLAGS_RW));
	pass();
}
