// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the hypervisor's command-line parser
 * (hypervisor/common/cmdline.c): every option type, unknown options and
 * bad values reported (never dropped), and the number/size parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hv/cmdline.h>
#include <hv/errno.h>

static bool flag;
static unsigned int count;
static uint64_t size;
static char name[8];
static char custom_seen[32];
static int nr_unknown, nr_bad;
static char last_problem[64];

static int custom(const char *v)
{
	if (v && !strcmp(v, "bad"))
		return -EINVAL;
	strcpy(custom_seen, v ? v : "(none)");
	return 0;
}

static const struct option opts[] = {
	{ "flag", OPT_BOOL, &flag, 0, NULL },
	{ "count", OPT_UINT, &count, 0, NULL },
	{ "size", OPT_SIZE, &size, 0, NULL },
	{ "name", OPT_STR, name, sizeof(name), NULL },
	{ "custom", OPT_CUSTOM, NULL, 0, custom },
};

static void report(enum cmdline_problem what, const char *n, const char *v)
{
	if (what == CMDLINE_UNKNOWN)
		nr_unknown++;
	else
		nr_bad++;
	snprintf(last_problem, sizeof(last_problem), "%s", n);
}

static int parse(const char *line)
{
	return cmdline_parse(line, opts, sizeof(opts) / sizeof(opts[0]), report);
}

static int reset(void **state)
{
	flag = false;
	count = 0;
	size = 0;
	name[0] = custom_seen[0] = last_problem[0] = '\0';
	nr_unknown = nr_bad = 0;
	return 0;
}

static void all_types_are_parsed(void **state)
{
	assert_int_equal(parse("flag count=17 size=512M name=abc custom=x"), 0);
	assert_true(flag);
	assert_int_equal(count, 17);
	assert_int_equal(size, 512ULL << 20);
	assert_string_equal(name, "abc");
	assert_string_equal(custom_seen, "x");
}

static void bool_values(void **state)
{
	assert_int_equal(parse("flag=yes"), 0);
	assert_true(flag);
	assert_int_equal(parse("flag=off"), 0);
	assert_false(flag);
	assert_int_equal(parse("flag=1 flag=false"), 0);
	assert_false(flag);
	assert_int_equal(parse("flag=maybe"), 1);
	assert_int_equal(nr_bad, 1);
}

static void unknown_options_are_reported(void **state)
{
	assert_int_equal(parse("flag bogus other=3 count=2"), 2);
	assert_int_equal(nr_unknown, 2);
	assert_string_equal(last_problem, "other");
	assert_true(flag);
	assert_int_equal(count, 2);
}

static void bad_values_are_reported_and_not_applied(void **state)
{
	count = 5;
	assert_int_equal(parse("count=12x count= count size=huge name=toolongname "
			       "custom=bad"), 6);
	assert_int_equal(nr_bad, 6);
	assert_int_equal(count, 5);
	assert_string_equal(name, "");
	assert_string_equal(custom_seen, "");
}

static void whitespace_and_empty_lines(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("   \t "), 0);
	assert_int_equal(parse("  flag\t\tcount=3  "), 0);
	assert_true(flag);
	assert_int_equal(count, 3);
	assert_int_equal(parse("custom"), 0);
	assert_string_equal(custom_seen, "(none)");
}

static void overlong_word_is_reported(void **state)
{
	char line[400];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse(line), 1);
	assert_int_equal(nr_unknown, 1);
}

static void numbers_and_sizes(void **state)
{
	unsigned long v;
	uint64_t s;

	assert_int_equal(parse_uint("0x1f", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse_uint("123", &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(parse_uint("", &v), -EINVAL);
	assert_int_equal(parse_uint("0x", &v), -EINVAL);
	assert_int_equal(parse_uint("99999999999999999999999", &v), -EINVAL);

	assert_int_equal(parse_size("4096B", &s), 0);
	assert_int_equal(s, 4096);
	assert_int_equal(parse_size("64", &s), 0);	/* KiB, as Xen */
	assert_int_equal(s, 64 << 10);
	assert_int_equal(parse_size("2g", &s), 0);
	assert_int_equal(s, 2ULL << 30);
	assert_int_equal(parse_size("1T", &s), 0);
	assert_int_equal(s, 1ULL << 40);
	assert_int_equal(parse_size("M", &s), -EINVAL);
	assert_int_equal(parse_size("", &s), -EINVAL);
	assert_int_equal(parse_size("1.5G", &s), -EINVAL);
	assert_int_equal(parse_size("99999999999999999T", &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(all_types_are_parsed, reset),
		cmocka_unit_test_setup(bool_values, reset),
		cmocka_unit_test_setup(unknown_options_are_reported, reset),
		cmocka_unit_test_setup(bad_values_are_reported_and_not_applied, reset),
		cmocka_unit_test_setup(whitespace_and_empty_lines, reset),
		cmocka_unit_test_setup(overlong_word_is_reported, reset),
		cmocka_unit_test_setup(numbers_and_sizes, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
