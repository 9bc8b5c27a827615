// SPDX-License-Identifier: GPL-2.0
/*
 * The domain configuration file (config.h has the syntax): a small
 * hand-written parser in two steps.  The first reads one KEY = VALUE
 * statement at a time into a value tree (string, number, or a list of
 * those) and knows only xl.cfg's syntax; the second, apply(), knows the
 * keys: it checks each value's kind and range and fills struct
 * vctl_config.  Checks that need several keys (maxmem against memory,
 * cmdline against root and extra, what is required) come last.
 *
 * Every error names the file and, where it belongs to one, the line, and
 * stops the parse: a file with an error produces no configuration.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define KEY_MAX    31
#define STRING_MAX 4096
#define FILE_MAX   (1024 * 1024)
#define MEMORY_MAX_MIB (4ULL << 20) /* 4 TiB: a sanity bound */

enum vtype { V_STRING, V_NUMBER, V_LIST };

struct value {
	enum vtype type;
	char *str;           /* V_STRING */
	uint64_t num;        /* V_NUMBER */
	struct value *items; /* V_LIST: nr of them */
	size_t nr;
};

enum key_id {
	K_NAME, K_MEMORY, K_MAXMEM, K_VCPUS, K_KERNEL, K_RAMDISK, K_CMDLINE,
	K_EXTRA, K_ROOT, K_ON_POWEROFF, K_ON_REBOOT, K_ON_CRASH, K_CPU_WEIGHT,
	K_CAP, K_CPUS, K_DISK, NR_KEYS
};

static const char *const key_names[NR_KEYS] = {
	[K_NAME] = "name", [K_MEMORY] = "memory", [K_MAXMEM] = "maxmem",
	[K_VCPUS] = "vcpus", [K_KERNEL] = "kernel", [K_RAMDISK] = "ramdisk",
	[K_CMDLINE] = "cmdline", [K_EXTRA] = "extra", [K_ROOT] = "root",
	[K_ON_POWEROFF] = "on_poweroff", [K_ON_REBOOT] = "on_reboot",
	[K_ON_CRASH] = "on_crash", [K_CPU_WEIGHT] = "cpu_weight",
	[K_CAP] = "cap", [K_CPUS] = "cpus", [K_DISK] = "disk",
};

struct parser {
	const char *p, *end;
	const char *file;
	int line;
	char *err;
	size_t size;
	struct vctl_config *cfg;
	int seen[NR_KEYS];   /* line each key was given on, 0 if not */
	char *cmdline, *extra, *root; /* until they are joined */
};

/* "FILE:LINE: what" (LINE 0: "FILE: what"); returns -1. */
static int fail(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line > 0)
		n = snprintf(ps->err, ps->size, "%s:%d: ", ps->file, line);
	else
		n = snprintf(ps->err, ps->size, "%s: ", ps->file);
	if (n < 0 || (size_t)n >= ps->size)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void value_free(struct value *v)
{
	size_t i;

	if (v->type == V_STRING)
		free(v->str);
	else if (v->type == V_LIST) {
		for (i = 0; i < v->nr; i++)
			value_free(&v->items[i]);
		free(v->items);
	}
	memset(v, 0, sizeof(*v));
}

/* --- step 1: syntax ---------------------------------------------------- */

static bool at_end(const struct parser *ps)
{
	return ps->p >= ps->end;
}

/* Spaces, tabs and the \r of a CRLF file; not newlines. */
static void skip_blanks(struct parser *ps)
{
	while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t' ||
			       *ps->p == '\r'))
		ps->p++;
}

static void skip_comment(struct parser *ps)
{
	if (!at_end(ps) && *ps->p == '#')
		while (!at_end(ps) && *ps->p != '\n')
			ps->p++;
}

/* Inside a list: blanks, comments and newlines. */
static void skip_space(struct parser *ps)
{
	for (;;) {
		skip_blanks(ps);
		skip_comment(ps);
		if (at_end(ps) || *ps->p != '\n')
			return;
		ps->p++;
		ps->line++;
	}
}

