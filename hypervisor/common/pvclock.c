// SPDX-License-Identifier: GPL-2.0
/*
 * pvclock scaling: the two numbers a guest needs to turn TSC ticks into
 * nanoseconds itself.
 *
 * A PV guest reads the time without a hypercall (contract §13): it takes
 * system_time and tsc_timestamp from its vcpu_time_info, reads the TSC,
 * and scales the difference as ((delta << shift) * mul) >> 32, a right
 * shift when shift is negative.  mul is a 32-bit fraction, so it can
 * only express factors below 1: the TSC rate is first brought into
 * (1e9, 2e9] ticks per second by powers of two (that is the shift), and
 * mul is 1e9 divided by that rate.  Pure arithmetic, unit tested on the
 * host (tests/unit/test_hv_pvclock.c).
 */
#include <hv/evtchn-2l.h>

#define NS_PER_SEC	1000000000ULL

/**
 * pvclock_scale() - mul and shift for a TSC running at @tsc_hz
 * @tsc_hz: ticks per second, non-zero
 * @mul:    out: 32.32 fraction
 * @shift:  out: applied to the delta first
 */
void pvclock_scale(u64 tsc_hz, u32 *mul, s8 *shift)
{
	s8 s = 0;

	if (!tsc_hz)
		tsc_hz = NS_PER_SEC;
	while (tsc_hz > 2 * NS_PER_SEC) {
		tsc_hz >>= 1;
		s--;
	}
	while (tsc_hz <= NS_PER_SEC) {
		tsc_hz <<= 1;
		s++;
	}
	*mul = (u32)((NS_PER_SEC << 32) / tsc_hz);
	*shift = s;
}

/**
 * pvclock_scale_delta() - what the guest computes: ticks to nanoseconds
 */
u64 pvclock_scale_delta(u64 delta, u32 mul, s8 shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (u64)(((unsigned __int128)delta * mul) >> 32);
}
