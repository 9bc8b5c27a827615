// SPDX-License-Identifier: GPL-2.0
/*
 * ops.c - one handler per request type.
 *
 * ops_dispatch() is where every complete message lands.  It picks the
 * tree the request runs on (the main tree, or the copy belonging to the
 * transaction named in the header), calls the handler, and sends either
 * the handler's reply or an XS_ERROR carrying the errno's name.  Only
 * after the reply is queued are the watch events the request caused
 * delivered, so a client always sees "OK" before the events of its own
 * change.
 *
 * The modifying operations (write, mkdir, rm, set_perms) are exported
 * because committing a transaction replays them on the main tree.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define PATH_BUF (STORE_ABS_PATH_MAX + 1)
#define DOMID_SELF 0x7ff0

static int reply(struct ctx *x, const struct store_msg_hdr *h,
		 const void *body, size_t len)
{
	store_queue(x->c, h->type, h->req_id, h->tx_id, body, len);
	return 0;
}

static int reply_ok(struct ctx *x, const struct store_msg_hdr *h)
{
	return reply(x, h, "OK", 3);
}

static int reply_str(struct ctx *x, const struct store_msg_hdr *h,
		     const char *s)
{
	return reply(x, h, s, strlen(s) + 1);
}

/*
 * Split the payload into NUL-terminated strings.  The payload always has
 * a NUL after its last byte (store.c adds one), so an unterminated last
 * string still reads safely; it is counted only if @len covers it.
 */
static unsigned int split(const char *body, uint32_t len, const char **v,
			  unsigned int max)
{
	unsigned int n = 0;
	uint32_t off = 0;

	while (off < len && n < max) {
		v[n++] = body + off;
		off += (uint32_t)strlen(body + off) + 1;
	}
	return n;
}

/* Exactly @want strings, each NUL-terminated inside the payload. */
static bool args(const char *body, uint32_t len, const char **v,
		 unsigned int want)
{
	uint32_t off = 0;
	unsigned int i;

	for (i = 0; i < want; i++) {
		if (off >= len)
			return false;
		v[i] = body + off;
		off += (uint32_t)strlen(body + off) + 1;
		if (off > len)
			return false;
	}
	return off == len;
}

static int parse_domid(const char *s, unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 0xffff)
			return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

/*
 * A guest's paths are limited to quota.path_len bytes below its
 * /local/domain/<id>/ (or any domain's), and to that many bytes in all
 * elsewhere (xenstored's quota_max_path_len).
 */
static bool path_len_ok(const struct conn *c, const char *path)
{
	unsigned int id;
	int off = 0;

	if (c->privileged)
		return true;
	if (sscanf(path, "/local/domain/%5u/%n", &id, &off) != 1)
		off = 0;
	return strlen(path) <= (size_t)off + c->store->quota.path_len;
}

/* Make @in absolute for this connection and check it. */
static int canon(const struct conn *c, const char *in, char *out)
{
	int n;

	if (in[0] == '/') {
		if (strlen(in) >= PATH_BUF)
			return -EINVAL;
		strcpy(out, in);
	} else {
		if (strlen(in) > STORE_REL_PATH_MAX || !in[0])
			return -EINVAL;
		n = snprintf(out, PATH_BUF, "/local/domain/%u/%s", c->domid,
			     in);
		if (n < 0 || n >= PATH_BUF)
			return -EINVAL;
	}
	return path_is_valid(out) && path_len_ok(c, out) ? 0 : -EINVAL;
}

static void note(struct ctx *x, const char *path, const struct node *n)
{
	if (x->txn && !x->replay)
		txn_note(x->txn, path, n);
}

static bool can(struct ctx *x, const struct node *n, unsigned int want)
{
	return x->replay || store_conn_can(x->c, &n->perms, want);
}

