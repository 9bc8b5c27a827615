/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Start of every PV test kernel: the Xen ELF notes that tell the domain
 * builder how to load us, the entry point, the hypercall page and the
 * stacks.
 *
 * The builder jumps to _start in guest kernel mode (ring 3, CS 0xe033)
 * with %rsi = start_info and events masked; we switch to our own stack
 * and call pv_start() in lib/main.c, which never returns.
 */
#include <veneer/elfnote.h>
#include "pv-asm.h"

#define VIRT_BASE 0xffffffff80000000

/* One note, owner "Xen": name, type, then the payload. */
.macro xen_note type, payload:vararg
	.pushsection .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f		/* namesz */
	.long 4f - 3f		/* descsz */
	.long \type
1:	.asciz "Xen"
2:	.balign 4
3:	\payload
4:	.balign 4
	.popsection
.endm

	xen_note XEN_ELFNOTE_GUEST_OS,		.asciz "Veneer-PV-test"
	xen_note XEN_ELFNOTE_GUEST_VERSION,	.asciz "1"
	xen_note XEN_ELFNOTE_XEN_VERSION,	.asciz "xen-3.0"
	xen_note XEN_ELFNOTE_LOADER,		.asciz "generic"
	xen_note XEN_ELFNOTE_VIRT_BASE,		.quad VIRT_BASE
	xen_note XEN_ELFNOTE_PADDR_OFFSET,	.quad 0
	xen_note XEN_ELFNOTE_ENTRY,		.quad _start
	xen_note XEN_ELFNOTE_HYPERCALL_PAGE,	.quad hypercall_page
	xen_note XEN_ELFNOTE_PAE_MODE,		.asciz "yes"
	/* Same string as Linux; '!' marks a required feature. */
	xen_note XEN_ELFNOTE_FEATURES,		.asciz "!writable_page_tables|pae_pgdir_above_4gb"
	/*
	 * Xen refuses a PV dom0 whose kernel has this note without
	 * XENFEAT_dom0; one without the note at all (built with
	 * PV_NO_SUPPORTED_FEATURES: dom0_no_features_note) is accepted.
	 */
#ifndef PV_NO_SUPPORTED_FEATURES
	xen_note XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << ASM_XENFEAT_dom0)
#endif

	.section .text.head, "ax"
	.globl _start
_start:
	cld
	lea boot_stack_top(%rip), %rsp
	mov %rsi, %rdi
	call pv_start
	ud2

	/*
	 * Filled in by the hypervisor with 32-byte stubs when it honours
	 * the HYPERCALL_PAGE note; int3 until then.
	 */
	.text
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc

	.bss
	.balign 4096
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
	/* kernel_sp for entries from guest user mode (stack_switch). */
	.skip 16384
	.globl entry_stack_top
entry_stack_top:
