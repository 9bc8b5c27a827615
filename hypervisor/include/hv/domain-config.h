/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A boot-time domain's settings, read from its kernel module's command
 * line (common/domain-config.c; pv/domain-build.c applies them).
 *
 * The words veneer.mem=, veneer.vcpus=, veneer.weight=, veneer.cap=,
 * veneer.affinity= and veneer.toolstack are ours: they are taken out of the line before the
 * kernel sees it.  Every other word, veneer.run= included, is the
 * kernel's.  docs/domains.md is the user's description.
 */
#ifndef HV_DOMAIN_CONFIG_H
#define HV_DOMAIN_CONFIG_H

#include <hv/types.h>

#define DOMCFG_CMDLINE_MAX	1024	/* with its NUL, as start_info's */
#define DOMCFG_MAX_VCPUS	8	/* = MAX_VIRT_CPUS */
#define DOMCFG_MIN_MEM		(4UL << 20)

struct domain_config {
	u64 mem;		/* bytes; 0: the builder's default */
	unsigned int vcpus;	/* 0: one */
	unsigned int weight;	/* 0: the scheduler's default */
	unsigned int cap;	/* percent of one CPU; 0: none */
	u64 affinity;		/* CPU mask; 0: any CPU */
	bool toolstack;		/* veneer.toolstack: kept when it shuts
				 * down, until dom0 destroys it */
	char cmdline[DOMCFG_CMDLINE_MAX];	/* what the kernel gets */
	char error[160];		/* why parsing failed */
};

int domain_config_parse(const char *modline, struct domain_config *c);

#endif /* HV_DOMAIN_CONFIG_H */
