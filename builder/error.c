// SPDX-License-Identifier: GPL-2.0
/*
 * Failure reasons for the domain builder.
 *
 * The builder runs inside the hypervisor, where there is no libc, so it
 * cannot use snprintf. This file has the one tiny formatter the builder
 * needs to say exactly what was wrong with an image: %s, %u and %x with an
 * optional 'l'/'ll' (all taken as 64-bit), %c and %%.
 */
#include <stdarg.h>

#include "builder-internal.h"

struct out {
	char *buf;
	size_t len, cap;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len++] = c;
}

static void put_num(struct out *o, uint64_t v, unsigned int base)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(o, digits[--n]);
}

int vb_fail(struct vb_error *err, int errno_val, const char *fmt, ...)
{
	struct out o = { err ? err->msg : NULL, 0, err ? sizeof(err->msg) : 0 };
	va_list ap;

	if (!err)
		return errno_val;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		bool wide = false;
		while (*fmt == 'l') {
			wide = true;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (s && *s)
				put(&o, *s++);
			break;
		}
		case 'u':
			put_num(&o, wide ? va_arg(ap, uint64_t) :
				va_arg(ap, unsigned int), 10);
			break;
		case 'x':
			put_num(&o, wide ? va_arg(ap, uint64_t) :
				va_arg(ap, unsigned int), 16);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* a bad format is our bug; show it rather than guess */
			put(&o, '?');
			break;
		}
		if (!*fmt)
			break;
	}
	va_end(ap);
	o.buf[o.len] = '\0';
	return errno_val;
}
