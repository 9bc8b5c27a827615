/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the verbs share for their command lines: getopt_long over the
 * verb's own argv (argv[0] is the verb), and the domain argument.
 */
#ifndef VCTL_OPTS_H
#define VCTL_OPTS_H

#include <getopt.h>

#include "vctl.h"

#define OPT_JSON 0x100

/* Parse DOMAIN for verb `what`; 0, or 2 with the error printed. */
static inline int vctl_domain_arg(const char *what, const char *s,
				  domid_t *domid)
{
	char err[128];

	if (vctl_parse_domain(s, domid, err, sizeof(err))) {
		vctl_err(what, "%s", err);
		return 2;
	}
	return 0;
}

/* getopt_long keeps state between calls: each verb starts afresh. */
static inline void vctl_getopt_reset(void)
{
	optind = 1;
	opterr = 1;
}

#endif /* VCTL_OPTS_H */
