// SPDX-License-Identifier: GPL-2.0
/*
 * vctl's entry: find the verb, run it.  The verbs, their usage lines and
 * one-line summaries are listed here once; `vctl help` and each verb's
 * usage errors print from this table.
 *
 * Exit status: 0 done, 1 the operation failed, 2 a bad command line (as
 * xl: non-zero, with one line on stderr saying why).
 */
#include <stdarg.h>
#include <string.h>

#include "vctl.h"

const struct vctl_verb vctl_verbs[] = {
	{ "create", cmd_create, "CONFIG [-c]",
	  "build and start a domain from an xl.cfg subset" },
	{ "console", cmd_console, "DOMAIN",
	  "attach to a domain's console (Ctrl-] detaches)" },
	{ "list", cmd_list, "[-l] [--json] [DOMAIN]",
	  "list domains: Name ID Mem VCPUs State Time(s)" },
	{ "info", cmd_info, "[--json]",
	  "the host: CPUs, memory, hypervisor version" },
	{ "dmesg", cmd_dmesg, "[-c]",
	  "print the hypervisor's log (-c: then clear it)" },
	{ "pause", cmd_pause, "DOMAIN", "stop a domain's vCPUs" },
	{ "unpause", cmd_unpause, "DOMAIN", "let a paused domain run again" },
	{ "shutdown", cmd_shutdown, "[-w] DOMAIN",
	  "ask a guest to power off (-w: wait until it has)" },
	{ "reboot", cmd_reboot, "[-w] DOMAIN",
	  "ask a guest to reboot (-w: wait until it is back)" },
	{ "destroy", cmd_destroy, "DOMAIN",
	  "kill a domain at once and free its memory" },
	{ "vcpu-list", cmd_vcpu_list, "[--json] [DOMAIN]",
	  "list vCPUs: CPU, state, time, affinity" },
	{ "vcpu-pin", cmd_vcpu_pin, "DOMAIN VCPU CPUS",
	  "set a vCPU's affinity (VCPU: a number or all; CPUS: 0-3,5 or all)" },
	{ "sched-credit", cmd_sched_credit, "[-d DOMAIN [-w WEIGHT] [-c CAP]]",
	  "show or set scheduler weight and cap" },
	{ "mem-max", cmd_mem_max, "DOMAIN SIZE",
	  "set a domain's memory limit (SIZE: MiB, or with b/k/m/g/t)" },
	{ "counters", cmd_counters, "[--json] DOMAIN",
	  "what a domain made the hypervisor do (hypercalls, traps, ...)" },
	{ "check-config", cmd_check_config, "[--json] FILE",
	  "check an xl.cfg-style domain configuration file" },
	{ "monitor", cmd_monitor, "[--log FILE]",
	  "apply on_poweroff/on_reboot/on_crash (dom0's init runs it)" },
	{ "help", cmd_help, "[VERB]", "this list, or one verb's usage" },
	{ NULL, NULL, NULL, NULL },
};

const struct vctl_verb *vctl_find_verb(const char *name)
{
	const struct vctl_verb *v;

	for (v = vctl_verbs; v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

int vctl_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vctl: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int vctl_usage(const struct vctl_verb *v)
{
	fprintf(stderr, "usage: vctl %s %s\n", v->name, v->usage);
	return 2;
}

static void print_help(FILE *f)
{
	const struct vctl_verb *v;

	fputs("usage: vctl VERB [ARGS]\n"
	      "Manage Veneer domains from dom0.  DOMAIN is an id, or "
	      VCTL_DOM0_NAME " for dom0.\n\n", f);
	for (v = vctl_verbs; v->name; v++)
		fprintf(f, "  %-13s %s\n", v->name, v->summary);
	fputs("\n'vctl help VERB' gives a verb's arguments; docs/vctl.md has "
	      "the details.\n", f);
}

int cmd_help(int argc, char **argv)
{
	const struct vctl_verb *v;

	if (argc > 2)
		return vctl_usage(vctl_find_verb("help"));
	if (argc == 1) {
		print_help(stdout);
		return 0;
	}
	v = vctl_find_verb(argv[1]);
	if (!v)
		return vctl_err("help", "unknown verb '%s'", argv[1]);
	printf("usage: vctl %s %s\n  %s\n", v->name, v->usage, v->summary);
	return 0;
}

int main(int argc, char **argv)
{
	const struct vctl_verb *v;

	if (argc < 2) {
		print_help(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_help(stdout);
		return 0;
	}
	v = vctl_find_verb(argv[1]);
	if (v) {
		/* "vctl VERB --help" is "vctl help VERB". */
		if (argc == 3 && (!strcmp(argv[2], "--help") ||
				  !strcmp(argv[2], "-h"))) {
			char *help_argv[] = { "help", argv[1], NULL };

			return cmd_help(2, help_argv);
		}
		return v->run(argc - 1, argv + 1);
	}
	return vctl_err(argv[1], "unknown verb (try 'vctl help')");
}
