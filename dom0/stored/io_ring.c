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
 * XS_INTRODUCE(domid, mfn, port) is what creates such a connection.  In
 * dom0 the page is the guest's (mapped by grant) and the kick is an
 * event channel through /dev/xen/evtchn; that backend is not written yet.
 * On the host, where tests run, a ring for a domain is arranged before
 * start-up (--host-ring DOMID:PAGEFD:KICKFD:NOTIFYFD, file descriptors
 * inherited from the test): the page is a shared-memory file and each
 * direction's event channel is an eventfd.  When the domain is released
 * the connection is dropped and the page is left as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io.h"
#include "xs_ring.h"

struct ring_conn {
	unsigned int domid;
	struct store_domain_interface *page;
	int kick_fd;		/* the domain kicks us: we poll it */
	int notify_fd;		/* we kick the domain */
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

	if (write(rc->notify_fd, &one, sizeof(one)) != sizeof(one))
		fprintf(stderr, "stored: domain %u: notify: %s\n", rc->domid,
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
	rc->next = rs->rings;
	rs->rings = rc;
	return 0;
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
	uint64_t v;

	for (rc = rs->rings; rc; rc = rc->next) {
		if (!kicked(ps, rc->kick_fd))
			continue;
		if (read(rc->kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			continue;
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