/*
 * The error for a node that does not exist: ENOENT, unless the caller
 * may not read the nearest ancestor that does, in which case EACCES: a
 * guest must not learn what exists where it cannot look (xenstored's
 * errno_from_parents()).
 */
static int missing(struct ctx *x, const char *path)
{
	return can(x, tree_nearest(x->t, path), PERM_READ) ? -ENOENT
							   : -EACCES;
}

/* Do the guest quotas apply to this request? */
static bool limited(const struct ctx *x)
{
	return !x->replay && !x->c->privileged;
}

/*
 * Would @n, changed by @delta bytes, break the node-size quota?  Only
 * asked for a guest (sizing a transaction's node copies its children).
 */
static bool too_big(struct ctx *x, struct node *n, long delta)
{
	if (!limited(x))
		return false;
	node_complete(x->t, n);
	return (long)node_size(n) + delta > (long)x->s->quota.node_size;
}

static void queue_fire(struct ctx *x, const char *path,
		       const struct store_perms *ps,
		       const struct store_perms *old, bool recurse)
{
	struct fire *f;

	if (x->txn && !x->replay)
		return;
	f = calloc(1, sizeof(*f));
	if (!f)
		return;
	f->path = strdup(path);
	if (!f->path || perms_copy(&f->perms, ps) < 0 ||
	    (old && perms_copy(&f->old, old) < 0)) {
		perms_free(&f->perms);
		free(f->path);
		free(f);
		return;
	}
	f->recurse = recurse;
	*x->fires_tail = f;
	x->fires_tail = &f->next;
}

/* Queue a change for watch delivery (transactions: at commit only). */
void ctx_fire(struct ctx *x, const char *path, const struct store_perms *ps,
	      bool recurse)
{
	queue_fire(x, path, ps, NULL, recurse);
}

/* A permission change: watchers who could read before see it too. */
void ctx_fire_perms(struct ctx *x, const char *path,
		    const struct store_perms *ps,
		    const struct store_perms *old)
{
	queue_fire(x, path, ps, old, false);
}

/* Count @delta nodes to @owner, or to the transaction until it commits. */
static void account(struct ctx *x, unsigned int owner, int delta)
{
	if (x->txn && !x->replay && owner == x->c->domid)
		txn_add_nodes(x->txn, delta);
	else if (!x->txn || x->replay)
		domain_account(x->s, owner, delta);
}

static unsigned int components(const char *p)
{
	unsigned int n = 0;

	for (; *p; p++)
		if (*p == '/')
			n++;
	return n;
}

/*
 * Create @path and any missing parents below the nearest existing node.
 * New nodes inherit their parent's permissions; an unprivileged domain
 * owns what it creates.
 */
static int create(struct ctx *x, const char *path, struct node **out)
{
	struct node *p = tree_nearest(x->t, path);
	char pbuf[PATH_BUF];
	const char *rest;
	unsigned int add;

	if (!can(x, p, PERM_WRITE))
		return -EACCES;
	node_path(p, pbuf, sizeof(pbuf));
	rest = path + (p->parent ? strlen(pbuf) + 1 : 1);
	add = components(rest) + 1;
	if (domain_over_quota(x, add))
		return -ENOSPC;
	/* The parent's record grows by the new child's name. */
	if (too_big(x, p, (long)strcspn(rest, "/") + 1))
		return -ENOSPC;
	note(x, pbuf, p);
	while (*rest) {
		const char *slash = strchr(rest, '/');
		size_t len = slash ? (size_t)(slash - rest) : strlen(rest);

		/* A transaction depends on this node still not existing. */
		memcpy(pbuf, path, (size_t)(rest - path) + len);
		pbuf[rest - path + len] = '\0';
		note(x, pbuf, NULL);
		p = node_add_child(x->t, p, rest, len);
		if (!p)
			return -ENOMEM;
		if (!x->c->privileged)
			p->perms.p[0].domid = x->c->domid;
		account(x, p->perms.p[0].domid, 1);
		rest += len;
		if (*rest == '/')
			rest++;
	}
	*out = p;
	return 0;
}

