// SPDX-License-Identifier: GPL-2.0
/*
 * Frame-pointer backtraces, for panic dumps.
 *
 * Everything is built with -fno-omit-frame-pointer, so each frame starts
 * with the caller's RBP followed by the return address; entry.S adds a
 * fake frame for the interrupted code.  The walk only follows frame
 * pointers that lie on one of this CPU's stacks (at most 32 of them), so
 * a corrupt chain ends the trace instead of faulting inside panic.
 */
#include <hv/log.h>
#include <hv/smp.h>
#include <hv/symbols.h>

#include <asm/setup.h>

#define MAX_FRAMES	32
#define IST_SIZE	(2 * 4096)

static bool on_stack(unsigned long p, unsigned long lo, unsigned long hi)
{
	return p >= lo && p + 16 <= hi;
}

static bool frame_ok(unsigned long fp)
{
	struct percpu *me = this_cpu();

	if (fp & 7)
		return false;
	if (on_stack(fp, me->stack_lo, me->stack_hi))
		return true;
	for (int i = 0; i < NR_IST; i++) {
		unsigned long top = ist_stack_top[me->cpu][i];

		if (top && on_stack(fp, top - IST_SIZE, top))
			return true;
	}
	return false;
}

/**
 * backtrace_from() - print the call chain starting at a frame
 * @rip: where execution was
 * @rbp: its frame pointer
 */
void backtrace_from(unsigned long rip, unsigned long rbp)
{
	printk("Backtrace:\n");
	print_symbol("  ", rip);
	for (int i = 0; i < MAX_FRAMES && frame_ok(rbp); i++) {
		unsigned long *frame = (unsigned long *)rbp;
		unsigned long ret = frame[1];

		if (!ret)
			break;
		print_return_address("  ", ret);
		if (frame[0] == rbp)
			break;
		rbp = frame[0];
	}
}
