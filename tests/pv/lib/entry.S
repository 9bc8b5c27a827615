/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trap and callback entry, and the way back through HYPERVISOR_iret.
 *
 * The hypervisor enters a handler with a bounce frame on the stack:
 * rcx, r11, [error code], rip, cs, rflags, rsp, ss (lowest first).  Each
 * vector (and each callback, numbered from 256) has a 16-byte stub that
 * pushes its number and jumps to trap_common.  trap_common leaves room
 * for an iret_context, saves the general registers below it and calls
 * trap_dispatch() (lib/traps.c), which decodes the frame, runs the test's
 * handler and fills the iret_context.  We then reload the registers,
 * which leaves %rsp at the iret_context, and issue HYPERVISOR_iret.
 */
#include "pv-asm.h"

	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept ASM_NR_VECS
	.balign 16
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	sub $ASM_IRET_CTX_SIZE, %rsp
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	cld
	mov %rsp, %rdi
	mov %rsp, %rbx
	and $-16, %rsp
	call trap_dispatch
	mov %rbx, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	/* %rsp now points at the iret_context trap_dispatch() filled. */
	mov $ASM_HYPERVISOR_iret, %eax
	syscall
	ud2

/* Offsets in struct gprs (include/pv.h). */
#define G_RAX 0
#define G_RBX 8
#define G_RCX 16
#define G_RDX 24
#define G_RSI 32
#define G_RDI 40
#define G_RBP 48
#define G_RSP 56
#define G_R8 64
#define G_R9 72
#define G_R10 80
#define G_R11 88
#define G_R12 96
#define G_R13 104
#define G_R14 112
#define G_R15 120

/*
 * void user_run(uint64_t rip, const struct gprs *regs, uint64_t flags)
 *
 * Save our callee-saved registers and stack, then iret to user mode with
 * every general register taken from *regs.  user_return() (lib/user.c)
 * later irets back to user_run_return in kernel mode with this stack.
 */
	.globl user_run
user_run:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, user_run_rsp(%rip)
	mov %rsi, %rax
	pushq $ASM_FLAT_USER_SS
	pushq G_RSP(%rax)
	pushq $0x202			/* rflags: IF */
	pushq $ASM_FLAT_USER_CS		/* RPL 3: return to user mode */
	pushq %rdi			/* rip */
	pushq %rdx			/* flags (VGCF_in_syscall or 0) */
	pushq G_RCX(%rax)
	pushq G_R11(%rax)
	pushq G_RAX(%rax)
	mov G_RBX(%rax), %rbx
	mov G_RDX(%rax), %rdx
	mov G_RSI(%rax), %rsi
	mov G_RBP(%rax), %rbp
	mov G_R8(%rax), %r8
	mov G_R9(%rax), %r9
	mov G_R10(%rax), %r10
	mov G_R12(%rax), %r12
	mov G_R13(%rax), %r13
	mov G_R14(%rax), %r14
	mov G_R15(%rax), %r15
	mov G_RDI(%rax), %rdi
	mov $ASM_HYPERVISOR_iret, %eax
	syscall
	ud2

	.globl user_run_return
user_run_return:
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	.bss
	.balign 8
	.globl user_run_rsp
user_run_rsp:
	.quad 0