int ops_write(struct ctx *x, const char *path, const char *val,
	      unsigned int vlen)
{
	struct node *n;
	int err;

	n = tree_lookup(x->t, path);
	if (n) {
		if (!can(x, n, PERM_WRITE))
			return -EACCES;
		if (too_big(x, n, (long)vlen - (long)n->vlen))
			return -ENOSPC;
		note(x, path, n);
	} else {
		/* A new node has its parent's permissions and no children. */
		struct node *p = tree_nearest(x->t, path);

		if (limited(x) && 24 + 8 * (size_t)p->perms.nr + vlen >
				  x->s->quota.node_size)
			return can(x, p, PERM_WRITE) ? -ENOSPC : -EACCES;
		err = create(x, path, &n);
		if (err)
			return err;
	}
	err = node_set_value(x->t, n, val, vlen);
	if (err)
		return err;
	if (x->txn && !x->replay)
		txn_log(x->txn, STORE_WRITE, path, val, vlen, NULL);
	ctx_fire(x, path, &n->perms, false);
	return 0;
}

int ops_mkdir(struct ctx *x, const char *path)
{
	struct node *n = tree_lookup(x->t, path);
	int err;

	if (n) {
		/* As xenstored: an existing node is fine if writable. */
		if (!can(x, n, PERM_WRITE))
			return -EACCES;
		note(x, path, n);
		return 0;
	}
	err = create(x, path, &n);
	if (err)
		return err;
	if (x->txn && !x->replay)
		txn_log(x->txn, STORE_MKDIR, path, NULL, 0, NULL);
	ctx_fire(x, path, &n->perms, false);
	return 0;
}

static void unaccount_subtree(struct ctx *x, struct node *n)
{
	unsigned int i;

	node_complete(x->t, n);
	account(x, n->perms.p[0].domid, -1);
	for (i = 0; i < n->nchild; i++)
		unaccount_subtree(x, n->child[i]);
}

int ops_rm(struct ctx *x, const char *path)
{
	struct node *n = tree_lookup(x->t, path);
	char parent[PATH_BUF];
	char *slash;

	if (!strcmp(path, "/"))
		return -EINVAL;
	strcpy(parent, path);
	slash = strrchr(parent, '/');
	*(slash == parent ? slash + 1 : slash) = '\0';
	if (!n) {
		/* Removing what is not there is fine if its parent is. */
		struct node *p = tree_lookup(x->t, parent);

		note(x, path, NULL);
		note(x, parent, p);
		if (!can(x, tree_nearest(x->t, path), PERM_READ))
			return -EACCES;
		return p ? 0 : -ENOENT;
	}
	if (!can(x, n, PERM_WRITE))
		return -EACCES;
	note(x, path, n);
	note(x, parent, n->parent);
	if (x->txn && !x->replay)
		txn_log(x->txn, STORE_RM, path, NULL, 0, NULL);
	ctx_fire(x, path, &n->perms, true);
	unaccount_subtree(x, n);
	node_unlink(x->t, n);
	node_free(n);
	return 0;
}

/*
 * Know every domain a permission list names, so that its entries can be
 * dropped when that domain goes away (store_check_domains()).  Only
 * once the change is allowed: a refused SET_PERMS must not make the
 * store keep records (a guest could fill the domain list).
 */
static int note_domains(struct store *s, const struct store_perms *ps)
{
	unsigned int i;

	for (i = 0; i < ps->nr; i++)
		if (!domain_get(s, ps->p[i].domid))
			return -ENOMEM;
	return 0;
}

