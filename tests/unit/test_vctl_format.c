// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for what vctl prints and the words it reads
 * (dom0/vctl/format.c, parse.c): xl list's table and state letters, the
 * --json documents, vcpu-list, info, counters, the management errors in
 * words; domain names, xl's CPU lists and memory sizes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <veneer/sched.h>

#include "vctl.h"

static char *out;
static size_t out_len;

static FILE *capture(void)
{
	FILE *f;

	free(out);
	out = NULL;
	f = open_memstream(&out, &out_len);
	assert_non_null(f);
	return f;
}

static int teardown(void **state)
{
	free(out);
	out = NULL;
	return 0;
}

/* dom0 running on 2 vCPUs, a domU paused, one shut down by a crash. */
static const struct veneer_domaininfo doms[] = {
	{ .domid = 0, .flags = VENEER_DOMINF_running |
			       VENEER_DOMINF_privileged,
	  .nr_online_vcpus = 2, .max_vcpus = 2, .tot_pages = 512 << 8,
	  .max_pages = 512 << 8, .cpu_time_ns = 12345678901ULL },
	{ .domid = 1, .flags = VENEER_DOMINF_blocked | VENEER_DOMINF_paused,
	  .nr_online_vcpus = 1, .max_vcpus = 4, .tot_pages = 64 << 8,
	  .max_pages = 128 << 8, .cpu_time_ns = 50000000ULL },
	{ .domid = 7, .flags = VENEER_DOMINF_shutdown | VENEER_DOMINF_crashed |
			       VENEER_DOMINF_dying,
	  .shutdown_reason = SHUTDOWN_crash, .nr_online_vcpus = 0,
	  .max_vcpus = 1, .tot_pages = 100, .max_pages = 4096,
	  .cpu_time_ns = 0 },
};

static void list_is_xl_list(void **state)
{
	FILE *f = capture();

	vctl_print_list(f, doms, 3, false);
	fclose(f);
	assert_string_equal(out,
"Name                                        ID   Mem VCPUs      State   Time(s)\n"
"Domain-0                                     0   512     2     r-----      12.3\n"
"1                                            1    64     1     -bp---       0.1\n"
"7                                            7     0     0     ---scd       0.0\n");
}

static void list_long_adds_limits_and_reason(void **state)
{
	FILE *f = capture();

	vctl_print_list(f, doms + 1, 2, true);
	fclose(f);
	assert_string_equal(out,
"Name                                        ID   Mem VCPUs      State   Time(s) MaxMem MaxVCPUs  Shutdown\n"
"1                                            1    64     1     -bp---       0.1    128        4  -\n"
"7                                            7     0     0     ---scd       0.0     16        1  crash\n");
}

static void list_json(void **state)
{
	FILE *f = capture();

	vctl_print_list_json(f, doms, 2);
	fclose(f);
	assert_string_equal(out,
"[\n"
"  {\"name\": \"Domain-0\", \"domid\": 0, \"mem_mib\": 512, \"max_mem_mib\": 512, "
"\"pages\": 131072, \"max_pages\": 131072, \"vcpus\": 2, \"max_vcpus\": 2, "
"\"state\": \"r-----\", \"running\": true, \"blocked\": false, "
"\"paused\": false, \"shutdown\": false, \"crashed\": false, "
"\"dying\": false, \"shutdown_reason\": null, \"cpu_time_ns\": 12345678901},\n"
"  {\"name\": \"1\", \"domid\": 1, \"mem_mib\": 64, \"max_mem_mib\": 128, "
"\"pages\": 16384, \"max_pages\": 32768, \"vcpus\": 1, \"max_vcpus\": 4, "
"\"state\": \"-bp---\", \"running\": false, \"blocked\": true, "
"\"paused\": true, \"shutdown\": false, \"crashed\": false, "
"\"dying\": false, \"shutdown_reason\": null, \"cpu_time_ns\": 50000000}\n"
"]\n");
	f = capture();
	vctl_print_list_json(f, doms + 2, 1);
	fclose(f);
	assert_non_null(strstr(out, "\"shutdown_reason\": \"crash\""));
	f = capture();
	vctl_print_list_json(f, doms, 0);
	fclose(f);
	assert_string_equal(out, "[]\n");
}

