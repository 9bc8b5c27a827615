// SPDX-License-Identifier: GPL-2.0
/*
 * Domain options on a kernel module's command line.
 *
 * A boot loader gives each Multiboot module one string: the file name,
 * then whatever followed it.  For a kernel module that rest is the
 * kernel's command line, and a few words of it are for us instead: how
 * much memory the domain gets, how many vCPUs, its scheduler weight, cap
 * and CPU affinity.  domain_config_parse() takes those words out (they
 * would only confuse the kernel) and hands back the rest, unchanged and
 * in order.  Words are split at spaces outside double quotes, so that
 * veneer.run="a b" stays one word for the guest's init.
 *
 * A bad value is an error, not a warning: the builder then does not build
 * that domain at all, because a guest that quietly got 64 MiB instead of
 * the 6 GiB its owner mistyped is harder to debug than one that is
 * missing with a log line saying why.  Pure code: the host unit test
 * (tests/unit/test_hv_domain_config.c) links it as it is.
 */
#include <hv/cmdline.h>
#include <hv/domain-config.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define MAX_WORD	DOMCFG_CMDLINE_MAX

static int bad(struct domain_config *c, const char *name, const char *value,
	       const char *why)
{
	snprintf(c->error, sizeof(c->error), "bad value '%.40s' for veneer.%.10s: %.60s",
		 value, name, why);
	return -EINVAL;
}

/* "0-1", "0,1", "1", "0-2,5": bit n for CPU n, CPUs 0..63. */
/* A CPU number 0..63 at *@s, moving *@s past it; -EINVAL if none or
 * too large (checked digit by digit: a long string cannot wrap). */
static int parse_cpu(const char **s, unsigned long *cpu)
{
	const char *start = *s;
	unsigned long n = 0;

	while (**s >= '0' && **s <= '9') {
		n = n * 10 + (unsigned long)(*(*s)++ - '0');
		if (n > 63)
			return -EINVAL;
	}
	if (*s == start)
		return -EINVAL;
	*cpu = n;
	return 0;
}

static int parse_cpu_list(const char *s, u64 *mask)
{
	u64 m = 0;

	while (*s) {
		unsigned long lo, hi;

		if (parse_cpu(&s, &lo))
			return -EINVAL;
		hi = lo;
		if (*s == '-') {
			s++;
			if (parse_cpu(&s, &hi) || hi < lo)
				return -EINVAL;
		}
		for (unsigned long cpu = lo; cpu <= hi; cpu++)
			m |= 1ULL << cpu;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return -EINVAL;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

static int parse_uint_max(const char *v, unsigned long min, unsigned long max,
			  unsigned int *out)
{
	unsigned long n;

	if (parse_uint(v, &n) || n < min || n > max)
		return -EINVAL;
	*out = (unsigned int)n;
	return 0;
}

/* One word: ours (applied, returns 1), the kernel's (0), or bad (<0). */
static int take_option(const char *w, struct domain_config *c)
{
	const char *v;

	if (strncmp(w, "veneer.", 7))
		return 0;
	w += 7;
	v = strchr(w, '=');
	if (!v) {
		if (!strcmp(w, "mem") || !strcmp(w, "vcpus") ||
		    !strcmp(w, "weight") || !strcmp(w, "cap") ||
		    !strcmp(w, "affinity"))
			return bad(c, w, "", "a value is needed");
		if (!strcmp(w, "toolstack")) {
			c->toolstack = true;
			return 1;
		}
		return 0;
	}
	v++;
	if (!strncmp(w, "mem=", 4)) {
		if (parse_size(v, &c->mem))
			return bad(c, "mem", v, "not a size");
		if (c->mem < DOMCFG_MIN_MEM)
			return bad(c, "mem", v, "less than 4M");
		return 1;
	}
	if (!strncmp(w, "vcpus=", 6))
		return parse_uint_max(v, 1, DOMCFG_MAX_VCPUS, &c->vcpus) ?
		       bad(c, "vcpus", v, "not 1..8") : 1;
	if (!strncmp(w, "weight=", 7))
		return parse_uint_max(v, 1, 65535, &c->weight) ?
		       bad(c, "weight", v, "not 1..65535") : 1;
	if (!strncmp(w, "cap=", 4))
		return parse_uint_max(v, 0, 100 * DOMCFG_MAX_VCPUS, &c->cap) ?
		       bad(c, "cap", v, "not 0..800 (percent of one CPU)") :
		       1;
	if (!strncmp(w, "affinity=", 9))
		return parse_cpu_list(v, &c->affinity) ?
		       bad(c, "affinity", v, "not a CPU list like 0-1 or 0,2") :
		       1;
	return 0;
}

/* The next word of @s into @w; returns where the scan stopped. */
static const char *next_word(const char *s, char *w, size_t *len)
{
	bool quoted = false;
	size_t n = 0;

	while (*s == ' ')
		s++;
	while (*s && (quoted || *s != ' ')) {
		if (*s == '"')
			quoted = !quoted;
		if (n < MAX_WORD - 1)
			w[n] = *s;
		n++;
		s++;
	}
	w[n < MAX_WORD ? n : MAX_WORD - 1] = '\0';
	*len = n;	/* may be >= MAX_WORD: the caller refuses it */
	return s;
}

/**
 * domain_config_parse() - split a module command line into ours and the
 *                         kernel's
 * @modline: the module's string: file name, then the command line
 * @c:       filled in; c->cmdline is the kernel's command line
 *
 * Return: 0, or -EINVAL with c->error saying which value is wrong, or
 * -E2BIG when the kernel's part does not fit.
 */
int domain_config_parse(const char *modline, struct domain_config *c)
{
	static char w[MAX_WORD];	/* boot is single-threaded */
	size_t len, out = 0;
	const char *s;
	int rc;

	memset(c, 0, sizeof(*c));
	s = next_word(modline, w, &len);	/* the file name */
	for (;;) {
		s = next_word(s, w, &len);
		if (!len)
			break;
		rc = len < MAX_WORD ? take_option(w, c) : 0;
		if (rc < 0)
			return rc;
		if (rc)
			continue;
		if (out + !!out + len >= sizeof(c->cmdline)) {
			snprintf(c->error, sizeof(c->error),
				 "command line longer than %zu bytes",
				 sizeof(c->cmdline) - 1);
			return -E2BIG;
		}
		if (out)
			c->cmdline[out++] = ' ';
		memcpy(c->cmdline + out, w, len);
		out += len;
	}
	c->cmdline[out] = '\0';
	return 0;
}
