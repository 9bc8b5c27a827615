// SPDX-License-Identifier: GPL-2.0
/*
 * vctl vcpu-list [--json] [DOMAIN]: every vCPU of every domain (or of
 * one): the CPU it runs or last ran on, its state, its CPU time and the
 * CPUs it may run on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

/* Append the vCPUs of domain d to *v (count *nr); 0 or 1. */
static int domain_vcpus(const struct veneer_domaininfo *d,
			struct vctl_vcpu **v, size_t *nr)
{
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	struct vctl_vcpu *grown;
	char who[64], name[32];
	uint32_t i;
	int err = 0;

	if (!m)
		return 1;
	if (d->max_vcpus > VENEER_MGMT_MAX_VCPUS) {
		vctl_hc_free(m, sizeof(*m));
		return vctl_err("vcpu-list", "domain %u has %u vCPUs, more "
				"than the interface's %u", d->domid,
				d->max_vcpus, VENEER_MGMT_MAX_VCPUS);
	}
	grown = realloc(*v, (*nr + d->max_vcpus + 1) * sizeof(**v));
	if (!grown) {
		vctl_hc_free(m, sizeof(*m));
		return vctl_err("vcpu-list", "out of memory");
	}
	*v = grown;
	for (i = 0; i < d->max_vcpus; i++) {
		memset(m, 0, sizeof(*m));
		m->u.vcpuinfo.vcpu = i;
		err = vctl_mgmt(m, VENEER_MGMT_getvcpuinfo, d->domid);
		if (err == -ESRCH) {
			/* A vCPU never created, or the domain destroyed
			 * since we listed it: nothing to show. */
			err = 0;
			continue;
		}
		if (err) {
			vctl_domain_name(d->domid, name, sizeof(name));
			snprintf(who, sizeof(who), "vcpu-list: %s vCPU %u",
				 name, i);
			vctl_mgmt_fail(who, err, m);
			break;
		}
		grown[*nr].domid = d->domid;
		grown[*nr].vcpu = i;
		grown[*nr].info = m->u.vcpuinfo;
		(*nr)++;
	}
	vctl_hc_free(m, sizeof(*m));
	return err ? 1 : 0;
}

int cmd_vcpu_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct veneer_domaininfo one, *doms = NULL;
	struct veneer_mgmt_physinfo p;
	struct vctl_vcpu *v = NULL;
	size_t nr_doms, nr = 0, i;
	bool json = false;
	domid_t domid;
	int c, rc = 1;

	vctl_getopt_reset();
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != OPT_JSON)
			return vctl_usage(vctl_find_verb("vcpu-list"));
		json = true;
	}
	if (argc - optind > 1)
		return vctl_usage(vctl_find_verb("vcpu-list"));
	if (optind < argc) {
		rc = vctl_domain_arg("vcpu-list", argv[optind], &domid);
		if (rc)
			return rc;
		rc = 1;
		if (vctl_domain_info("vcpu-list", domid, &one))
			return 1;
		doms = &one;
		nr_doms = 1;
	} else if (vctl_domain_list("vcpu-list", &doms, &nr_doms)) {
		return 1;
	}
	if (vctl_physinfo("vcpu-list", &p))
		goto out;
	for (i = 0; i < nr_doms; i++)
		if (domain_vcpus(&doms[i], &v, &nr))
			goto out;
	if (json)
		vctl_print_vcpu_list_json(stdout, v, nr, p.nr_cpus);
	else
		vctl_print_vcpu_list(stdout, v, nr, p.nr_cpus);
	rc = 0;
out:
	free(v);
	if (doms != &one)
		free(doms);
	return rc;
}
