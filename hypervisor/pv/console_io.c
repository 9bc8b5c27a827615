// SPDX-License-Identifier: GPL-2.0
/*
 * console_io: the guest kernel's earliest console.
 *
 * Linux prints through CONSOLEIO_write until its hvc console is up, and
 * dom0 keeps using it for the hvc console itself, so dom0's output goes
 * straight to our serial line, unprefixed, as on Xen.  The count is an
 * unsigned int in the ABI; there is no length limit: the buffer is copied
 * in small chunks until it is used up or a chunk cannot be read, which
 * gives -EFAULT after whatever came before it was written.  The work of
 * one entry is bounded (WRITE_BUDGET bytes): a longer write continues
 * by hypercall continuation (pv/hypercall.c), so the scheduler and
 * events get their turn between budgets, as on Xen.
 *
 * Input goes to the initial domain only.  Once it binds VIRQ_CONSOLE (its
 * hvc driver does, contract §15.2) a timer on CPU0 polls the serial port
 * every 10 ms, moves what arrived into a small ring and raises
 * VIRQ_CONSOLE; CONSOLEIO_read then empties the ring.  Polling keeps the
 * UART's interrupt out of the picture: a person typing does not notice
 * 10 ms.  Every byte goes through the debug-key switch first: after
 * Ctrl-A three times, input belongs to the hypervisor's key handlers
 * (common/keyhandler.c) until the next three.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/options.h>
#include <hv/event.h>
#include <hv/keyhandler.h>
#include <hv/pv.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <hv/timer.h>

#define CHUNK	128
#define WRITE_BUDGET	(16 * CHUNK)	/* bytes per entry, then continue */
#define RING	1024		/* power of two */
#define POLL_NS	MILLISECS(10)

int serial_getc(void);

static char in_ring[RING];
static unsigned int in_prod, in_cons;	/* free running */
static spinlock_t in_lock = SPINLOCK_INIT;
static struct timer poll_timer;
static struct domain *input_domain;

/* Queue @n bytes for the guest; true if any was queued. */
static bool queue_input(const char *buf, unsigned int n)
{
	unsigned long flags;

	if (!n)
		return false;
	flags = spin_lock_irqsave(&in_lock);
	for (unsigned int i = 0; i < n; i++)
		if (in_prod - in_cons < RING)
			in_ring[in_prod++ % RING] = buf[i];
	spin_unlock_irqrestore(&in_lock, flags);
	return true;
}

/*
 * Each byte passes the debug-key switch first (common/keyhandler.c):
 * Ctrl-A three times hands input to the hypervisor's key handlers and
 * back, and what they take never reaches the guest.
 */
static void poll_serial(void *data)
{
	bool got = false;
	char out[3];
	int c;

	while ((c = serial_getc()) >= 0)
		got |= queue_input(out, keyhandler_serial_rx((char)c, out));
	if (got)
		send_global_virq(data, VIRQ_CONSOLE);
	set_timer(&poll_timer, NOW() + POLL_NS);
}

/**
 * console_input_start() - serial input goes to @d from now on
 * @d: the initial domain, which just bound VIRQ_CONSOLE
 */
void console_input_start(struct domain *d)
{
	if (input_domain || !d->is_privileged)
		return;
	input_domain = d;
	init_timer(&poll_timer, poll_serial, d, 0);
	set_timer(&poll_timer, NOW() + POLL_NS);
}

/* CONSOLEIO_read: up to @count bytes of input to @buf. */
static long console_read(unsigned int count, unsigned long buf)
{
	char chunk[CHUNK];
	unsigned long flags;
	unsigned int n = 0;

	flags = spin_lock_irqsave(&in_lock);
	while (n < count && n < CHUNK && in_cons != in_prod)
		chunk[n++] = in_ring[in_cons++ % RING];
	spin_unlock_irqrestore(&in_lock, flags);
	if (n && copy_to_guest(buf, chunk, n))
		return -EFAULT;
	return n;
}

/*
 * A domU's console writes (option domu_console): its own lines in our
 * log, "(d1) text", so that several guests and the hypervisor can share
 * one serial line and still be told apart.  Output is kept per domain
 * until a newline (or a full line buffer) so that lines from different
 * domains never interleave mid-line.  Without the option a domU may not
 * write at all: -EPERM, logged once per domain.
 */
