// SPDX-License-Identifier: GPL-2.0
/*
 * The command-line parser.
 *
 * Boot hands us one string of space-separated words.  Each word is
 * "name" or "name=value"; the name is looked up in a table of struct
 * option and the value converted according to the option's type.
 * Nothing is ignored silently: an unknown name or a value that does not
 * parse goes to the report callback, which the hypervisor turns into a
 * warning on the console.  Values cannot contain spaces (no quoting), the
 * same as Xen's command line.
 */
#include <hv/cmdline.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define MAX_WORD	256

/**
 * parse_uint() - parse a decimal or 0x-prefixed hexadecimal number
 * @s:   the text, entirely a number
 * @out: the value
 *
 * Returns 0 or -EINVAL (empty, trailing junk, overflow).
 */
int parse_uint(const char *s, unsigned long *out)
{
	unsigned long v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned long d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (~0UL - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/**
 * parse_size() - parse a size with an optional unit suffix
 * @s:   "<number>[BKMGT]"; without a suffix the number counts KiB, as on
 *       Xen's command line, so Xen command lines keep their meaning
 * @out: the size in bytes
 *
 * Returns 0 or -EINVAL.
 */
int parse_size(const char *s, u64 *out)
{
	char num[32];
	size_t n = strlen(s);
	unsigned long v;
	unsigned int shift = 10;

	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'b': case 'B': shift = 0; break;
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	default: n++; break;	/* no suffix: keep the last digit */
	}
	num[n - 1] = '\0';
	if (parse_uint(num, &v) || (shift && v > (~0UL >> shift)))
		return -EINVAL;
	*out = (u64)v << shift;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "on", "true" };
	static const char *const no[] = { "0", "no", "off", "false" };

	if (!v) {
		*out = true;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int apply(const struct option *opt, const char *value)
{
	unsigned long v;
	size_t n;

	switch (opt->type) {
	case OPT_BOOL:
		return parse_bool(value, opt->var);
	case OPT_UINT:
		if (!value || parse_uint(value, &v) || v > 0xffffffffUL)
			return -EINVAL;
		*(unsigned int *)opt->var = (unsigned int)v;
		return 0;
	case OPT_SIZE:
		return value ? parse_size(value, opt->var) : -EINVAL;
	case OPT_STR:
		if (!value || (n = strlen(value)) >= opt->len)
			return -EINVAL;
		memcpy(opt->var, value, n + 1);
		return 0;
	case OPT_CUSTOM:
		return opt->parse(value);
	}
	return -EINVAL;
}

static const struct option *lookup(const char *name,
				   const struct option *opts, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(opts[i].name, name))
			return &opts[i];
	return NULL;
}

/* Handle one word; returns 1 if it was a problem, else 0. */
static int parse_word(char *word, const struct option *opts, size_t nr,
		      cmdline_report_t report)
{
	char *eq = strchr(word, '=');
	const char *value = NULL;
	const struct option *opt;

	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	opt = lookup(word, opts, nr);
	if (!opt) {
		report(CMDLINE_UNKNOWN, word, value);
		return 1;
	}
	if (apply(opt, value)) {
		report(CMDLINE_BAD_VALUE, word, value);
		return 1;
	}
	return 0;
}

/**
 * cmdline_parse() - apply a command line to a table of options
 * @line:   the command line (not modified)
 * @opts:   the known options
 * @nr:     how many
 * @report: called once per unknown option or bad value
 *
 * Returns the number of problems reported.  A word longer than 255
 * characters is reported as unknown, truncated.
 */
int cmdline_parse(const char *line, const struct option *opts, size_t nr,
		  cmdline_report_t report)
{
	char word[MAX_WORD];
	int problems = 0;

	while (*line) {
		size_t n = 0;

		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			break;
		while (line[n] && line[n] != ' ' && line[n] != '\t')
			n++;
		if (n >= sizeof(word)) {
			memcpy(word, line, sizeof(word) - 1);
			word[sizeof(word) - 1] = '\0';
			report(CMDLINE_UNKNOWN, word, NULL);
			problems++;
		} else {
			memcpy(word, line, n);
			word[n] = '\0';
			problems += parse_word(word, opts, nr, report);
		}
		line += n;
	}
	return problems;
}