int ops_set_perms(struct ctx *x, const char *path,
		  const struct store_perms *ps)
{
	struct node *n = tree_lookup(x->t, path);
	struct store_perms copy, old;

	if (!n)
		return missing(x, path);
	/* Only the owner (and dom0) may change a node's permissions. */
	if (!can(x, n, PERM_WRITE | PERM_OWNER))
		return -EACCES;
	if (limited(x)) {
		if (ps->p[0].domid != n->perms.p[0].domid)
			return -EPERM;
		if (ps->nr > x->s->quota.perms)
			return -ENOSPC;
		if (too_big(x, n, 8 * ((long)ps->nr - (long)n->perms.nr)))
			return -ENOSPC;
	}
	if (note_domains(x->s, ps) < 0 || perms_copy(&copy, ps) < 0)
		return -ENOMEM;
	note(x, path, n);
	old = n->perms;
	n->perms = copy;
	node_touch(x->t, n);
	if (old.p[0].domid != copy.p[0].domid) {
		account(x, old.p[0].domid, -1);
		account(x, copy.p[0].domid, 1);
	}
	if (x->txn && !x->replay)
		txn_log(x->txn, STORE_SET_PERMS, path, NULL, 0, ps);
	ctx_fire_perms(x, path, &n->perms, &old);
	perms_free(&old);
	return 0;
}

/* --- the handlers ---------------------------------------------------- */

struct req {
	struct ctx *x;
	const struct store_msg_hdr *h;
	const char *body;
};

/* Look up a readable node named by the first argument. */
static int readable(struct req *r, const char *arg, char *path,
		    struct node **out)
{
	struct node *n;

	if (canon(r->x->c, arg, path) < 0)
		return -EINVAL;
	n = tree_lookup(r->x->t, path);
	note(r->x, path, n);
	if (!n)
		return missing(r->x, path);
	if (!can(r->x, n, PERM_READ))
		return -EACCES;
	*out = n;
	return 0;
}

static int do_read(struct req *r)
{
	char path[PATH_BUF];
	struct node *n;
	const char *a;
	int err;

	if (!args(r->body, r->h->len, &a, 1))
		return -EINVAL;
	err = readable(r, a, path, &n);
	if (err)
		return err;
	return reply(r->x, r->h, n->value, n->vlen);
}

static size_t children_len(const struct node *n)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n->nchild; i++)
		len += strlen(n->child[i]->name) + 1;
	return len;
}

static void children_copy(const struct node *n, char *buf)
{
	unsigned int i;

	for (i = 0; i < n->nchild; i++) {
		size_t l = strlen(n->child[i]->name) + 1;

		memcpy(buf, n->child[i]->name, l);
		buf += l;
	}
}

static int do_directory(struct req *r)
{
	char path[PATH_BUF], *buf;
	struct node *n;
	const char *a;
	size_t len;
	int err;

	if (!args(r->body, r->h->len, &a, 1))
		return -EINVAL;
	err = readable(r, a, path, &n);
	if (!err)
		err = node_complete(r->x->t, n);
	if (err)
		return err;
	len = children_len(n);
	if (len > STORE_PAYLOAD_MAX)
		return -E2BIG;
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	children_copy(n, buf);
	reply(r->x, r->h, buf, len);
	free(buf);
	return 0;
}

/*
 * DIRECTORY_PART path offset: "<generation>\0" then the children from
 * byte @offset of the full listing, as many whole names as fit; an extra
 * "\0" at the end says the listing is complete.
 */
