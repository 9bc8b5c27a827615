// SPDX-License-Identifier: GPL-2.0
/*
 * A not-present descriptor, which the hypervisor must be ready to meet
 * in ring 0: loading its selector raises #NP, and an exception there
 * that the exception table does not catch panics the host.
 *
 * 1. set_gdt with a not-present data descriptor, then
 *    set_segment_base(SEGBASE_GS_USER_SEL) with its selector: Xen loads
 *    the null selector and returns 0 (Linux's xen_load_gs_index() takes
 *    any error as a BUG, and the selector comes from user space).  %gs
 *    then reads 0, the user GS base is 0 and the kernel's is untouched.
 * 2. The guest loading that selector itself gets #NP, with the selector
 *    as error code.
 * 3. The guest loads a present selector into %fs and %gs, makes its
 *    descriptor not present with update_descriptor and blocks, so that
 *    the hypervisor reloads them when the vCPU runs again.  Xen loads the
 *    null selector and bounces to the failsafe callback with the
 *    selectors it tried in the frame; Veneer must do the same.  With one
 *    vCPU Xen may switch lazily and not reload at all: on Xen (dom0)
 *    the selectors may also simply stay.
 *
 * veneer-log: set_segment_base\(GS_USER_SEL\): selector 0x13 cannot be loaded: null selector
 * veneer-log: selectors ds \S+ es \S+ fs 0xb gs 0xb: fs gs no longer load, null loaded, failsafe callback
 */
#include "isolation.h"
#include "pvmm.h"

const char test_name[] = "seg_np_selector";

#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define DATA_DPL3	0x00cff3000000ffffUL	/* flat data, accessed */
#define NOT_PRESENT	(1UL << 47)
#define SEL_OK		0x0b		/* GDT entry 1 */
#define SEL_NP		0x13		/* GDT entry 2, not present */
#define MS		1000000ULL

static uint64_t gdt[512] __attribute__((aligned(PAGE_SIZE)));
static unsigned int failsafes;
static uint64_t failsafe_sel[4];	/* ds, es, fs, gs of the frame */

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val),
		     "d"((uint32_t)(val >> 32)) : "memory");
}

static uint16_t get_ds(void)
{
	uint16_t s;

	asm volatile("movw %%ds, %0" : "=r"(s));
	return s;
}

static uint16_t get_es(void)
{
	uint16_t s;

	asm volatile("movw %%es, %0" : "=r"(s));
	return s;
}

static uint16_t get_fs(void)
{
	uint16_t s;

	asm volatile("movw %%fs, %0" : "=r"(s));
	return s;
}

static uint16_t get_gs(void)
{
	uint16_t s;

	asm volatile("movw %%gs, %0" : "=r"(s));
	return s;
}

static void gs_user_sel(uint16_t sel, uint16_t want)
{
	uint64_t kernel_gs = rdmsr(MSR_GS_BASE);

	check_rc(hyp_set_segment_base(SEGBASE_GS_USER, 0x5678000), 0);
	check_rc(hyp_set_segment_base(SEGBASE_GS_USER_SEL, sel), 0);
	printk("  %%gs = 0x%x, user GS base 0x%lx\n", get_gs(),
	       (unsigned long)rdmsr(MSR_KERNEL_GS_BASE));
	check_eq(get_gs(), want);
	check_eq(rdmsr(MSR_KERNEL_GS_BASE), 0);
	check_eq(rdmsr(MSR_GS_BASE), kernel_gs);
}

/* The failsafe frame: rcx, r11, ds, es, fs, gs, then rip, cs, ... */
static void on_failsafe(struct trap_regs *r, struct bounce *b)
{
	failsafes++;
	for (unsigned int i = 0; i < 4; i++)
		failsafe_sel[i] = r->frame[2 + i];
	printk("  failsafe callback: ds 0x%lx es 0x%lx fs 0x%lx gs 0x%lx "
	       "at rip 0x%lx\n", (unsigned long)failsafe_sel[0],
	       (unsigned long)failsafe_sel[1], (unsigned long)failsafe_sel[2],
	       (unsigned long)failsafe_sel[3], (unsigned long)b->rip);
}