#define DOMU_LINE	256

struct domu_line {
	char buf[DOMU_LINE];
	unsigned int len;
	bool refused_logged;
};

static struct domu_line domu_lines[MAX_DOMAINS];
static spinlock_t domu_line_lock = SPINLOCK_INIT;

/* Print @l as one line of domain @id, within the domain's rate limit
 * (common/log.c); domu_line_lock held. */
static void domu_line_flush(domid_t id, struct domu_line *l)
{
	char out[DOMU_LINE + 16];
	unsigned long suppressed;
	int n;

	if (!guest_log_charge(id, false, NULL, &suppressed)) {
		l->len = 0;
		return;
	}
	guest_log_report_suppressed(id, suppressed);
	n = snprintf(out, sizeof(out), "(d%u) %.*s\n", id, (int)l->len,
		     l->buf);
	console_write(out, (size_t)n < sizeof(out) ? (size_t)n :
		      sizeof(out) - 1);
	l->len = 0;
}

static long domu_console_write(struct domain *d, unsigned int count,
			       unsigned long buf)
{
	struct domu_line *l = &domu_lines[d->id];
	unsigned int budget = WRITE_BUDGET;
	char chunk[CHUNK];

	if (!opt_domu_console) {
		if (!l->refused_logged) {
			l->refused_logged = true;
			log_info("d%u: console_io write refused (-EPERM): "
				 "boot with domu_console to see domU output",
				 d->id);
		}
		return -EPERM;
	}
	while (count) {
		unsigned int n = count < CHUNK ? count : CHUNK;
		unsigned long missed;

		if (!budget)
			return hypercall_continuation(__HYPERVISOR_console_io,
					3, CONSOLEIO_write, count, buf, 0, 0);
		budget -= n;
		missed = copy_from_guest_partial(chunk, buf, n);
		/* Interrupts stay on: a line takes milliseconds to print. */
		spin_lock(&domu_line_lock);
		for (unsigned int i = 0; i < n - missed; i++) {
			char c = chunk[i];

			if (c == '\n') {
				domu_line_flush(d->id, l);
				continue;
			}
			if (c == '\r')
				continue;
			/* Our log is text: no escapes from a guest. */
			if ((c < ' ' && c != '\t') || c == 0x7f)
				c = '?';
			l->buf[l->len++] = c;
			if (l->len == DOMU_LINE)
				domu_line_flush(d->id, l);
		}
		spin_unlock(&domu_line_lock);
		if (missed)
			return -EFAULT;
		buf += n;
		count -= n;
	}
	return 0;
}

/**
 * domu_console_gone() - a domain is destroyed: print what it left
 *                       unfinished of a line, and forget it
 * @d: the domain
 */
void domu_console_gone(struct domain *d)
{
	struct domu_line *l = &domu_lines[d->id];

	spin_lock(&domu_line_lock);
	if (l->len)
		domu_line_flush(d->id, l);
	l->refused_logged = false;
	spin_unlock(&domu_line_lock);
	guest_log_forget(d->id);
}

/**
 * do_console_io() - write to (or read from) the hypervisor console
 * @cmd:   CONSOLEIO_write or CONSOLEIO_read
 * @count: bytes (low 32 bits only)
 * @buf:   guest buffer
 */
long do_console_io(unsigned long cmd, unsigned long count, unsigned long buf)
{
	struct vcpu *v = current_vcpu();
	unsigned int budget = WRITE_BUDGET;
	char chunk[CHUNK];
	unsigned int left = count;

	switch (cmd) {
	case CONSOLEIO_write:
		if (!v->domain->is_privileged)
			return domu_console_write(v->domain, left, buf);
		while (left) {
			unsigned int n = left < CHUNK ? left : CHUNK;
			unsigned long missed;

			if (!budget)
				return hypercall_continuation(
					__HYPERVISOR_console_io, 3,
					CONSOLEIO_write, left, buf, 0, 0);
			budget -= n;
			missed = copy_from_guest_partial(chunk, buf, n);
			console_write(chunk, n - missed);
			if (missed)
				return -EFAULT;
			buf += n;
			left -= n;
		}
		return 0;
	case CONSOLEIO_read:
		if (!v->domain->is_privileged)
			return -EPERM;
		return console_read(left, buf);
	}
	return -ENOSYS;
}
