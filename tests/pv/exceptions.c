// SPDX-License-Identifier: GPL-2.0
/*
 * exceptions: every exception a PV guest kernel can raise on its own
 * reaches the trap-table handler for its vector with Xen's bounce frame:
 * rcx, r11, [error code], rip, cs, rflags, rsp, ss on the interrupted
 * stack aligned down to 16 bytes (check_kernel_frame() in lib/traps.c).
 *
 * Not covered: #NMI, #DF, #MC (not raisable by a guest), #TS and #NP
 * (need descriptor tables of our own), #AC (QEMU's TCG never raises it),
 * #BR (`bound` does not exist in 64-bit mode).  #XM is checked only
 * where the CPU raises it (QEMU's TCG does not).
 */
#include "pv.h"

const char test_name[] = "exceptions";

#define NONCANONICAL 0x8000000000000000UL

static void divide_error(void)
{
	printk("#DE: div by zero\n");
	probe_arm(0);
	PROBE("divl %%esi", , "a"(1), "d"(0), "S"(0));
	check_kernel_frame(0, 0, 0, probe_rec.fault_rip);
}

static void debug_trap(void)
{
	printk("#DB: single step after popf sets TF\n");
	probe_arm(1);
	/* The trap comes after the instruction that follows popf. */
	PROBE_PRE("pushf; orl $0x100, (%%rsp); popf", "nop");
	check_kernel_frame(1, 0, 0, probe_rec.resume_rip);
	check(probe_rec.b.rflags & X86_EFLAGS_TF);
}

static void breakpoint(void)
{
	printk("#BP: int3 (trap-table DPL 3)\n");
	probe_arm(3);
	PROBE("int3");
	check_kernel_frame(3, 0, 0, probe_rec.resume_rip);
}

static void into_is_invalid(void)
{
	/* into (0xce) does not exist in 64-bit mode: #UD, not #OF. */
	printk("into: #UD in 64-bit mode\n");
	probe_arm(6);
	PROBE(".byte 0xce");
	check_kernel_frame(6, 0, 0, probe_rec.fault_rip);
}

static void invalid_opcode(void)
{
	printk("#UD: ud2\n");
	probe_arm(6);
	PROBE("ud2");
	check_kernel_frame(6, 0, 0, probe_rec.fault_rip);
}

static void device_not_available(void)
{
	printk("#NM: x87 instruction after fpu_taskswitch(1)\n");
	check_rc(hyp_fpu_taskswitch(1), 0);
	probe_arm(7);
	PROBE("fnop");
	check_kernel_frame(7, 0, 0, probe_rec.fault_rip);
	/* Xen clears the virtual CR0.TS when it delivers #NM. */
	set_handler(7, NULL);
	asm volatile("fnop");
}

static void stack_fault(void)
{
	/*
	 * The SDM says #SS(0) for a non-canonical address through %rsp or
	 * %rbp; QEMU's TCG raises #GP(0) instead, and a PV hypervisor just
	 * passes on what the CPU raised.  Either is right here.
	 */
	printk("#SS: non-canonical address through %%rsp\n");
	probe_arm(12);
	set_handler(13, probe_catch);
	PROBE("movq (%%rsp,%%rax,1), %%rdx", , "a"(NONCANONICAL));
	set_handler(13, NULL);
	if (probe_rec.vector == 13)
		printk("  the CPU raised #GP, not #SS (QEMU TCG does)\n");
	check(probe_rec.vector == 12 || probe_rec.vector == 13);
	check_kernel_frame(probe_rec.vector, 1, 0, probe_rec.fault_rip);
}

static void general_protection(void)
{
	printk("#GP: non-canonical address\n");
	probe_arm(13);
	PROBE("movq (%%rax), %%rcx", , "a"(NONCANONICAL));
	check_kernel_frame(13, 1, 0, probe_rec.fault_rip);

	printk("#GP: hlt is privileged\n");
	probe_arm(13);
	PROBE("hlt");
	check_kernel_frame(13, 1, 0, probe_rec.fault_rip);
}

static void x87_error(void)
{
	static const uint16_t cw = 0x037b;	/* default, #Z unmasked */

	printk("#MF: x87 divide by zero, reported at fwait\n");
	asm volatile("fninit; fldcw %0; fldz; fld1; fdivp" : : "m"(cw));
	probe_arm(16);
	PROBE("fwait");
	check_kernel_frame(16, 0, 0, probe_rec.fault_rip);
	asm volatile("fninit");
}

static void simd_error(void)
{
	static const uint32_t mxcsr_zm_clear = 0x1f80 & ~0x200;
	static const uint32_t mxcsr_default = 0x1f80;

	printk("#XM: divss by zero with #Z unmasked\n");
	asm volatile("ldmxcsr %0; movl $0x3f800000, %%eax; movd %%eax, %%xmm0;"
		     "xorps %%xmm1, %%xmm1" : : "m"(mxcsr_zm_clear) : "rax");
	probe_arm(19);
	PROBE("divss %%xmm1, %%xmm0");
	/* QEMU 7.2's TCG does not raise SIMD exceptions at all. */
	if (probe_rec.count == 0)
		printk("  no #XM: the CPU does not raise it (QEMU TCG)\n");
	else
		check_kernel_frame(19, 0, 0, probe_rec.fault_rip);
	asm volatile("ldmxcsr %0" : : "m"(mxcsr_default));
}

void test_main(void)
{
	divide_error();
	debug_trap();
	breakpoint();
	into_is_invalid();
	invalid_opcode();
	device_not_available();
	stack_fault();
	general_protection();
	x87_error();
	simd_error();
}