/* Block for a few ms on VIRQ_TIMER: the vCPU leaves its CPU. */
static void sleep_a_little(void)
{
	struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
	uint64_t until = pv_now() + 5 * MS;

	check_rc(evtchn_op(EVTCHNOP_bind_virq, &bind), 0);
	while (pv_now() < until) {
		check_rc(hypercall1(__HYPERVISOR_set_timer_op, until), 0);
		hyp_sched_op(SCHEDOP_block, NULL);
		__atomic_store_n(&vcpu0()->evtchn_pending_sel, 0,
				 __ATOMIC_SEQ_CST);
		__atomic_and_fetch(&shared_info->evtchn_pending[bind.port / 64],
				   ~(1UL << (bind.port % 64)),
				   __ATOMIC_SEQ_CST);
	}
}

void test_main(void)
{
	uint64_t kernel_gs, fs_base;
	unsigned long frames[1];
	uint16_t ds, es;

	iso_begin();
	set_handler(VEC_FAILSAFE, on_failsafe);
	gdt[1] = DATA_DPL3;
	gdt[2] = DATA_DPL3 & ~NOT_PRESENT;
	make_page_readonly(gdt);
	frames[0] = virt_to_mfn(gdt);
	check_rc(hypercall2(__HYPERVISOR_set_gdt, frames, 3), 0);

	printk("set_segment_base(GS_USER_SEL, 0x%x): not present\n", SEL_NP);
	gs_user_sel(SEL_OK, SEL_OK);
	gs_user_sel(SEL_NP, 0);
	gs_user_sel(SEL_OK, SEL_OK);
	gs_user_sel(0, 0);

	printk("mov 0x%x to %%fs ourselves: #NP\n", SEL_NP);
	probe_arm(11);
	PROBE("movw %w[s], %%fs", , [s] "r"((uint16_t)SEL_NP));
	check_kernel_frame(11, 1, SEL_NP & ~3, probe_rec.fault_rip);
	check_eq(get_fs(), 0);

	printk("%%fs = %%gs = 0x%x, then its descriptor goes away\n", SEL_OK);
	kernel_gs = rdmsr(MSR_GS_BASE);
	fs_base = rdmsr(0xc0000100);
	ds = get_ds();
	es = get_es();
	asm volatile("movw %w0, %%fs\n\tmovw %w0, %%gs"
		     : : "r"((uint16_t)SEL_OK) : "memory");
	check_rc(hypercall2(__HYPERVISOR_update_descriptor,
			    (frames[0] << 12) + 8, DATA_DPL3 & ~NOT_PRESENT), 0);
	check_eq(get_fs(), SEL_OK);	/* the CPU keeps what it loaded */
	sleep_a_little();
	printk("  after the switch: %%fs 0x%x %%gs 0x%x, %u failsafe "
	       "callbacks\n", get_fs(), get_gs(), failsafes);
	if (failsafes || !iso_is_dom0()) {
		/* Reloaded: one bounce with what was tried, then null. */
		check_eq(failsafes, 1);
		check_eq(failsafe_sel[0], ds);
		check_eq(failsafe_sel[1], es);
		check_eq(failsafe_sel[2], SEL_OK);
		check_eq(failsafe_sel[3], SEL_OK);
		check_eq(get_fs(), 0);
		check_eq(get_gs(), 0);
		check_eq(get_ds(), ds);
		check_eq(get_es(), es);
	} else {
		/* Xen did not reload (one vCPU: lazy switch). */
		check_eq(get_fs(), SEL_OK);
		check_eq(get_gs(), SEL_OK);
	}
	asm volatile("movw %w0, %%fs\n\tmovw %w0, %%gs"
		     : : "r"((uint16_t)0) : "memory");
	/* Loading a selector replaced the bases: put them back. */
	wrmsr(MSR_GS_BASE, kernel_gs);
	wrmsr(0xc0000100, fs_base);
	printk("seg_np_selector: the hypervisor stayed up\n");
}
