// SPDX-License-Identifier: GPL-2.0
/*
 * vctl sched-credit [-d DOMAIN [-w WEIGHT] [-c CAP]]: the scheduler's
 * weight (relative share, 1..65535, 256 by default) and cap (% of one
 * CPU, 0 = none) of every domain, of one, or set for one.  Setting reads
 * the current pair first so that -w alone keeps the cap and -c alone
 * keeps the weight.
 */
#include <stdlib.h>
#include <string.h>

#include "opts.h"

static int get_sched(struct veneer_mgmt *m, domid_t domid,
		     struct veneer_mgmt_sched *out)
{
	char who[64], name[32];
	int err;

	memset(m, 0, sizeof(*m));
	err = vctl_mgmt(m, VENEER_MGMT_getschedparams, domid);
	if (err) {
		vctl_domain_name(domid, name, sizeof(name));
		snprintf(who, sizeof(who), "sched-credit: %s", name);
		return vctl_mgmt_fail(who, err, m);
	}
	*out = m->u.sched;
	return 0;
}

static int show_all(struct veneer_mgmt *m)
{
	struct veneer_domaininfo *doms;
	struct veneer_mgmt_sched s;
	size_t nr, i;
	int rc = 0;

	if (vctl_domain_list("sched-credit", &doms, &nr))
		return 1;
	vctl_print_sched_header(stdout);
	for (i = 0; i < nr && !rc; i++) {
		rc = get_sched(m, doms[i].domid, &s);
		if (!rc)
			vctl_print_sched(stdout, doms[i].domid, &s);
	}
	free(doms);
	return rc;
}

int cmd_sched_credit(int argc, char **argv)
{
	const struct vctl_verb *v = vctl_find_verb("sched-credit");
	const char *dom = NULL, *weight = NULL, *cap = NULL;
	struct veneer_mgmt_sched s;
	struct veneer_mgmt *m;
	char who[64], name[32];
	uint64_t val;
	domid_t domid = 0;
	int c, rc;

	vctl_getopt_reset();
	while ((c = getopt(argc, argv, "d:w:c:")) != -1) {
		switch (c) {
		case 'd': dom = optarg; break;
		case 'w': weight = optarg; break;
		case 'c': cap = optarg; break;
		default: return vctl_usage(v);
		}
	}
	if (optind != argc)
		return vctl_usage(v);
	if ((weight || cap) && !dom) {
		vctl_err("sched-credit", "-w and -c need -d DOMAIN");
		return 2;
	}
	if (dom) {
		rc = vctl_domain_arg("sched-credit", dom, &domid);
		if (rc)
			return rc;
	}
	m = vctl_mgmt_alloc();
	if (!m)
		return 1;
	if (!dom) {
		rc = show_all(m);
		goto out;
	}
	rc = get_sched(m, domid, &s);
	if (rc)
		goto out;
	if (!weight && !cap) {
		vctl_print_sched_header(stdout);
		vctl_print_sched(stdout, domid, &s);
		goto out;
	}
	if (weight) {
		if (vctl_parse_uint(weight, 65535, &val) || val == 0) {
			vctl_err("sched-credit", "weight '%s': a number from 1 "
				 "to 65535", weight);
			rc = 2;
			goto out;
		}
		s.weight = (uint32_t)val;
	}
	if (cap) {
		/* 100 per CPU; the hypervisor checks it against its CPUs. */
		if (vctl_parse_uint(cap, 100u * VENEER_MGMT_MAX_VCPUS, &val)) {
			vctl_err("sched-credit", "cap '%s': a percentage of one "
				 "CPU, 0 for none (at most %u)", cap,
				 100u * VENEER_MGMT_MAX_VCPUS);
			rc = 2;
			goto out;
		}
		s.cap = (uint32_t)val;
	}
	memset(m, 0, sizeof(*m));
	m->u.sched = s;
	rc = vctl_mgmt(m, VENEER_MGMT_setschedparams, domid);
	if (rc) {
		vctl_domain_name(domid, name, sizeof(name));
		snprintf(who, sizeof(who), "sched-credit: %s", name);
		rc = vctl_mgmt_fail(who, rc, m);
	}
out:
	vctl_hc_free(m, sizeof(*m));
	return rc;
}