/* What is at p, for a message: the character, or "end of line". */
static const char *here(const struct parser *ps, char buf[8])
{
	unsigned char c;

	if (at_end(ps))
		return "end of file";
	c = (unsigned char)*ps->p;
	if (c == '\n')
		return "end of line";
	if (isprint(c))
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "0x%02x", c);
	return buf;
}

static int parse_string(struct parser *ps, struct value *v)
{
	char quote = *ps->p++, c, *s;
	size_t n = 0;

	s = malloc(STRING_MAX + 1);
	if (!s)
		return fail(ps, ps->line, "out of memory");
	for (;;) {
		if (at_end(ps) || *ps->p == '\n') {
			free(s);
			return fail(ps, ps->line, "string not closed (a string "
				    "ends with its %c on the line it began)",
				    quote);
		}
		c = *ps->p++;
		if (c == quote)
			break;
		if (c == '\\') {
			if (at_end(ps) || *ps->p == '\n') {
				free(s);
				return fail(ps, ps->line, "string not closed "
					    "(a '\\' at the end of a line)");
			}
			c = *ps->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '\\': case '"': case '\'': break;
			default:
				free(s);
				return fail(ps, ps->line, "unknown escape "
					    "'\\%c' in a string (\\\\ \\\" \\' "
					    "\\n \\t \\r)", c);
			}
		}
		if (n == STRING_MAX) {
			free(s);
			return fail(ps, ps->line, "string longer than %d "
				    "bytes", STRING_MAX);
		}
		s[n++] = c;
	}
	s[n] = '\0';
	v->type = V_STRING;
	v->str = s;
	return 0;
}

static int parse_number(struct parser *ps, struct value *v)
{
	const char *start = ps->p, *d;
	unsigned int base = 10, digit;
	uint64_t n = 0;
	int len;

	while (!at_end(ps) && (isalnum((unsigned char)*ps->p) ||
			       *ps->p == '_' || *ps->p == '.'))
		ps->p++;
	len = (int)(ps->p - start);
	d = start;
	if (len > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
		base = 16;
		d += 2;
	}
	for (; d < ps->p; d++) {
		if (isdigit((unsigned char)*d))
			digit = (unsigned int)(*d - '0');
		else if (base == 16 && isxdigit((unsigned char)*d))
			digit = (unsigned int)(tolower((unsigned char)*d) -
					       'a' + 10);
		else
			return fail(ps, ps->line, "bad number '%.*s' (a whole "
				    "number: decimal, or hex with 0x)",
				    len > 40 ? 40 : len, start);
		if (n > (UINT64_MAX - digit) / base)
			return fail(ps, ps->line, "number '%.*s' is too large",
				    len > 40 ? 40 : len, start);
		n = n * base + digit;
	}
	v->type = V_NUMBER;
	v->num = n;
	return 0;
}

static int parse_value(struct parser *ps, struct value *v, bool in_list);

static int parse_list(struct parser *ps, struct value *v)
{
	int start_line = ps->line;
	struct value *grown;

	ps->p++; /* '[' */
	v->type = V_LIST;
	for (;;) {
		skip_space(ps);
		if (at_end(ps))
			return fail(ps, start_line, "list not closed (no ']' "
				    "before the end of the file)");
		if (*ps->p == ']')
			break;
		grown = realloc(v->items, (v->nr + 1) * sizeof(*grown));
		if (!grown)
			return fail(ps, ps->line, "out of memory");
		v->items = grown;
		memset(&v->items[v->nr], 0, sizeof(*grown));
		v->nr++;
		if (parse_value(ps, &v->items[v->nr - 1], true))
			return -1;
		skip_space(ps);
		if (at_end(ps))
			return fail(ps, start_line, "list not closed (no ']' "
				    "before the end of the file)");
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p != ']') {
			char b[8];

			return fail(ps, ps->line, "expected ',' or ']' in a "
				    "list, found %s", here(ps, b));
		}
		break;
	}
	ps->p++; /* ']' */
	return 0;
}

