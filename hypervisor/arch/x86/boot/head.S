/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The very first instructions: Multiboot entry and the switch to long mode.
 *
 * QEMU's -kernel (or GRUB) finds the Multiboot header below, loads the
 * image at IMAGE_PHYS_BASE using the header's address fields (the "a.out
 * kludge": QEMU refuses to load a 64-bit ELF by its program headers, and
 * the address fields keep us independent of the ELF class), and jumps to
 * _start in 32-bit protected mode with paging off, EAX = Multiboot magic
 * and EBX = physical address of the Multiboot information.
 *
 * From here we build just enough page tables to run at our link address:
 * one L3 mapping the first GiB with 2 MiB pages, hooked into three L4
 * slots (0: identity, so this code keeps running when paging turns on;
 * 260: the image; 264: the start of the direct map).  Then we turn on
 * long mode and jump to start_hypervisor() in arch/x86/setup.c, which
 * replaces these tables with the real ones.
 *
 * The image is linked at IMAGE_VIRT_OFFSET + physical address, so PA()
 * gives the physical address of any symbol while paging is off.
 */
#include <hv/layout.h>

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	((1 << 0) | (1 << 1) | (1 << 16))	/* align, mem, addrs */
#define PA(x)		((x) - IMAGE_VIRT_OFFSET)

#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define CR0_BOOT	0x80010001	/* PG | WP | PE */
#define CR4_PAE		(1 << 5)
#define PDE_2M		0x83		/* present, writable, 2 MiB */

	.section .text.boot, "ax"
	.code32
	.align 4
multiboot_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long PA(multiboot_header)	/* header_addr */
	.long PA(__image_start)		/* load_addr */
	.long PA(__load_end)		/* load_end_addr */
	.long PA(__bss_end)		/* bss_end_addr */
	.long PA(_start)		/* entry_addr */

	.globl _start
_start:
	cli
	cld
	movl	%eax, %edi		/* keep magic and info for C */
	movl	%ebx, %esi
	movl	$PA(boot_stack_top), %esp

	/* A CPU without long mode cannot run us: say so and stop. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	/* boot_l2: the first GiB in 2 MiB pages. */
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$PDE_2M, %eax
	movl	%eax, PA(boot_l2)(,%ecx,8)
	movl	$0, PA(boot_l2) + 4(,%ecx,8)
	incl	%ecx
	cmpl	$512, %ecx
	jne	1b

	movl	$(PA(boot_l2) + 3), PA(boot_l3)
	movl	$(PA(boot_l3) + 3), %eax
	movl	%eax, PA(boot_l4)			/* identity */
	movl	%eax, PA(boot_l4) + 260 * 8		/* image */
	movl	%eax, PA(boot_l4) + 264 * 8		/* direct map */

	movl	$PA(boot_l4), %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_BOOT, %eax
	movl	%eax, %cr0

	lgdt	PA(boot_gdt_desc)
	ljmp	$0x08, $PA(start64_low)

no_long_mode:
	movl	$PA(no_long_mode_msg), %ebx
2:	movb	(%ebx), %al
	testb	%al, %al
	jz	3f
	movw	$0x3f8, %dx
	outb	%al, %dx
	incl	%ebx
	jmp	2b
3:	hlt
	jmp	3b

	.code64
start64_low:
	/* Paging is on; leave the identity mapping for our link address. */
	movabsq	$start64, %rax
	jmpq	*%rax

	.align 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
boot_gdt_end:
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.long	PA(boot_gdt)

no_long_mode_msg:
	.asciz	"Veneer: this CPU has no long mode; halting.\r\n"

	.text
start64:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movabsq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	%edi, %edi		/* zero-extend magic and info */
	movl	%esi, %esi
	movabsq	$start_hypervisor, %rax
	callq	*%rax
	ud2

	.section .bss.page_aligned, "aw", @nobits
	.align 4096
	.globl boot_l4, boot_l3, boot_stack, boot_stack_top
boot_l4:
	.skip	4096
boot_l3:
	.skip	4096
boot_l2:
	.skip	4096
boot_stack:
	.skip	STACK_SIZE
boot_stack_top:
