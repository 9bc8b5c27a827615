/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The register frame built by arch/x86/entry.S on every exception and
 * interrupt.  The order is fixed by the pushes in entry.S (lowest address
 * first); the last five fields are what the CPU itself pushed.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <hv/types.h>

struct cpu_regs {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi;
	u64 vector;		/* pushed by the entry stub */
	u64 error_code;		/* pushed by the CPU or 0 by the stub */
	u64 rip, cs, rflags, rsp, ss;
};

void dump_regs(const struct cpu_regs *r);
void capture_regs(struct cpu_regs *r);

#endif /* ASM_REGS_H */
