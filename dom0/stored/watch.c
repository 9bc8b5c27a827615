// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - watches: a connection names a path and a token, and gets an
 * XS_WATCH_EVENT "path\0token\0" whenever that node or anything below it
 * changes.
 *
 * Paths are stored absolute for matching and also as the client gave
 * them: a watch registered with a relative path gets relative paths in
 * its events, as Linux's xenbus expects.  Removing a subtree also fires
 * the watches set on nodes inside it, with the watched path itself.
 * Events are only sent to connections that may read the changed node.
 * The special watches "@introduceDomain" and "@releaseDomain" fire when
 * a domain is introduced, and when one is released or found shut down or
 * gone; like every '@' path they match only themselves.  They go to the
 * connections that may read the special node: dom0, and a domain the
 * toolstack gave read access with SET_PERMS on the special name (as
 * xenstored does since XSA-115).  An event that would not fit in one
 * message (path and token over 4096 bytes) is not sent, as in xenstored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

struct watch {
	char *path;		/* as the client gave it */
	char *abs;		/* absolute, or the '@' name */
	char *token;
	struct watch *next;
};

static void watch_free(struct watch *w)
{
	free(w->path);
	free(w->abs);
	free(w->token);
	free(w);
}

static int watch_abs(const struct conn *c, const char *path, char **out)
{
	char buf[STORE_ABS_PATH_MAX + 1];
	int n;

	if (path[0] == '@') {
		if (strlen(path) > STORE_ABS_PATH_MAX || !path[1])
			return -EINVAL;
		*out = strdup(path);
	} else {
		if (path[0] == '/')
			n = snprintf(buf, sizeof(buf), "%s", path);
		else if (path[0] && strlen(path) <= STORE_REL_PATH_MAX)
			n = snprintf(buf, sizeof(buf), "/local/domain/%u/%s",
				     c->domid, path);
		else
			return -EINVAL;
		if (n < 0 || (size_t)n >= sizeof(buf) || !path_is_valid(buf))
			return -EINVAL;
		*out = strdup(buf);
	}
	return *out ? 0 : -ENOMEM;
}

int watch_add(struct conn *c, const char *path, const char *token)
{
	struct watch *w;
	char *abs;
	int err;

	err = watch_abs(c, path, &abs);
	if (err)
		return err;
	for (w = c->watches; w; w = w->next) {
		if (!strcmp(w->abs, abs) && !strcmp(w->token, token)) {
			free(abs);
			return -EEXIST;
		}
	}
	if (!c->privileged && c->nr_watches >= c->store->quota.watches) {
		free(abs);
		return -E2BIG;
	}
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path)) || !(w->token = strdup(token))) {
		free(abs);
		if (w)
			watch_free(w);
		return -ENOMEM;
	}
	w->abs = abs;
	/* Append: events for one change go out in registration order. */
	{
		struct watch **pp = &c->watches;

		while (*pp)
			pp = &(*pp)->next;
		*pp = w;
	}
	c->nr_watches++;
	return 0;
}

int watch_remove(struct conn *c, const char *path, const char *token)
{
	struct watch **pp, *w;
	char *abs;
	int err;

	err = watch_abs(c, path, &abs);
	if (err)
		return err;
	for (pp = &c->watches; (w = *pp); pp = &w->next) {
		if (!strcmp(w->abs, abs) && !strcmp(w->token, token)) {
			*pp = w->next;
			watch_free(w);
			c->nr_watches--;
			free(abs);
			return 0;
		}
	}
	free(abs);
	return -ENOENT;
}

void watch_remove_all(struct conn *c)
{
	struct watch *w, *next;

	for (w = c->watches; w; w = next) {
		next = w->next;
		watch_free(w);
	}
	c->watches = NULL;
	c->nr_watches = 0;
}

/* Is @a equal to @b or an ancestor of it? */
static bool is_within(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (!strcmp(a, "/"))
		return b[0] == '/';
	return !strncmp(a, b, la) && (b[la] == '\0' || b[la] == '/');
}

static void send_event(struct conn *c, const struct watch *w,
		       const char *path)
{
	char buf[STORE_ABS_PATH_MAX + STORE_PAYLOAD_MAX + 2];
	char prefix[32];
	size_t pl, plen, tlen;

	/* A relative watch sees relative paths. */
	if (w->path[0] != '/' && w->path[0] != '@') {
		pl = (size_t)snprintf(prefix, sizeof(prefix),
				      "/local/domain/%u/", c->domid);
		if (!strncmp(path, prefix, pl))
			path += pl;
	}
	plen = strlen(path) + 1;
	tlen = strlen(w->token) + 1;
	if (plen + tlen > STORE_PAYLOAD_MAX)
		return;
	memcpy(buf, path, plen);
	memcpy(buf + plen, w->token, tlen);
	store_queue(c, STORE_WATCH_EVENT, 0, 0, buf, plen + tlen);
}

/* Deliver one change to every connection watching it. */
void watch_fire(struct store *s, const struct fire *f)
{
	struct watch *w;
	struct conn *c;

	for (c = s->conns; c; c = c->next) {
		if (c->dead)
			continue;
		/* A permission change is seen by who could read before too. */
		if (!store_conn_can(c, &f->perms, PERM_READ) &&
		    !(f->old.nr && store_conn_can(c, &f->old, PERM_READ)))
			continue;
		for (w = c->watches; w; w = w->next) {
			if (w->abs[0] == '@')
				continue;
			if (is_within(w->abs, f->path))
				send_event(c, w, f->path);
			else if (f->recurse && is_within(f->path, w->abs))
				send_event(c, w, w->abs);
		}
	}
}

static const char *const special_names[SPECIAL_COUNT] = {
	[SPECIAL_INTRODUCE] = "@introduceDomain",
	[SPECIAL_RELEASE] = "@releaseDomain",
};

/* SPECIAL_* for a special node's name, or -1. */
int special_index(const char *name)
{
	int i;

	for (i = 0; i < SPECIAL_COUNT; i++)
		if (!strcmp(name, special_names[i]))
			return i;
	return -1;
}

void watch_fire_special(struct store *s, unsigned int which)
{
	const char *name = special_names[which];
	struct watch *w;
	struct conn *c;

	for (c = s->conns; c; c = c->next) {
		if (c->dead ||
		    !store_conn_can(c, &s->special[which], PERM_READ))
			continue;
		for (w = c->watches; w; w = w->next)
			if (!strcmp(w->abs, name))
				send_event(c, w, name);
	}
}
