// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for vctl's domain configuration parser (dom0/vctl/config.c):
 * xl.cfg syntax (strings in both quotes with escapes, numbers, lists over
 * several lines, comments, ';'), the keys of issue 14 with their defaults
 * and ranges, and every error with the line it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

static char err[512];
static struct vctl_config cfg;

/* A minimal valid file, to which a test adds lines. */
#define BASE "name = \"g\"\nkernel = \"/k\"\n"

static int parse(const char *text)
{
	err[0] = '\0';
	return vctl_config_parse(text, strlen(text), "t.cfg", &cfg, err,
				 sizeof(err));
}

static void parses(const char *text)
{
	if (parse(text))
		fail_msg("parse failed: %s", err);
}

/* text fails with exactly this message. */
static void fails(const char *text, const char *want)
{
	assert_int_equal(parse(text), -1);
	assert_string_equal(err, want);
	/* a failed parse leaves nothing to free */
	assert_null(cfg.kernel);
	assert_null(cfg.cmdline);
}

static int teardown(void **state)
{
	vctl_config_free(&cfg);
	return 0;
}

static void minimal_file_gets_xl_defaults(void **state)
{
	parses(BASE);
	assert_string_equal(cfg.name, "g");
	assert_string_equal(cfg.kernel, "/k");
	assert_null(cfg.ramdisk);
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(cfg.memory_mib, 128);
	assert_int_equal(cfg.maxmem_mib, 128);
	assert_int_equal(cfg.vcpus, 1);
	assert_int_equal(cfg.on_poweroff, VCTL_ACTION_DESTROY);
	assert_int_equal(cfg.on_reboot, VCTL_ACTION_RESTART);
	assert_int_equal(cfg.on_crash, VCTL_ACTION_DESTROY);
	assert_int_equal(cfg.cpu_weight, 256);
	assert_int_equal(cfg.cap, 0);
	assert_null(cfg.cpus);
	assert_true(cfg.cpumask == ~0ULL);
}

static void every_key_is_taken(void **state)
{
	parses("name = 'web-1.a_b'\n"
	       "memory = 512\n"
	       "maxmem = 0x400\n"
	       "vcpus = 4\n"
	       "kernel = \"/boot/vmlinuz\"\n"
	       "ramdisk = \"/boot/initrd.img\"\n"
	       "root = \"/dev/xvda1 ro\"\n"
	       "extra = \"console=hvc0\"\n"
	       "on_poweroff = \"preserve\"\n"
	       "on_reboot = \"destroy\"\n"
	       "on_crash = \"restart\"\n"
	       "cpu_weight = 512\n"
	       "cap = 50\n"
	       "cpus = \"0-3,^2\"\n");
	assert_string_equal(cfg.name, "web-1.a_b");
	assert_int_equal(cfg.memory_mib, 512);
	assert_int_equal(cfg.maxmem_mib, 1024);
	assert_int_equal(cfg.vcpus, 4);
	assert_string_equal(cfg.kernel, "/boot/vmlinuz");
	assert_string_equal(cfg.ramdisk, "/boot/initrd.img");
	/* as xl: root= first, then extra */
	assert_string_equal(cfg.cmdline, "root=/dev/xvda1 ro console=hvc0");
	assert_int_equal(cfg.on_poweroff, VCTL_ACTION_PRESERVE);
	assert_int_equal(cfg.on_reboot, VCTL_ACTION_DESTROY);
	assert_int_equal(cfg.on_crash, VCTL_ACTION_RESTART);
	assert_int_equal(cfg.cpu_weight, 512);
	assert_int_equal(cfg.cap, 50);
	assert_string_equal(cfg.cpus, "0-3,^2");
	assert_int_equal(cfg.cpumask, 0xb);
}

static void cmdline_is_taken_whole(void **state)
{
	parses(BASE "cmdline = \"console=hvc0 quiet\"\n");
	assert_string_equal(cfg.cmdline, "console=hvc0 quiet");
	vctl_config_free(&cfg);
	parses(BASE "extra = \"quiet\"\n");
	assert_string_equal(cfg.cmdline, "quiet");
	vctl_config_free(&cfg);
	parses(BASE "root = \"/dev/xvda\"\n");
	assert_string_equal(cfg.cmdline, "root=/dev/xvda");
}

