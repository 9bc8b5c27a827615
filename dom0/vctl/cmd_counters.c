// SPDX-License-Identifier: GPL-2.0
/*
 * vctl counters [--json] DOMAIN: what a domain has made the hypervisor do
 * since it was created: hypercalls by number, exceptions by vector,
 * page-table updates, ptwr emulations, TLB flushes, events sent.
 */
#include "opts.h"

int cmd_counters(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const struct vctl_verb *v = vctl_find_verb("counters");
	struct veneer_mgmt *m;
	char who[64], name[32];
	bool json = false;
	domid_t domid;
	int c, rc;

	vctl_getopt_reset();
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != OPT_JSON)
			return vctl_usage(v);
		json = true;
	}
	if (argc - optind != 1)
		return vctl_usage(v);
	rc = vctl_domain_arg("counters", argv[optind], &domid);
	if (rc)
		return rc;
	m = vctl_mgmt_alloc();
	if (!m)
		return 1;
	rc = vctl_mgmt(m, VENEER_MGMT_getcounters, domid);
	if (rc) {
		vctl_domain_name(domid, name, sizeof(name));
		snprintf(who, sizeof(who), "counters: %s", name);
		rc = vctl_mgmt_fail(who, rc, m);
	} else if (json) {
		vctl_print_counters_json(stdout, domid, &m->u.counters);
	} else {
		vctl_print_counters(stdout, domid, &m->u.counters);
	}
	vctl_hc_free(m, sizeof(*m));
	return rc;
}
