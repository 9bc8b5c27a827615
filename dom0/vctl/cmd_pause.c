// SPDX-License-Identifier: GPL-2.0
/*
 * vctl pause DOMAIN: stop every vCPU of a domain until `vctl unpause`.
 * Its memory and state stay; its CPU time stops growing.  dom0 is refused
 * here: pausing the domain vctl runs in would leave nobody to unpause it.
 */
#include "opts.h"

int vctl_simple_domain_op(const char *verb, uint32_t cmd, int argc,
			  char **argv)
{
	struct veneer_mgmt *m;
	char who[64], name[32];
	domid_t domid;
	int err, rc;

	if (argc != 2 || argv[1][0] == '-')
		return vctl_usage(vctl_find_verb(verb));
	rc = vctl_domain_arg(verb, argv[1], &domid);
	if (rc)
		return rc;
	vctl_domain_name(domid, name, sizeof(name));
	snprintf(who, sizeof(who), "%s: %s", verb, name);
	if (domid == 0 && cmd != VENEER_MGMT_unpausedomain)
		return vctl_err(who, "refusing to %s dom0, where vctl runs",
				verb);
	m = vctl_mgmt_alloc();
	if (!m)
		return 1;
	err = vctl_mgmt(m, cmd, domid);
	if (err)
		vctl_mgmt_fail(who, err, m);
	vctl_hc_free(m, sizeof(*m));
	return err ? 1 : 0;
}

int cmd_pause(int argc, char **argv)
{
	return vctl_simple_domain_op("pause", VENEER_MGMT_pausedomain, argc,
				     argv);
}