static int do_directory_part(struct req *r)
{
	char path[PATH_BUF], gen[24], *all, *buf;
	size_t len, glen, off = 0, end, room;
	const char *a[2];
	struct node *n;
	int err;

	if (!args(r->body, r->h->len, a, 2))
		return -EINVAL;
	err = readable(r, a[0], path, &n);
	if (!err)
		err = node_complete(r->x->t, n);
	if (err)
		return err;
	if (!a[1][0] || strspn(a[1], "0123456789") != strlen(a[1]) ||
	    strlen(a[1]) > 9)
		return -EINVAL;
	off = strtoul(a[1], NULL, 10);
	len = children_len(n);
	if (off > len)
		return -EINVAL;
	glen = (size_t)snprintf(gen, sizeof(gen), "%" PRIu64, n->gen) + 1;
	all = malloc(len + 1);
	buf = malloc(STORE_PAYLOAD_MAX);
	if (!all || !buf) {
		free(all);
		free(buf);
		return -ENOMEM;
	}
	children_copy(n, all);
	room = STORE_PAYLOAD_MAX - glen - 1;
	end = off;
	while (end < len) {
		size_t l = strlen(all + end) + 1;

		if (end + l - off > room)
			break;
		end += l;
	}
	memcpy(buf, gen, glen);
	memcpy(buf + glen, all + off, end - off);
	room = glen + end - off;
	if (end == len)
		buf[room++] = '\0';
	reply(r->x, r->h, buf, room);
	free(all);
	free(buf);
	return 0;
}

static int do_get_perms(struct req *r)
{
	char path[PATH_BUF], buf[STORE_PAYLOAD_MAX];
	struct node *n;
	const char *a;
	int err;

	if (!args(r->body, r->h->len, &a, 1))
		return -EINVAL;
	if (a[0] == '@') {
		int i = special_index(a);

		if (i < 0)
			return -EINVAL;
		/* Its list says which domains see the events: not for all. */
		if (!store_conn_can(r->x->c, &r->x->s->special[i], PERM_READ))
			return -EACCES;
		return reply(r->x, r->h, buf,
			     perms_format(&r->x->s->special[i], buf,
					  sizeof(buf)));
	}
	err = readable(r, a, path, &n);
	if (err)
		return err;
	return reply(r->x, r->h, buf, perms_format(&n->perms, buf,
						   sizeof(buf)));
}

static int do_write(struct req *r)
{
	char path[PATH_BUF];
	size_t plen = strnlen(r->body, r->h->len);
	int err;

	/* path NUL value: the value is everything after, NULs and all. */
	if (plen >= r->h->len)
		return -EINVAL;
	if (canon(r->x->c, r->body, path) < 0)
		return -EINVAL;
	err = ops_write(r->x, path, r->body + plen + 1,
			r->h->len - (uint32_t)plen - 1);
	return err ? err : reply_ok(r->x, r->h);
}

/* A request whose only argument is a path and whose reply is "OK". */
static int path_op(struct req *r, int (*op)(struct ctx *, const char *))
{
	char path[PATH_BUF];
	const char *a;
	int err;

	if (!args(r->body, r->h->len, &a, 1) || canon(r->x->c, a, path) < 0)
		return -EINVAL;
	err = op(r->x, path);
	return err ? err : reply_ok(r->x, r->h);
}

static int do_mkdir(struct req *r)
{
	return path_op(r, ops_mkdir);
}

static int do_rm(struct req *r)
{
	return path_op(r, ops_rm);
}

/*
 * Who may watch @introduceDomain or @releaseDomain: set by the owner of
 * the special node (dom0), never inside a transaction.
 */
static int set_special_perms(struct ctx *x, const char *name,
			     const struct store_perms *ps)
{
	struct store_perms copy;
	int i = special_index(name);

	if (i < 0 || x->txn)
		return -EINVAL;
	if (!store_conn_can(x->c, &x->s->special[i], PERM_WRITE | PERM_OWNER))
		return -EACCES;
	if (note_domains(x->s, ps) < 0 || perms_copy(&copy, ps) < 0)
		return -ENOMEM;
	perms_free(&x->s->special[i]);
	x->s->special[i] = copy;
	return 0;
}

