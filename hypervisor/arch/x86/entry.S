/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception and interrupt entry, and a few register-level helpers.
 *
 * Every one of the 256 IDT vectors points at a 16-byte stub below
 * (entry_stubs + 16 * vector; arch/x86/traps.c relies on that).  A stub
 * pushes a zero error code where the CPU pushes none, then the vector,
 * and jumps to common_entry, which saves all general registers in the
 * layout of struct cpu_regs (asm/regs.h) and calls do_entry(regs) in
 * traps.c.  On return it restores them and irets.
 *
 * Before the call, common_entry pushes the interrupted RIP and RBP as a
 * fake stack frame, so a backtrace taken inside a handler walks on into
 * the interrupted code.
 *
 * No SWAPGS yet: nothing runs outside ring 0 so far, and GS always holds
 * the hypervisor's per-CPU base.  Guest entry will change that.
 */

/* Vectors where the CPU pushes an error code: 8 10-14 17 21 29 30. */
#define ERRCODE_MASK	0x60227d00

	.text
	.align 16
	.globl entry_stubs
entry_stubs:
	.set	vec, 0
	.rept	256
	.align	16
	.if	vec >= 32
	pushq	$0
	.elseif	((ERRCODE_MASK >> vec) & 1) == 0
	pushq	$0
	.endif
	pushq	$vec
	jmp	common_entry
	.set	vec, vec + 1
	.endr

common_entry:
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	pushq	17 * 8(%rsp)		/* interrupted rip */
	pushq	%rbp			/* interrupted rbp */
	movq	%rsp, %rbp
	movabsq	$do_entry, %rax
	callq	*%rax
	addq	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	addq	$16, %rsp		/* vector and error code */
	iretq

/*
 * void capture_regs(struct cpu_regs *r): the caller's registers, for
 * panic() from C.  rip/rsp/rbp are those of the caller after the call.
 */
	.globl capture_regs
capture_regs:
	movq	%r15, 0 * 8(%rdi)
	movq	%r14, 1 * 8(%rdi)
	movq	%r13, 2 * 8(%rdi)
	movq	%r12, 3 * 8(%rdi)
	movq	%rbp, 4 * 8(%rdi)
	movq	%rbx, 5 * 8(%rdi)
	movq	%r11, 6 * 8(%rdi)
	movq	%r10, 7 * 8(%rdi)
	movq	%r9, 8 * 8(%rdi)
	movq	%r8, 9 * 8(%rdi)
	movq	%rax, 10 * 8(%rdi)
	movq	%rcx, 11 * 8(%rdi)
	movq	%rdx, 12 * 8(%rdi)
	movq	%rsi, 13 * 8(%rdi)
	movq	%rdi, 14 * 8(%rdi)
	movq	$0, 15 * 8(%rdi)		/* vector */
	movq	$0, 16 * 8(%rdi)		/* error code */
	movq	(%rsp), %rax
	movq	%rax, 17 * 8(%rdi)		/* rip: our return address */
	movq	%cs, %rax
	movq	%rax, 18 * 8(%rdi)
	pushfq
	popq	19 * 8(%rdi)
	leaq	8(%rsp), %rax
	movq	%rax, 20 * 8(%rdi)		/* rsp after return */
	movq	%ss, %rax
	movq	%rax, 21 * 8(%rdi)
	movq	10 * 8(%rdi), %rax
	ret

/*
 * void load_selectors(u16 cs, u16 ds): reload CS with a far return and
 * the data segment registers after a new GDT is loaded.  FS and GS get
 * the null selector; their bases are set through MSRs afterwards.
 */
	.globl load_selectors
load_selectors:
	movl	%esi, %eax
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	popq	%rax			/* return address */
	pushq	%rdi			/* new cs */
	pushq	%rax
	lretq

/* Secondary CPUs arrive here from the trampoline: rsp set, edi = cpu. */
	.globl ap_start64
ap_start64:
	xorl	%ebp, %ebp
	movabsq	$ap_main, %rax
	callq	*%rax
	ud2
