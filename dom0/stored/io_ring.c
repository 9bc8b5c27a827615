// SPDX-License-Identifier: GPL-2.0
/*
 * io_ring.c - the shared-page transport: how domains reach the store.
 *
 * A domain's kernel (Linux's xenbus) writes requests into the req ring
 * of its store page and kicks its store event channel; the daemon reads
 * them, queues replies and watch events, copies what fits into the rsp
 * ring and kicks back.  Whenever either side moves an index it notifies
 * the other, so a full ring drains as soon as the peer makes room.
 *
 * Two kinds of ring exist today:
 *
 * - dom0's own ring (--dom0-ring). dom0's kernel runs xenbus in "local"
 *   mode: it allocates the ring page itself and an unbound event channel
 *   for it, and exports both to user space (/proc/xen/xsd_kva, xsd_port)
 *   because it is the initial domain. We map the page, bind an event
 *   channel of our own to that port through /dev/xen/evtchn (a loopback
 *   within dom0) and serve it as domain 0. Our first notification is what
 *   wakes the kernel's xenbus and lets its device probing start.
 *
 * - host stand-in rings, for tests. XS_INTRODUCE(domid, mfn, port) is
 *   what creates a connection for another domain; in dom0 its page will
 *   be the guest's (mapped by grant, not written yet).
 *   On the host, where tests run, a ring for a domain is arranged before
 * start-up (--host-ring DOMID:PAGEFD:KICKFD:NOTIFYFD, file descriptors
 * inherited from the test): the page is a shared-memory file and each
 * direction's event channel is an eventfd.  When the domain is released
 * the connection is dropped and the page is left as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
/* Linux's /dev/xen/evtchn ioctls, from libxen-dev; they need domid_t. */
#include <stdint.h>
typedef uint16_t domid_t;
#include <xen/sys/evtchn.h>

#include "io.h"
#include "xs_ring.h"

struct ring_conn {
	unsigned int domid;
	struct store_domain_interface *page;
	int kick_fd;		/* the domain kicks us: we poll it */
	int notify_fd;		/* we kick the domain */
	int evtchn_port;	/* >= 0: both fds are /dev/xen/evtchn, this
				 * is our local port; -1: eventfds */
	struct conn *c;		/* NULL until introduced */
	struct ring_conn *next;
};

struct ring_server {
	struct store *s;
	struct ring_conn *rings;
};

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

/*
 * Take the domain's kick. An event channel stays masked after it fires
 * until the port number is written back to /dev/xen/evtchn.
 */
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
		if (write(rc->kick_fd, &port, sizeof(port)) != sizeof(port))
			fprintf(stderr, "stored: unmask port %u: %s\n", port,
				strerror(errno));
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

static const struct conn_ops ring_ops = {
	.kick = ring_kick,
};

/* Read every complete byte the domain has produced. */
static void ring_read(struct ring_conn *rc)
{
	struct store_domain_interface *p = rc->page;
	char buf[STORE_RING_SIZE];
	int n;

	while (rc->c && !rc->c->dead) {
		n = xs_ring_get(p->req, &p->req_cons, &p->req_prod, buf,
				sizeof(buf));
		if (n < 0) {
			ring_broken(rc, STORE_ERROR_RINGIDX);
			return;
		}
		if (n == 0)
			return;
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
		if (rc->domid == domid)
			return rc;
	return NULL;
}

static struct conn *ring_introduce(struct store *s, struct domain *d)
{
	struct ring_server *rs = s->introduce_priv;
	struct ring_conn *rc = find(rs, d->domid);

	if (!rc) {
		fprintf(stderr, "stored: introduce domain %u: no ring was "
			"arranged for it\n", d->domid);
		return NULL;
	}
	if (rc->c)
		return rc->c;
	rc->c = store_conn_new(s, d->domid, &ring_ops, rc);
	if (!rc->c)
		return NULL;
	rc->page->server_features = 0;
	rc->page->connection = STORE_CONNECTED;
	rc->page->error = STORE_ERROR_NONE;
	/* Requests may already be waiting. */
	ring_read(rc);
	ring_notify(rc);
	return rc->c;
}

struct ring_server *ring_server_new(struct store *s)
{
	struct ring_server *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->s = s;
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
		if (rc->c)
			store_conn_free(rc->c);
		munmap(rc->page, 4096);
		close(rc->kick_fd);
		if (rc->notify_fd != rc->kick_fd)
			close(rc->notify_fd);
		free(rc);
	}
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
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd,
		    0);
	if (page == MAP_FAILED) {
		int err = -errno;

		fprintf(stderr, "stored: domain %u: map page fd %d: %s\n",
			domid, page_fd, strerror(errno));
		free(rc);
		return err;
	}
	close(page_fd);
	rc->domid = domid;
	rc->page = page;
	rc->kick_fd = kick_fd;
	rc->notify_fd = notify_fd;
	rc->evtchn_port = -1;
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
 * message saying so.
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
		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			    kva_fd, 0);
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
	rc->domid = 0;
	rc->page = page;
	rc->kick_fd = rc->notify_fd = ev_fd;
	rc->evtchn_port = local;
	rc->next = rs->rings;
	rs->rings = rc;

	/* dom0 needs no XS_INTRODUCE: serve it now and wake its xenbus. */
	rc->c = store_conn_new(rs->s, 0, &ring_ops, rc);
	if (!rc->c)
		return -ENOMEM;
	ring_read(rc);
	ring_notify(rc);
	return 0;

fail:
	if (page != MAP_FAILED)
		munmap(page, 4096);
	if (kva_fd >= 0)
		close(kva_fd);
	if (ev_fd >= 0)
		close(ev_fd);
	return err;
}

void ring_poll_add(struct ring_server *rs, struct pollset *ps)
{
	struct ring_conn *rc;

	for (rc = rs->rings; rc; rc = rc->next)
		pollset_add(ps, rc->kick_fd, POLLIN);
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
		if (!kicked(ps, rc->kick_fd))
			continue;
		ring_ack(rc);
		if (!rc->c)
			continue;	/* not introduced: ignore */
		ring_kick(rc->c);	/* the domain may have made room */
		ring_read(rc);
	}
	for (rc = rs->rings; rc; rc = rc->next) {
		if (rc->c && rc->c->dead) {
			/* Released, or broke the protocol: stop serving. */
			store_conn_free(rc->c);
			rc->c = NULL;
		}
	}
}