static void state_letters_and_reasons(void **state)
{
	char s[7];

	vctl_state_letters(0, s);
	assert_string_equal(s, "------");
	vctl_state_letters(VENEER_DOMINF_running | VENEER_DOMINF_blocked |
			   VENEER_DOMINF_paused | VENEER_DOMINF_shutdown |
			   VENEER_DOMINF_crashed | VENEER_DOMINF_dying, s);
	assert_string_equal(s, "rbpscd");
	vctl_state_letters(VENEER_DOMINF_privileged, s);
	assert_string_equal(s, "------");
	assert_string_equal(vctl_shutdown_reason(SHUTDOWN_poweroff),
			    "poweroff");
	assert_string_equal(vctl_shutdown_reason(SHUTDOWN_reboot), "reboot");
	assert_string_equal(vctl_shutdown_reason(SHUTDOWN_soft_reset),
			    "soft_reset");
	assert_string_equal(vctl_shutdown_reason(99), "unknown");
}

static const struct vctl_vcpu vcpus[] = {
	{ .domid = 0, .vcpu = 0, .info = { .online = 1, .running = 1,
	  .cpu = 1, .cpu_time_ns = 2500000000ULL, .affinity = 0x3 } },
	{ .domid = 3, .vcpu = 0, .info = { .online = 1, .blocked = 1,
	  .cpu = 0, .cpu_time_ns = 100000000ULL, .affinity = 0x1 } },
	{ .domid = 3, .vcpu = 1, .info = { .online = 0, .cpu = 1,
	  .affinity = 0x2d } },
};

static void vcpu_list_table(void **state)
{
	FILE *f = capture();

	vctl_print_vcpu_list(f, vcpus, 3, 8);
	fclose(f);
	assert_string_equal(out,
"Name                                ID  VCPU   CPU State   Time(s)  Affinity\n"
"Domain-0                             0     0     1   r--       2.5  0-1\n"
"3                                    3     0     0   -b-       0.1  0\n"
"3                                    3     1     -   --p       0.0  0,2-3,5\n");
	/* every CPU of the host is "all" */
	f = capture();
	vctl_print_vcpu_list(f, vcpus, 1, 2);
	fclose(f);
	assert_non_null(strstr(out, "2.5  all\n"));
}

static void vcpu_list_json(void **state)
{
	FILE *f = capture();

	vctl_print_vcpu_list_json(f, vcpus + 1, 2, 8);
	fclose(f);
	assert_string_equal(out,
"[\n"
"  {\"name\": \"3\", \"domid\": 3, \"vcpu\": 0, \"online\": true, "
"\"running\": false, \"blocked\": true, \"cpu\": 0, "
"\"cpu_time_ns\": 100000000, \"affinity\": \"0\", \"affinity_mask\": 1},\n"
"  {\"name\": \"3\", \"domid\": 3, \"vcpu\": 1, \"online\": false, "
"\"running\": false, \"blocked\": false, \"cpu\": null, "
"\"cpu_time_ns\": 0, \"affinity\": \"0,2-3,5\", \"affinity_mask\": 45}\n"
"]\n");
}

static const struct veneer_mgmt_physinfo phys = {
	.nr_cpus = 2, .max_domains = 64, .total_pages = 2048 << 8,
	.free_pages = 1000 << 8, .cpu_khz = 2999999, .version_major = 4,
	.version_minor = 17,
	.capabilities = VENEER_CAP_PV64 | VENEER_CAP_FOREIGN_MAP | (1U << 9),
	.extra = "-veneer",
};

static void info_key_value_and_json(void **state)
{
	FILE *f = capture();

	vctl_print_info(f, &phys, "veneer-dom0");
	fclose(f);
	assert_string_equal(out,
"host                   : veneer-dom0\n"
"nr_cpus                : 2\n"
"cpu_mhz                : 2999\n"
"total_memory           : 2048\n"
"free_memory            : 1000\n"
"max_domains            : 64\n"
"hypervisor_version     : 4.17-veneer\n"
"capabilities           : pv64 foreign-map 0x200\n"
"mgmt_version           : 1.1\n");
	f = capture();
	vctl_print_info_json(f, &phys, "h\"x");
	fclose(f);
	assert_string_equal(out,
"{\"host\": \"h\\\"x\", \"nr_cpus\": 2, \"cpu_khz\": 2999999, "
"\"total_memory_mib\": 2048, \"free_memory_mib\": 1000, "
"\"total_pages\": 524288, \"free_pages\": 256000, \"max_domains\": 64, "
"\"hypervisor_version\": \"4.17-veneer\", "
"\"capabilities\": \"pv64 foreign-map 0x200\", \"mgmt_version\": \"1.1\"}\n");
}

