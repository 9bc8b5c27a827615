// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the domain options on a kernel module's command
 * line (hypervisor/common/domain-config.c): our words are taken out and
 * applied, everything else reaches the kernel unchanged and in order,
 * quoted words stay whole, and every bad value is an error that names
 * the option.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hv/domain-config.h>
#include <hv/errno.h>

static struct domain_config c;

static void kernel_gets_the_line_without_file_name(void **state)
{
	assert_int_equal(domain_config_parse("/b/vmlinux console=hvc0  quiet",
					     &c), 0);
	assert_string_equal(c.cmdline, "console=hvc0 quiet");
	assert_int_equal(c.mem, 0);
	assert_int_equal(c.vcpus, 0);
	assert_int_equal(c.weight, 0);
	assert_int_equal(c.cap, 0);
	assert_int_equal(c.affinity, 0);
}

static void file_name_alone_gives_empty_line(void **state)
{
	assert_int_equal(domain_config_parse("vmlinux", &c), 0);
	assert_string_equal(c.cmdline, "");
	assert_int_equal(domain_config_parse("", &c), 0);
	assert_string_equal(c.cmdline, "");
}

static void our_options_are_taken_out_and_applied(void **state)
{
	assert_int_equal(domain_config_parse(
		"k veneer.mem=256M earlyprintk=xen veneer.vcpus=2 "
		"veneer.weight=512 veneer.cap=50 veneer.affinity=0-1 "
		"keep_bootcon veneer.toolstack", &c), 0);
	assert_string_equal(c.cmdline, "earlyprintk=xen keep_bootcon");
	assert_true(c.toolstack);
	assert_int_equal(c.mem, 256UL << 20);
	assert_int_equal(c.vcpus, 2);
	assert_int_equal(c.weight, 512);
	assert_int_equal(c.cap, 50);
	assert_int_equal(c.affinity, 3);
}

static void affinity_lists(void **state)
{
	assert_int_equal(domain_config_parse("k veneer.affinity=0,1", &c), 0);
	assert_int_equal(c.affinity, 3);
	assert_int_equal(domain_config_parse("k veneer.affinity=1", &c), 0);
	assert_int_equal(c.affinity, 2);
	assert_int_equal(domain_config_parse("k veneer.affinity=0-2,5", &c),
			 0);
	assert_int_equal(c.affinity, 0x27);
	assert_int_equal(domain_config_parse("k veneer.affinity=63", &c), 0);
	assert_true(c.affinity == 1ULL << 63);
}

static void quoted_words_stay_whole_and_other_veneer_words_stay(void **state)
{
	assert_int_equal(domain_config_parse(
		"k veneer.run=\"echo veneer.mem=1G; true\" veneer.vcpus=1 "
		"veneer.other=x", &c), 0);
	assert_string_equal(c.cmdline,
			    "veneer.run=\"echo veneer.mem=1G; true\" "
			    "veneer.other=x");
	assert_int_equal(c.mem, 0);
	assert_int_equal(c.vcpus, 1);
}

static void expect_bad(const char *line, const char *what)
{
	assert_int_equal(domain_config_parse(line, &c), -EINVAL);
	if (!strstr(c.error, what))
		fail_msg("'%s': error '%s' does not name '%s'", line, c.error,
			 what);
}

static void bad_values_are_errors(void **state)
{
	expect_bad("k veneer.mem=lots", "veneer.mem");
	expect_bad("k veneer.mem=1M", "veneer.mem");
	expect_bad("k veneer.mem=", "veneer.mem");
	expect_bad("k veneer.mem", "veneer.mem");
	expect_bad("k veneer.vcpus=0", "veneer.vcpus");
	expect_bad("k veneer.vcpus=9", "veneer.vcpus");
	expect_bad("k veneer.vcpus=two", "veneer.vcpus");
	expect_bad("k veneer.weight=0", "veneer.weight");
	expect_bad("k veneer.weight=65536", "veneer.weight");
	expect_bad("k veneer.cap=801", "veneer.cap");
	expect_bad("k veneer.cap=-1", "veneer.cap");
	expect_bad("k veneer.affinity=", "veneer.affinity");
	expect_bad("k veneer.affinity=64", "veneer.affinity");
	expect_bad("k veneer.affinity=2-1", "veneer.affinity");
	expect_bad("k veneer.affinity=0,", "veneer.affinity");
	expect_bad("k veneer.affinity=a", "veneer.affinity");
	expect_bad("k veneer.affinity=0-", "veneer.affinity");
	/* 2^64 + 1: a number that would wrap to CPU 1 */
	expect_bad("k veneer.affinity=18446744073709551617", "veneer.affinity");
	expect_bad("k veneer.affinity=0-18446744073709551617",
		   "veneer.affinity");
}

static void too_long_a_line_is_refused(void **state)
{
	static char line[3000];

	memset(line, 'x', sizeof(line) - 1);
	line[0] = 'k';
	line[1] = ' ';
	assert_int_equal(domain_config_parse(line, &c), -E2BIG);
	memset(line, 0, sizeof(line));
	strcpy(line, "k ");
	memset(line + 2, 'y', DOMCFG_CMDLINE_MAX - 1);
	assert_int_equal(domain_config_parse(line, &c), 0);
	assert_int_equal(strlen(c.cmdline), DOMCFG_CMDLINE_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_gets_the_line_without_file_name),
		cmocka_unit_test(file_name_alone_gives_empty_line),
		cmocka_unit_test(our_options_are_taken_out_and_applied),
		cmocka_unit_test(affinity_lists),
		cmocka_unit_test(quoted_words_stay_whole_and_other_veneer_words_stay),
		cmocka_unit_test(bad_values_are_errors),
		cmocka_unit_test(too_long_a_line_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
