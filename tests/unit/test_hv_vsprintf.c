// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the hypervisor's printf (hypervisor/common/
 * vsprintf.c, built here as hv_snprintf).  Most cases compare against
 * the C library's snprintf, which defines the expected result; %p,
 * truncation and unknown conversions have explicit expectations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define SAME(...)							\
	do {								\
		char hv[256], ref[256];					\
		int n_hv = hv_snprintf(hv, sizeof(hv), __VA_ARGS__);	\
		int n_ref = snprintf(ref, sizeof(ref), __VA_ARGS__);	\
		assert_string_equal(hv, ref);				\
		assert_int_equal(n_hv, n_ref);				\
	} while (0)

static void integers_match_libc(void **state)
{
	SAME("%d %i %u", 42, -42, 42u);
	SAME("%d", 0);
	SAME("%d %d", INT32_MAX, INT32_MIN);
	SAME("%ld %lu", -1234567890123L, 18446744073709551615UL);
	SAME("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%hd %hhu", (short)-5, (unsigned char)250);
	SAME("%zu %zd", (size_t)12345, (ptrdiff_t)-3);
	SAME("%x %X %o", 0xdeadbeefu, 0xabcdefu, 0755u);
	SAME("%lx", 0xffff820000200000UL);
}

static void flags_width_precision_match_libc(void **state)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%05d] [%-6d] [%5.3d] [%.0d] [%.0d]", -42, -42, 7, 0, 3);
	SAME("[%#x] [%#X] [%#o] [%#x] [%#o]", 255u, 255u, 8u, 0u, 0u);
	SAME("[%#010x] [%08lx] [%-8x|]", 255u, 0x1234UL, 0xabu);
	SAME("[%*d] [%-*d] [%.*d]", 6, 1, 6, 1, 4, 1);
	SAME("[%016llx]", 0x1234ULL);
	SAME("[%3c] [%-3c] [%c]", 'a', 'b', 'c');
	SAME("[%s] [%8s] [%-8s] [%.3s] [%8.2s]", "x", "abc", "abc", "abcdef",
	     "abcdef");
	SAME("100%% sure %s", "yes");
}

static void pointer_prints_full_width_hex(void **state)
{
	char buf[64];

	hv_snprintf(buf, sizeof(buf), "%p", (void *)0xffff820000200000UL);
	assert_string_equal(buf, "0xffff820000200000");
	hv_snprintf(buf, sizeof(buf), "%p", (void *)0x10);
	assert_string_equal(buf, "0x0000000000000010");
}

static void null_string_prints_marker(void **state)
{
	char buf[32];
	const char *volatile s = NULL;

	hv_snprintf(buf, sizeof(buf), "%s", s);
	assert_string_equal(buf, "(null)");
}

static void truncation_terminates_and_returns_full_length(void **state)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hv_snprintf(buf, 5, "abcdefgh"), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'x');
	assert_int_equal(hv_snprintf(buf, 0, "%d", 12345), 5);
	assert_int_equal(buf[0], 'a');
	assert_int_equal(hv_snprintf(buf, 1, "%d", 12345), 5);
	assert_string_equal(buf, "");
}

static void unknown_conversion_is_copied_out(void **state)
{
	char buf[32];
	const char *fmt = "a%yb%";	/* not a literal: no -Wformat */

	hv_snprintf(buf, sizeof(buf), fmt, 1);
	assert_string_equal(buf, "a%yb%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers_match_libc),
		cmocka_unit_test(flags_width_precision_match_libc),
		cmocka_unit_test(pointer_prints_full_width_hex),
		cmocka_unit_test(null_string_prints_marker),
		cmocka_unit_test(truncation_terminates_and_returns_full_length),
		cmocka_unit_test(unknown_conversion_is_copied_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
