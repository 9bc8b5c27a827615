/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the scheduler test kernels (tests/pv/sched/): a way
 * to sleep on VIRQ_TIMER (time itself is the framework's pv_now()).
 */
#ifndef PV_SCHED_TESTS_H
#define PV_SCHED_TESTS_H

#include "pv.h"

/* Sleep until system time @deadline: set_timer_op + SCHEDOP_block. */
void pv_sleep_until(uint64_t deadline);

/* The number after "<key>=" on our command line, or @def. */
unsigned long cmdline_ulong(const char *key, unsigned long def);

#endif /* PV_SCHED_TESTS_H */
