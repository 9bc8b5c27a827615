// SPDX-License-Identifier: GPL-2.0
/*
 * FPU, SSE and AVX state of vCPUs.
 *
 * The hypervisor itself never touches the FPU (it is built with
 * -mgeneral-regs-only), so a running guest's FPU state simply stays in
 * the CPU while we handle its hypercalls and traps.  It only has to be
 * saved and restored when the CPU switches to another vCPU or to idle
 * (arch_context_switch()).  With XSAVE we enable x87, SSE and AVX in XCR0
 * and save all of them; without it, fxsave covers x87 and SSE.
 *
 * CR0.TS belongs to the guest here: it is the virtual TS of
 * fpu_taskswitch, so it has to be cleared around our own save and
 * restore (both would #NM) and set again for a guest that asked for it.
 */
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/options.h>
#include <hv/panic.h>
#include <hv/pv.h>

#include <asm/processor.h>

#define XSTATE_X87	(1UL << 0)
#define XSTATE_SSE	(1UL << 1)
#define XSTATE_AVX	(1UL << 2)
#define FPU_AREA_ORDER	1	/* 8 KiB: more than x87+SSE+AVX needs */

static bool use_xsave;
static u64 xcr0;

static void xsetbv(u32 reg, u64 v)
{
	__asm__ __volatile__("xsetbv" : : "c"(reg), "a"((u32)v),
			     "d"((u32)(v >> 32)));
}

static void clts(void)
{
	__asm__ __volatile__("clts");
}

/**
 * fpu_init_cpu() - set up the FPU and XSAVE (if present) on this CPU
 */
void fpu_init_cpu(void)
{
	u32 a, b, c, d;

	/* Native x87 error reporting (#MF, not the legacy FERR# line), FPU
	 * present, and WAIT honours TS. */
	write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE) & ~X86_CR0_EM);
	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & (1U << 26)) || opt_noxsave) {
		if (smp_processor_id() == 0)
			log_info("fpu: fxsave");
		return;
	}
	cpuid(0xd, 0, &a, &b, &c, &d);
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	xcr0 = a & (XSTATE_X87 | XSTATE_SSE | XSTATE_AVX);
	xsetbv(0, xcr0);
	cpuid(0xd, 0, &a, &b, &c, &d);	/* size for what XCR0 enables */
	if (b + 64 > (PAGE_SIZE << FPU_AREA_ORDER))
		panic("xsave area of %u bytes is too big", b);
	if (!use_xsave && smp_processor_id() == 0)
		log_info("fpu: xsave, XCR0 %#lx, %u bytes", (unsigned long)xcr0, b);
	use_xsave = true;
}

/**
 * fpu_alloc_area() - a zeroed save area in the FPU's initial state
 */
void *fpu_alloc_area(void)
{
	u8 *p = alloc_heap_pages(FPU_AREA_ORDER);

	if (!p)
		return NULL;
	/* FCW 0x37f and MXCSR 0x1f80, as after fninit / reset. */
	*(u16 *)p = 0x37f;
	*(u32 *)(p + 24) = 0x1f80;
	return p;
}

/**
 * fpu_free_area() - give back an area from fpu_alloc_area()
 */
void fpu_free_area(void *area)
{
	if (area)
		free_heap_pages(area, FPU_AREA_ORDER);
}

/**
 * fpu_save() - save the running vCPU's FPU state
 * @v: the vCPU whose state is in the CPU
 */
void fpu_save(struct vcpu *v)
{
	clts();
	if (use_xsave)
		__asm__ __volatile__("xsave64 (%0)" : : "r"(v->fpu_area),
				     "a"((u32)xcr0), "d"((u32)(xcr0 >> 32))
				     : "memory");
	else
		__asm__ __volatile__("fxsave64 (%0)" : : "r"(v->fpu_area)
				     : "memory");
}

/**
 * fpu_restore() - load a vCPU's FPU state and its virtual CR0.TS
 * @v: the vCPU about to run
 */
void fpu_restore(struct vcpu *v)
{
	clts();
	if (use_xsave)
		__asm__ __volatile__("xrstor64 (%0)" : : "r"(v->fpu_area),
				     "a"((u32)xcr0), "d"((u32)(xcr0 >> 32))
				     : "memory");
	else
		__asm__ __volatile__("fxrstor64 (%0)" : : "r"(v->fpu_area)
				     : "memory");
	if (v->pv.ts)
		write_cr0(read_cr0() | X86_CR0_TS);
}
