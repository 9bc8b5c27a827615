// SPDX-License-Identifier: GPL-2.0
/*
 * store.c - the store and its connections: message framing in, message
 * queueing out.
 *
 * A transport hands store_input() whatever bytes arrived, in any pieces.
 * Here they are cut into messages: a 16-byte header, then exactly
 * hdr.len bytes.  A header announcing more than the protocol's 4096-byte
 * payload cannot be skipped safely (the peer may be out of step), so the
 * connection is marked dead and the transport closes it; every other
 * malformation is answered with an error by the handlers in ops.c.
 * Replies and watch events are appended to the connection's output queue
 * in order, and the transport's kick() moves them to the peer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/*
 * A peer that reads nothing while events pile up is cut off: dom0's tools
 * at 16 MiB queued, a guest at 1 MiB.  Before that, a guest with more
 * than OUT_BUSY bytes waiting is not read from (store_conn_busy()), so
 * its own requests cannot grow its queue; only others' changes to nodes
 * it watches can (xenstored has the same two limits: requests
 * outstanding, and memory per domain).
 */
#define OUT_MAX (16u << 20)
#define OUT_MAX_GUEST (1u << 20)
#define OUT_BUSY (16u << 10)

static const struct {
	int err;
	const char *name;
} err_names[] = {
	{ EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
	{ EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
	{ EPERM, "EPERM" },
};

/* The name the protocol uses for @err; unknown ones travel as EINVAL. */
const char *store_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++)
		if (err_names[i].err == err)
			return err_names[i].name;
	return "EINVAL";
}

void store_default_quota(struct store_quota *q)
{
	/* Xen 4.17's xenstored defaults (docs/store.md says why). */
	q->nodes = 1000;
	q->watches = 128;
	q->txns = 10;
	q->node_size = 2048;
	q->perms = 5;
	q->path_len = STORE_REL_PATH_MAX;
	q->txn_nodes = 1024;
}

struct store *store_new(const struct store_quota *q)
{
	struct store *s = calloc(1, sizeof(*s));
	struct store_perm owner0 = { .domid = 0, .mode = PERM_NONE };
	const struct store_perms none0 = { .nr = 1, .p = &owner0 };
	unsigned int i;

	if (!s)
		return NULL;
	s->quota = *q;
	s->next_txn_id = 1;
	s->tree = tree_new(&s->gen_counter);
	if (!s->tree) {
		free(s);
		return NULL;
	}
	/* Domain 0 is always there. */
	if (!domain_get(s, 0)) {
		store_free(s);
		return NULL;
	}
	domain_find(s, 0)->introduced = true;
	domain_find(s, 0)->nodes = 1;	/* the root */
	/* Special nodes start as "n0": only dom0 sees their events. */
	for (i = 0; i < SPECIAL_COUNT; i++) {
		if (perms_copy(&s->special[i], &none0) < 0) {
			store_free(s);
			return NULL;
		}
	}
	return s;
}

void store_free(struct store *s)
{
	struct domain *d, *dn;
	unsigned int i;

	if (!s)
		return;
	while (s->conns)
		store_conn_free(s->conns);
	for (d = s->domains; d; d = dn) {
		dn = d->next;
		free(d);
	}
	for (i = 0; i < SPECIAL_COUNT; i++)
		perms_free(&s->special[i]);
	tree_free(s->tree);
	free(s);
}

/**
 * store_conn_new() - a new connection speaking for @domid
 * @s: the store
 * @domid: 0 for dom0's tools (privileged), else the domain
 * @ops: the transport's callbacks
 * @priv: the transport's own state, kept in c->priv
 */
struct conn *store_conn_new(struct store *s, unsigned int domid,
			    const struct conn_ops *ops, void *priv)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->store = s;
	c->domid = domid;
	c->privileged = domid == 0;
	c->ops = ops;
	c->priv = priv;
	c->next = s->conns;
	s->conns = c;
	return c;
}

