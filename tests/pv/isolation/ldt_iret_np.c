// SPDX-License-Identifier: GPL-2.0
/*
 * ldt_iret_np (found by review of the LDT change): a selector that the
 * hypervisor's final iretq loads (guest_iretq, arch/x86/entry.S) may
 * name an LDT descriptor, and the LDT is the guest's frames themselves,
 * shared between vCPUs: another vCPU can rewrite the descriptor with
 * update_descriptor (a not-present one passes check_descriptor()) after
 * it was checked (check_user_regs() at VCPUOP_initialise, do_iret(), or
 * the CPU when it first loaded it) and before the iretq reloads it.  The
 * iretq then raises #NP in ring 0, which traps.c handles by crashing the
 * domain and then panicking the hypervisor (no fixup at guest_iretq).
 * With the GDT this cannot happen: each vCPU has its own shadow, and
 * only its own hypercalls (with a flat frame saved) change it.
 *
 * Deterministic form:
 *   vCPU 0 makes an LDT page [flat data, 64-bit code] read-only and
 *   initialises vCPU 1 with that LDT and cs = LDT entry 1 (accepted:
 *   the code descriptor is fine then); then update_descriptor makes
 *   entry 1 not present (accepted); then VCPUOP_up.  The first return to
 *   vCPU 1 iretqs to cs 0xf: #NP(0xc) in the hypervisor.
 *
 * Expected, as on Xen (whose iretq to a guest has a fixup that hands the
 * fault to the guest at the context it failed to load): vCPU 1 takes
 * #NP with error code 0xc at its entry rip; dom0 and the hypervisor live.
 *
 * domu-args: veneer.vcpus=2
 * xen: skip needs a second vCPU brought up on a domU
 */
#include "isolation.h"

#include "pvmm.h"

#include <veneer/vcpu.h>

const char test_name[] = "ldt_iret_np";

#define DATA_DPL3	0x00cff3000000ffffUL	/* flat data, DPL 3 */
#define CODE64_DPL3	0x00affb000000ffffUL	/* 64-bit code, DPL 3 */
#define CODE64_NP	0x00af7b000000ffffUL	/* the same, not present */
#define SEL(i)		(((i) << 3) | 7)	/* LDT entry i, RPL 3 */

extern char trap_stubs[];

static uint64_t ldt[512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile int v1_ran, v1_trapped;
static volatile uint64_t v1_vec, v1_err, v1_rip;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static long update_descriptor(const void *va, uint64_t desc)
{
	uint64_t maddr = (virt_to_mfn(va) << 12) |
			 ((uint64_t)va & (PAGE_SIZE - 1));

	return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

/* vCPU 1's entry: it must never get here with cs in the stale entry. */
static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	v1_ran = 1;
	for (;;)
		vcpu_op(VCPUOP_down, 1, NULL);
}

/* vCPU 1's #NP: note it and stop (the context it names cannot run). */
static void np_on_vcpu1(struct trap_regs *r, struct bounce *b)
{
	v1_vec = r->vector;
	v1_err = b->error_code;
	v1_rip = b->rip;
	v1_trapped = 1;
	for (;;)
		vcpu_op(VCPUOP_down, 1, NULL);
}

void test_main(void)
{
	iso_begin();
	ldt[0] = DATA_DPL3;
	ldt[1] = CODE64_DPL3;
	make_page_readonly(ldt);
	set_handler(11, np_on_vcpu1);

	kernel_vcpu_context(&ctx, vcpu1_main, vcpu1_stack, sizeof(vcpu1_stack));
	ctx.user_regs.cs = SEL(1);
	ctx.ldt_base = (unsigned long)ldt;
	ctx.ldt_ents = 2;
	ctx.trap_ctxt[11].vector = 11;
	ctx.trap_ctxt[11].cs = FLAT_KERNEL_CS;
	ctx.trap_ctxt[11].address = (unsigned long)trap_stubs + 16 * 11;
	printk("1. vCPU 1 initialised with cs 0x%x in its LDT\n", SEL(1));
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);

	printk("2. vCPU 0 makes LDT entry 1 not present\n");
	check_rc(update_descriptor(&ldt[1], CODE64_NP), 0);
	check_eq(ldt[1], CODE64_NP);

	printk("3. vCPU 1 up: its first iretq loads cs 0x%x\n", SEL(1));
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);
	for (unsigned long i = 0; !v1_trapped && !v1_ran && i < 10000000UL;
	     i++)
		hyp_sched_op(SCHEDOP_yield, NULL);
	printk("  vCPU 1: ran %d, trapped %d: vector %lu error code 0x%lx "
	       "rip 0x%lx\n", v1_ran, v1_trapped, (unsigned long)v1_vec,
	       (unsigned long)v1_err, (unsigned long)v1_rip);
	check_eq(v1_ran, 0);
	check_eq(v1_trapped, 1);
	check_eq(v1_vec, 11);
	check_eq(v1_err, SEL(1) & ~3);
	check_eq(v1_rip, (uint64_t)vcpu1_main);
	printk("ldt_iret_np: the stale LDT selector faulted in the guest\n");
}
