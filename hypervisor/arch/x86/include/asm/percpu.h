/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a CPU finds its own struct percpu: the GS base points at it, and
 * its first field points at itself, so one %gs-relative load does it.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

struct percpu;

static inline struct percpu *arch_this_cpu(void)
{
	struct percpu *p;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

void arch_set_this_cpu(struct percpu *p);

#endif /* ASM_PERCPU_H */
