// SPDX-License-Identifier: GPL-2.0
/*
 * vctl list [-l] [--json] [DOMAIN]: the domains, as xl list shows them.
 * -l adds each domain's limits (max memory, max vCPUs) and shutdown reason.
 */
#include <stdlib.h>

#include "opts.h"

int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "long", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const struct vctl_verb *v = vctl_find_verb("list");
	struct veneer_domaininfo one, *all = NULL;
	bool json = false, longer = false;
	size_t nr;
	domid_t domid;
	int c, rc;

	vctl_getopt_reset();
	while ((c = getopt_long(argc, argv, "l", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': longer = true; break;
		case OPT_JSON: json = true; break;
		default: return vctl_usage(v);
		}
	}
	if (argc - optind > 1)
		return vctl_usage(v);
	if (optind < argc) {
		rc = vctl_domain_arg("list", argv[optind], &domid);
		if (rc)
			return rc;
		if (vctl_domain_info("list", domid, &one))
			return 1;
		all = &one;
		nr = 1;
	} else if (vctl_domain_list("list", &all, &nr)) {
		return 1;
	}
	if (json)
		vctl_print_list_json(stdout, all, nr);
	else
		vctl_print_list(stdout, all, nr, longer);
	if (all != &one)
		free(all);
	return 0;
}
