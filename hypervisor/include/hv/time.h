/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System time: nanoseconds since boot, monotonic, the same clock on every
 * CPU.  On x86 it is the TSC scaled by its calibrated frequency.
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <hv/types.h>

#define MILLISECS(ms)	((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us)	((s_time_t)(us) * 1000LL)

s_time_t NOW(void);
void udelay(unsigned long us);
void mdelay(unsigned long ms);

#endif /* HV_TIME_H */
