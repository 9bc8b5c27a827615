// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's restart rate limit (restart_limit.h says the rule).
 * Each name keeps the times of its restarts still inside the window; a
 * restart is allowed while fewer than VCTL_RESTART_MAX remain.
 */
#include <string.h>

#include "restart_limit.h"

/* Forget the restarts of e older than the window ending at now. */
static void expire(struct vctl_restart_entry *e, uint64_t now)
{
	unsigned int keep = 0;

	for (unsigned int i = 0; i < e->n; i++) {
		/* A clock that went back (it should not) keeps the entry. */
		if (e->when[i] > now || now - e->when[i] < VCTL_RESTART_WINDOW_MS)
			e->when[keep++] = e->when[i];
	}
	e->n = keep;
}

static struct vctl_restart_entry *find(struct vctl_restart_limit *l,
				       const char *name)
{
	for (unsigned int i = 0; i < VCTL_RESTART_NAMES; i++)
		if (l->e[i].name[0] && !strcmp(l->e[i].name, name))
			return &l->e[i];
	return NULL;
}

static bool name_ok(const char *name)
{
	size_t n = strnlen(name, VCTL_NAME_MAX + 1);

	return n > 0 && n <= VCTL_NAME_MAX;
}

unsigned int vctl_restart_count(struct vctl_restart_limit *l,
				const char *name, uint64_t now_ms)
{
	struct vctl_restart_entry *e;

	if (!name_ok(name))
		return 0;
	e = find(l, name);
	if (!e)
		return 0;
	expire(e, now_ms);
	return e->n;
}

/* The older of two entries in use by their last restart, an entry at
 * its limit (a name being refused: the one that matters) counting as
 * newer than any that is not. */
static bool evict_before(const struct vctl_restart_entry *a,
			 const struct vctl_restart_entry *b)
{
	bool a_full = a->n >= VCTL_RESTART_MAX;
	bool b_full = b->n >= VCTL_RESTART_MAX;

	if (a_full != b_full)
		return b_full;
	return a->when[a->n - 1] < b->when[b->n - 1];
}

/* An entry for a new name: an unused one, one whose restarts have all
 * expired, else the one evict_before() picks. */
static struct vctl_restart_entry *make_room(struct vctl_restart_limit *l,
					    uint64_t now)
{
	struct vctl_restart_entry *old = &l->e[0];

	for (unsigned int i = 0; i < VCTL_RESTART_NAMES; i++) {
		struct vctl_restart_entry *e = &l->e[i];

		if (!e->name[0])
			return e;
		expire(e, now);
		if (!e->n)
			return e;
		if (evict_before(e, old))
			old = e;
	}
	return old;
}

bool vctl_restart_allowed(struct vctl_restart_limit *l, const char *name,
			  uint64_t now_ms)
{
	struct vctl_restart_entry *e;

	if (!name_ok(name))
		return false;
	e = find(l, name);
	if (e) {
		expire(e, now_ms);
	} else {
		e = make_room(l, now_ms);
		memset(e, 0, sizeof(*e));
		strcpy(e->name, name);
	}
	if (e->n >= VCTL_RESTART_MAX)
		return false;
	e->when[e->n++] = now_ms;
	return true;
}
