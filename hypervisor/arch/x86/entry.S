/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception and interrupt entry, and a few register-level helpers.
 *
 * Every one of the 256 IDT vectors points at a stub below, each
 * ENTRY_STUB_SIZE bytes long (asm/entry-stubs.h: entry_stub(vector)).  A stub
 * pushes a zero error code where the CPU pushes none, then the vector,
 * and jumps to common_entry, which saves all general registers in the
 * layout of struct cpu_regs (asm/regs.h) and calls do_entry(regs) in
 * traps.c.  On return it restores them and irets.
 *
 * Before the call, common_entry pushes the interrupted RIP and RBP as a
 * fake stack frame, so a backtrace taken inside a handler walks on into
 * the interrupted code.
 *
 * Guests run in ring 3 with their own GS base.  While the hypervisor
 * runs, GS base is its per-CPU pointer and the guest's active GS base
 * waits in MSR_KERNEL_GS_BASE: every entry from ring 3 does SWAPGS first
 * and every return to ring 3 does it last.  An entry from ring 0 (an
 * interrupt inside the hypervisor) does neither.  The one ring-0 fault
 * that happens with the guest's GS still loaded would be the final
 * iretq to the guest (guest_iretq): the iret hypercall validates the
 * frame so that it should not fault (pv/iret.c), and if it does anyway,
 * common_entry recognises the address, swaps GS back, and traps.c crashes
 * the domain instead of the hypervisor.
 *
 * The `syscall` instruction (LSTAR, set up in traps.c) switches no stack:
 * syscall_entry saves the guest rsp in the per-CPU scratch word, moves to
 * the top of this CPU's stack (where the CPU itself puts the frame of an
 * interrupt from ring 3, TSS.rsp0) and builds the same frame an
 * interrupt would have built, with vector SYSCALL_VECTOR.  So every guest
 * entry leaves one struct cpu_regs at the top of the CPU's stack
 * (guest_regs()), the C code edits it, and restore_all returns to
 * whatever it says.  enter_guest() starts a vCPU from such a frame.
 *
 * #DB (vector 1) is the one exception a guest can make the CPU raise
 * inside the hypervisor: a data breakpoint it set (set_debugreg) fires
 * when we touch the guest address (a copy, a bounce frame), and a #DB
 * held back by `mov ss`/`pop ss` is delivered on the first instruction
 * of whatever that guest instruction entered: syscall_entry, with the
 * guest's rsp and GS base, or an entry stub before its swapgs
 * (CVE-2018-8897).  So #DB runs on its own IST stack (desc.c), never on
 * a stack the guest chose, and a #DB from the hypervisor does not trust
 * GS at all: db_from_hypervisor below sets GS base to this CPU's struct
 * percpu, whose address desc.c keeps in the word at the top of that IST
 * stack, and puts the base it found back on the way out.  A #DB from the
 * guest is moved to the top of the CPU stack and
 * goes the common way (bouncing it may write the guest's stack and hit
 * the guest's own watchpoint: that nested #DB then finds the IST stack
 * free).  A #DB from the hypervisor is noted by do_debug_hypervisor()
 * (traps.c) and the interrupted instruction resumes, GS as it was.
 *
 * NMI (vector 2) and machine check (18) cannot be held off either, so
 * they may arrive on any instruction too: the first of syscall_entry
 * (the guest's GS base loaded, CS already ring 0), between restore_all's
 * swapgs and its iretq, or in a selector load's window.  CS says nothing
 * about GS there, so nmi_mce_entry does what db_from_hypervisor does,
 * whatever the interrupted ring: our base from the word above its IST
 * stack, the one it found put back on the way out (both are fatal for
 * now, traps.c, but the report must run on our per-CPU data, not on an
 * address a guest chose).
 */

#include <asm/entry-stubs.h>

#define PERCPU_SCRATCH		8	/* keep in step with hv/smp.h */
#define PERCPU_STACK_HI		40
#define SYSCALL_VECTOR		0x100
#define SYSCALL32_VECTOR	0x101
#define FLAT_RING3_CS32		0xe023
#define FLAT_RING3_CS64		0xe033
#define FLAT_RING3_SS		0xe02b
#define MSR_GS_BASE		0xc0000101
/* Above the frame on the #DB, NMI and #MC IST stacks (desc.c): struct
 * percpu *, and the GS base the entry found. */
#define DB_IST_PERCPU		(7 * 8)
#define DB_IST_GSBASE		(8 * 8)

/* Vectors where the CPU pushes an error code: 8 10-14 17 21 29 30. */
#define ERRCODE_MASK	0x60227d00


/*
 * Every entry saves the general registers in the layout of struct
 * cpu_regs (asm/regs.h), above the vector and error code, and calls its
 * C handler with a pointer to them.  A fake frame of the interrupted RIP
 * and RBP lets a backtrace taken in the handler walk on into the
 * interrupted code.
 */
.macro SAVE_REGS_AND_CALL handler
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
	movabsq	$\handler, %rax
	callq	*%rax
	addq	$16, %rsp
.endm

/* The other way, leaving the stack at the CPU's iret frame. */
.macro RESTORE_REGS
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
.endm

	.text
	.align ENTRY_STUB_SIZE
	.globl entry_stubs
entry_stubs:
	.set	vec, 0
	.rept	256
	.if	vec >= 32
	pushq	$0
	.elseif	((ERRCODE_MASK >> vec) & 1) == 0
	pushq	$0
	.endif
	pushq	$vec
	.if	vec == 1
	jmp	db_entry
	.elseif	vec == 2 || vec == 18
	jmp	nmi_mce_entry
	.else
	jmp	common_entry
	.endif
	/* pads to the next stub; "moving backwards" if this one is too long */
	.org	entry_stubs + ENTRY_STUB_SIZE * (vec + 1), 0xcc
	.set	vec, vec + 1
	.endr

common_entry:
	testb	$3, 24(%rsp)		/* cs: from the guest? */
	jnz	1f
	pushq	%rax			/* or our iretq to the guest faulted */
	leaq	guest_iretq(%rip), %rax
	cmpq	%rax, 24(%rsp)
	popq	%rax
	jne	common_entry_saved
1:	swapgs
common_entry_saved:
	SAVE_REGS_AND_CALL do_entry
	.globl	restore_all
restore_all:
	cli
	RESTORE_REGS
	testb	$3, 8(%rsp)		/* back to the guest? */
	jz	1f
	swapgs
	/*
	 * Only the return to the guest may be taken for a guest's fault
	 * (common_entry swaps GS back, traps.c gives the fault to the
	 * guest): a return inside the hypervisor has an iretq of its own,
	 * so that nothing arriving there is mistaken for it.
	 */
	.globl	guest_iretq
guest_iretq:
	iretq
1:	iretq

/*
 * An IST entry that may come from ring 0 with any GS base: save the base
 * found in the frame's word above the stack and load this CPU's from the
 * word desc.c keeps there (IST_GS_LOAD, before SAVE_REGS_AND_CALL); put
 * the saved one back after the handler (IST_GS_RESTORE, before
 * RESTORE_REGS, which restores rax, rcx and rdx).
 */
.macro IST_GS_LOAD
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	movl	$MSR_GS_BASE, %ecx
	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, 3 * 8 + DB_IST_GSBASE(%rsp)
	movq	3 * 8 + DB_IST_PERCPU(%rsp), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	popq	%rdx
	popq	%rcx
	popq	%rax
.endm

.macro IST_GS_RESTORE
	movl	$MSR_GS_BASE, %ecx
	movq	15 * 8 + DB_IST_GSBASE(%rsp), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
.endm

/*
 * #DB, on its IST stack, after the stub pushed error code 0 and vector 1.
 */
db_entry:
	testb	$3, 24(%rsp)
	jz	db_from_hypervisor
	/* From the guest, so GS base is the guest's.  Move the seven words
	 * (vector .. ss) to where the CPU puts a guest frame (TSS.rsp0). */
	swapgs
	movq	%rdi, %gs:PERCPU_SCRATCH
	movq	%gs:PERCPU_STACK_HI, %rdi
	subq	$7 * 8, %rdi
	popq	0 * 8(%rdi)
	popq	1 * 8(%rdi)
	popq	2 * 8(%rdi)
	popq	3 * 8(%rdi)
	popq	4 * 8(%rdi)
	popq	5 * 8(%rdi)
	popq	6 * 8(%rdi)
	movq	%rdi, %rsp
	movq	%gs:PERCPU_SCRATCH, %rdi
	jmp	common_entry_saved

/*
 * GS base is set from the word above the stack, not swapped: besides
 * the guest's GS base at the first instruction of an entry (a `mov ss`
 * #DB, KERNEL_GS_BASE then holds ours), there are the few instructions
 * where a selector load put a guest's base in GS and KERNEL_GS_BASE
 * holds a guest's too (context.c, load_selectors_of(); descriptor-
 * tables.c, load_user_gs_sel()): no #DB can arise there today, but a
 * swapgs would then run the handler on a guest's base.  The base found
 * is kept in the second word and put back on the way out.
 */
db_from_hypervisor:
	IST_GS_LOAD
	SAVE_REGS_AND_CALL do_debug_hypervisor
	IST_GS_RESTORE
	RESTORE_REGS
	iretq

/*
 * NMI and #MC, on their IST stacks, after the stub pushed error code 0
 * and the vector: as db_from_hypervisor, from either ring.  KERNEL_GS_BASE
 * is not touched.
 */
nmi_mce_entry:
	IST_GS_LOAD
	SAVE_REGS_AND_CALL do_entry
	IST_GS_RESTORE
	RESTORE_REGS
	iretq

/*
 * 64-bit `syscall` from the guest (LSTAR): a hypercall from guest kernel
 * mode or a system call from guest user mode; do_entry() tells them apart
 * by the vCPU's mode.  Interrupts are off (SFMASK clears IF).
 */
	.globl	syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:PERCPU_SCRATCH
	movq	%gs:PERCPU_STACK_HI, %rsp
	pushq	$FLAT_RING3_SS
	pushq	%gs:PERCPU_SCRATCH
	pushq	%r11			/* rflags */
	pushq	$FLAT_RING3_CS64
	pushq	%rcx			/* rip */
	pushq	$0
	pushq	$SYSCALL_VECTOR
	jmp	common_entry_saved

/* The same for `syscall` from 32-bit compatibility code (CSTAR). */
	.globl	syscall32_entry
syscall32_entry:
	swapgs
	movq	%rsp, %gs:PERCPU_SCRATCH
	movq	%gs:PERCPU_STACK_HI, %rsp
	pushq	$FLAT_RING3_SS
	pushq	%gs:PERCPU_SCRATCH
	pushq	%r11
	pushq	$FLAT_RING3_CS32
	pushq	%rcx
	pushq	$0
	pushq	$SYSCALL32_VECTOR
	jmp	common_entry_saved

/*
 * void enter_guest(struct cpu_regs *regs): abandon the current stack and
 * return to the guest frame at regs (the top of this CPU's stack).
 */
	.globl	enter_guest
enter_guest:
	movq	%rdi, %rsp
	jmp	restore_all

/*
 * void reset_stack_and_call(unsigned long top, void (*fn)(void)): run fn,
 * which never returns, on a fresh stack.
 */
	.globl	reset_stack_and_call
reset_stack_and_call:
	movq	%rdi, %rsp
	xorl	%ebp, %ebp
	pushq	$0			/* no return address */
	jmpq	*%rsi

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
