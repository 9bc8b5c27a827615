// SPDX-License-Identifier: GPL-2.0
/*
 * vsnprintf(): the one formatter behind every message the hypervisor
 * prints (log lines, panic dumps, self-test results).
 *
 * Supported: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '#' ' ' '+',
 * a width and a precision (both may be '*'), and the length modifiers
 * hh h l ll z t j.  %p prints 0x and 16 hex digits, so addresses line up
 * in dumps.  Unknown conversions are copied out verbatim, never skipped
 * silently.  Pure code, tested on the host against the C library.
 */
#include <hv/lib.h>

#define F_LEFT	1
#define F_ZERO	2
#define F_ALT	4
#define F_SPACE	8
#define F_PLUS	16
#define F_UPPER	32

struct out {
	char *buf;
	size_t size;
	size_t len;	/* chars that would have been written */
};

struct spec {
	int flags;
	int width;
	int prec;	/* -1: none */
	int base;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, unsigned long long v, bool neg,
		    const struct spec *sp)
{
	const char *digits = (sp->flags & F_UPPER) ? "0123456789ABCDEF"
						   : "0123456789abcdef";
	char tmp[24];
	const char *prefix = "";
	int n = 0, zeros, len;

	while (v) {
		tmp[n++] = digits[v % sp->base];
		v /= sp->base;
	}
	if (sp->prec < 0 && n == 0)
		tmp[n++] = '0';
	zeros = sp->prec > n ? sp->prec - n : 0;

	if (neg)
		prefix = "-";
	else if (sp->flags & F_PLUS)
		prefix = "+";
	else if (sp->flags & F_SPACE)
		prefix = " ";
	if ((sp->flags & F_ALT) && sp->base == 16 && n + zeros &&
	    !(n == 1 && tmp[0] == '0'))
		prefix = (sp->flags & F_UPPER) ? "0X" : "0x";
	if ((sp->flags & F_ALT) && sp->base == 8 && !zeros &&
	    !(n == 1 && tmp[0] == '0'))
		zeros = 1;

	len = (int)strlen(prefix) + zeros + n;
	if ((sp->flags & F_ZERO) && sp->prec < 0 && !(sp->flags & F_LEFT)) {
		zeros += sp->width - len > 0 ? sp->width - len : 0;
		len = sp->width > len ? sp->width : len;
	}
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', sp->width - len);
	while (*prefix)
		put(o, *prefix++);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', sp->width - len);
}

static const char *parse_flags(const char *f, struct spec *sp)
{
	for (;; f++) {
		switch (*f) {
		case '-': sp->flags |= F_LEFT; break;
		case '0': sp->flags |= F_ZERO; break;
		case '#': sp->flags |= F_ALT; break;
		case ' ': sp->flags |= F_SPACE; break;
		case '+': sp->flags |= F_PLUS; break;
		default: return f;
		}
	}
}

static const char *parse_int(const char *f, int *v, va_list *ap)
{
	if (*f == '*') {
		*v = va_arg(*ap, int);
		return f + 1;
	}
	*v = 0;
	while (*f >= '0' && *f <= '9')
		*v = *v * 10 + (*f++ - '0');
	return f;
}

/* Length modifier: returns the size in bytes of the argument. */
static const char *parse_length(const char *f, int *size)
{
	*size = sizeof(int);
	switch (*f) {
	case 'h':
		*size = f[1] == 'h' ? 1 : 2;
		return f + (f[1] == 'h' ? 2 : 1);
	case 'l':
		*size = f[1] == 'l' ? sizeof(long long) : sizeof(long);
		return f + (f[1] == 'l' ? 2 : 1);
	case 'z':
	case 't':
	case 'j':
		*size = 8;
		return f + 1;
	}
	return f;
}

static unsigned long long arg_unsigned(int size, va_list *ap)
{
	switch (size) {
	case 1: return (unsigned char)va_arg(*ap, unsigned int);
	case 2: return (unsigned short)va_arg(*ap, unsigned int);
	case 4: return va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned long long);
	}
}

static long long arg_signed(int size, va_list *ap)
{
	switch (size) {
	case 1: return (signed char)va_arg(*ap, int);
	case 2: return (short)va_arg(*ap, int);
	case 4: return va_arg(*ap, int);
	default: return va_arg(*ap, long long);
	}
}

/* One conversion starting after '%'; returns where the format goes on. */
static const char *convert(struct out *o, const char *f, va_list *ap)
{
	const char *start = f - 1;
	struct spec sp = { .prec = -1, .base = 10 };
	int size;
	char c;

	f = parse_flags(f, &sp);
	f = parse_int(f, &sp.width, ap);
	if (sp.width < 0) {
		sp.flags |= F_LEFT;
		sp.width = -sp.width;
	}
	if (*f == '.') {
		f = parse_int(f + 1, &sp.prec, ap);
		if (sp.prec < 0)
			sp.prec = -1;
	}
	f = parse_length(f, &size);

	switch (*f) {
	case 'd':
	case 'i': {
		long long v = arg_signed(size, ap);

		put_num(o, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
			v < 0, &sp);
		break;
	}
	case 'X':
		sp.flags |= F_UPPER;
		/* fall through */
	case 'x':
		sp.base = 16;
		put_num(o, arg_unsigned(size, ap), false, &sp);
		break;
	case 'o':
		sp.base = 8;
		put_num(o, arg_unsigned(size, ap), false, &sp);
		break;
	case 'u':
		put_num(o, arg_unsigned(size, ap), false, &sp);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		if (!(sp.flags & F_LEFT))
			pad(o, ' ', sp.width - 1);
		put(o, c);
		if (sp.flags & F_LEFT)
			pad(o, ' ', sp.width - 1);
		break;
	case 's':
		put_str(o, va_arg(*ap, const char *), &sp);
		break;
	case 'p':
		sp.base = 16;
		sp.prec = 16;
		sp.flags |= F_ALT;
		put_num(o, (unsigned long)va_arg(*ap, void *), false, &sp);
		break;
	case '%':
		put(o, '%');
		break;
	default:
		/* Not a conversion we know: show it rather than guess. */
		while (start < f + (*f ? 1 : 0))
			put(o, *start++);
		return *f ? f + 1 : f;
	}
	return f + 1;
}

/**
 * vsnprintf() - format into a buffer
 * @buf:  destination, always NUL-terminated when @size > 0
 * @size: size of @buf
 * @fmt:  printf-style format
 * @ap:   arguments
 *
 * Returns the length the full output would have, like C99's vsnprintf.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = convert(&o, fmt + 1, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

/**
 * snprintf() - format into a buffer
 * @buf:  destination
 * @size: size of @buf
 * @fmt:  printf-style format
 *
 * Returns the length the full output would have.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