static int do_set_perms(struct req *r)
{
	char path[PATH_BUF];
	const char *v[STORE_MAX_PERMS + 1];
	struct store_perms ps;
	unsigned int n;
	size_t plen;
	int err;

	n = split(r->body, r->h->len, v, STORE_MAX_PERMS + 1);
	if (n > STORE_MAX_PERMS)
		return -ENOSPC;
	if (n < 2 || r->body[r->h->len - 1] != '\0')
		return -EINVAL;
	if (v[0][0] != '@' && canon(r->x->c, v[0], path) < 0)
		return -EINVAL;
	if (!r->x->c->privileged && n - 1 > r->x->s->quota.perms)
		return -ENOSPC;
	plen = strlen(v[0]) + 1;
	err = perms_parse(&ps, r->body + plen, r->h->len - plen, n - 1);
	if (err)
		return err;
	if (v[0][0] == '@')
		err = set_special_perms(r->x, v[0], &ps);
	else
		err = ops_set_perms(r->x, path, &ps);
	perms_free(&ps);
	return err ? err : reply_ok(r->x, r->h);
}

static int do_watch(struct req *r)
{
	const char *a[2];
	char ev[PATH_BUF + STORE_PAYLOAD_MAX];
	size_t pl, tl;
	int err;

	if (!args(r->body, r->h->len, a, 2))
		return -EINVAL;
	err = watch_add(r->x->c, a[0], a[1]);
	if (err)
		return err;
	reply_ok(r->x, r->h);
	/* The initial event, so the watcher reads the current state. */
	pl = strlen(a[0]) + 1;
	tl = strlen(a[1]) + 1;
	memcpy(ev, a[0], pl);
	memcpy(ev + pl, a[1], tl);
	store_queue(r->x->c, STORE_WATCH_EVENT, 0, 0, ev, pl + tl);
	return 0;
}

static int do_unwatch(struct req *r)
{
	const char *a[2];
	int err;

	if (!args(r->body, r->h->len, a, 2))
		return -EINVAL;
	err = watch_remove(r->x->c, a[0], a[1]);
	return err ? err : reply_ok(r->x, r->h);
}

static int do_transaction_start(struct req *r)
{
	char buf[16];
	uint32_t id;
	int err;

	if (r->x->txn)
		return -EBUSY;
	/* The payload is an empty string; be lenient about its absence. */
	if (r->h->len > 1)
		return -EINVAL;
	err = txn_start(r->x->c, &id);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%u", id);
	return reply_str(r->x, r->h, buf);
}

static int do_transaction_end(struct req *r)
{
	const char *a;
	int err;

	if (!r->x->txn)
		return -ENOENT;
	if (!args(r->body, r->h->len, &a, 1) ||
	    (strcmp(a, "T") && strcmp(a, "F")))
		return -EINVAL;
	err = txn_end(r->x, r->x->txn, a[0] == 'T');
	r->x->txn = NULL;
	r->x->t = r->x->s->tree;
	return err ? err : reply_ok(r->x, r->h);
}

/*
 * INTRODUCE domid mfn port: start serving a domain's store page.  As in
 * xenstored the page is found through the grant the builder put in the
 * domain's reserved entry GNTTAB_RESERVED_XENSTORE, so the frame number
 * is checked for form and kept, not used.  Introducing a domain already
 * introduced (a resumed guest) rebinds its event channel and resets its
 * connection; only a new introduction fires @introduceDomain.
 */
static int do_introduce(struct req *r)
{
	const char *a[3];
	unsigned int domid, port;
	unsigned long long mfn;
	struct domain *d;
	bool was;
	char *end;
	int err;

	if (!r->x->c->privileged)
		return -EACCES;
	if (!args(r->body, r->h->len, a, 3) || parse_domid(a[0], &domid) ||
	    parse_domid(a[2], &port) || !a[1][0] || a[1][0] == '-')
		return -EINVAL;
	errno = 0;
	mfn = strtoull(a[1], &end, 10);
	if (*end || errno || domid == 0 || domid > STORE_DOMID_SELF_MAX ||
	    port == 0)
		return -EINVAL;
	d = domain_find(r->x->s, domid);
	was = d && d->introduced;
	err = domain_introduce(r->x->s, domid, mfn, port);
	if (err)
		return err;
	reply_ok(r->x, r->h);
	if (!was)
		watch_fire_special(r->x->s, SPECIAL_INTRODUCE);
	return 0;
}

