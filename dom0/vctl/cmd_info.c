// SPDX-License-Identifier: GPL-2.0
/*
 * vctl info [--json]: the host, as the hypervisor sees it (physinfo):
 * CPUs, memory total and free, hypervisor version and capabilities.
 */
#include <sys/utsname.h>

#include "opts.h"

int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct veneer_mgmt_physinfo p;
	struct utsname uts;
	bool json = false;
	int c;

	vctl_getopt_reset();
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != OPT_JSON)
			return vctl_usage(vctl_find_verb("info"));
		json = true;
	}
	if (optind != argc)
		return vctl_usage(vctl_find_verb("info"));
	if (vctl_physinfo("info", &p))
		return 1;
	if (uname(&uts) < 0)
		uts.nodename[0] = '\0';
	if (json)
		vctl_print_info_json(stdout, &p, uts.nodename);
	else
		vctl_print_info(stdout, &p, uts.nodename);
	return 0;
}
