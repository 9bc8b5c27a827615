// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor's command-line options.
 *
 * start_hypervisor() calls options_parse() right after the console is up,
 * so loglvl applies to everything after it.  Options that configure dom0
 * (dom0_mem, dom0_max_vcpus) are only stored here; the domain builder
 * reads them.  Unknown options and bad values are reported as warnings,
 * never dropped silently, so a typo shows in the boot log.
 */
#include <hv/cmdline.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/options.h>
#include <hv/pv.h>

u64 opt_dom0_mem;
unsigned int opt_dom0_max_vcpus;
bool opt_noreboot;
bool opt_domu_console;
bool opt_noxsave;
bool opt_selftest;
char opt_selftest_list[128];
unsigned int opt_sched_timeslice_ms = 30;

static int parse_loglvl(const char *v)
{
	static const char *const names[] = {
		[LOG_NONE] = "none", [LOG_ERR] = "error", [LOG_WARN] = "warn",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};

	if (!v)
		return -1;
	if (!strcmp(v, "all")) {
		log_threshold = LOG_DEBUG;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(v, names[i])) {
			log_threshold = (int)i;
			return 0;
		}
	}
	return -1;
}

/* "selftest" runs them all; "selftest=a,b" runs the named ones. */
static int parse_selftest(const char *v)
{
	const char *list = v ? v : "all";

	if (strlen(list) >= sizeof(opt_selftest_list) || !*list)
		return -1;
	memcpy(opt_selftest_list, list, strlen(list) + 1);
	opt_selftest = true;
	return 0;
}

/* 1..1000 ms, as Xen's sched_credit_tslice_ms; else the default stays. */
static int parse_timeslice(const char *v)
{
	unsigned long ms;

	if (!v || parse_uint(v, &ms) || ms < 1 || ms > 1000)
		return -1;
	opt_sched_timeslice_ms = (unsigned int)ms;
	return 0;
}

static const struct option options[] = {
	{ "loglvl", OPT_CUSTOM, NULL, 0, parse_loglvl },
	{ "dom0_mem", OPT_SIZE, &opt_dom0_mem, 0, NULL },
	{ "dom0_max_vcpus", OPT_UINT, &opt_dom0_max_vcpus, 0, NULL },
	{ "noreboot", OPT_BOOL, &opt_noreboot, 0, NULL },
	{ "noxsave", OPT_BOOL, &opt_noxsave, 0, NULL },
	{ "selftest", OPT_CUSTOM, NULL, 0, parse_selftest },
	{ "pt_audit", OPT_BOOL, &opt_pt_audit, 0, NULL },
	{ "pt_audit_pins", OPT_BOOL, &opt_pt_audit_pins, 0, NULL },
	{ "sched_timeslice_ms", OPT_CUSTOM, NULL, 0, parse_timeslice },
	{ "domu_console", OPT_BOOL, &opt_domu_console, 0, NULL },
	{ "guest_log_ratelimit", OPT_BOOL, &opt_guest_log_ratelimit, 0, NULL },
};

static void report(enum cmdline_problem what, const char *name,
		   const char *value)
{
	if (what == CMDLINE_UNKNOWN)
		log_warn("unknown command-line option '%s'%s%s ignored", name,
			 value ? " with value " : "", value ? value : "");
	else
		log_warn("bad value '%s' for option '%s' ignored",
			 value ? value : "(none)", name);
}

/**
 * options_parse() - apply the hypervisor command line
 * @cmdline: options only (the loader's image name already stripped)
 */
void options_parse(const char *cmdline)
{
	cmdline_parse(cmdline, options, ARRAY_SIZE(options), report);
}