static int parse_value(struct parser *ps, struct value *v, bool in_list)
{
	const char *w;
	char b[8];

	if (at_end(ps) || *ps->p == '\n' || *ps->p == '#' || *ps->p == ';')
		return fail(ps, ps->line, "a value is missing (a \"string\", "
			    "a number or a [list])");
	switch (*ps->p) {
	case '"':
	case '\'':
		return parse_string(ps, v);
	case '[':
		if (in_list)
			return fail(ps, ps->line, "lists cannot be nested");
		return parse_list(ps, v);
	case '-':
		return fail(ps, ps->line, "numbers cannot be negative");
	}
	if (isdigit((unsigned char)*ps->p))
		return parse_number(ps, v);
	if (isalpha((unsigned char)*ps->p) || *ps->p == '/') {
		for (w = ps->p; w < ps->end && (isalnum((unsigned char)*w) ||
						strchr("_-./", *w)); w++)
			;
		return fail(ps, ps->line, "'%.*s': a string needs quotes "
			    "(\"%.*s\")", (int)(w - ps->p > 40 ? 40 : w - ps->p),
			    ps->p, (int)(w - ps->p > 40 ? 40 : w - ps->p),
			    ps->p);
	}
	return fail(ps, ps->line, "expected a value (a \"string\", a number "
		    "or a [list]), found %s", here(ps, b));
}

/* --- step 2: the keys -------------------------------------------------- */

static const char *kind(const struct value *v)
{
	switch (v->type) {
	case V_STRING: return "a string";
	case V_NUMBER: return "a number";
	default: return "a list";
	}
}

static int want_string(struct parser *ps, const char *key,
		       const struct value *v, int line)
{
	if (v->type != V_STRING)
		return fail(ps, line, "%s: expected a string in quotes, got %s",
			    key, kind(v));
	return 0;
}

static int want_number(struct parser *ps, const char *key,
		       const struct value *v, int line, uint64_t lo,
		       uint64_t hi, uint64_t *out)
{
	if (v->type != V_NUMBER)
		return fail(ps, line, "%s: expected a number, got %s", key,
			    kind(v));
	if (v->num < lo || v->num > hi)
		return fail(ps, line, "%s = %llu is out of range (%llu to "
			    "%llu)", key, (unsigned long long)v->num,
			    (unsigned long long)lo, (unsigned long long)hi);
	*out = v->num;
	return 0;
}

static int check_name(struct parser *ps, const char *s, int line)
{
	size_t n = strlen(s), i, digits = 0;

	if (n == 0)
		return fail(ps, line, "name: empty");
	if (n > VCTL_NAME_MAX)
		return fail(ps, line, "name: longer than %d characters",
			    VCTL_NAME_MAX);
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return fail(ps, line, "name: '%s' has a character "
				    "other than letters, digits, '_', '.', "
				    "'-'", s);
	}
	if (digits == n)
		return fail(ps, line, "name: '%s' is a number, which would "
			    "read as a domain id", s);
	if (!strcmp(s, VCTL_DOM0_NAME))
		return fail(ps, line, "name: '%s' is dom0's", s);
	return 0;
}

static int action(struct parser *ps, const char *key, const struct value *v,
		  int line, enum vctl_action *out)
{
	static const enum vctl_action all[] = {
		VCTL_ACTION_DESTROY, VCTL_ACTION_RESTART, VCTL_ACTION_PRESERVE,
	};
	size_t i;

	if (want_string(ps, key, v, line))
		return -1;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(v->str, vctl_action_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	}
	return fail(ps, line, "%s = \"%s\": vctl takes \"destroy\", "
		    "\"restart\" or \"preserve\"", key, v->str);
}

/* Take the string out of v (so that value_free leaves it). */
static char *take(struct value *v)
{
	char *s = v->str;

	v->str = NULL;
	return s;
}

