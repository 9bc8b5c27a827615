// SPDX-License-Identifier: GPL-2.0
/*
 * printk() and the leveled log on top of the console.
 *
 * A message is formatted into a buffer on the stack and written with one
 * console_write(), so a line is never interleaved with another CPU's.
 * log_msg() adds the "(veneer) " prefix that tells hypervisor lines apart
 * from guest output on the same serial port, and drops messages above the
 * loglvl threshold.
 *
 * Lines an unprivileged guest can make us print -- gprintk() from the
 * paths it reaches, and its own console output (pv/console_io.c) -- are
 * rate limited per domain, so that a guest cannot monopolise the serial
 * line (and with it every CPU that logs): a token bucket of
 * GUEST_LOG_BURST lines refilled at GUEST_LOG_PER_SEC lines a second (a
 * domU's whole Linux boot log fits in the burst; a flood is held to a
 * part of what the serial line carries).  A line without a token is
 * counted, not printed, and the next line that gets one is preceded by
 * "(dN) N lines suppressed".  The first line from each gprintk() call
 * site (up to GUEST_LOG_SITES of them) passes without a token, so that a
 * refusal logged once per domain is never lost to an earlier flood.
 * dom0 is trusted and not limited.
 *
 * Every line printed through here (not a guest's console_io output, as
 * on Xen) is also kept in a ring of the last LOG_RING_SIZE bytes that
 * dom0 reads with VENEER_MGMT_readconsole ("vctl dmesg").  A reader names
 * where it is by a byte index that only grows (bytes written since
 * boot), so it reads what is new since its last read, and learns how
 * much the ring lost meanwhile.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/spinlock.h>
#include <hv/time.h>

#define LINE_MAX	512

int log_threshold = LOG_INFO;

/* --- the log ring (VENEER_MGMT_readconsole) ------------------------------ */

#define LOG_RING_SIZE	(32 * 1024)	/* a power of two */

static char log_ring[LOG_RING_SIZE];
static u64 log_ring_prod;		/* bytes ever put */
static u64 log_ring_start;		/* nothing before it is read (clear) */
static spinlock_t log_ring_lock = SPINLOCK_INIT;

/* Keep @n bytes of a line printed: short, bounded by LINE_MAX. */
static void log_ring_put(const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&log_ring_lock);

	for (size_t i = 0; i < n; i++)
		log_ring[(log_ring_prod + i) & (LOG_RING_SIZE - 1)] = s[i];
	log_ring_prod += n;
	spin_unlock_irqrestore(&log_ring_lock, flags);
}

/**
 * log_ring_read() - up to @len bytes of the log from *@index on
 * @index: in: where the caller is; out: after what was copied.  An index
 *         in what the ring lost (or cleared) moves to the oldest whole
 *         line still there; one beyond the end moves to the end.
 * @buf:   where to copy to (hypervisor memory)
 * @len:   at most this many
 *
 * Return: the bytes copied.
 */
size_t log_ring_read(u64 *index, char *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&log_ring_lock);
	u64 lo = log_ring_start, i = *index;
	size_t n;

	if (log_ring_prod > LOG_RING_SIZE && lo < log_ring_prod - LOG_RING_SIZE)
		lo = log_ring_prod - LOG_RING_SIZE;
	if (i > log_ring_prod)
		i = log_ring_prod;
	if (i < lo) {
		/* Lost: go on after the first line end still there (a line
		 * is shorter than LINE_MAX), unless the start is a clear. */
		i = lo;
		if (lo != log_ring_start)
			for (unsigned int k = 0; k < LINE_MAX && i < log_ring_prod;
			     k++)
				if (log_ring[i++ & (LOG_RING_SIZE - 1)] == '\n')
					break;
	}
	n = log_ring_prod - i < len ? log_ring_prod - i : len;
	for (size_t k = 0; k < n; k++)
		buf[k] = log_ring[(i + k) & (LOG_RING_SIZE - 1)];
	*index = i + n;
	spin_unlock_irqrestore(&log_ring_lock, flags);
	return n;
}

/**
 * log_ring_force_unlock() - make the ring usable no matter who holds it
 *
 * Only for panic, with console_force_unlock(): a CPU the panic stopped
 * (an NMI) inside log_ring_put() or log_ring_read() never releases the
 * lock, and every line the report prints goes through it first.
 */
void log_ring_force_unlock(void)
{
	spin_lock_init(&log_ring_lock);
}

/**
 * log_ring_hold() - selftest=bug_log_held: take the ring's lock and keep
 * it, as a CPU stopped by a panic inside log_ring_put() would
 * @held: set once it is taken
 */
void __noreturn log_ring_hold(volatile bool *held)
{
	spin_lock_irqsave(&log_ring_lock);
	*held = true;
	for (;;)
		cpu_relax();
}

/**
 * log_ring_clear() - forget the log before @index ("dmesg -c")
 * @index: an index log_ring_read() gave
 */
void log_ring_clear(u64 index)
{
	unsigned long flags = spin_lock_irqsave(&log_ring_lock);

	if (index > log_ring_prod)
		index = log_ring_prod;
	if (index > log_ring_start)
		log_ring_start = index;
	spin_unlock_irqrestore(&log_ring_lock, flags);
}

/**
 * vprintk() - print a formatted message as is
 * @fmt: format
 * @ap:  arguments
 */
void vprintk(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (n > 0)
		log_ring_put(buf, n);
	console_write(buf, n);
}

/**
 * printk() - print a formatted message as is, with no prefix or level
 * @fmt: format
 */
void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

static const char *const level_tag[] = {
	[LOG_ERR] = "ERROR: ",
	[LOG_WARN] = "WARNING: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "",
};

