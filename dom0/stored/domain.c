// SPDX-License-Identifier: GPL-2.0
/*
 * domain.c - the domains the store knows: which are introduced (have a
 * store connection through their shared page), and how many nodes each
 * owns, for the node quota.  Domain 0 is always introduced; its tools
 * reach the store through the Unix socket, and its kernel through its
 * own local ring.
 */
#include <errno.h>
#include <stdlib.h>

#include "store.h"

struct domain *domain_find(struct store *s, unsigned int domid)
{
	struct domain *d;

	for (d = s->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

/* Find or create the record for @domid. */
struct domain *domain_get(struct store *s, unsigned int domid)
{
	struct domain *d = domain_find(s, domid);

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->next = s->domains;
	s->domains = d;
	return d;
}

/**
 * domain_introduce() - XS_INTRODUCE: start serving a domain's page
 * @s: the store
 * @domid: the domain
 * @mfn: the frame of its store page (the transport decides what it means)
 * @port: its store event channel
 *
 * Return: 0, -EEXIST if it is already introduced with another page or
 * port, or the transport's error.
 */
int domain_introduce(struct store *s, unsigned int domid, uint64_t mfn,
		     unsigned int port)
{
	struct domain *d = domain_get(s, domid);
	struct conn *c = NULL;

	if (!d)
		return -ENOMEM;
	if (d->introduced)
		return d->mfn == mfn && d->port == port ? 0 : -EEXIST;
	d->mfn = mfn;
	d->port = port;
	if (s->introduce) {
		c = s->introduce(s, d);
		if (!c)
			return -EINVAL;
		c->target = d->target;
	}
	d->conn = c;
	d->introduced = true;
	return 0;
}

/* XS_RELEASE: stop serving the domain; its nodes stay (the toolstack
 * removes them). */
int domain_release(struct store *s, unsigned int domid)
{
	struct domain *d = domain_find(s, domid);

	if (domid == 0)
		return -EINVAL;
	if (!d || !d->introduced)
		return -ENOENT;
	if (d->conn) {
		d->conn->dead = true;
		if (d->conn->ops && d->conn->ops->release)
			d->conn->ops->release(d->conn);
		d->conn = NULL;
	}
	d->introduced = false;
	return 0;
}

void domain_account(struct store *s, unsigned int domid, int delta)
{
	struct domain *d = domain_get(s, domid);

	if (d)
		d->nodes = (unsigned int)((int)d->nodes + delta);
}

/* Would @add more nodes put this request's domain over its quota? */
bool domain_over_quota(struct ctx *x, unsigned int add)
{
	struct domain *d;
	long have;

	if (x->replay || x->c->privileged)
		return false;
	d = domain_get(x->s, x->c->domid);
	if (!d)
		return true;
	have = (long)d->nodes + (x->txn ? txn_nodes_delta(x->txn) : 0);
	return have + (long)add > (long)x->s->quota.nodes;
}