int vctl_disk_parse(const char *spec, struct vctl_disk *d, char *err,
		    size_t size)
{
	char *copy = strdup(spec), *rest, *f, *fields[4] = { 0 };
	static const char *const names[4] = {
		"target", "format", "vdev", "access",
	};
	int pos = 0, rc = -1;

	memset(d, 0, sizeof(*d));
	if (!copy) {
		snprintf(err, size, "out of memory");
		return -1;
	}
	rest = copy;
	while ((f = strsep(&rest, ",")) != NULL) {
		char *eq = strchr(f, '=');
		int k = -1;

		while (*f == ' ')
			f++;
		if (eq) {
			*eq = '\0';
			for (k = 0; k < 4; k++)
				if (!strcmp(f, names[k]))
					break;
			if (k == 4) {
				snprintf(err, size, "unknown disk key '%.32s'",
					 f);
				goto out;
			}
			f = eq + 1;
		} else if (pos < 4) {
			k = pos++;
		} else {
			snprintf(err, size, "more than four positional fields");
			goto out;
		}
		fields[k] = f;
	}
	if (!fields[0] || !fields[0][0]) {
		snprintf(err, size, "no target (image file)");
		goto out;
	}
	if (fields[1] && fields[1][0] && strcmp(fields[1], "raw")) {
		snprintf(err, size, "format '%.32s': only raw is supported",
			 fields[1]);
		goto out;
	}
	if (!fields[2] || strlen(fields[2]) != 4 ||
	    strncmp(fields[2], "xvd", 3) || fields[2][3] < 'a' ||
	    fields[2][3] > 'z') {
		snprintf(err, size, "vdev '%.32s': expected xvda..xvdz",
			 fields[2] ? fields[2] : "");
		goto out;
	}
	if (!fields[3] || !fields[3][0] || !strcmp(fields[3], "w") ||
	    !strcmp(fields[3], "rw")) {
		d->readonly = false;
	} else if (!strcmp(fields[3], "r") || !strcmp(fields[3], "ro")) {
		d->readonly = true;
	} else {
		snprintf(err, size, "access '%.32s': expected r, ro, w or rw",
			 fields[3]);
		goto out;
	}
	d->target = strdup(fields[0]);
	if (!d->target) {
		snprintf(err, size, "out of memory");
		goto out;
	}
	snprintf(d->vdev, sizeof(d->vdev), "%s", fields[2]);
	d->devid = (202u << 8) | ((uint32_t)(fields[2][3] - 'a') << 4);
	rc = 0;
out:
	free(copy);
	return rc;
}

static int apply_disks(struct parser *ps, struct value *v, int line)
{
	struct vctl_config *cfg = ps->cfg;
	char err[160];
	size_t i;

	if (v->type != V_LIST)
		return fail(ps, line, "disk: expected a [list] of strings");
	if (v->nr > VCTL_DISKS_MAX)
		return fail(ps, line, "disk: at most %d disks", VCTL_DISKS_MAX);
	for (i = 0; i < v->nr; i++) {
		struct vctl_disk *d = &cfg->disks[cfg->nr_disks];

		if (v->items[i].type != V_STRING)
			return fail(ps, line, "disk: item %zu is not a string",
				    i + 1);
		if (vctl_disk_parse(v->items[i].str, d, err, sizeof(err)))
			return fail(ps, line, "disk %zu: %s", i + 1, err);
		cfg->nr_disks++;
		for (unsigned int j = 0; j + 1 < cfg->nr_disks; j++)
			if (cfg->disks[j].devid == d->devid)
				return fail(ps, line, "disk %zu: %s given "
					    "twice", i + 1, d->vdev);
	}
	return 0;
}