static void info_extra_version_need_not_be_terminated(void **state)
{
	struct veneer_mgmt_physinfo p = phys;
	FILE *f;

	memset(p.extra, 'x', sizeof(p.extra));
	p.capabilities = 0;
	f = capture();
	vctl_print_info(f, &p, "h");
	fclose(f);
	assert_non_null(strstr(out, "hypervisor_version     : 4.17"
				    "xxxxxxxxxxxxxxxx\n"));
	assert_non_null(strstr(out, "capabilities           : none\n"));
}

static void sched_table(void **state)
{
	struct veneer_mgmt_sched s = { .weight = 512, .cap = 25 };
	FILE *f = capture();

	vctl_print_sched_header(f);
	vctl_print_sched(f, 0, &s);
	fclose(f);
	assert_string_equal(out,
"Name                                ID Weight  Cap\n"
"Domain-0                             0    512   25\n");
}

static void counters_name_hypercalls_and_traps(void **state)
{
	struct veneer_mgmt_getcounters c = { 0 };
	FILE *f;

	c.hypercalls[__HYPERVISOR_mmu_update] = 1000;
	c.hypercalls[__HYPERVISOR_veneer_mgmt] = 3;
	c.hypercalls[44] = 1;
	c.traps[14] = 77;
	c.traps[9] = 2;
	c.pt_updates = 5;
	c.events_sent = 6;
	f = capture();
	vctl_print_counters(f, 2, &c);
	fclose(f);
	assert_string_equal(out,
"Counters of 2 (domain 2) since it was created\n"
"pt_updates             : 5\n"
"ptwr_emulations        : 0\n"
"tlb_flushes            : 0\n"
"events_sent            : 6\n"
"multicall_entries      : 0\n"
"bounces                : 0\n"
"Hypercalls:\n"
"  1   mmu_update                    1000\n"
"  44  hypercall_44                  1\n"
"  56  veneer_mgmt                   3\n"
"Traps:\n"
"  9   vector_9                      2\n"
"  14  #PF                           77\n");
	f = capture();
	vctl_print_counters_json(f, 2, &c);
	fclose(f);
	assert_string_equal(out,
"{\"name\": \"2\", \"domid\": 2, \"pt_updates\": 5, \"ptwr_emulations\": 0, "
"\"tlb_flushes\": 0, \"events_sent\": 6, \"multicall_entries\": 0, "
"\"bounces\": 0,\n"
" \"hypercalls\": {\"mmu_update\": 1000, \"hypercall_44\": 1, "
"\"veneer_mgmt\": 3},\n"
" \"traps\": {\"vector_9\": 2, \"#PF\": 77}}\n");
	memset(&c, 0, sizeof(c));
	f = capture();
	vctl_print_counters(f, 0, &c);
	fclose(f);
	assert_non_null(strstr(out, "Hypercalls:\n  none\nTraps:\n  none\n"));
}

static void json_strings_are_escaped(void **state)
{
	FILE *f = capture();

	vctl_json_string(f, "a\"b\\c\nd\te\x01\x7f");
	fclose(f);
	assert_string_equal(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\"");
}

static void mgmt_errors_in_words(void **state)
{
	char buf[128];

	assert_string_equal(vctl_mgmt_strerror(-EPERM, 0, buf, sizeof(buf)),
		"not dom0 (only the initial domain may manage domains)");
	assert_string_equal(vctl_mgmt_strerror(-ESRCH, 0, buf, sizeof(buf)),
		"no such domain");
	assert_string_equal(vctl_mgmt_strerror(-EPROTONOSUPPORT, 0x00020003,
					       buf, sizeof(buf)),
		"hypervisor speaks management interface version 2.3, vctl 1.1");
	assert_string_equal(vctl_mgmt_strerror(-ENOSYS, 0, buf, sizeof(buf)),
		"the hypervisor does not implement this operation");
	assert_string_equal(vctl_mgmt_strerror(-ENOMEM, 0, buf, sizeof(buf)),
		"not enough memory");
	assert_string_equal(vctl_mgmt_strerror(-EXDEV, 0, buf, sizeof(buf)),
		"Invalid cross-device link (error 18)");
}

