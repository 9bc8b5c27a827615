// SPDX-License-Identifier: GPL-2.0
/*
 * io_ring.c - the shared-page transport: how domains reach the store.
 *
 * A domain's kernel (Linux's xenbus) writes requests into the req ring
 * of its store page and kicks its store event channel; the daemon reads
 * them, queues replies and watch events, copies what fits into the rsp
 * ring and kicks back.  Whenever either side moves an index it notifies
 * the other, so a full ring drains as soon as the peer makes room.  The
 * page is the guest's: every index is checked (xs_ring.h) before use, a
 * bad one drops the connection, and one domain is read at most
 * READ_BUDGET bytes per turn, so it cannot keep the daemon from the
 * others; a guest whose replies pile up unread is not read at all
 * (store_conn_busy()).  A guest's kicks are bounded too: each one that
 * wakes us takes a token from its kick bucket (KICK_RATE a second,
 * KICK_BURST at once); when the bucket is empty its port stays masked
 * until it refills, so kicking in a loop (with or without requests)
 * cannot keep dom0 spinning; its ring is read again at the refill.
 *
 * Three kinds of ring:
 *
 * - dom0's own ring (--dom0-ring). dom0's kernel runs xenbus in "local"
 *   mode: it allocates the ring page itself and an unbound event channel
 *   for it, and exports both to user space (/proc/xen/xsd_kva, xsd_port)
 *   because it is the initial domain. We map the page, bind an event
 *   channel of our own to that port through /dev/xen/evtchn (a loopback
 *   within dom0) and serve it as domain 0. Our first notification is what
 *   wakes the kernel's xenbus and lets its device probing start.
 *
 * - a guest's ring, in dom0 (after --dom0-ring), made by XS_INTRODUCE
 *   (domid, mfn, port).  As Xen's xenstored does in a PV dom0, the page
 *   is mapped through /dev/xen/gntdev from the grant the domain builder
 *   put in the guest's reserved entry GNTTAB_RESERVED_XENSTORE (1): a
 *   grant map needs no foreign-mapping privilege beyond what the guest
 *   granted, is revoked cleanly, and the hypervisor counts it, so a
 *   destroyed guest's page is freed at our unmap.  Only if that grant is
 *   missing is the mfn the toolstack named mapped instead, through privcmd
 *   (IOCTL_PRIVCMD_MMAPBATCH_V2), as older xenstoreds did.
 *   The event channel is bound with IOCTL_EVTCHN_BIND_INTERDOMAIN on an
 *   /dev/xen/evtchn file of its own, so each guest has one descriptor to
 *   poll.  XS_RELEASE unbinds and unmaps.  (A guest that dies without
 *   one is noticed through VIRQ_DOM_EXC: io_domexc.c.)
 *
 * - host stand-ins, for tests: a ring arranged before start-up
 *   (--host-ring DOMID:PAGEFD:KICKFD:NOTIFYFD, descriptors inherited from
 *   the test: the page is a shared-memory file and each direction's
 *   event channel an eventfd), used when the domain is introduced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
/* Our ABI first: Linux's /dev/xen ioctl headers (libxen-dev) need its
 * domid_t and xen_pfn_t. */
#include <veneer/mgmt.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

#include "io.h"
#include "xs_ring.h"

#ifndef GNTTAB_RESERVED_XENSTORE
#define GNTTAB_RESERVED_XENSTORE 1
#endif
#define PAGE_SIZE 4096
/* Bytes taken from one domain's ring per turn of the poll loop. */
#define READ_BUDGET (4 * STORE_RING_SIZE)
/* Kicks a guest may wake us with, per second and at once (xenbus kicks
 * about twice per request; past this its requests wait, nobody else's). */
#define KICK_RATE 1000
#define KICK_BURST 256

enum ring_kind {
	RING_HOST,		/* test stand-in: memfd page, eventfds */
	RING_DOM0,		/* dom0's kernel: xsd_kva, loopback channel */
	RING_GUEST,		/* a guest in dom0: gntdev page, evtchn */
};

