// SPDX-License-Identifier: GPL-2.0
/*
 * mc_block_irqs_off (found by review): SCHEDOP_block inside a multicall
 * returned with interrupts OFF when an event is already pending
 * (do_sched_op(): local_irq_disable(); vcpu_block() returns early), and
 * do_multicall() runs the following entries that way.  An mmu_update
 * entry after it then spins on d->pt_lock with interrupts off; if the
 * holder, on another CPU, is in hv_leave_writable() -> flush_cpus() ->
 * smp_call(this CPU, wait), neither CPU moves again: SECURITY.md
 * invariant 8.  With the global gnttab_lock (unmap_one() ->
 * flush_all_cpus() under it) the other CPU can be any domain's.
 *
 * vCPU 0: evtchn_upcall_pending = 1, then multicalls of
 *         [SCHEDOP_block, mmu_update x N (PTE rewritten to itself)].
 * vCPU 1: makes a page a table and back, again and again: each pin
 *         flushes every CPU from under pt_lock.
 * Both stop after ROUNDS; the test ends; on the old hypervisor the
 * machine (2 CPUs) hung and the runner timed out.
 *
 * domu-args: veneer.vcpus=2
 * xen: skip needs a second vCPU brought up on a domU
 */
#include "isolation.h"

#include "pvmm.h"

#include <veneer/vcpu.h>

const char test_name[] = "mc_block_irqs_off";

#define N	20000
#ifndef ROUNDS
#define ROUNDS	20
#endif

static struct mmu_update reqs[N];
static struct multicall_entry mc[2];
static char victim[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint64_t table[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile int stop, v1_rounds;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	uint64_t mfn = virt_to_mfn(table);

	while (!stop) {
		if (hyp_update_va_mapping((unsigned long)table,
					  (mfn << 12) | PTE_FLAGS_RO,
					  UVMF_INVLPG))
			break;
		if (pin_table(table, 1))
			break;
		if (unpin_table(table))
			break;
		if (hyp_update_va_mapping((unsigned long)table,
					  (mfn << 12) | PTE_FLAGS_RW,
					  UVMF_INVLPG))
			break;
		v1_rounds++;
	}
	stop = 2;
	for (;;)
		vcpu_op(VCPUOP_down, 1, NULL);
}

void test_main(void)
{
	uint64_t pte_ma = entry_maddr(victim, 1);
	uint64_t pte;
	unsigned int done;

	iso_begin();
	victim[0] = 1;
	pte = table_of(victim, 1)[((unsigned long)victim >> 12) & 511];
	for (unsigned int i = 0; i < N; i++) {
		reqs[i].ptr = pte_ma | MMU_NORMAL_PT_UPDATE;
		reqs[i].val = pte;
	}
	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);

	for (unsigned int r = 0; r < ROUNDS; r++) {
		memset(mc, 0, sizeof(mc));
		mc[0].op = __HYPERVISOR_sched_op;
		mc[0].args[0] = SCHEDOP_block;
		mc[1].op = __HYPERVISOR_mmu_update;
		mc[1].args[0] = (unsigned long)reqs;
		mc[1].args[1] = N;
		mc[1].args[2] = (unsigned long)&done;
		mc[1].args[3] = DOMID_SELF;
		/* An event "pending": block returns at once, irqs off. */
		vcpu0()->evtchn_upcall_pending = 1;
		check_rc(hyp_multicall(mc, 2), 0);
	}
	stop = 1;
	for (unsigned long i = 0; stop != 2 && i < 100000000UL; i++)
		hyp_sched_op(SCHEDOP_yield, NULL);
	printk("mc_block_irqs_off: %u multicalls, vCPU 1 %d pin rounds, "
	       "no hang\n", ROUNDS, v1_rounds);
}