static int apply(struct parser *ps, const char *key, struct value *v,
		 int line)
{
	struct vctl_config *cfg = ps->cfg;
	char err[160];
	uint64_t n;
	int k;

	for (k = 0; k < NR_KEYS; k++)
		if (!strcmp(key, key_names[k]))
			break;
	if (k == NR_KEYS)
		return fail(ps, line, "unknown key '%s'", key);
	if (ps->seen[k])
		return fail(ps, line, "%s given twice (first on line %d)", key,
			    ps->seen[k]);
	ps->seen[k] = line;

	switch ((enum key_id)k) {
	case K_NAME:
		if (want_string(ps, key, v, line) ||
		    check_name(ps, v->str, line))
			return -1;
		snprintf(cfg->name, sizeof(cfg->name), "%s", v->str);
		return 0;
	case K_MEMORY:
		return want_number(ps, key, v, line, 1, MEMORY_MAX_MIB,
				   &cfg->memory_mib);
	case K_MAXMEM:
		return want_number(ps, key, v, line, 1, MEMORY_MAX_MIB,
				   &cfg->maxmem_mib);
	case K_VCPUS:
		if (want_number(ps, key, v, line, 1, VENEER_MGMT_MAX_VCPUS, &n))
			return -1;
		cfg->vcpus = (uint32_t)n;
		return 0;
	case K_CPU_WEIGHT:
		if (want_number(ps, key, v, line, 1, 65535, &n))
			return -1;
		cfg->cpu_weight = (uint32_t)n;
		return 0;
	case K_CAP:
		if (want_number(ps, key, v, line, 0,
				100u * VENEER_MGMT_MAX_VCPUS, &n))
			return -1;
		cfg->cap = (uint32_t)n;
		return 0;
	case K_KERNEL:
	case K_RAMDISK:
		if (want_string(ps, key, v, line))
			return -1;
		if (!v->str[0])
			return fail(ps, line, "%s: empty path", key);
		if (k == K_KERNEL)
			cfg->kernel = take(v);
		else
			cfg->ramdisk = take(v);
		return 0;
	case K_CMDLINE:
	case K_EXTRA:
	case K_ROOT:
		if (want_string(ps, key, v, line))
			return -1;
		if (k == K_CMDLINE)
			ps->cmdline = take(v);
		else if (k == K_EXTRA)
			ps->extra = take(v);
		else
			ps->root = take(v);
		return 0;
	case K_ON_POWEROFF:
		return action(ps, key, v, line, &cfg->on_poweroff);
	case K_ON_REBOOT:
		return action(ps, key, v, line, &cfg->on_reboot);
	case K_ON_CRASH:
		return action(ps, key, v, line, &cfg->on_crash);
	case K_CPUS:
		if (v->type == V_LIST)
			return fail(ps, line, "cpus: a list per vCPU is not "
				    "supported; give one string such as "
				    "\"0-3\"");
		if (want_string(ps, key, v, line))
			return -1;
		/* The host's CPU count is checked again at create. */
		if (vctl_parse_cpulist(v->str, 64, &cfg->cpumask, err,
				       sizeof(err)))
			return fail(ps, line, "cpus: %s", err);
		cfg->cpus = take(v);
		return 0;
	case K_DISK:
		return apply_disks(ps, v, line);
	case NR_KEYS:
		break;
	}
	return fail(ps, line, "unknown key '%s'", key);
}

/* One KEY = VALUE statement at p (blanks skipped); 0 or -1. */
static int statement(struct parser *ps)
{
	struct value v = { 0 };
	char key[KEY_MAX + 1], b[8];
	const char *start = ps->p;
	int line = ps->line, rc;
	size_t n;

	if (!isalpha((unsigned char)*ps->p) && *ps->p != '_')
		return fail(ps, line, "expected KEY = VALUE, found %s",
			    here(ps, b));
	while (!at_end(ps) && (isalnum((unsigned char)*ps->p) ||
			       *ps->p == '_'))
		ps->p++;
	n = (size_t)(ps->p - start);
	if (n > KEY_MAX)
		return fail(ps, line, "key '%.*s...' is too long", KEY_MAX,
			    start);
	memcpy(key, start, n);
	key[n] = '\0';
	skip_blanks(ps);
	if (at_end(ps) || *ps->p != '=')
		return fail(ps, line, "expected '=' after '%s', found %s", key,
			    here(ps, b));
	ps->p++;
	skip_blanks(ps);
	if (parse_value(ps, &v, false)) {
		value_free(&v);
		return -1;
	}
	skip_blanks(ps);
	skip_comment(ps);
	if (!at_end(ps) && *ps->p != '\n' && *ps->p != ';') {
		value_free(&v);
		return fail(ps, ps->line, "unexpected %s after the value of "
			    "'%s'", here(ps, b), key);
	}
	rc = apply(ps, key, &v, line);
	value_free(&v);
	return rc;
}

/* --- step 3: the file as a whole --------------------------------------- */

