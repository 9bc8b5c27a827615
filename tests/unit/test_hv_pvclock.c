// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for pvclock scaling (hypervisor/common/pvclock.c): the
 * mul/shift we publish must turn TSC ticks into nanoseconds the way the
 * guest computes them (contract §13), for slow and fast TSCs alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/evtchn-2l.h>

/* |got - want| within @ppm parts per million of want. */
static void assert_close(uint64_t got, uint64_t want, uint64_t ppm)
{
	uint64_t diff = got > want ? got - want : want - got;

	if (diff * 1000000 > want * ppm)
		fail_msg("got %lu, want %lu", (unsigned long)got,
			 (unsigned long)want);
}

static void one_second_of_ticks_scales_to_1e9_ns(void **state)
{
	static const uint64_t hz[] = {
		1000000ULL, 3579545ULL, 999999999ULL, 1000000000ULL,
		1000000001ULL, 2453743000ULL, 2000000000ULL, 5000000000ULL,
		100000000000ULL,
	};

	for (unsigned int i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		uint32_t mul;
		int8_t shift;

		pvclock_scale(hz[i], &mul, &shift);
		assert_close(pvclock_scale_delta(hz[i], mul, shift),
			     1000000000ULL, 1);
	}
}

static void mul_is_a_fraction_above_one_half(void **state)
{
	uint32_t mul;
	int8_t shift;

	pvclock_scale(2453743000ULL, &mul, &shift);
	assert_int_equal(shift, -1);
	assert_true(mul >= 0x80000000u);
	pvclock_scale(1000000ULL, &mul, &shift);
	assert_true(shift > 0);
	assert_true(mul >= 0x80000000u);
}

static void an_hour_at_2_4_ghz_stays_exact_to_a_microsecond(void **state)
{
	uint64_t hz = 2400000000ULL, ticks = hz * 3600;
	uint32_t mul;
	int8_t shift;

	pvclock_scale(hz, &mul, &shift);
	assert_close(pvclock_scale_delta(ticks, mul, shift),
		     3600ULL * 1000000000ULL, 1);
}

static void zero_frequency_falls_back_to_1_ghz(void **state)
{
	uint32_t mul;
	int8_t shift;

	pvclock_scale(0, &mul, &shift);
	assert_close(pvclock_scale_delta(1000, mul, shift), 1000, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_second_of_ticks_scales_to_1e9_ns),
		cmocka_unit_test(mul_is_a_fraction_above_one_half),
		cmocka_unit_test(an_hour_at_2_4_ghz_stays_exact_to_a_microsecond),
		cmocka_unit_test(zero_frequency_falls_back_to_1_ghz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