struct ring_conn {
	enum ring_kind kind;
	unsigned int domid;
	struct store_domain_interface *page;
	int kick_fd;		/* the domain kicks us: we poll it */
	int notify_fd;		/* we kick the domain */
	int evtchn_port;	/* >= 0: both fds are /dev/xen/evtchn, this
				 * is our local port; -1: eventfds */
	int gnt_fd;		/* RING_GUEST: /dev/xen/gntdev */
	uint64_t gnt_index;	/* RING_GUEST: the map's mmap offset */
	bool gnt_mapped;	/* RING_GUEST: by grant, not foreign map */
	bool more;		/* input left after the budget ran out */
	bool kick_throttled;	/* RING_GUEST: out of kicks, port masked */
	bool kick_logged;	/* said so once */
	uint32_t kick_tokens;	/* RING_GUEST: kicks left in the bucket */
	uint64_t kick_last_ns;	/* when the bucket was last refilled */
	bool released;		/* RING_GUEST: free at the next reap */
	struct conn *c;		/* NULL until introduced */
	struct ring_conn *next;
};

struct ring_server {
	struct store *s;
	struct ring_conn *rings;
	bool xen;		/* in dom0: introduce guests by grant */
	int privcmd_fd;		/* for the fallback foreign map */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#define KICK_NS (1000000000ULL / KICK_RATE)

/* Add the kicks earned since kick_last_ns (the fraction keeps accruing). */
static void kick_refill(struct ring_conn *rc, uint64_t now)
{
	uint64_t add;

	if (now <= rc->kick_last_ns)
		return;
	add = (now - rc->kick_last_ns) / KICK_NS;
	if (!add)
		return;
	if (add >= KICK_BURST - rc->kick_tokens) {
		rc->kick_tokens = KICK_BURST;
		rc->kick_last_ns = now;
		return;
	}
	rc->kick_tokens += (uint32_t)add;
	rc->kick_last_ns += add * KICK_NS;
}

/* Milliseconds until the bucket holds a kick again. */
static int kick_wait_ms(const struct ring_conn *rc, uint64_t now)
{
	uint64_t due = rc->kick_last_ns + KICK_NS;

	return now >= due ? 0 : (int)((due - now) / 1000000ULL) + 1;
}

static void ring_notify(struct ring_conn *rc)
{
	uint64_t one = 1;

	if (rc->evtchn_port >= 0) {
		struct ioctl_evtchn_notify n = { .port = rc->evtchn_port };

		if (ioctl(rc->notify_fd, IOCTL_EVTCHN_NOTIFY, &n) < 0)
			fprintf(stderr, "stored: domain %u: notify port %d: "
				"%s\n", rc->domid, rc->evtchn_port,
				strerror(errno));
		return;
	}
	if (write(rc->notify_fd, &one, sizeof(one)) != sizeof(one))
		fprintf(stderr, "stored: domain %u: notify: %s\n", rc->domid,
			strerror(errno));
}

/* An event channel stays masked after it fires until the port number
 * is written back to /dev/xen/evtchn. */
static void ring_unmask(struct ring_conn *rc, uint32_t port)
{
	if (write(rc->kick_fd, &port, sizeof(port)) != sizeof(port))
		fprintf(stderr, "stored: unmask port %u: %s\n", port,
			strerror(errno));
}

/*
 * Take a guest's kick from its bucket: true if its port may be unmasked
 * now.  Only guests are limited (dom0's kernel and host stand-ins not).
 */
static bool ring_kick_allowed(struct ring_conn *rc)
{
	if (rc->kind != RING_GUEST)
		return true;
	kick_refill(rc, now_ns());
	if (rc->kick_tokens) {
		rc->kick_tokens--;
		return true;
	}
	if (!rc->kick_logged)
		fprintf(stderr, "stored: domain %u: over its kick rate: its "
			"port stays masked until the bucket refills (logged "
			"once)\n", rc->domid);
	rc->kick_logged = true;
	rc->kick_throttled = true;
	return false;
}

/* Take the domain's kick; unmask its port if its bucket allows. */
static void ring_ack(struct ring_conn *rc)
{
	uint32_t port;
	uint64_t v;

	if (rc->evtchn_port < 0) {
		if (read(rc->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			fprintf(stderr, "stored: domain %u: kick: %s\n",
				rc->domid, strerror(errno));
		return;
	}
	while (read(rc->kick_fd, &port, sizeof(port)) == sizeof(port))
		if (ring_kick_allowed(rc))
			ring_unmask(rc, port);
}

/*
 * A throttled guest whose bucket holds a kick again: unmask its port (a
 * kick sent meanwhile is delivered then) and read its ring this turn.
 */
static void ring_unthrottle(struct ring_conn *rc)
{
	if (!rc->kick_throttled)
		return;
	kick_refill(rc, now_ns());
	if (!rc->kick_tokens)
		return;
	rc->kick_throttled = false;
	rc->more = true;
	if (rc->evtchn_port >= 0)
		ring_unmask(rc, (uint32_t)rc->evtchn_port);
}

static void ring_broken(struct ring_conn *rc, uint32_t why)
{
	fprintf(stderr, "stored: domain %u: bad ring indices, dropping its "
		"connection\n", rc->domid);
	rc->page->error = why;
	rc->c->dead = true;
}

/* Move queued output into the rsp ring. */
static void ring_kick(struct conn *c)
{
	struct ring_conn *rc = c->priv;
	struct store_domain_interface *p = rc->page;
	const void *buf;
	size_t len;
	int n;

	if (c->dead)
		return;
	buf = store_output(c, &len);
	if (!len)
		return;
	n = xs_ring_put(p->rsp, &p->rsp_cons, &p->rsp_prod, buf, len);
	if (n < 0) {
		ring_broken(rc, STORE_ERROR_RINGIDX);
		return;
	}
	if (n > 0) {
		store_output_done(c, (size_t)n);
		ring_notify(rc);
	}
}

static void ring_release(struct conn *c);

static const struct conn_ops ring_ops = {
	.kick = ring_kick,
	.release = ring_release,
};

/*
 * Read what the domain has produced, up to READ_BUDGET bytes: a guest
 * that keeps writing gets its turn again at the next loop, after the
 * others (rc->more).  A guest whose replies are not being read waits
 * for its next kick (it kicks when it has read some).
 */
static void ring_read(struct ring_conn *rc)
{
	struct store_domain_interface *p = rc->page;
	char buf[STORE_RING_SIZE];
	size_t budget = READ_BUDGET;
	int n;

	rc->more = false;
	while (rc->c && !rc->c->dead) {
		if (store_conn_busy(rc->c))
			return;
		if (!budget) {
			rc->more = true;
			return;
		}
		n = xs_ring_get(p->req, &p->req_cons, &p->req_prod, buf,
				sizeof(buf));
		if (n < 0) {
			ring_broken(rc, STORE_ERROR_RINGIDX);
			return;
		}
		if (n == 0)
			return;
		budget -= (size_t)n;
		ring_notify(rc);	/* room in req for the domain */
		if (store_input(rc->c, buf, (size_t)n) < 0) {
			p->error = STORE_ERROR_PROTO;
			return;
		}
	}
}

static struct ring_conn *find(struct ring_server *rs, unsigned int domid)
{
	struct ring_conn *rc;

	for (rc = rs->rings; rc; rc = rc->next)
		if (rc->domid == domid && !rc->released)
			return rc;
	return NULL;
}

static void unmap_guest_page(struct ring_conn *rc)
{
	struct ioctl_gntdev_unmap_grant_ref unmap = {
		.index = rc->gnt_index, .count = 1,
	};

	if (rc->page)
		munmap(rc->page, PAGE_SIZE);
	rc->page = NULL;
	if (rc->gnt_fd >= 0) {
		if (rc->gnt_mapped &&
		    ioctl(rc->gnt_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) < 0)
			fprintf(stderr, "stored: domain %u: gntdev unmap: %s\n",
				rc->domid, strerror(errno));
		close(rc->gnt_fd);
		rc->gnt_fd = -1;
	}
	rc->gnt_mapped = false;
}

/* Bind (again) to the guest's store port; returns 0 or -errno. */
static int bind_guest_port(struct ring_conn *rc, unsigned int port)
{
	struct ioctl_evtchn_bind_interdomain bind = {
		.remote_domain = rc->domid, .remote_port = port,
	};
	struct ioctl_evtchn_unbind unbind;
	int local;

	if (rc->evtchn_port >= 0) {
		unbind.port = (unsigned int)rc->evtchn_port;
		ioctl(rc->kick_fd, IOCTL_EVTCHN_UNBIND, &unbind);
		rc->evtchn_port = -1;
	}
	local = ioctl(rc->kick_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (local < 0) {
		int err = -errno;

		fprintf(stderr, "stored: domain %u: bind its store port %u: "
			"%s\n", rc->domid, port, strerror(errno));
		return err;
	}
	rc->evtchn_port = local;
	return 0;
}

/*
 * Map a guest's store page by its reserved grant and bind its channel.
 * Return: the ring, or NULL with errno set (and a line on stderr).
 */
/*
 * The fallback when the grant is not there (a builder that did not seed
 * entry 1): map the frame the toolstack named, as older xenstoreds did,
 * through privcmd (IOCTL_PRIVCMD_MMAPBATCH_V2; a PV guest's frame is a
 * machine frame).  Returns the page or MAP_FAILED with errno set.
 */
static void *foreign_map(struct ring_server *rs, unsigned int domid,
			 uint64_t mfn)
{
	xen_pfn_t frame = mfn;
	int err = 0;
	privcmd_mmapbatch_v2_t batch = {
		.num = 1, .dom = (domid_t)domid, .arr = &frame, .err = &err,
	};
	void *page;

	if (rs->privcmd_fd < 0) {
		errno = ENODEV;
		return MAP_FAILED;
	}
	page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    rs->privcmd_fd, 0);
	if (page == MAP_FAILED)
		return MAP_FAILED;
	batch.addr = (uint64_t)(uintptr_t)page;
	if (ioctl(rs->privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0 ||
	    err) {
		int e = err ? -err : errno;

		munmap(page, PAGE_SIZE);
		errno = e > 0 ? e : EINVAL;
		return MAP_FAILED;
	}
	return page;
}

static struct ring_conn *guest_ring_new(struct ring_server *rs,
					const struct domain *d)
{
	struct ioctl_gntdev_map_grant_ref map = {
		.count = 1,
		.refs[0] = { .domid = d->domid,
			     .ref = GNTTAB_RESERVED_XENSTORE },
	};
	struct ring_conn *rc = calloc(1, sizeof(*rc));
	void *page;
	int err;

	if (!rc) {
		errno = ENOMEM;
		return NULL;
	}
	rc->kind = RING_GUEST;
	rc->domid = d->domid;
	rc->kick_tokens = KICK_BURST;
	rc->kick_last_ns = now_ns();
	rc->evtchn_port = -1;
	rc->kick_fd = rc->notify_fd = -1;
	rc->gnt_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	page = MAP_FAILED;
	if (rc->gnt_fd >= 0 &&
	    ioctl(rc->gnt_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) == 0) {
		rc->gnt_index = map.index;
		rc->gnt_mapped = true;
		page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, rc->gnt_fd, (off_t)map.index);
	}
	if (page == MAP_FAILED) {
		fprintf(stderr, "stored: domain %u: map grant %u: %s; "
			"mapping frame %#llx instead\n", d->domid,
			GNTTAB_RESERVED_XENSTORE, strerror(errno),
			(unsigned long long)d->mfn);
		unmap_guest_page(rc);
		page = foreign_map(rs, d->domid, d->mfn);
		if (page == MAP_FAILED) {
			err = errno;
			fprintf(stderr, "stored: domain %u: map frame %#llx: "
				"%s\n", d->domid,
				(unsigned long long)d->mfn, strerror(errno));
			goto fail;
		}
	}
	rc->page = page;
	rc->kick_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (rc->kick_fd < 0) {
		err = errno;
		fprintf(stderr, "stored: /dev/xen/evtchn: %s\n",
			strerror(errno));
		goto fail;
	}
	rc->notify_fd = rc->kick_fd;
	err = -bind_guest_port(rc, d->port);
	if (err)
		goto fail;
	rc->next = rs->rings;
	rs->rings = rc;
	return rc;
fail:
	unmap_guest_page(rc);
	if (rc->kick_fd >= 0)
		close(rc->kick_fd);
	free(rc);
	errno = err;
	return NULL;
}

static struct conn *ring_introduce(struct store *s, struct domain *d)
{
	struct ring_server *rs = s->introduce_priv;
	struct ring_conn *rc = find(rs, d->domid);
	struct store_domain_interface *p;
	bool again = rc && rc->c;

	if (!rc && rs->xen) {
		rc = guest_ring_new(rs, d);
		if (!rc)
			return NULL;
	} else if (!rc) {
		fprintf(stderr, "stored: introduce domain %u: no ring was "
			"arranged for it\n", d->domid);
		errno = EINVAL;
		return NULL;
	} else if (rc->kind == RING_GUEST) {
		/* Introduced again (resumed): its channel may be new. */
		int err = bind_guest_port(rc, d->port);

		if (err) {
			errno = -err;
			return NULL;
		}
	}
	if (rc->c && rc->c->dead) {
		/* It broke the protocol before: start it afresh. */
		store_conn_free(rc->c);
		rc->c = NULL;
	}
	p = rc->page;
	/* A guest's ring starts idle: the toolstack introduces it before
	 * it runs (xenstored resets the indices the same way).  A host
	 * ring may hold requests the test wrote before introducing. */
	if (again || rc->kind == RING_GUEST) {
		xs_ring_store(&p->req_cons, 0);
		xs_ring_store(&p->req_prod, 0);
		xs_ring_store(&p->rsp_cons, 0);
		xs_ring_store(&p->rsp_prod, 0);
	}
	if (!rc->c) {
		rc->c = store_conn_new(s, d->domid, &ring_ops, rc);
		if (!rc->c) {
			errno = ENOMEM;
			return NULL;
		}
	}
	p->server_features = 0;
	p->connection = STORE_CONNECTED;
	p->error = STORE_ERROR_NONE;
	if (s->verbose)
		fprintf(stderr, "stored: domain %u introduced (port %u)\n",
			d->domid, d->port);
	/* Requests may already be waiting. */
	ring_read(rc);
	ring_notify(rc);
	return rc->c;
}

/*
 * XS_RELEASE (or the domain died): drop the connection now, its watches
 * and transactions with it; a guest's page and channel go at the next
 * reap, outside any loop over the rings.
 */
static void ring_release(struct conn *c)
{
	struct ring_conn *rc = c->priv;

	rc->c = NULL;
	rc->more = false;
	store_conn_free(c);
	if (rc->kind == RING_GUEST)
		rc->released = true;
}

static void ring_conn_free(struct ring_conn *rc)
{
	if (rc->c)
		store_conn_free(rc->c);
	if (rc->kind == RING_GUEST)
		unmap_guest_page(rc);
	else if (rc->page)
		munmap(rc->page, PAGE_SIZE);
	if (rc->kick_fd >= 0)
		close(rc->kick_fd);	/* unbinds its ports */
	if (rc->notify_fd >= 0 && rc->notify_fd != rc->kick_fd)
		close(rc->notify_fd);
	free(rc);
}

static void ring_reap(struct ring_server *rs)
{
	struct ring_conn **pp = &rs->rings, *rc;

	while ((rc = *pp)) {
		if (rc->released) {
			*pp = rc->next;
			if (rs->s->verbose)
				fprintf(stderr, "stored: domain %u: page "
					"unmapped, channel closed\n",
					rc->domid);
			ring_conn_free(rc);
		} else {
			pp = &rc->next;
		}
	}
}

struct ring_server *ring_server_new(struct store *s)
{
	struct ring_server *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->s = s;
	rs->privcmd_fd = -1;
	s->introduce = ring_introduce;
	s->introduce_priv = rs;
	return rs;
}

void ring_server_free(struct ring_server *rs)
{
	struct ring_conn *rc, *next;

	if (!rs)
		return;
	for (rc = rs->rings; rc; rc = next) {
		next = rc->next;
		ring_conn_free(rc);
	}
	if (rs->privcmd_fd >= 0)
		close(rs->privcmd_fd);
	rs->s->introduce = NULL;
	free(rs);
}

/**
 * ring_server_host_ring() - arrange the host stand-in ring for @domid
 * @rs: the ring server
 * @domid: the domain that will be introduced
 * @page_fd: a file of at least 4 KiB shared with the test (the page)
 * @kick_fd: eventfd the test writes to kick the store
 * @notify_fd: eventfd the store writes to kick the test
 */
int ring_server_host_ring(struct ring_server *rs, unsigned int domid,
			  int page_fd, int kick_fd, int notify_fd)
{
	struct ring_conn *rc = calloc(1, sizeof(*rc));
	void *page;

	if (!rc)
		return -ENOMEM;
	page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    page_fd, 0);
	if (page == MAP_FAILED) {
		int err = -errno;

		fprintf(stderr, "stored: domain %u: map page fd %d: %s\n",
			domid, page_fd, strerror(errno));
		free(rc);
		return err;
	}
	close(page_fd);
	rc->kind = RING_HOST;
	rc->domid = domid;
	rc->page = page;
	rc->kick_fd = kick_fd;
	rc->notify_fd = notify_fd;
	rc->evtchn_port = -1;
	rc->gnt_fd = -1;
	rc->next = rs->rings;
	rs->rings = rc;
	return 0;
}

static int read_xsd_port(unsigned int *port)
{
	FILE *f = fopen("/proc/xen/xsd_port", "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%u", port) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

/**
 * ring_server_dom0_ring() - serve dom0's own kernel over its local ring
 * @rs: the ring server
 *
 * Only an initial domain whose kernel runs xenbus locally exports the
 * ring (xenfs mounted at /proc/xen); anywhere else this fails with a
 * message saying so.  From then on guests introduced are mapped by
 * grant (io_domexc.c watches VIRQ_DOM_EXC).
 */
int ring_server_dom0_ring(struct ring_server *rs)
{
	struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = 0 };
	struct ring_conn *rc;
	unsigned int port;
	int kva_fd = -1, ev_fd = -1, local, err;
	void *page = MAP_FAILED;

	err = read_xsd_port(&port);
	if (err) {
		fprintf(stderr, "stored: /proc/xen/xsd_port: %s (not an "
			"initial domain, or xenfs not mounted on /proc/xen)\n",
			strerror(-err));
		return err;
	}
	kva_fd = open("/proc/xen/xsd_kva", O_RDWR);
	if (kva_fd >= 0)
		page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, kva_fd, 0);
	if (page == MAP_FAILED) {
		err = -errno;
		fprintf(stderr, "stored: map /proc/xen/xsd_kva: %s\n",
			strerror(errno));
		goto fail;
	}
	ev_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK);
	if (ev_fd < 0) {
		err = -errno;
		fprintf(stderr, "stored: /dev/xen/evtchn: %s\n",
			strerror(errno));
		goto fail;
	}
	/* A loopback: the kernel's port is unbound, "remote" dom0 = us. */
	bind.remote_port = port;
	local = ioctl(ev_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (local < 0) {
		err = -errno;
		fprintf(stderr, "stored: bind to dom0's store port %u: %s\n",
			port, strerror(errno));
		goto fail;
	}
	rc = calloc(1, sizeof(*rc));
	if (!rc) {
		err = -ENOMEM;
		goto fail;
	}
	close(kva_fd);
	rc->kind = RING_DOM0;
	rc->domid = 0;
	rc->page = page;
	rc->kick_fd = rc->notify_fd = ev_fd;
	rc->evtchn_port = local;
	rc->gnt_fd = -1;
	rc->next = rs->rings;
	rs->rings = rc;
	rs->xen = true;
	rs->privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (rs->privcmd_fd < 0)
		fprintf(stderr, "stored: /dev/xen/privcmd: %s\n",
			strerror(errno));

	/* dom0 needs no XS_INTRODUCE: serve it now and wake its xenbus. */
	rc->c = store_conn_new(rs->s, 0, &ring_ops, rc);
	if (!rc->c)
		return -ENOMEM;
	ring_read(rc);
	ring_notify(rc);
	return 0;

fail:
	if (page != MAP_FAILED)
		munmap(page, PAGE_SIZE);
	if (kva_fd >= 0)
		close(kva_fd);
	if (ev_fd >= 0)
		close(ev_fd);
	return err;
}

/* --- the poll loop's side ----------------------------------------------- */

/* Add what we wait on; returns 0 if some ring has input left over. */
int ring_poll_add(struct ring_server *rs, struct pollset *ps)
{
	struct ring_conn *rc;
	uint64_t now = now_ns();
	int timeout = -1, w;

	for (rc = rs->rings; rc; rc = rc->next) {
		pollset_add(ps, rc->kick_fd, POLLIN);
		if (rc->more)
			timeout = 0;
		if (rc->kick_throttled && !rc->released) {
			w = kick_wait_ms(rc, now);
			if (timeout < 0 || w < timeout)
				timeout = w;
		}
	}
	return timeout;
}

static bool kicked(const struct pollset *ps, int fd)
{
	unsigned int i;

	for (i = 0; i < ps->nr; i++)
		if (ps->fds[i].fd == fd)
			return ps->fds[i].revents & POLLIN;
	return false;
}

void ring_handle(struct ring_server *rs, const struct pollset *ps)
{
	struct ring_conn *rc;

	for (rc = rs->rings; rc; rc = rc->next) {
		bool k = kicked(ps, rc->kick_fd);

		if (!rc->released)
			ring_unthrottle(rc);
		if (rc->released || (!k && !rc->more))
			continue;
		if (k)
			ring_ack(rc);
		if (!rc->c)
			continue;	/* not introduced: ignore */
		ring_kick(rc->c);	/* the domain may have made room */
		ring_read(rc);
	}
	for (rc = rs->rings; rc; rc = rc->next) {
		if (rc->c && rc->c->dead && (rc->c->watches || rc->c->txns)) {
			/* Broke the protocol: not served again until it is
			 * introduced again; what it held goes now. */
			watch_remove_all(rc->c);
			txn_abort_all(rc->c);
			rc->more = false;
		}
	}
	ring_reap(rs);
}

/* After the other transports ran: free what a release left behind. */
void ring_after(struct ring_server *rs)
{
	ring_reap(rs);
}
