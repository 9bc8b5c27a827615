/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When the hypervisor gives up: panic() prints the reason, the register
 * state, a symbolized backtrace and the recent-event rings, then shuts
 * the machine down (or halts with noreboot).  ASSERT() and BUG() are the
 * usual ways to get there.
 */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include <hv/types.h>

struct cpu_regs;

void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
void panic_regs(const struct cpu_regs *regs, const char *fmt, ...)
	__printf(2, 3) __noreturn;
bool in_panic(void);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#ifndef NDEBUG
#define ASSERT(c)							\
	do {								\
		if (unlikely(!(c)))					\
			panic("Assertion '%s' failed at %s:%d",		\
			      #c, __FILE__, __LINE__);			\
	} while (0)
#else
#define ASSERT(c)	do { (void)sizeof(c); } while (0)
#endif

#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#endif /* HV_PANIC_H */
