// SPDX-License-Identifier: GPL-2.0
/*
 * The words a user types on vctl's command line: domains, CPU lists and
 * memory sizes, with xl's syntax.  No hypervisor here: the host unit tests
 * (tests/unit/test_vctl_format.c) call these directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vctl.h"

int vctl_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int vctl_parse_domain(const char *s, domid_t *out, char *err, size_t size)
{
	uint64_t id;

	if (!strcmp(s, VCTL_DOM0_NAME)) {
		*out = 0;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		if (vctl_parse_uint(s, DOMID_FIRST_RESERVED - 1, &id)) {
			snprintf(err, size, "'%s' is not a domain id (0 to %u)",
				 s, DOMID_FIRST_RESERVED - 1);
			return -1;
		}
		*out = (domid_t)id;
		return 0;
	}
	if (!vctl_name_lookup(s, out))
		return 0;
	snprintf(err, size, "no domain named '%s'", s);
	return -1;
}

/* Without names.c (the unit tests), no domU has a name. */
__attribute__((weak)) int vctl_name_lookup(const char *name, domid_t *out)
{
	return -1;
}

__attribute__((weak)) int vctl_name_get(domid_t domid, char *buf,
					size_t size)
{
	return -1;
}

void vctl_domain_name(domid_t domid, char *buf, size_t size)
{
	if (domid == 0)
		snprintf(buf, size, "%s", VCTL_DOM0_NAME);
	else if (vctl_name_get(domid, buf, size))
		snprintf(buf, size, "%u", domid);
}

/* One CPU number of a list, below nr_cpus. */
static int cpu_number(const char **p, unsigned int nr_cpus, unsigned int *cpu,
		      char *err, size_t size)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)**p)) {
		snprintf(err, size, "expected a CPU number at '%s'", *p);
		return -1;
	}
	errno = 0;
	v = strtoul(*p, &end, 10);
	if (errno || v >= nr_cpus) {
		snprintf(err, size, "CPU %.*s does not exist (CPUs 0 to %u)",
			 (int)(end - *p), *p, nr_cpus - 1);
		return -1;
	}
	*cpu = (unsigned int)v;
	*p = end;
	return 0;
}

int vctl_parse_cpulist(const char *s, unsigned int nr_cpus, uint64_t *mask,
		       char *err, size_t size)
{
	uint64_t all, set = 0, clear = 0, bits;
	unsigned int lo, hi;
	const char *p = s;
	bool negate;

	if (nr_cpus == 0 || nr_cpus > 64) {
		snprintf(err, size, "%u CPUs: vctl handles 1 to 64", nr_cpus);
		return -1;
	}
	all = nr_cpus == 64 ? ~0ULL : (1ULL << nr_cpus) - 1;
	if (!strcmp(s, "all")) {
		*mask = all;
		return 0;
	}
	if (!*s) {
		snprintf(err, size, "empty CPU list");
		return -1;
	}
	for (;;) {
		negate = *p == '^';
		if (negate)
			p++;
		if (!strncmp(p, "all", 3) && (p[3] == ',' || !p[3])) {
			bits = all;
			p += 3;
		} else {
			if (cpu_number(&p, nr_cpus, &lo, err, size))
				return -1;
			hi = lo;
			if (*p == '-') {
				p++;
				if (cpu_number(&p, nr_cpus, &hi, err, size))
					return -1;
				if (hi < lo) {
					snprintf(err, size, "range %u-%u runs "
						 "backwards", lo, hi);
					return -1;
				}
			}
			bits = (hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) &
			       ~((1ULL << lo) - 1);
		}
		if (negate)
			clear |= bits;
		else
			set |= bits;
		if (!*p)
			break;
		if (*p != ',') {
			snprintf(err, size, "unexpected '%c' in CPU list '%s'",
				 *p, s);
			return -1;
		}
		p++;
	}
	/* "^2" alone means every CPU but 2, as in xl. */
	if (!set)
		set = all;
	set &= ~clear;
	if (!set) {
		snprintf(err, size, "CPU list '%s' names no CPU", s);
		return -1;
	}
	*mask = set;
	return 0;
}

void vctl_format_cpulist(uint64_t mask, unsigned int nr_cpus, char *buf,
			 size_t size)
{
	uint64_t all = nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;
	size_t used = 0;
	unsigned int lo, hi;
	int n;

	if (nr_cpus && mask == all) {
		snprintf(buf, size, "all");
		return;
	}
	if (!mask) {
		snprintf(buf, size, "none");
		return;
	}
	buf[0] = '\0';
	for (lo = 0; lo < 64; lo = hi + 1) {
		hi = lo;
		if (!(mask >> lo & 1))
			continue;
		while (hi + 1 < 64 && (mask >> (hi + 1) & 1))
			hi++;
		if (hi == lo)
			n = snprintf(buf + used, size - used, "%s%u",
				     used ? "," : "", lo);
		else
			n = snprintf(buf + used, size - used, "%s%u-%u",
				     used ? "," : "", lo, hi);
		if (n < 0 || (size_t)n >= size - used)
			return; /* truncated, still terminated */
		used += (size_t)n;
	}
}

int vctl_parse_size(const char *s, uint64_t *bytes, char *err, size_t size)
{
	unsigned long long v;
	unsigned int shift;
	char *end;

	if (!isdigit((unsigned char)s[0])) {
		snprintf(err, size, "'%s' is not a size (a number, then b, k, "
			 "m, g or t; MiB if none)", s);
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno) {
		snprintf(err, size, "'%s' is too large", s);
		return -1;
	}
	switch (tolower((unsigned char)*end)) {
	case 'b': shift = 0; break;
	case 'k': shift = 10; break;
	case '\0':
	case 'm': shift = 20; break;
	case 'g': shift = 30; break;
	case 't': shift = 40; break;
	default:
		snprintf(err, size, "'%s': unknown unit '%s' (b, k, m, g or t)",
			 s, end);
		return -1;
	}
	if (*end && end[1]) {
		snprintf(err, size, "'%s': unknown unit '%s' (b, k, m, g or t)",
			 s, end);
		return -1;
	}
	if (v > (~0ULL >> shift)) {
		snprintf(err, size, "'%s' is too large", s);
		return -1;
	}
	*bytes = (uint64_t)v << shift;
	return 0;
}