void store_conn_free(struct conn *c)
{
	struct store *s = c->store;
	struct conn **pp;
	struct domain *d;

	txn_abort_all(c);
	watch_remove_all(c);
	for (pp = &s->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	for (d = s->domains; d; d = d->next)
		if (d->conn == c)
			d->conn = NULL;
	free(c->out);
	free(c);
}

static int out_reserve(struct conn *c, size_t more)
{
	size_t need;
	char *n;

	/* Reclaim what has been written out already. */
	if (c->out_off && c->out_off == c->out_len) {
		c->out_off = 0;
		c->out_len = 0;
	}
	need = c->out_len + more;
	if (need - c->out_off > (c->privileged ? OUT_MAX : OUT_MAX_GUEST))
		return -ENOSPC;
	if (need <= c->out_cap)
		return 0;
	if (c->out_off) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
		need = c->out_len + more;
		if (need <= c->out_cap)
			return 0;
	}
	n = realloc(c->out, need * 2);
	if (!n)
		return -ENOMEM;
	c->out = n;
	c->out_cap = need * 2;
	return 0;
}

/**
 * store_queue() - queue one message to the peer and kick the transport
 *
 * Return: 0, or a negative errno if the peer's queue is full (the
 * connection is then marked dead: it stopped reading).
 */
int store_queue(struct conn *c, uint32_t type, uint32_t req_id,
		uint32_t tx_id, const void *body, size_t len)
{
	struct store_msg_hdr h = {
		.type = type, .req_id = req_id, .tx_id = tx_id,
		.len = (uint32_t)len,
	};
	int err;

	if (c->dead)
		return -EPIPE;
	err = out_reserve(c, sizeof(h) + len);
	if (err) {
		if (c->store->verbose || !c->privileged)
			fprintf(stderr, "stored: domain %u: %zu bytes queued "
				"and not read: dropping its connection\n",
				c->domid, c->out_len - c->out_off);
		c->dead = true;
		return err;
	}
	memcpy(c->out + c->out_len, &h, sizeof(h));
	if (len)
		memcpy(c->out + c->out_len + sizeof(h), body, len);
	c->out_len += sizeof(h) + len;
	if (c->ops && c->ops->kick)
		c->ops->kick(c);
	return 0;
}

/* Should the transport hold back this connection's requests for now? */
bool store_conn_busy(const struct conn *c)
{
	return !c->privileged && c->out_len - c->out_off > OUT_BUSY;
}

/* The bytes waiting to go out; the transport then says how many went. */
const void *store_output(struct conn *c, size_t *len)
{
	*len = c->out_len - c->out_off;
	return c->out + c->out_off;
}

void store_output_done(struct conn *c, size_t n)
{
	c->out_off += n;
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
}

/**
 * store_input() - feed bytes received from the peer
 * @c: the connection
 * @data: the bytes
 * @len: how many
 *
 * Each complete message is handled at once.  Return: 0, or -EPROTO if
 * the connection is beyond saving and must be closed.
 */
int store_input(struct conn *c, const void *data, size_t len)
{
	const char *p = data;
	const size_t hsz = sizeof(struct store_msg_hdr);

	while (len && !c->dead) {
		size_t want, n;

		if (c->in_have < hsz)
			want = hsz - c->in_have;
		else
			want = hsz + c->in_hdr.len - c->in_have;
		n = len < want ? len : want;
		memcpy(c->in_buf + c->in_have, p, n);
		c->in_have += (unsigned int)n;
		p += n;
		len -= n;
		if (c->in_have == hsz) {
			memcpy(&c->in_hdr, c->in_buf, hsz);
			if (c->in_hdr.len > STORE_PAYLOAD_MAX) {
				if (c->store->verbose)
					fprintf(stderr, "stored: domain %u: "
						"message of %u bytes, over the "
						"%u limit: closing\n", c->domid,
						c->in_hdr.len,
						STORE_PAYLOAD_MAX);
				c->dead = true;
				break;
			}
		}
		if (c->in_have >= hsz &&
		    c->in_have == hsz + c->in_hdr.len) {
			char body[STORE_PAYLOAD_MAX + 1];

			memcpy(body, c->in_buf + hsz, c->in_hdr.len);
			body[c->in_hdr.len] = '\0';
			c->in_have = 0;
			ops_dispatch(c, &c->in_hdr, body);
		}
	}
	return c->dead ? -EPROTO : 0;
}