static int one_domid(struct req *r, unsigned int *domid)
{
	const char *a;

	if (!args(r->body, r->h->len, &a, 1) || parse_domid(a, domid))
		return -EINVAL;
	return 0;
}

static int do_release(struct req *r)
{
	unsigned int domid;
	int err;

	if (!r->x->c->privileged)
		return -EACCES;
	if (one_domid(r, &domid))
		return -EINVAL;
	err = domain_release(r->x->s, domid);
	if (err)
		return err;
	reply_ok(r->x, r->h);
	/* Its nodes stay (the toolstack removes them); rights given to it
	 * are taken back, so a later domain with its id gets none. */
	domain_forget(r->x->s, domid);
	watch_fire_special(r->x->s, SPECIAL_RELEASE);
	return 0;
}

static int do_get_domain_path(struct req *r)
{
	unsigned int domid;
	char buf[32];

	if (one_domid(r, &domid))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "/local/domain/%u", domid);
	return reply_str(r->x, r->h, buf);
}

static int do_is_domain_introduced(struct req *r)
{
	struct domain *d;
	unsigned int domid;

	if (one_domid(r, &domid))
		return -EINVAL;
	d = domain_find(r->x->s, domid);
	return reply_str(r->x, r->h, domid == DOMID_SELF ||
			 (d && d->introduced) ? "T" : "F");
}

static int do_resume(struct req *r)
{
	struct domain *d;
	unsigned int domid;

	if (!r->x->c->privileged)
		return -EACCES;
	if (one_domid(r, &domid))
		return -EINVAL;
	d = domain_find(r->x->s, domid);
	if (!d || !d->introduced)
		return -ENOENT;
	return reply_ok(r->x, r->h);
}

static int do_set_target(struct req *r)
{
	const char *a[2];
	unsigned int domid, target;
	struct domain *d, *t;
	struct conn *c;

	if (!r->x->c->privileged)
		return -EACCES;
	if (!args(r->body, r->h->len, a, 2) || parse_domid(a[0], &domid) ||
	    parse_domid(a[1], &target))
		return -EINVAL;
	d = domain_find(r->x->s, domid);
	t = domain_get(r->x->s, target);
	if (!d || !d->introduced || !t)
		return -ENOENT;
	d->target = t;
	for (c = r->x->s->conns; c; c = c->next)
		if (c->domid == domid)
			c->target = t;
	return reply_ok(r->x, r->h);
}

static int do_reset_watches(struct req *r)
{
	watch_remove_all(r->x->c);
	txn_abort_all(r->x->c);
	return reply_ok(r->x, r->h);
}

static int do_control(struct req *r)
{
	const char *v[2];
	unsigned int n = split(r->body, r->h->len, v, 2);

	if (!r->x->c->privileged)
		return -EACCES;
	if (n >= 1 && !strcmp(v[0], "check"))
		return reply_ok(r->x, r->h);
	if (n == 2 && !strcmp(v[0], "print")) {
		fprintf(stderr, "stored: %s\n", v[1]);
		return reply_ok(r->x, r->h);
	}
	return -EINVAL;
}