static void strings_take_both_quotes_and_escapes(void **state)
{
	parses("name = 'g'\nkernel = \"/a b/k\"\n"
	       "extra = 'x=\"1\" \\'2\\' \\\\ \\t.'\n");
	assert_string_equal(cfg.kernel, "/a b/k");
	assert_string_equal(cfg.cmdline, "x=\"1\" '2' \\ \t.");
	vctl_config_free(&cfg);
	/* the other quote needs no escape; '#' inside a string is kept */
	parses(BASE "extra = \"it's #1\"  # and this is a comment\n");
	assert_string_equal(cfg.cmdline, "it's #1");
}

static void comments_blank_lines_semicolons_and_crlf(void **state)
{
	parses("# a comment\n"
	       "\n"
	       "   \t# indented comment\n"
	       "name = \"g\" ; kernel = \"/k\";memory=64 # trailing\n"
	       ";;\n"
	       "vcpus\t=\t2\r\n"
	       "# last line without a newline");
	assert_int_equal(cfg.memory_mib, 64);
	assert_int_equal(cfg.vcpus, 2);
}

static void an_empty_file_needs_name_and_kernel(void **state)
{
	fails("", "t.cfg: no name given (name = \"...\")");
	fails("# only a comment\n", "t.cfg: no name given (name = \"...\")");
	fails("name = \"g\"\n", "t.cfg: no kernel given (kernel = \"/path\")");
}

static void numbers_decimal_and_hex(void **state)
{
	parses(BASE "memory = 0X100\nmaxmem = 4096\n");
	assert_int_equal(cfg.memory_mib, 256);
	assert_int_equal(cfg.maxmem_mib, 4096);
}

static void lists_span_lines_with_comments(void **state)
{
	/* a list is syntax the parser knows; cpus refuses one by name */
	fails(BASE "\n"
	      "cpus = [ \"0\",   # vCPU 0\n"
	      "         \"1\",\n"
	      "       ]\n",
	      "t.cfg:4: cpus: a list per vCPU is not supported; give one "
	      "string such as \"0-3\"");
	fails(BASE "kernel_ = []\n", "t.cfg:3: unknown key 'kernel_'");
	fails(BASE "memory = [1, 2]\n",
	      "t.cfg:3: memory: expected a number, got a list");
	/* the statement after a list is on its own line */
	fails(BASE "cpus = [\n\"1\"\n]\nbogus = 1\n",
	      "t.cfg:3: cpus: a list per vCPU is not supported; give one "
	      "string such as \"0-3\"");
}

