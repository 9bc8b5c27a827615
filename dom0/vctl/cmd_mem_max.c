// SPDX-License-Identifier: GPL-2.0
/*
 * vctl mem-max DOMAIN SIZE: a domain's memory limit (what it may hold,
 * not what it holds).  SIZE is as xl takes it: MiB by default, or with a
 * unit b, k, m, g, t.  A limit below what the domain holds now is allowed:
 * the domain can then only give memory back.
 */
#include "opts.h"

#define PAGE_SIZE 4096ULL

int cmd_mem_max(int argc, char **argv)
{
	struct veneer_mgmt *m;
	char err[160], who[64], name[32];
	uint64_t bytes;
	domid_t domid;
	int rc;

	if (argc != 3)
		return vctl_usage(vctl_find_verb("mem-max"));
	rc = vctl_domain_arg("mem-max", argv[1], &domid);
	if (rc)
		return rc;
	if (vctl_parse_size(argv[2], &bytes, err, sizeof(err))) {
		vctl_err("mem-max", "%s", err);
		return 2;
	}
	if (bytes < PAGE_SIZE) {
		vctl_err("mem-max", "'%s' is less than one 4 KiB page", argv[2]);
		return 2;
	}
	m = vctl_mgmt_alloc();
	if (!m)
		return 1;
	/* Whole pages, rounded up: a limit is never below what was asked. */
	m->u.maxmem.max_pages = bytes / PAGE_SIZE + !!(bytes % PAGE_SIZE);
	rc = vctl_mgmt(m, VENEER_MGMT_setmaxmem, domid);
	if (rc) {
		vctl_domain_name(domid, name, sizeof(name));
		snprintf(who, sizeof(who), "mem-max: %s", name);
		rc = vctl_mgmt_fail(who, rc, m);
	}
	vctl_hc_free(m, sizeof(*m));
	return rc;
}
