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

/* WEIGHT or CAP as given, into *out; 0, or 2 with the error printed. */
static int sched_value(const char *what, const char *s, uint64_t lo,
		       uint64_t hi, uint32_t *out)
{
	uint64_t val;

	if (vctl_parse_uint(s, hi, &val) || val < lo) {
		if (lo)
			vctl_err("sched-credit", "%s '%s': a number from %llu "
				 "to %llu", what, s, (unsigned long long)lo,
				 (unsigned long long)hi);
		else
			vctl_err("sched-credit", "%s '%s': a percentage of "
				 "one CPU, 0 for none (at most %llu)", what, s,
				 (unsigned long long)hi);
		return 2;
	}
	*out = (uint32_t)val;
	return 0;
}

int cmd_sched_credit(int argc, char **argv)
{
	const struct vctl_verb *v = vctl_find_verb("sched-credit");
	const char *dom = NULL, *weight = NULL, *cap = NULL;
	uint32_t new_weight = 0, new_cap = 0;
	struct veneer_mgmt_sched s;
	struct veneer_mgmt *m;
	char who[64], name[32];
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
	/* 100 per CPU; the hypervisor checks the cap against its CPUs. */
	if ((weight && sched_value("weight", weight, 1, 65535, &new_weight)) ||
	    (cap && sched_value("cap", cap, 0, 100u * VENEER_MGMT_MAX_VCPUS,
				&new_cap)))
		return 2;
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
	if (weight)
		s.weight = new_weight;
	if (cap)
		s.cap = new_cap;
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