static void syntax_errors_name_their_line(void **state)
{
	fails(BASE "memory 512\n",
	      "t.cfg:3: expected '=' after 'memory', found '5'");
	fails(BASE "\nmemory =\n", "t.cfg:4: a value is missing (a \"string\", "
	      "a number or a [list])");
	fails(BASE "memory = # none\n", "t.cfg:3: a value is missing (a "
	      "\"string\", a number or a [list])");
	fails(BASE "= 5\n", "t.cfg:3: expected KEY = VALUE, found '='");
	fails(BASE "9lives = 1\n", "t.cfg:3: expected KEY = VALUE, found '9'");
	fails(BASE "extra = \"open\n", "t.cfg:3: string not closed (a string "
	      "ends with its \" on the line it began)");
	fails(BASE "extra = 'open", "t.cfg:3: string not closed (a string "
	      "ends with its ' on the line it began)");
	fails(BASE "extra = \"a\\\n\"\n", "t.cfg:3: string not closed (a '\\' "
	      "at the end of a line)");
	fails(BASE "extra = \"\\q\"\n", "t.cfg:3: unknown escape '\\q' in a "
	      "string (\\\\ \\\" \\' \\n \\t \\r)");
	fails(BASE "memory = 12abc\n", "t.cfg:3: bad number '12abc' (a whole "
	      "number: decimal, or hex with 0x)");
	fails(BASE "memory = 1.5\n", "t.cfg:3: bad number '1.5' (a whole "
	      "number: decimal, or hex with 0x)");
	fails(BASE "memory = 0x\n", "t.cfg:3: bad number '0x' (a whole "
	      "number: decimal, or hex with 0x)");
	fails(BASE "memory = 99999999999999999999\n", "t.cfg:3: number "
	      "'99999999999999999999' is too large");
	fails(BASE "memory = -5\n", "t.cfg:3: numbers cannot be negative");
	fails(BASE "on_crash = destroy\n", "t.cfg:3: 'destroy': a string "
	      "needs quotes (\"destroy\")");
	fails(BASE "memory = 5 6\n",
	      "t.cfg:3: unexpected '6' after the value of 'memory'");
	fails(BASE "memory = 5 \"x\"\n",
	      "t.cfg:3: unexpected '\"' after the value of 'memory'");
	fails(BASE "memory = @\n", "t.cfg:3: expected a value (a \"string\", "
	      "a number or a [list]), found '@'");
	fails(BASE "cpus = [[\"1\"]]\n", "t.cfg:3: lists cannot be nested");
	fails(BASE "cpus = [\"1\" \"2\"]\n",
	      "t.cfg:3: expected ',' or ']' in a list, found '\"'");
	/* an unclosed list is reported at the line it opened on */
	fails(BASE "cpus = [\"1\",\n\n\"2\"\n",
	      "t.cfg:3: list not closed (no ']' before the end of the file)");
	fails(BASE "cpus = [\n# nothing\n",
	      "t.cfg:3: list not closed (no ']' before the end of the file)");
	fails(BASE "a_very_long_key_name_of_more_than_31 = 1\n",
	      "t.cfg:3: key 'a_very_long_key_name_of_more_th...' is too long");
}

