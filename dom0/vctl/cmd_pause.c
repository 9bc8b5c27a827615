// SPDX-License-Identifier: GPL-2.0
/*
 * vctl pause DOMAIN: stop every vCPU of a domain until `vctl unpause`.
 * Its memory and state stay; its CPU time stops growing.  Pauses count:
 * each needs its unpause.  dom0 is refused here: pausing the domain vctl
 * runs in would leave nobody to unpause it.
 *
 * vctl_simple_domain_op() is pause, unpause and destroy: one domain, one
 * sub-operation, and what its refusal means for that verb.
 */
#include <errno.h>

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
	if (domid == 0)
		return vctl_err(who, "dom0 cannot be %s", cmd ==
				VENEER_MGMT_unpausedomain ? "paused or unpaused"
				: cmd == VENEER_MGMT_pausedomain ?
				"paused: vctl runs there" : "destroyed");
	m = vctl_mgmt_alloc();
	if (!m)
		return 1;
	/* consoled first: once the domain is dying its own look for
	 * vanished domains may find it before we tell it (its log would say
	 * "domain gone" rather than "domain destroyed"). */
	if (cmd == VENEER_MGMT_destroydomain)
		vctl_console_del(domid);
	err = vctl_mgmt(m, cmd, domid);
	/* The hypervisor's -EINVAL here has one meaning per verb. */
	if (err == -EINVAL && cmd == VENEER_MGMT_unpausedomain)
		vctl_err(who, "not paused (or being destroyed)");
	else if (err == -EINVAL)
		vctl_err(who, "being destroyed already");
	else if (err == -EBUSY && cmd == VENEER_MGMT_pausedomain)
		vctl_err(who, "paused too many times without an unpause");
	else if (err)
		vctl_mgmt_fail(who, err, m);
	if (!err && cmd == VENEER_MGMT_destroydomain)
		vctl_domain_forget(domid);
	vctl_hc_free(m, sizeof(*m));
	return err ? 1 : 0;
}

int cmd_pause(int argc, char **argv)
{
	return vctl_simple_domain_op("pause", VENEER_MGMT_pausedomain, argc,
				     argv);
}
