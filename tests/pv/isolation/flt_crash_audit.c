// SPDX-License-Identifier: GPL-2.0
/*
 * A domain crashes on one vCPU while another of its vCPUs keeps taking
 * its page-table lock and, holding it, makes every CPU flush its TLB
 * (pinning a frame that was writable until then flushes the CPUs that may
 * still hold a writable translation of it, and waits for each).  The
 * crash comes from a trap, where the hypervisor runs with interrupts off;
 * with pt_audit on, the crash path takes the same lock to audit the
 * domain.  Had it spun for it with interrupts off, the flushing vCPU,
 * holding the lock and waiting for this CPU to answer its IPI, and the
 * crashing one would wait for each other for ever.  Whether the two meet
 * depends on timing; when they do, the machine must still go on: the
 * domain dies, all its pages come back, dom0 goes on.
 *
 * vCPU 1 loops: map a page writable, map it read-only, pin it as an L1
 * table, unpin it.  vCPU 0 waits for it to be busy, drops its trap table
 * and faults (the PV triple fault).  On Xen the kernel runs as dom0 with
 * two vCPUs and does not crash: vCPU 0 stops vCPU 1 after the same
 * number of rounds and checks that every operation succeeded there too.
 *
 * veneer-end: crash
 * veneer-log: d1 crashed: unhandled exception
 * domu-args: veneer.vcpus=2
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/vcpu.h>

const char test_name[] = "flt_crash_audit";

#define ROUNDS		200

static uint8_t vcpu1_stack[8192] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static char table[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile unsigned long rounds;
static volatile int stop;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

/* vCPU 1: the page-table churn, until told to stop. */
static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	uint64_t mfn = virt_to_mfn(table);
	long rc;

	/* Quiet checks: a line per call would only be rate limited. */
	while (!stop) {
		if ((rc = remap(table, mfn, PTE_FLAGS_RW)))
			fail("round %lu: writable mapping: %ld", rounds, rc);
		if ((rc = remap(table, mfn, PTE_FLAGS_RO)))
			fail("round %lu: read-only mapping: %ld", rounds, rc);
		if ((rc = pin_table(table, 1)))
			fail("round %lu: pin: %ld", rounds, rc);
		if ((rc = unpin_table(table)))
			fail("round %lu: unpin: %ld", rounds, rc);
		rounds++;
	}
	for (;;)
		vcpu_op(VCPUOP_down, 1, NULL);
}

static void start_vcpu1(void)
{
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
}

void test_main(void)
{
	uint64_t deadline;

	iso_begin();
	if (vcpu_op(VCPUOP_is_up, 1, NULL) < 0)
		fail("no vCPU 1: the runner must give this kernel two vCPUs");
	start_vcpu1();
	deadline = pv_now() + 120000000000ULL;
	while (rounds < ROUNDS) {
		if (pv_now() > deadline)
			fail("vCPU 1 did only %lu rounds in 120 s", rounds);
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	printk("vCPU 1 did %lu rounds of pin and unpin\n", rounds);
	if (iso_is_dom0()) {
		stop = 1;
		for (unsigned long i = 0; vcpu_op(VCPUOP_is_up, 1, NULL); i++)
			if (i == 100000000UL)
				fail("vCPU 1 did not go down");
		printk("vCPU 1 stopped after %lu rounds\n", rounds);
		return;
	}
	printk("crashing on vCPU 0 while vCPU 1 pins and unpins\n");
	check_rc(hyp_set_trap_table(NULL), 0);
	__asm__ __volatile__("movq $1, 0x10" ::: "memory");
	fail("still running after a fault with no handler");
}
