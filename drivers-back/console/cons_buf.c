// SPDX-License-Identifier: GPL-2.0
/*
 * cons_buf.c - a console's scrollback and its flood limit (cons_buf.h).
 */
#include <string.h>

#include "cons_buf.h"

void scrollback_init(struct scrollback *sb)
{
	sb->head = 0;
	sb->len = 0;
}

void scrollback_append(struct scrollback *sb, const char *p, size_t n)
{
	size_t chunk;

	if (n > SCROLLBACK_SIZE) {	/* only the newest bytes stay */
		p += n - SCROLLBACK_SIZE;
		n = SCROLLBACK_SIZE;
	}
	while (n) {
		chunk = SCROLLBACK_SIZE - sb->head;
		if (chunk > n)
			chunk = n;
		memcpy(sb->data + sb->head, p, chunk);
		sb->head = (sb->head + chunk) % SCROLLBACK_SIZE;
		sb->len = sb->len + chunk > SCROLLBACK_SIZE ?
			  SCROLLBACK_SIZE : sb->len + chunk;
		p += chunk;
		n -= chunk;
	}
}

size_t scrollback_copy(const struct scrollback *sb, char *out, size_t max)
{
	size_t n = sb->len < max ? sb->len : max;
	size_t start = (sb->head + SCROLLBACK_SIZE - n) % SCROLLBACK_SIZE;
	size_t first = SCROLLBACK_SIZE - start;

	if (first > n)
		first = n;
	memcpy(out, sb->data + start, first);
	memcpy(out + first, sb->data, n - first);
	return n;
}

void cons_limit_init(struct cons_limit *l, uint64_t rate, uint64_t burst,
		     uint64_t now_ns)
{
	l->rate = rate ? rate : 1;
	l->burst = burst ? burst : 1;
	l->tokens = l->burst;
	l->last_ns = now_ns;
}

static void refill(struct cons_limit *l, uint64_t now_ns)
{
	uint64_t dt, add;

	if (now_ns <= l->last_ns)
		return;
	dt = now_ns - l->last_ns;
	if (dt >= 1000000000ULL * (l->burst / l->rate + 1)) {
		l->tokens = l->burst;	/* long idle: full, no overflow */
		l->last_ns = now_ns;
		return;
	}
	add = dt * l->rate / 1000000000ULL;
	if (!add)
		return;		/* keep last_ns: the fraction accrues */
	l->tokens = l->tokens + add > l->burst ? l->burst : l->tokens + add;
	l->last_ns += add * 1000000000ULL / l->rate;
}

uint64_t cons_limit_take(struct cons_limit *l, uint64_t now_ns, uint64_t want)
{
	uint64_t got;

	refill(l, now_ns);
	got = want < l->tokens ? want : l->tokens;
	l->tokens -= got;
	return got;
}

int cons_limit_wait_ms(const struct cons_limit *l, uint64_t now_ns,
		       uint64_t want)
{
	struct cons_limit t = *l;
	uint64_t need, ms;

	refill(&t, now_ns);
	if (want > t.burst)
		want = t.burst;
	if (t.tokens >= want)
		return 0;
	need = want - t.tokens;
	ms = (need * 1000 + t.rate - 1) / t.rate + 1;
	return ms > 60000 ? 60000 : (int)ms;
}
