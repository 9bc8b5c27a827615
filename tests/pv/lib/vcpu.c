// SPDX-License-Identifier: GPL-2.0
/*
 * Starting a second vCPU the way Linux does (arch/x86/xen/smp_pv.c):
 * a vcpu_guest_context for VCPUOP_initialise that runs a function in
 * kernel mode, on our own page tables, with events on.  Tests change
 * what they test in it afterwards.
 */
#include "pv.h"

void kernel_vcpu_context(struct vcpu_guest_context *ctx, void (*fn)(void),
			 void *stack, size_t size)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->flags = VGCF_in_kernel;
	ctx->user_regs.rip = (unsigned long)fn;
	/* As if called: the return-address slot below a 16-byte boundary. */
	ctx->user_regs.rsp = (unsigned long)stack + size - 8;
	ctx->user_regs.cs = FLAT_KERNEL_CS64;
	ctx->user_regs.ss = FLAT_KERNEL_SS64;
	ctx->user_regs.rflags = X86_EFLAGS_IF;
	ctx->kernel_ss = FLAT_KERNEL_SS64;
	ctx->kernel_sp = ctx->user_regs.rsp;
	ctx->ctrlreg[3] = kernel_l4_mfn() << 12;
}
