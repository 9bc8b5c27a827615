/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the scheduler test kernels (tests/pv/sched/): the
 * guest's view of time (pvclock) and a way to sleep on VIRQ_TIMER.
 */
#ifndef PV_SCHED_TESTS_H
#define PV_SCHED_TESTS_H

#include "pv.h"

/* System time in ns, from vCPU 0's pvclock record and the TSC. */
uint64_t pv_now(void);

/* Sleep until system time @deadline: set_timer_op + SCHEDOP_block. */
void pv_sleep_until(uint64_t deadline);

/* The number after "<key>=" on our command line, or @def. */
unsigned long cmdline_ulong(const char *key, unsigned long def);

#endif /* PV_SCHED_TESTS_H */
