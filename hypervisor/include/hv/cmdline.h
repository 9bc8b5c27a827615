/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line parsing: a table of known options and a parser that walks
 * "name[=value] name[=value] ..." against it.  The parser is pure (tested
 * on the host); the hypervisor's own table is in common/options.c.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <hv/types.h>

enum opt_type {
	OPT_BOOL,	/* "name" or "name=yes|no|on|off|true|false|1|0" */
	OPT_UINT,	/* "name=<decimal or 0x hex>" into unsigned int */
	OPT_SIZE,	/* "name=<n>[BKMGT]" (no suffix: KiB, as Xen) into u64 */
	OPT_STR,	/* "name=<text>" copied into a char[len] */
	OPT_CUSTOM,	/* "name[=value]" handed to parse() */
};

struct option {
	const char *name;
	enum opt_type type;
	void *var;
	size_t len;				/* OPT_STR: buffer size */
	int (*parse)(const char *value);	/* OPT_CUSTOM; value may be NULL */
};

enum cmdline_problem {
	CMDLINE_UNKNOWN,	/* no option of that name */
	CMDLINE_BAD_VALUE,	/* known option, value not understood */
};

typedef void (*cmdline_report_t)(enum cmdline_problem what,
				 const char *name, const char *value);

int cmdline_parse(const char *line, const struct option *opts, size_t nr,
		  cmdline_report_t report);
int parse_size(const char *s, u64 *out);
int parse_uint(const char *s, unsigned long *out);

#endif /* HV_CMDLINE_H */
