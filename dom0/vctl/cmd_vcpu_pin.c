// SPDX-License-Identifier: GPL-2.0
/*
 * vctl vcpu-pin DOMAIN VCPU CPUS: the CPUs a vCPU may run on (its hard
 * affinity).  VCPU is a number or "all"; CPUS is xl's list: "all", "2",
 * "0-3,5", "^1" (every CPU but 1).
 */
#include <string.h>

#include "opts.h"

int cmd_vcpu_pin(int argc, char **argv)
{
	const struct vctl_verb *v = vctl_find_verb("vcpu-pin");
	struct veneer_mgmt_physinfo p;
	struct veneer_domaininfo d;
	struct veneer_mgmt *m;
	char err[160], who[64], name[32];
	uint32_t first, last, i;
	uint64_t mask, vcpu;
	domid_t domid;
	int rc, e = 0;

	if (argc != 4)
		return vctl_usage(v);
	rc = vctl_domain_arg("vcpu-pin", argv[1], &domid);
	if (rc)
		return rc;
	if (vctl_physinfo("vcpu-pin", &p))
		return 1;
	if (vctl_parse_cpulist(argv[3], p.nr_cpus, &mask, err, sizeof(err))) {
		vctl_err("vcpu-pin", "%s", err);
		return 2;
	}
	if (vctl_domain_info("vcpu-pin", domid, &d))
		return 1;
	vctl_domain_name(domid, name, sizeof(name));
	if (!strcmp(argv[2], "all")) {
		first = 0;
		last = d.max_vcpus ? d.max_vcpus - 1 : 0;
	} else if (!vctl_parse_uint(argv[2], UINT32_MAX, &vcpu) &&
		   vcpu < d.max_vcpus) {
		first = last = (uint32_t)vcpu;
	} else {
		vctl_err("vcpu-pin", "%s has no vCPU '%s' (it has %u)", name,
			 argv[2], d.max_vcpus);
		return 2;
	}
	m = vctl_mgmt_alloc();
	if (!m)
		return 1;
	for (i = first; i <= last && !e; i++) {
		memset(m, 0, sizeof(*m));
		m->u.affinity.vcpu = i;
		m->u.affinity.cpumask = mask;
		e = vctl_mgmt(m, VENEER_MGMT_setvcpuaffinity, domid);
		if (e) {
			snprintf(who, sizeof(who), "vcpu-pin: %s vCPU %u",
				 name, i);
			vctl_mgmt_fail(who, e, m);
		}
	}
	vctl_hc_free(m, sizeof(*m));
	return e ? 1 : 0;
}
