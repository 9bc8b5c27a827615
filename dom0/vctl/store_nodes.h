/* SPDX-License-Identifier: GPL-2.0 */
/* store_nodes.c: a created domain's store nodes and introduction. */
#ifndef VCTL_STORE_NODES_H
#define VCTL_STORE_NODES_H

#include "vctl.h"

struct vctl_dom_store {
	domid_t domid;
	const char *name;
	uint64_t mem_kib, maxmem_kib;
	uint32_t vcpus;
	uint64_t store_mfn, console_mfn;
	uint32_t store_port, console_port;
};

/*
 * Write the domain's nodes and introduce it to the store.  0, or a
 * negative errno with the reason in why (what was written is removed).
 */
int vctl_store_add_domain(const struct vctl_dom_store *d, char *why,
			  size_t size);
/* A disk's backend/vbd and device/vbd nodes (state Initialising). */
int vctl_store_add_disk(domid_t domid, const char *vdev, uint32_t devid,
			const char *target, bool readonly, char *why,
			size_t size);
/* Remove its nodes (/local/domain/<id>, its /vm/<uuid>); release it. */
void vctl_store_del_domain(domid_t domid);

#endif /* VCTL_STORE_NODES_H */
