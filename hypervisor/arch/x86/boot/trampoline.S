/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where secondary CPUs start: real mode to long mode in one page.
 *
 * arch/x86/smpboot.c copies this blob to TRAMPOLINE_PHYS (below 1 MiB, as
 * the startup IPI requires), fills in trampoline_cr3/efer/cpu/stack, and
 * sends INIT-SIPI-SIPI with vector TRAMPOLINE_PHYS >> 12.  The CPU wakes
 * up in real mode at CS:IP = (TRAMPOLINE_PHYS >> 4):0, loads the small GDT
 * below, goes through protected mode into long mode with the hypervisor's
 * page tables (which still identity-map the first GiB during bring-up),
 * and jumps to ap_start64 at the link address.
 *
 * The code runs at a different address from where it is linked, so every
 * address is written as T(x): its offset inside the blob plus
 * TRAMPOLINE_PHYS.  Those are assembly-time constants, not relocations.
 */
#include <hv/layout.h>

#define T(x)	(TRAMPOLINE_PHYS + (x) - trampoline_start)

	.section .rodata.trampoline, "a"
	.globl trampoline_start, trampoline_end
	.globl trampoline_cr3, trampoline_efer, trampoline_cpu, trampoline_stack

	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	trampoline_gdt_desc - trampoline_start
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $T(tramp32)

	.code32
tramp32:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$(1 << 5), %eax			/* PAE */
	movl	%eax, %cr4
	movl	T(trampoline_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER: LME (and NXE) */
	rdmsr
	orl	T(trampoline_efer), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax		/* PG | WP | PE */
	movl	%eax, %cr0
	ljmp	$0x18, $T(tramp64)

	.code64
tramp64:
	movq	T(trampoline_stack), %rsp
	movl	T(trampoline_cpu), %edi
	movabsq	$ap_start64, %rax
	jmpq	*%rax

	.align 8
trampoline_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
trampoline_gdt_desc:
	.word	trampoline_gdt_desc - trampoline_gdt - 1
	.long	T(trampoline_gdt)
	.align 8
trampoline_stack:
	.quad	0
trampoline_cr3:
	.long	0
trampoline_efer:
	.long	0
trampoline_cpu:
	.long	0
trampoline_end:
