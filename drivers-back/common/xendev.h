/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xendev.h - what every dom0 back end does with Linux's /dev/xen devices:
 * map a guest's page (by grant through gntdev, or by frame through
 * privcmd), bind and drive an interdomain event channel through evtchn,
 * and ask the hypervisor whether a domain still exists.
 */
#ifndef XENDEV_H
#define XENDEV_H

#include <stdbool.h>
#include <stdint.h>

/* A guest page mapped into this process. */
struct xendev_page {
	void *addr;		/* NULL: not mapped */
	int gnt_fd;		/* by grant: the gntdev file, else -1 */
	uint64_t gnt_index;	/* by grant: the map's mmap offset */
	bool by_grant;
};

/*
 * Map @domid's page: first grant @ref (as the guest's reserved entry for
 * the device), and if that fails, machine frame @mfn through privcmd (a
 * foreign map, dom0 only).  0 or a negative errno; @why (if not NULL)
 * says which way it went or why neither did.
 */
int xendev_map_page(struct xendev_page *pg, unsigned int domid, uint32_t ref,
		    uint64_t mfn, char *why, unsigned int why_size);
/* By grant only (a front end's ring page): 0 or a negative errno. */
int xendev_map_grant(struct xendev_page *pg, unsigned int domid, uint32_t ref);
void xendev_unmap_page(struct xendev_page *pg);

/* An event channel to a guest's port, on a /dev/xen/evtchn file of its
 * own (one descriptor to poll per guest). */
struct xendev_evtchn {
	int fd;			/* poll for POLLIN: the guest kicked */
	int local_port;		/* ours */
};

/* 0 or a negative errno; the fd is non-blocking. */
int xendev_evtchn_bind(struct xendev_evtchn *ev, unsigned int domid,
		       unsigned int remote_port);
void xendev_evtchn_close(struct xendev_evtchn *ev);
void xendev_evtchn_notify(const struct xendev_evtchn *ev);
/* Take the pending kicks; the port stays masked until unmask. */
bool xendev_evtchn_ack(const struct xendev_evtchn *ev);
void xendev_evtchn_unmask(const struct xendev_evtchn *ev);

enum xendev_dom_state {
	XENDEV_DOM_ALIVE,	/* running, paused or shut down */
	XENDEV_DOM_GONE,	/* dying or no such domain */
	XENDEV_DOM_UNKNOWN,	/* cannot ask (not a Veneer dom0) */
};

/* Ask the hypervisor (management hypercall through privcmd). */
enum xendev_dom_state xendev_domain_state(unsigned int domid);

#endif /* XENDEV_H */
