/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cons_buf.h - what bounds one console's cost to dom0:
 *
 * - struct scrollback: the last SCROLLBACK_SIZE bytes a console printed,
 *   kept in memory and replayed to a client that attaches;
 * - struct cons_limit: a token bucket on the bytes taken from a guest's
 *   ring (a sustained rate and a burst); while it is empty the guest's
 *   ring is not read and its event channel stays masked, so a flooding
 *   guest costs dom0 nothing until it refills;
 * - cons_log_*: the size cap on /var/log/veneer/console/<name>.log (at
 *   the cap the file is renamed <name>.log.1, replacing an older one,
 *   and a new one started: at most twice the cap on disk per domain).
 */
#ifndef CONS_BUF_H
#define CONS_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCROLLBACK_SIZE (64 * 1024)

struct scrollback {
	char data[SCROLLBACK_SIZE];
	size_t head;		/* where the next byte goes */
	size_t len;		/* bytes held, <= SCROLLBACK_SIZE */
};

void scrollback_init(struct scrollback *sb);
void scrollback_append(struct scrollback *sb, const char *p, size_t n);
/* Copy the newest min(len, max) bytes, oldest first; returns the count. */
size_t scrollback_copy(const struct scrollback *sb, char *out, size_t max);

struct cons_limit {
	uint64_t rate;		/* bytes per second, refilled continuously */
	uint64_t burst;		/* most tokens held */
	uint64_t tokens;
	uint64_t last_ns;	/* when tokens were last refilled */
};

void cons_limit_init(struct cons_limit *l, uint64_t rate, uint64_t burst,
		     uint64_t now_ns);
/* How many of @want bytes may be taken now (0..want); takes them. */
uint64_t cons_limit_take(struct cons_limit *l, uint64_t now_ns,
			 uint64_t want);
/* Milliseconds until at least @want tokens are there (0: now). */
int cons_limit_wait_ms(const struct cons_limit *l, uint64_t now_ns,
		       uint64_t want);

/* Would writing @n more bytes to a log of @size pass @cap?  (rotate) */
static inline bool cons_log_must_rotate(uint64_t size, uint64_t n,
					uint64_t cap)
{
	return size > 0 && (size >= cap || n > cap - size);
}

#endif /* CONS_BUF_H */
