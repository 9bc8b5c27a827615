// SPDX-License-Identifier: GPL-2.0
/*
 * segbase: the FS and GS bases of a PV guest are set through wrmsr
 * (emulated by the hypervisor; the guest kernel runs in ring 3) or
 * set_segment_base.  A canonical value takes effect; a non-canonical one
 * is refused: #GP(0) for wrmsr, -EINVAL for set_segment_base, and the old
 * base stays.
 */
#include "pv.h"

const char test_name[] = "segbase";

#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define NONCANONICAL		0x0000800000000000UL
#define EINVAL			22

static uint64_t slot_a = 0x1111111111111111UL;
static uint64_t slot_b = 0x2222222222222222UL;

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

static uint64_t read_fs0(void)
{
	uint64_t v;

	asm volatile("movq %%fs:0, %0" : "=r"(v));
	return v;
}

static uint64_t read_gs0(void)
{
	uint64_t v;

	asm volatile("movq %%gs:0, %0" : "=r"(v));
	return v;
}

static void wrmsr_faults(uint32_t msr, uint64_t val)
{
	printk("wrmsr 0x%x <- 0x%lx: #GP(0)\n", msr, val);
	probe_arm(13);
	PROBE_PRE("movl %[msr], %%ecx", "wrmsr", , [msr] "r"(msr),
		  "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
	check_kernel_frame(13, 1, 0, probe_rec.fault_rip);
}

void test_main(void)
{
	printk("wrmsr FS_BASE and GS_BASE, canonical\n");
	wrmsr(MSR_FS_BASE, (uint64_t)&slot_a);
	check_eq(rdmsr(MSR_FS_BASE), &slot_a);
	check_eq(read_fs0(), slot_a);
	wrmsr(MSR_GS_BASE, (uint64_t)&slot_b);
	check_eq(rdmsr(MSR_GS_BASE), &slot_b);
	check_eq(read_gs0(), slot_b);
	wrmsr(MSR_KERNEL_GS_BASE, 0x1234000);
	check_eq(rdmsr(MSR_KERNEL_GS_BASE), 0x1234000);

	wrmsr_faults(MSR_FS_BASE, NONCANONICAL);
	wrmsr_faults(MSR_GS_BASE, NONCANONICAL);
	wrmsr_faults(MSR_KERNEL_GS_BASE, 0xfff0000000000000UL);
	check_eq(rdmsr(MSR_FS_BASE), &slot_a);
	check_eq(rdmsr(MSR_GS_BASE), &slot_b);
	check_eq(rdmsr(MSR_KERNEL_GS_BASE), 0x1234000);

	printk("set_segment_base, canonical\n");
	check_rc(hyp_set_segment_base(SEGBASE_FS, (uint64_t)&slot_b), 0);
	check_eq(read_fs0(), slot_b);
	check_rc(hyp_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)&slot_a), 0);
	check_eq(read_gs0(), slot_a);
	check_rc(hyp_set_segment_base(SEGBASE_GS_USER, 0x5678000), 0);
	check_eq(rdmsr(MSR_KERNEL_GS_BASE), 0x5678000);

	printk("set_segment_base, non-canonical: -EINVAL\n");
	check_rc(hyp_set_segment_base(SEGBASE_FS, NONCANONICAL), -EINVAL);
	check_rc(hyp_set_segment_base(SEGBASE_GS_KERNEL, NONCANONICAL),
		 -EINVAL);
	check_rc(hyp_set_segment_base(SEGBASE_GS_USER, NONCANONICAL),
		 -EINVAL);
	check_eq(read_fs0(), slot_b);
	check_eq(read_gs0(), slot_a);
	check_eq(rdmsr(MSR_KERNEL_GS_BASE), 0x5678000);
}
