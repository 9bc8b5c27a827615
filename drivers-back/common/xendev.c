// SPDX-License-Identifier: GPL-2.0
/*
 * xendev.c - back-end plumbing over Linux's /dev/xen devices (xendev.h).
 *
 * Grant first: mapping the page a guest granted to dom0 needs no right
 * beyond that grant, the hypervisor counts the mapping (a destroyed
 * guest's page is freed at our unmap, never reused while mapped), and it
 * is how Xen's xenconsoled and xenstored map these pages.  The frame is
 * the fallback for a builder that did not seed the grant.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
/* Our ABI first: Linux's /dev/xen ioctl headers (libxen-dev) need its
 * domid_t and xen_pfn_t. */
#include <veneer/mgmt.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

#include "xendev.h"

#define PAGE_SIZE 4096

static int privcmd_fd = -2;	/* -2: not opened yet */

static int privcmd(void)
{
	if (privcmd_fd == -2)
		privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	return privcmd_fd;
}

static int map_grant(struct xendev_page *pg, unsigned int domid, uint32_t ref)
{
	struct ioctl_gntdev_map_grant_ref map = {
		.count = 1, .refs[0] = { .domid = domid, .ref = ref },
	};
	void *p;
	int err;

	pg->gnt_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (pg->gnt_fd < 0)
		return -errno;
	if (ioctl(pg->gnt_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) < 0) {
		err = -errno;
		close(pg->gnt_fd);
		pg->gnt_fd = -1;
		return err;
	}
	pg->gnt_index = map.index;
	pg->by_grant = true;
	p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 pg->gnt_fd, (off_t)map.index);
	if (p == MAP_FAILED) {
		err = -errno;
		xendev_unmap_page(pg);
		return err;
	}
	pg->addr = p;
	return 0;
}

static int map_frame(struct xendev_page *pg, unsigned int domid, uint64_t mfn)
{
	xen_pfn_t frame = mfn;
	int ferr = 0, fd = privcmd();
	privcmd_mmapbatch_v2_t batch = {
		.num = 1, .dom = (domid_t)domid, .arr = &frame, .err = &ferr,
	};
	void *p;

	if (fd < 0)
		return -errno;
	p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	batch.addr = (uint64_t)(uintptr_t)p;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0 || ferr) {
		int err = ferr ? ferr : -errno;

		munmap(p, PAGE_SIZE);
		return err < 0 ? err : -EINVAL;
	}
	pg->addr = p;
	return 0;
}

int xendev_map_page(struct xendev_page *pg, unsigned int domid, uint32_t ref,
		    uint64_t mfn, char *why, unsigned int why_size)
{
	int gerr, ferr;

	pg->addr = NULL;
	pg->gnt_fd = -1;
	pg->by_grant = false;
	gerr = map_grant(pg, domid, ref);
	if (!gerr) {
		if (why)
			snprintf(why, why_size, "grant %u", ref);
		return 0;
	}
	ferr = map_frame(pg, domid, mfn);
	if (!ferr) {
		if (why)
			snprintf(why, why_size, "frame %#llx (grant %u: %s)",
				 (unsigned long long)mfn, ref, strerror(-gerr));
		return 0;
	}
	if (why)
		snprintf(why, why_size, "grant %u: %s; frame %#llx: %s", ref,
			 strerror(-gerr), (unsigned long long)mfn,
			 strerror(-ferr));
	return ferr;
}

int xendev_map_grant(struct xendev_page *pg, unsigned int domid, uint32_t ref)
{
	pg->addr = NULL;
	pg->gnt_fd = -1;
	pg->by_grant = false;
	return map_grant(pg, domid, ref);
}

void xendev_unmap_page(struct xendev_page *pg)
{
	struct ioctl_gntdev_unmap_grant_ref unmap = {
		.index = pg->gnt_index, .count = 1,
	};

	if (pg->addr)
		munmap(pg->addr, PAGE_SIZE);
	pg->addr = NULL;
	if (pg->gnt_fd >= 0) {
		if (pg->by_grant &&
		    ioctl(pg->gnt_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) < 0)
			fprintf(stderr, "gntdev unmap: %s\n", strerror(errno));
		close(pg->gnt_fd);
	}
	pg->gnt_fd = -1;
	pg->by_grant = false;
}

int xendev_evtchn_bind(struct xendev_evtchn *ev, unsigned int domid,
		       unsigned int remote_port)
{
	struct ioctl_evtchn_bind_interdomain bind = {
		.remote_domain = domid, .remote_port = remote_port,
	};
	int err;

	ev->fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (ev->fd < 0)
		return -errno;
	ev->local_port = ioctl(ev->fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (ev->local_port < 0) {
		err = -errno;
		close(ev->fd);
		ev->fd = -1;
		return err;
	}
	return 0;
}

void xendev_evtchn_close(struct xendev_evtchn *ev)
{
	if (ev->fd >= 0)
		close(ev->fd);	/* unbinds the port */
	ev->fd = -1;
	ev->local_port = -1;
}

void xendev_evtchn_notify(const struct xendev_evtchn *ev)
{
	struct ioctl_evtchn_notify n = { .port = (unsigned int)ev->local_port };

	if (ioctl(ev->fd, IOCTL_EVTCHN_NOTIFY, &n) < 0)
		fprintf(stderr, "evtchn notify port %d: %s\n", ev->local_port,
			strerror(errno));
}

bool xendev_evtchn_ack(const struct xendev_evtchn *ev)
{
	uint32_t port;
	bool any = false;

	while (read(ev->fd, &port, sizeof(port)) == sizeof(port))
		any = true;
	return any;
}

void xendev_evtchn_unmask(const struct xendev_evtchn *ev)
{
	uint32_t port = (uint32_t)ev->local_port;

	if (write(ev->fd, &port, sizeof(port)) != sizeof(port))
		fprintf(stderr, "evtchn unmask port %u: %s\n", port,
			strerror(errno));
}

/* Linux's privcmd hypercall pass-through (include/uapi/xen/privcmd.h). */
enum xendev_dom_state xendev_domain_state(unsigned int domid)
{
	static struct veneer_mgmt *m;
	privcmd_hypercall_t hc = { .op = __HYPERVISOR_veneer_mgmt };
	int fd = privcmd();

	if (fd < 0)
		return XENDEV_DOM_UNKNOWN;
	if (!m) {
		/* The hypervisor reads it through our page tables: keep it
		 * resident. */
		void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || mlock(p, PAGE_SIZE) < 0)
			return XENDEV_DOM_UNKNOWN;
		m = p;
	}
	memset(m, 0, sizeof(*m));
	m->cmd = VENEER_MGMT_getdomaininfo;
	m->version = VENEER_MGMT_VERSION;
	m->domid = (domid_t)domid;
	hc.arg[0] = (uint64_t)(uintptr_t)m;
	if (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc) < 0)
		return errno == ESRCH ? XENDEV_DOM_GONE : XENDEV_DOM_UNKNOWN;
	return (m->u.info.flags & VENEER_DOMINF_dying) ? XENDEV_DOM_GONE :
							  XENDEV_DOM_ALIVE;
}