/**
 * log_msg() - print one log line, "(veneer) " prefixed, if @level passes
 * @level: LOG_ERR .. LOG_DEBUG
 * @fmt:   format; a trailing newline is added if missing
 */
void log_msg(int level, const char *fmt, ...)
{
	char buf[LINE_MAX];
	size_t len;
	va_list ap;

	if (level > log_threshold)
		return;
	len = snprintf(buf, sizeof(buf), "(veneer) %s",
		       level_tag[level < LOG_ERR ? LOG_ERR :
				 level > LOG_DEBUG ? LOG_DEBUG : level]);
	va_start(ap, fmt);
	vsnprintf(buf + len, sizeof(buf) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(buf);
	if (len == 0 || buf[len - 1] != '\n') {
		buf[len++] = '\n';
		buf[len] = '\0';
	}
	log_ring_put(buf, len);
	console_write(buf, len);
}

/* --- per-domain rate limit of guest-triggered lines -------------------- */

#define GUEST_LOG_BURST		1000
#define GUEST_LOG_PER_SEC	100
#define GUEST_LOG_NS_PER_LINE	(1000000000LL / GUEST_LOG_PER_SEC)
#define GUEST_LOG_SITES		32	/* call sites with a free first line */

struct log_bucket {
	bool used;
	unsigned int tokens;
	s_time_t stamp;			/* when the last token was added */
	unsigned long suppressed;	/* since the last line printed */
	unsigned int nr_sites;
	const void *site[GUEST_LOG_SITES];	/* those already seen */
};

static struct log_bucket buckets[MAX_DOMAINS];
bool opt_guest_log_ratelimit = true;
static spinlock_t bucket_lock = SPINLOCK_INIT;

/* The first line from @site for @b: it passes without a token.  Bounded:
 * a domain gets at most GUEST_LOG_SITES such lines in its life.  So a
 * refusal that logs once per domain is never the line a flood drowned. */
static bool first_from_site(struct log_bucket *b, const void *site)
{
	unsigned int i;

	if (!site)
		return false;
	for (i = 0; i < b->nr_sites; i++)
		if (b->site[i] == site)
			return false;
	if (i == GUEST_LOG_SITES)
		return false;
	b->site[b->nr_sites++] = site;
	return true;
}

/**
 * guest_log_charge() - may domain @domid print one more line?
 * @domid:      the domain the line is due to
 * @privileged: dom0 (never limited)
 * @site:       the line's call site (its format), or NULL
 * @suppressed: out: lines dropped before this one, to report first
 *
 * Return: true to print the line, false if it is dropped (and counted).
 */
bool guest_log_charge(unsigned int domid, bool privileged, const void *site,
		      unsigned long *suppressed)
{
	struct log_bucket *b;
	unsigned long flags;
	s_time_t now;
	bool ok;

	*suppressed = 0;
	if (privileged || !opt_guest_log_ratelimit || domid >= MAX_DOMAINS)
		return true;
	now = NOW();
	b = &buckets[domid];
	flags = spin_lock_irqsave(&bucket_lock);
	if (!b->used) {
		b->used = true;
		b->tokens = GUEST_LOG_BURST;
		b->stamp = now;
		b->nr_sites = 0;
	} else if (now - b->stamp >= GUEST_LOG_NS_PER_LINE) {
		s_time_t lines = (now - b->stamp) / GUEST_LOG_NS_PER_LINE;

		if (lines >= GUEST_LOG_BURST - b->tokens) {
			b->tokens = GUEST_LOG_BURST;
			b->stamp = now;
		} else {
			b->tokens += lines;
			b->stamp += lines * GUEST_LOG_NS_PER_LINE;
		}
	}
	ok = first_from_site(b, site);
	if (!ok && b->tokens) {
		b->tokens--;
		ok = true;
	}
	if (ok) {
		*suppressed = b->suppressed;
		b->suppressed = 0;
	} else {
		b->suppressed++;
	}
	spin_unlock_irqrestore(&bucket_lock, flags);
	return ok;
}

/**
 * guest_log_report_suppressed() - the "lines suppressed" summary
 * @domid: the domain
 * @n:     how many (nothing is printed for 0)
 */
void guest_log_report_suppressed(unsigned int domid, unsigned long n)
{
	if (n)
		log_msg(LOG_WARN, "(d%u) %lu lines suppressed (rate limit)",
			domid, n);
}

/**
 * guest_log_forget() - domain @domid is gone: its summary, a fresh bucket
 * @domid: the domain
 */
void guest_log_forget(unsigned int domid)
{
	unsigned long flags, n = 0;

	if (domid >= MAX_DOMAINS)
		return;
	flags = spin_lock_irqsave(&bucket_lock);
	if (buckets[domid].used)
		n = buckets[domid].suppressed;
	buckets[domid].used = false;
	buckets[domid].suppressed = 0;
	spin_unlock_irqrestore(&bucket_lock, flags);
	guest_log_report_suppressed(domid, n);
}

/**
 * guest_log_msg() - a log line a guest's action caused (gprintk())
 * @domid:      the guest
 * @privileged: dom0: never rate limited
 * @level:      as for log_msg()
 * @fmt:        format; also names the call site
 */
void guest_log_msg(unsigned int domid, bool privileged, int level,
		   const char *fmt, ...)
{
	char buf[LINE_MAX];
	unsigned long suppressed;
	va_list ap;

	if (level > log_threshold)
		return;
	if (!guest_log_charge(domid, privileged, fmt, &suppressed))
		return;
	guest_log_report_suppressed(domid, suppressed);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_msg(level, "%s", buf);
}