static const struct {
	int (*fn)(struct req *r);
	bool in_txn;		/* honours tx_id */
} handlers[STORE_TYPE_COUNT] = {
	[STORE_CONTROL] = { do_control, false },
	[STORE_DIRECTORY] = { do_directory, true },
	[STORE_READ] = { do_read, true },
	[STORE_GET_PERMS] = { do_get_perms, true },
	[STORE_WATCH] = { do_watch, false },
	[STORE_UNWATCH] = { do_unwatch, false },
	[STORE_TRANSACTION_START] = { do_transaction_start, true },
	[STORE_TRANSACTION_END] = { do_transaction_end, true },
	[STORE_INTRODUCE] = { do_introduce, false },
	[STORE_RELEASE] = { do_release, false },
	[STORE_GET_DOMAIN_PATH] = { do_get_domain_path, false },
	[STORE_WRITE] = { do_write, true },
	[STORE_MKDIR] = { do_mkdir, true },
	[STORE_RM] = { do_rm, true },
	[STORE_SET_PERMS] = { do_set_perms, true },
	[STORE_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, false },
	[STORE_RESUME] = { do_resume, false },
	[STORE_SET_TARGET] = { do_set_target, false },
	[STORE_RESET_WATCHES] = { do_reset_watches, false },
	[STORE_DIRECTORY_PART] = { do_directory_part, true },
};

static void flush_fires(struct ctx *x)
{
	struct fire *f, *next;

	for (f = x->fires; f; f = next) {
		next = f->next;
		watch_fire(x->s, f);
		free(f->path);
		perms_free(&f->perms);
		perms_free(&f->old);
		free(f);
	}
	x->fires = NULL;
	x->fires_tail = &x->fires;
}

static const char *const type_names[STORE_TYPE_COUNT] = {
	"CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
	"TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
	"GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT",
	"ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
	"RESET_WATCHES", "DIRECTORY_PART",
};

/*
 * A guest's refused request gets a log line: the first few per
 * connection, so a guest cannot flood dom0's log.
 */
#define REFUSALS_LOGGED 10

static void log_refusal(struct conn *c, const struct store_msg_hdr *h,
			const char *body, int err)
{
	char arg[65];
	size_t i;

	if (c->privileged || c->refusals_logged > REFUSALS_LOGGED)
		return;
	if (c->refusals_logged++ == REFUSALS_LOGGED) {
		fprintf(stderr, "stored: domain %u: further refusals not "
			"logged\n", c->domid);
		return;
	}
	/* The first argument, printable characters only. */
	for (i = 0; i < sizeof(arg) - 1 && i < h->len && body[i]; i++)
		arg[i] = body[i] >= 0x20 && body[i] < 0x7f ? body[i] : '?';
	arg[i] = '\0';
	fprintf(stderr, "stored: domain %u: %s %s: %s\n", c->domid,
		h->type < STORE_TYPE_COUNT ? type_names[h->type] : "unknown",
		arg, store_errno_name(-err));
}

/**
 * ops_dispatch() - handle one complete request
 * @c: the connection it came on
 * @h: its header
 * @body: its payload, h->len bytes followed by a NUL
 */
void ops_dispatch(struct conn *c, const struct store_msg_hdr *h,
		  const char *body)
{
	struct ctx x = { .s = c->store, .c = c, .t = c->store->tree };
	struct req r = { .x = &x, .h = h, .body = body };
	int err;

	x.fires_tail = &x.fires;
	if (h->type >= STORE_TYPE_COUNT || !handlers[h->type].fn) {
		err = -EINVAL;
		goto out;
	}
	if (h->tx_id && handlers[h->type].in_txn) {
		x.txn = txn_find(c, h->tx_id);
		if (!x.txn) {
			err = -ENOENT;
			goto out;
		}
		x.t = txn_tree(x.txn);
		/* A guest's transaction may only touch so many nodes (and
		 * may always be ended). */
		if (!c->privileged && h->type != STORE_TRANSACTION_END &&
		    txn_nodes_touched(x.txn) >= c->store->quota.txn_nodes) {
			err = -ENOSPC;
			goto out;
		}
	}
	err = handlers[h->type].fn(&r);
out:
	if (err) {
		const char *name = store_errno_name(-err);

		log_refusal(c, h, body, err);
		store_queue(c, STORE_ERROR, h->req_id, h->tx_id, name,
			    strlen(name) + 1);
	}
	flush_fires(&x);
}