static int finish(struct parser *ps)
{
	struct vctl_config *cfg = ps->cfg;
	size_t n;

	if (!ps->seen[K_NAME])
		return fail(ps, 0, "no name given (name = \"...\")");
	if (!ps->seen[K_KERNEL])
		return fail(ps, 0, "no kernel given (kernel = \"/path\")");
	if (!ps->seen[K_MAXMEM])
		cfg->maxmem_mib = cfg->memory_mib;
	else if (cfg->maxmem_mib < cfg->memory_mib)
		return fail(ps, ps->seen[K_MAXMEM], "maxmem (%llu MiB) is "
			    "below memory (%llu MiB)",
			    (unsigned long long)cfg->maxmem_mib,
			    (unsigned long long)cfg->memory_mib);
	if (ps->cmdline && (ps->extra || ps->root))
		return fail(ps, ps->seen[K_EXTRA] > ps->seen[K_ROOT] ?
			    ps->seen[K_EXTRA] : ps->seen[K_ROOT],
			    "cmdline cannot be combined with root or extra "
			    "(cmdline is the whole command line)");
	if (ps->cmdline) {
		cfg->cmdline = ps->cmdline;
		ps->cmdline = NULL;
	} else {
		/* As xl: "root=ROOT EXTRA", either part left out if not given. */
		n = (ps->root ? strlen(ps->root) + 6 : 0) +
		    (ps->extra ? strlen(ps->extra) + 1 : 0) + 1;
		cfg->cmdline = malloc(n);
		if (!cfg->cmdline)
			return fail(ps, 0, "out of memory");
		snprintf(cfg->cmdline, n, "%s%s%s%s", ps->root ? "root=" : "",
			 ps->root ? ps->root : "",
			 ps->root && ps->extra ? " " : "",
			 ps->extra ? ps->extra : "");
	}
	n = strlen(cfg->cmdline);
	if (n > VCTL_CMDLINE_MAX) {
		int line = ps->seen[K_CMDLINE] ? ps->seen[K_CMDLINE] :
			   ps->seen[K_EXTRA] ? ps->seen[K_EXTRA] :
			   ps->seen[K_ROOT];

		return fail(ps, line, "the kernel command line is %zu bytes; "
			    "a PV guest's holds at most %d", n,
			    VCTL_CMDLINE_MAX);
	}
	return 0;
}

void vctl_config_free(struct vctl_config *cfg)
{
	free(cfg->kernel);
	free(cfg->ramdisk);
	free(cfg->cmdline);
	free(cfg->cpus);
	for (unsigned int i = 0; i < cfg->nr_disks; i++)
		free(cfg->disks[i].target);
	memset(cfg, 0, sizeof(*cfg));
}

int vctl_config_parse(const char *text, size_t len, const char *file,
		      struct vctl_config *cfg, char *err, size_t size)
{
	struct parser ps = {
		.p = text, .end = text + len, .file = file, .line = 1,
		.err = err, .size = size, .cfg = cfg,
	};
	const char *nul = memchr(text, '\0', len);
	int rc = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_mib = 128;
	cfg->vcpus = 1;
	cfg->on_poweroff = VCTL_ACTION_DESTROY;
	cfg->on_reboot = VCTL_ACTION_RESTART;
	cfg->on_crash = VCTL_ACTION_DESTROY;
	cfg->cpu_weight = 256;
	cfg->cpumask = ~0ULL;
	if (nul) {
		const char *c;

		for (c = text; c < nul; c++)
			if (*c == '\n')
				ps.line++;
		return fail(&ps, ps.line, "a NUL byte (not a text file?)");
	}
	for (;;) {
		skip_blanks(&ps);
		skip_comment(&ps);
		if (at_end(&ps))
			break;
		if (*ps.p == '\n') {
			ps.line++;
			ps.p++;
		} else if (*ps.p == ';') {
			ps.p++;
		} else if ((rc = statement(&ps))) {
			break;
		}
	}
	if (!rc)
		rc = finish(&ps);
	free(ps.cmdline);
	free(ps.extra);
	free(ps.root);
	if (rc)
		vctl_config_free(cfg);
	return rc;
}

