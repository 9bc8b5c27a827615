// SPDX-License-Identifier: GPL-2.0
/*
 * vctl check-config [--json] FILE: parse and check a domain configuration
 * file as `create` will (config.c), and print what it says with every
 * default filled in.  An error is one line, "FILE:LINE: what", and exit
 * status 1.  Nothing is asked of the hypervisor: whether the kernel file
 * exists, the host has the CPUs in `cpus` and the memory is there is
 * checked when the domain is created.
 */
#include "config.h"
#include "opts.h"

int cmd_check_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct vctl_config cfg;
	bool json = false;
	char err[512];
	int c;

	vctl_getopt_reset();
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != OPT_JSON)
			return vctl_usage(vctl_find_verb("check-config"));
		json = true;
	}
	if (argc - optind != 1)
		return vctl_usage(vctl_find_verb("check-config"));
	if (vctl_config_load(argv[optind], &cfg, err, sizeof(err)))
		return vctl_err("check-config", "%s", err);
	if (json)
		vctl_config_print_json(stdout, &cfg);
	else
		vctl_config_print(stdout, &cfg);
	vctl_config_free(&cfg);
	return 0;
}