static void a_nul_byte_is_an_error_at_its_line(void **state)
{
	static const char text[] = BASE "\nextra = \"a\0b\"\n";

	assert_int_equal(vctl_config_parse(text, sizeof(text) - 1, "t.cfg",
					   &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "t.cfg:4: a NUL byte (not a text file?)");
}

static void a_string_may_not_exceed_4096_bytes(void **state)
{
	size_t n = 5000;
	char *text = malloc(n + 64);

	assert_non_null(text);
	strcpy(text, BASE "extra = \"");
	memset(text + strlen(text), 'x', n);
	strcpy(text + strlen(BASE "extra = \"") + n, "\"\n");
	fails(text, "t.cfg:3: string longer than 4096 bytes");
	free(text);
}

static void key_errors_name_their_line(void **state)
{
	fails(BASE "\n\nbuilder = \"hvm\"\n", "t.cfg:5: unknown key 'builder'");
	fails(BASE "memory = 64\nmemory = 128\n",
	      "t.cfg:4: memory given twice (first on line 3)");
	fails("name = \"a\"\nkernel = \"/k\"\nname = \"b\"\n",
	      "t.cfg:3: name given twice (first on line 1)");
	fails(BASE "memory = \"512\"\n",
	      "t.cfg:3: memory: expected a number, got a string");
	fails(BASE "memory = 0\n",
	      "t.cfg:3: memory = 0 is out of range (1 to 4194304)");
	fails(BASE "vcpus = 0\n",
	      "t.cfg:3: vcpus = 0 is out of range (1 to 64)");
	fails(BASE "vcpus = 65\n",
	      "t.cfg:3: vcpus = 65 is out of range (1 to 64)");
	fails(BASE "cpu_weight = 0\n",
	      "t.cfg:3: cpu_weight = 0 is out of range (1 to 65535)");
	fails(BASE "cpu_weight = 65536\n",
	      "t.cfg:3: cpu_weight = 65536 is out of range (1 to 65535)");
	fails(BASE "cap = 6401\n",
	      "t.cfg:3: cap = 6401 is out of range (0 to 6400)");
	fails(BASE "ramdisk = 5\n",
	      "t.cfg:3: ramdisk: expected a string in quotes, got a number");
	fails(BASE "ramdisk = \"\"\n", "t.cfg:3: ramdisk: empty path");
	fails("name = \"g\"\nkernel = ''\n", "t.cfg:2: kernel: empty path");
	fails(BASE "on_poweroff = \"coredump-destroy\"\n",
	      "t.cfg:3: on_poweroff = \"coredump-destroy\": vctl takes "
	      "\"destroy\", \"restart\" or \"preserve\"");
	fails(BASE "on_reboot = 1\n",
	      "t.cfg:3: on_reboot: expected a string in quotes, got a number");
	fails(BASE "cpus = \"0-\"\n",
	      "t.cfg:3: cpus: expected a CPU number at ''");
	fails(BASE "cpus = \"64\"\n",
	      "t.cfg:3: cpus: CPU 64 does not exist (CPUs 0 to 63)");
	fails(BASE "cpus = 3\n",
	      "t.cfg:3: cpus: expected a string in quotes, got a number");
}

static void names_are_checked(void **state)
{
	fails("name = \"\"\n", "t.cfg:1: name: empty");
	fails("name = \"a/b\"\n", "t.cfg:1: name: 'a/b' has a character other "
	      "than letters, digits, '_', '.', '-'");
	fails("name = \"a b\"\n", "t.cfg:1: name: 'a b' has a character other "
	      "than letters, digits, '_', '.', '-'");
	fails("name = \"42\"\n", "t.cfg:1: name: '42' is a number, which "
	      "would read as a domain id");
	fails("name = \"Domain-0\"\n", "t.cfg:1: name: 'Domain-0' is dom0's");
	fails("name = \"0123456789012345678901234567890123456789012345678901"
	      "234567890123\"\n", "t.cfg:1: name: longer than 63 characters");
	fails("name = 7\n", "t.cfg:1: name: expected a string in quotes, got "
	      "a number");
}

static void whole_file_checks_name_the_right_line(void **state)
{
	fails(BASE "memory = 512\nmaxmem = 256\n",
	      "t.cfg:4: maxmem (256 MiB) is below memory (512 MiB)");
	/* maxmem before memory: still maxmem's line */
	fails(BASE "maxmem = 64\n\nmemory = 512\n",
	      "t.cfg:3: maxmem (64 MiB) is below memory (512 MiB)");
	fails(BASE "cmdline = \"a\"\nextra = \"b\"\n",
	      "t.cfg:4: cmdline cannot be combined with root or extra "
	      "(cmdline is the whole command line)");
	fails(BASE "root = \"/r\"\ncmdline = \"a\"\n",
	      "t.cfg:3: cmdline cannot be combined with root or extra "
	      "(cmdline is the whole command line)");
}

static void a_command_line_holds_1023_bytes(void **state)
{
	char text[1200];
	size_t base = strlen(BASE "extra = \"");

	strcpy(text, BASE "extra = \"");
	memset(text + base, 'a', 1023);
	strcpy(text + base + 1023, "\"\n");
	parses(text);
	assert_int_equal(strlen(cfg.cmdline), 1023);
	vctl_config_free(&cfg);
	/* root= makes it longer than what was written */
	strcpy(text + base + 1023, "\"\nroot = \"x\"\n");
	fails(text, "t.cfg:3: the kernel command line is 1030 bytes; a PV "
	      "guest's holds at most 1023");
}

static void a_file_is_loaded_and_missing_files_are_errors(void **state)
{
	char path[] = "/tmp/test_vctl_config.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, BASE "vcpus = 3\n", strlen(BASE) + 10),
			 (ssize_t)strlen(BASE) + 10);
	close(fd);
	assert_int_equal(vctl_config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.vcpus, 3);
	vctl_config_free(&cfg);
	unlink(path);
	assert_int_equal(vctl_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(vctl_config_load("/tmp", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: not a regular file");
}

static void disk_list_parses_xl_specs(void **state)
{
	parses(BASE "disk = [ '/img/a.img,raw,xvda,rw',\n"
	       "  'target=/img/b.img, vdev=xvdc, access=r' ]\n");
	assert_int_equal(cfg.nr_disks, 2);
	assert_string_equal(cfg.disks[0].target, "/img/a.img");
	assert_string_equal(cfg.disks[0].vdev, "xvda");
	assert_int_equal(cfg.disks[0].devid, 51712);
	assert_false(cfg.disks[0].readonly);
	assert_string_equal(cfg.disks[1].target, "/img/b.img");
	assert_int_equal(cfg.disks[1].devid, 51712 + 2 * 16);
	assert_true(cfg.disks[1].readonly);
}

static void bad_disk_specs_are_refused(void **state)
{
	fails(BASE "disk = [ '/a,qcow2,xvda,rw' ]\n",
	      "t.cfg:3: disk 1: format 'qcow2': only raw is supported");
	fails(BASE "disk = [ '/a,raw,hda,rw' ]\n",
	      "t.cfg:3: disk 1: vdev 'hda': expected xvda..xvdz");
	fails(BASE "disk = [ '/a,raw,xvda,rx' ]\n",
	      "t.cfg:3: disk 1: access 'rx': expected r, ro, w or rw");
	fails(BASE "disk = [ ',raw,xvda' ]\n",
	      "t.cfg:3: disk 1: no target (image file)");
	fails(BASE "disk = [ '/a,raw,xvda', '/b,raw,xvda' ]\n",
	      "t.cfg:3: disk 2: xvda given twice");
	fails(BASE "disk = '/a,raw,xvda'\n",
	      "t.cfg:3: disk: expected a [list] of strings");
}

static void printed_config_shows_every_value(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	parses(BASE "memory = 64\nextra = \"a \\\"b\\\"\"\n");
	f = open_memstream(&buf, &len);
	vctl_config_print_json(f, &cfg);
	fclose(f);
	assert_string_equal(buf,
		"{\"name\": \"g\", \"memory_mib\": 64, \"maxmem_mib\": 64, "
		"\"vcpus\": 1, \"kernel\": \"/k\", \"ramdisk\": null, "
		"\"cmdline\": \"a \\\"b\\\"\", \"on_poweroff\": \"destroy\", "
		"\"on_reboot\": \"restart\", \"on_crash\": \"destroy\", "
		"\"cpu_weight\": 256, \"cap\": 0, \"cpus\": \"all\", "
		"\"disks\": []}\n");
	free(buf);
	f = open_memstream(&buf, &len);
	vctl_config_print(f, &cfg);
	fclose(f);
	assert_non_null(strstr(buf, "memory      = 64 MiB\n"));
	assert_non_null(strstr(buf, "cmdline     = a \"b\"\n"));
	assert_non_null(strstr(buf, "ramdisk     = (none)\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(minimal_file_gets_xl_defaults,
					  teardown),
		cmocka_unit_test_teardown(every_key_is_taken, teardown),
		cmocka_unit_test_teardown(cmdline_is_taken_whole, teardown),
		cmocka_unit_test_teardown(strings_take_both_quotes_and_escapes,
					  teardown),
		cmocka_unit_test_teardown(
			comments_blank_lines_semicolons_and_crlf, teardown),
		cmocka_unit_test_teardown(an_empty_file_needs_name_and_kernel,
					  teardown),
		cmocka_unit_test_teardown(numbers_decimal_and_hex, teardown),
		cmocka_unit_test_teardown(lists_span_lines_with_comments,
					  teardown),
		cmocka_unit_test_teardown(syntax_errors_name_their_line,
					  teardown),
		cmocka_unit_test_teardown(a_nul_byte_is_an_error_at_its_line,
					  teardown),
		cmocka_unit_test_teardown(a_string_may_not_exceed_4096_bytes,
					  teardown),
		cmocka_unit_test_teardown(key_errors_name_their_line, teardown),
		cmocka_unit_test_teardown(names_are_checked, teardown),
		cmocka_unit_test_teardown(whole_file_checks_name_the_right_line,
					  teardown),
		cmocka_unit_test_teardown(a_command_line_holds_1023_bytes,
					  teardown),
		cmocka_unit_test_teardown(
			a_file_is_loaded_and_missing_files_are_errors,
			teardown),
		cmocka_unit_test_teardown(disk_list_parses_xl_specs, teardown),
		cmocka_unit_test_teardown(bad_disk_specs_are_refused, teardown),
		cmocka_unit_test_teardown(printed_config_shows_every_value,
					  teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