int vctl_config_read(const char *path, char **text, size_t *len_out,
		     char *err, size_t size)
{
	struct stat st;
	ssize_t got;
	size_t len = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		snprintf(err, size, "%s: %s", path,
			 !S_ISREG(st.st_mode) ? "not a regular file" :
			 "larger than 1 MiB");
		close(fd);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, size, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (len < (size_t)st.st_size) {
		got = read(fd, buf + len, (size_t)st.st_size - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = 0;
	*text = buf;
	*len_out = len;
	return 0;
}

int vctl_config_load(const char *path, struct vctl_config *cfg, char *err,
		     size_t size)
{
	size_t len;
	char *text;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (vctl_config_read(path, &text, &len, err, size))
		return -1;
	rc = vctl_config_parse(text, len, path, cfg, err, size);
	free(text);
	return rc;
}

const char *vctl_action_name(enum vctl_action a)
{
	switch (a) {
	case VCTL_ACTION_DESTROY: return "destroy";
	case VCTL_ACTION_RESTART: return "restart";
	case VCTL_ACTION_PRESERVE: return "preserve";
	}
	return "?";
}

void vctl_config_print(FILE *f, const struct vctl_config *c)
{
	fprintf(f, "name        = %s\n", c->name);
	fprintf(f, "memory      = %llu MiB\n",
		(unsigned long long)c->memory_mib);
	fprintf(f, "maxmem      = %llu MiB\n",
		(unsigned long long)c->maxmem_mib);
	fprintf(f, "vcpus       = %u\n", c->vcpus);
	fprintf(f, "kernel      = %s\n", c->kernel);
	fprintf(f, "ramdisk     = %s\n", c->ramdisk ? c->ramdisk : "(none)");
	fprintf(f, "cmdline     = %s\n", c->cmdline);
	fprintf(f, "on_poweroff = %s\n", vctl_action_name(c->on_poweroff));
	fprintf(f, "on_reboot   = %s\n", vctl_action_name(c->on_reboot));
	fprintf(f, "on_crash    = %s\n", vctl_action_name(c->on_crash));
	fprintf(f, "cpu_weight  = %u\n", c->cpu_weight);
	fprintf(f, "cap         = %u\n", c->cap);
	fprintf(f, "cpus        = %s\n", c->cpus ? c->cpus : "all");
	for (unsigned int i = 0; i < c->nr_disks; i++)
		fprintf(f, "disk        = %s,raw,%s,%s\n", c->disks[i].target,
			c->disks[i].vdev, c->disks[i].readonly ? "r" : "rw");
}

void vctl_config_print_json(FILE *f, const struct vctl_config *c)
{
	fputs("{\"name\": ", f);
	vctl_json_string(f, c->name);
	fprintf(f, ", \"memory_mib\": %llu, \"maxmem_mib\": %llu"
		", \"vcpus\": %u, \"kernel\": ",
		(unsigned long long)c->memory_mib,
		(unsigned long long)c->maxmem_mib, c->vcpus);
	vctl_json_string(f, c->kernel);
	fputs(", \"ramdisk\": ", f);
	if (c->ramdisk)
		vctl_json_string(f, c->ramdisk);
	else
		fputs("null", f);
	fputs(", \"cmdline\": ", f);
	vctl_json_string(f, c->cmdline);
	fprintf(f, ", \"on_poweroff\": \"%s\", \"on_reboot\": \"%s\""
		", \"on_crash\": \"%s\", \"cpu_weight\": %u, \"cap\": %u"
		", \"cpus\": ", vctl_action_name(c->on_poweroff),
		vctl_action_name(c->on_reboot), vctl_action_name(c->on_crash),
		c->cpu_weight, c->cap);
	vctl_json_string(f, c->cpus ? c->cpus : "all");
	fputs(", \"disks\": [", f);
	for (unsigned int i = 0; i < c->nr_disks; i++) {
		fputs(i ? ", {\"target\": " : "{\"target\": ", f);
		vctl_json_string(f, c->disks[i].target);
		fprintf(f, ", \"vdev\": \"%s\", \"devid\": %u, "
			"\"access\": \"%s\"}", c->disks[i].vdev,
			c->disks[i].devid, c->disks[i].readonly ? "r" : "rw");
	}
	fputs("]}\n", f);
}