/* --- parse.c ----------------------------------------------------------- */

static void domains_by_id_or_name(void **state)
{
	char err[128];
	domid_t d = 99;

	assert_int_equal(vctl_parse_domain("Domain-0", &d, err, sizeof(err)),
			 0);
	assert_int_equal(d, 0);
	assert_int_equal(vctl_parse_domain("0", &d, err, sizeof(err)), 0);
	assert_int_equal(d, 0);
	assert_int_equal(vctl_parse_domain("32751", &d, err, sizeof(err)), 0);
	assert_int_equal(d, 32751);
	assert_int_equal(vctl_parse_domain("32752", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "'32752' is not a domain id (0 to 32751)");
	assert_int_equal(vctl_parse_domain("3x", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "'3x' is not a domain id (0 to 32751)");
	assert_int_equal(vctl_parse_domain("web", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "no domain named 'web'");
	assert_int_equal(vctl_parse_domain("domain-0", &d, err, sizeof(err)),
			 -1);
	assert_int_equal(vctl_parse_domain("", &d, err, sizeof(err)), -1);
}

static void domain_names(void **state)
{
	char name[32];

	vctl_domain_name(0, name, sizeof(name));
	assert_string_equal(name, "Domain-0");
	vctl_domain_name(12, name, sizeof(name));
	assert_string_equal(name, "12");
}

static uint64_t cpus(const char *s, unsigned int nr)
{
	char err[160];
	uint64_t mask = 0;

	if (vctl_parse_cpulist(s, nr, &mask, err, sizeof(err)))
		fail_msg("'%s': %s", s, err);
	return mask;
}

static void cpu_lists_as_xl(void **state)
{
	assert_int_equal(cpus("all", 4), 0xf);
	assert_true(cpus("all", 64) == ~0ULL);
	assert_int_equal(cpus("0", 4), 0x1);
	assert_int_equal(cpus("3", 4), 0x8);
	assert_int_equal(cpus("0-3,5", 8), 0x2f);
	assert_int_equal(cpus("5,0-1", 8), 0x23);
	assert_int_equal(cpus("2-2", 8), 0x4);
	assert_int_equal(cpus("^1", 4), 0xd);
	assert_int_equal(cpus("0-7,^4", 8), 0xef);
	assert_int_equal(cpus("all,^0", 4), 0xe);
	assert_true(cpus("63", 64) == 1ULL << 63);
	assert_true(cpus("0-63", 64) == ~0ULL);
}

static void cpu_list_errors(void **state)
{
	char err[160];
	uint64_t m;

	assert_int_equal(vctl_parse_cpulist("4", 4, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "CPU 4 does not exist (CPUs 0 to 3)");
	assert_int_equal(vctl_parse_cpulist("3-1", 4, &m, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "range 3-1 runs backwards");
	assert_int_equal(vctl_parse_cpulist("", 4, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "empty CPU list");
	assert_int_equal(vctl_parse_cpulist("1,", 4, &m, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "expected a CPU number at ''");
	assert_int_equal(vctl_parse_cpulist("1;2", 4, &m, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "unexpected ';' in CPU list '1;2'");
	assert_int_equal(vctl_parse_cpulist("a", 4, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "expected a CPU number at 'a'");
	assert_int_equal(vctl_parse_cpulist("-1", 4, &m, err, sizeof(err)),
			 -1);
	assert_int_equal(vctl_parse_cpulist("^0-3", 4, &m, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "CPU list '^0-3' names no CPU");
	assert_int_equal(vctl_parse_cpulist("99999999999999999999", 4, &m, err,
					    sizeof(err)), -1);
	assert_int_equal(vctl_parse_cpulist("0", 65, &m, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "65 CPUs: vctl handles 1 to 64");
}

static void cpu_lists_print_back(void **state)
{
	char buf[200];

	vctl_format_cpulist(0xf, 4, buf, sizeof(buf));
	assert_string_equal(buf, "all");
	vctl_format_cpulist(0xf, 8, buf, sizeof(buf));
	assert_string_equal(buf, "0-3");
	vctl_format_cpulist(0x2d, 8, buf, sizeof(buf));
	assert_string_equal(buf, "0,2-3,5");
	vctl_format_cpulist(0, 8, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	vctl_format_cpulist(1ULL << 63 | 1, 64, buf, sizeof(buf));
	assert_string_equal(buf, "0,63");
	vctl_format_cpulist(~0ULL, 64, buf, sizeof(buf));
	assert_string_equal(buf, "all");
	/* a small buffer truncates, terminated */
	vctl_format_cpulist(0x5555, 16, buf, 6);
	assert_string_equal(buf, "0,2,4");
	/* and every list parses back to its mask */
	assert_int_equal(cpus("0,2-3,5", 8), 0x2d);
}

static uint64_t size(const char *s)
{
	char err[160];
	uint64_t b = 0;

	if (vctl_parse_size(s, &b, err, sizeof(err)))
		fail_msg("'%s': %s", s, err);
	return b;
}

static void sizes_as_xl(void **state)
{
	assert_int_equal(size("512"), 512ULL << 20);
	assert_int_equal(size("512m"), 512ULL << 20);
	assert_int_equal(size("512M"), 512ULL << 20);
	assert_int_equal(size("1g"), 1ULL << 30);
	assert_int_equal(size("2G"), 2ULL << 30);
	assert_int_equal(size("4096k"), 4096ULL << 10);
	assert_int_equal(size("8192b"), 8192);
	assert_int_equal(size("1t"), 1ULL << 40);
	assert_int_equal(size("0"), 0);
}

static void size_errors(void **state)
{
	char err[160];
	uint64_t b;

	assert_int_equal(vctl_parse_size("", &b, err, sizeof(err)), -1);
	assert_int_equal(vctl_parse_size("m", &b, err, sizeof(err)), -1);
	assert_string_equal(err, "'m' is not a size (a number, then b, k, m, "
			    "g or t; MiB if none)");
	assert_int_equal(vctl_parse_size("-1", &b, err, sizeof(err)), -1);
	assert_int_equal(vctl_parse_size("5x", &b, err, sizeof(err)), -1);
	assert_string_equal(err, "'5x': unknown unit 'x' (b, k, m, g or t)");
	assert_int_equal(vctl_parse_size("5mb", &b, err, sizeof(err)), -1);
	assert_string_equal(err, "'5mb': unknown unit 'mb' (b, k, m, g or t)");
	assert_int_equal(vctl_parse_size("16777216t", &b, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "'16777216t' is too large");
	assert_int_equal(vctl_parse_size("99999999999999999999", &b, err,
					 sizeof(err)), -1);
	assert_string_equal(err, "'99999999999999999999' is too large");
}

static void unsigned_numbers(void **state)
{
	uint64_t v;

	assert_int_equal(vctl_parse_uint("65535", 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(vctl_parse_uint("65536", 65535, &v), -1);
	assert_int_equal(vctl_parse_uint("-1", 65535, &v), -1);
	assert_int_equal(vctl_parse_uint(" 1", 65535, &v), -1);
	assert_int_equal(vctl_parse_uint("1 ", 65535, &v), -1);
	assert_int_equal(vctl_parse_uint("", 65535, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(list_is_xl_list, teardown),
		cmocka_unit_test_teardown(list_long_adds_limits_and_reason,
					  teardown),
		cmocka_unit_test_teardown(list_json, teardown),
		cmocka_unit_test(state_letters_and_reasons),
		cmocka_unit_test_teardown(vcpu_list_table, teardown),
		cmocka_unit_test_teardown(vcpu_list_json, teardown),
		cmocka_unit_test_teardown(info_key_value_and_json, teardown),
		cmocka_unit_test_teardown(
			info_extra_version_need_not_be_terminated, teardown),
		cmocka_unit_test_teardown(sched_table, teardown),
		cmocka_unit_test_teardown(counters_name_hypercalls_and_traps,
					  teardown),
		cmocka_unit_test_teardown(json_strings_are_escaped, teardown),
		cmocka_unit_test(mgmt_errors_in_words),
		cmocka_unit_test(domains_by_id_or_name),
		cmocka_unit_test(domain_names),
		cmocka_unit_test(cpu_lists_as_xl),
		cmocka_unit_test(cpu_list_errors),
		cmocka_unit_test(cpu_lists_print_back),
		cmocka_unit_test(sizes_as_xl),
		cmocka_unit_test(size_errors),
		cmocka_unit_test(unsigned_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
