// SPDX-License-Identifier: GPL-2.0
/*
 * consoled - the console back end: one dom0 process serving every
 * domU's PV console (docs/console.md).
 *
 * The story of one console: vctl creates a domain, then tells us (the
 * "add" command on our socket, consoled_proto.h) its id, name, ring
 * frame and event channel.  We map the ring page (grant 0, else the
 * frame), bind the channel, and open /var/log/veneer/console/<name>.log.
 * From then on, each time the guest kicks: take its output from the ring
 * (cons_ring.c: indices read once and checked), append it to the log,
 * the scrollback and the attached client, give the room back and kick
 * the guest; bytes from the client go into the input ring.  The domain
 * going away (vctl's "del", or the hypervisor no longer knowing it when
 * we look every few seconds) ends it: unmap, unbind, close the log.
 *
 * Why one process for all: the work per console is tiny and event
 * driven; one poll loop with bounded work per console per turn keeps a
 * flooding guest from starving the others without a process each
 * (xenconsoled does the same), and vctl has one socket to talk to.
 *
 * What one guest can cost: per turn of the loop at most TURN_BUDGET
 * bytes are taken from its ring; over time at most --rate bytes a second
 * (burst --burst): when its bucket is empty its ring is not read and its
 * channel stays masked until the bucket refills (its own hvc driver then
 * waits, nobody else does); the kicks it wakes us with are bounded the
 * same way (KICK_RATE, KICK_BURST).  Its log is capped (--log-max, rotated once
 * to .log.1), its scrollback is SCROLLBACK_SIZE, a slow client loses
 * output rather than holding the loop (the log keeps it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../common/xendev.h"
#include "cons_buf.h"
#include "cons_ring.h"
#include "consoled_proto.h"

#define GNTTAB_RESERVED_CONSOLE 0
#define TURN_BUDGET 4096		/* bytes per console per loop turn */
#define SCAN_MS 2000			/* look for vanished domains */
#define MAX_CONSOLES 256
#define MAX_PENDING 8			/* control connections reading */
#define NAME_MAX_LEN 63
/* Kicks a guest may wake us with, per second and in a burst: past that
 * its port stays masked until the bucket refills (xenconsoled bounds
 * event rates too), so kicking with an empty ring, or a byte at a time,
 * cannot spin dom0; its output waits in its ring, a pending kick is
 * delivered at the unmask. */
#define KICK_RATE 200
#define KICK_BURST 50

struct console {
	unsigned int domid;
	char name[NAME_MAX_LEN + 1];
	struct xendev_page page;
	struct xendev_evtchn ev;	/* host stand-in: ev.fd is the kick */
	int host_notify_fd;		/* host stand-in: >= 0, an eventfd */
	struct cons_ring ring;
	bool broken;			/* bad indices: no longer read */
	bool masked;			/* kicked; port not unmasked yet */
	bool more;			/* output left after the budget */
	int log_fd;
	char log_path[256];
	uint64_t log_size;
	struct scrollback sb;
	struct cons_limit lim;
	bool throttled;
	struct cons_limit kicks;	/* kicks that woke us */
	bool kick_throttled;		/* out of those: port stays masked */
	int client;			/* attached client, or -1 */
	bool client_in_full;		/* input ring full: wait for a kick */
	uint64_t dropped;		/* bytes a slow client missed */
	struct console *next;
};

struct pending {
	int fd;
	size_t len;
	char line[CONSOLED_LINE_MAX];
};

static struct {
	const char *socket_path;
	const char *log_dir;
	uint64_t log_max;
	uint64_t rate, burst;
	bool verbose;
	int listen_fd;
	struct console *consoles;
	unsigned int nr;
	struct pending pend[MAX_PENDING];
} g = {
	.socket_path = CONSOLED_SOCKET,
	.log_dir = "/var/log/veneer/console",
	.log_max = 1 << 20,
	.rate = 32 * 1024,
	.burst = 256 * 1024,
	.listen_fd = -1,
};

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("consoled: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void mkdirs(const char *path)
{
	char buf[256];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

/* --- the log file -------------------------------------------------------- */

static int log_open(struct console *c, bool truncate)
{
	struct stat st;

	c->log_fd = open(c->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
			 (truncate ? O_TRUNC : 0), 0640);
	if (c->log_fd < 0) {
		say("%s: %s", c->log_path, strerror(errno));
		return -errno;
	}
	c->log_size = fstat(c->log_fd, &st) ? 0 : (uint64_t)st.st_size;
	return 0;
}

static void log_rotate(struct console *c)
{
	char old[sizeof(c->log_path) + 2];

	close(c->log_fd);
	snprintf(old, sizeof(old), "%s.1", c->log_path);
	if (rename(c->log_path, old))
		say("rotate %s: %s", c->log_path, strerror(errno));
	log_open(c, true);
}

static void log_write(struct console *c, const char *p, size_t n)
{
	ssize_t w;

	if (cons_log_must_rotate(c->log_size, n, g.log_max))
		log_rotate(c);
	if (c->log_fd < 0)
		return;
	w = write(c->log_fd, p, n);
	if (w > 0)
		c->log_size += (uint64_t)w;
}

/* A line of ours in the console's log and to its client. */
static void note(struct console *c, const char *what)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "\r\n[consoled: %s]\r\n", what);

	log_write(c, line, (size_t)n);
	if (c->client >= 0)
		send(c->client, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* --- the event channel, or the host stand-in's eventfds ------------------ */

static void ev_notify(struct console *c)
{
	uint64_t one = 1;

	if (c->host_notify_fd < 0)
		xendev_evtchn_notify(&c->ev);
	else if (write(c->host_notify_fd, &one, sizeof(one)) != sizeof(one))
		say("domain %u: notify: %s", c->domid, strerror(errno));
}

static bool ev_ack(struct console *c)
{
	uint64_t v;

	if (c->host_notify_fd < 0)
		return xendev_evtchn_ack(&c->ev);
	return read(c->ev.fd, &v, sizeof(v)) == sizeof(v);
}

static void ev_unmask(struct console *c)
{
	if (c->host_notify_fd < 0)
		xendev_evtchn_unmask(&c->ev);
}

/* --- clients ------------------------------------------------------------- */

static void client_drop(struct console *c)
{
	if (c->client < 0)
		return;
	close(c->client);
	c->client = -1;
	c->client_in_full = false;
	if (g.verbose)
		say("domain %u (%s): client detached", c->domid, c->name);
}

/*
 * The guest wrote an index out of range: its console is not read or
 * written again (until vctl adds the domain anew), its client is let go.
 */
static void console_break(struct console *c, const char *which)
{
	char what[96];

	c->broken = true;
	c->throttled = c->more = false;	/* and its port stays masked */
	snprintf(what, sizeof(what), "bad %s ring indices: console no "
		 "longer served", which);
	note(c, what);
	say("domain %u (%s): %s", c->domid, c->name, what);
	client_drop(c);
}

/* Never wait for a client: what its socket cannot take now is lost to it
 * (the log and scrollback have it). */
static void client_send(struct console *c, const char *p, size_t n)
{
	ssize_t w;

	if (c->client < 0)
		return;
	w = send(c->client, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		client_drop(c);
		return;
	}
	if (w < (ssize_t)n)
		c->dropped += n - (size_t)(w < 0 ? 0 : w);
}

/* Input from the client, as much as the guest's input ring takes. */
static void client_input(struct console *c)
{
	char buf[sizeof(c->ring.intf->in)];
	int space = c->broken ? 0 : cons_ring_in_space(&c->ring);
	ssize_t n;

	if (space < 0) {
		console_break(c, "input");
		return;
	}
	if (space == 0) {
		c->client_in_full = true;	/* until the guest kicks */
		return;
	}
	n = recv(c->client, buf, (size_t)space, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
		client_drop(c);
		return;
	}
	if (n < 0)
		return;
	if (cons_ring_write(&c->ring, buf, (size_t)n) != n) {
		/* Space shrank under us: only a lying guest does that. */
		console_break(c, "input");
		return;
	}
	ev_notify(c);
}

/* --- one console --------------------------------------------------------- */

static struct console *find(unsigned int domid)
{
	struct console *c;

	for (c = g.consoles; c; c = c->next)
		if (c->domid == domid)
			return c;
	return NULL;
}

static void console_free(struct console *c)
{
	client_drop(c);
	xendev_evtchn_close(&c->ev);
	if (c->host_notify_fd >= 0)
		close(c->host_notify_fd);
	xendev_unmap_page(&c->page);
	if (c->log_fd >= 0)
		close(c->log_fd);
	free(c);
}

static void console_remove(unsigned int domid, const char *why)
{
	struct console **pp, *c;

	for (pp = &g.consoles; (c = *pp); pp = &c->next) {
		if (c->domid != domid)
			continue;
		note(c, why);
		say("domain %u (%s): %s", c->domid, c->name, why);
		*pp = c->next;
		g.nr--;
		console_free(c);
		return;
	}
}

/*
 * Take the guest's output: at most TURN_BUDGET bytes this turn, and no
 * more than its bucket holds.
 */
static void console_read(struct console *c)
{
	char buf[TURN_BUDGET];
	uint64_t allowed;
	int avail, n;

	c->more = false;
	if (c->broken)
		return;
	avail = cons_ring_out_avail(&c->ring);
	if (avail == 0)
		return;
	if (avail > 0) {
		allowed = cons_limit_take(&c->lim, now_ns(), TURN_BUDGET);
		if (!allowed) {
			if (!c->throttled && g.verbose)
				say("domain %u (%s): over its rate: not read "
				    "for now", c->domid, c->name);
			c->throttled = true;
			return;
		}
		c->throttled = false;
		n = cons_ring_read(&c->ring, buf, allowed);
		/* Give back what we took but did not use. */
		if (n >= 0 && (uint64_t)n < allowed)
			c->lim.tokens += allowed - (uint64_t)n;
	} else {
		n = avail;
	}
	if (n < 0) {
		console_break(c, "output");
		return;
	}
	if (n == 0)
		return;
	log_write(c, buf, (size_t)n);
	scrollback_append(&c->sb, buf, (size_t)n);
	client_send(c, buf, (size_t)n);
	ev_notify(c);	/* room in out[] for the guest */
	if (cons_ring_out_avail(&c->ring) != 0)
		c->more = true;
}

static void console_kicked(struct console *c)
{
	if (ev_ack(c))
		c->masked = true;
	c->client_in_full = false;	/* it may have read input */
	console_read(c);
	/* Each kick costs a token; none left: the port stays masked. */
	if (!cons_limit_take(&c->kicks, now_ns(), 1))
		c->kick_throttled = true;
}

/* Unmask the port unless the guest is over its rate or broke the ring:
 * a masked port is how a flooding guest is kept from waking us. */
static void console_settle(struct console *c)
{
	if (c->kick_throttled &&
	    !cons_limit_wait_ms(&c->kicks, now_ns(), 1))
		c->kick_throttled = false;
	if (c->masked && !c->throttled && !c->kick_throttled && !c->broken) {
		c->masked = false;
		ev_unmask(c);
	}
}

/*
 * Serve a domain's console.  host_fds (tests, --host-ring) replaces the
 * Xen devices with a page file and two eventfds: {page, kick, notify}.
 */
static int console_add(unsigned int domid, const char *name, uint64_t mfn,
		       unsigned int port, const int *host_fds, char *err,
		       size_t err_size)
{
	struct console *c;
	char how[160];
	int rc;

	if (find(domid)) {
		/* A new domain with a reused id: the old one is gone. */
		console_remove(domid, "replaced by a new domain of this id");
	}
	if (g.nr >= MAX_CONSOLES) {
		snprintf(err, err_size, "serving %u consoles already", g.nr);
		return -ENOSPC;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	c->domid = domid;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->client = -1;
	c->log_fd = -1;
	c->ev.fd = -1;
	c->host_notify_fd = -1;
	c->page.gnt_fd = -1;
	scrollback_init(&c->sb);
	cons_limit_init(&c->lim, g.rate, g.burst, now_ns());
	cons_limit_init(&c->kicks, KICK_RATE, KICK_BURST, now_ns());
	if (host_fds) {
		c->page.addr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, host_fds[0], 0);
		if (c->page.addr == MAP_FAILED) {
			c->page.addr = NULL;
			rc = -errno;
			snprintf(err, err_size, "map page fd: %s",
				 strerror(errno));
			goto fail;
		}
		snprintf(how, sizeof(how), "host page fd %d", host_fds[0]);
		close(host_fds[0]);
		c->ev.fd = host_fds[1];
		c->host_notify_fd = host_fds[2];
		fcntl(c->ev.fd, F_SETFL, O_NONBLOCK);
		rc = 0;
	} else {
		rc = xendev_map_page(&c->page, domid, GNTTAB_RESERVED_CONSOLE,
				     mfn, how, sizeof(how));
		if (rc)
			snprintf(err, err_size, "map its ring: %s", how);
	}
	if (rc)
		goto fail;
	if (!host_fds)
		rc = xendev_evtchn_bind(&c->ev, domid, port);
	if (rc) {
		snprintf(err, err_size, "bind its port %u: %s", port,
			 strerror(-rc));
		goto fail;
	}
	cons_ring_attach(&c->ring, c->page.addr);
	mkdirs(g.log_dir);
	snprintf(c->log_path, sizeof(c->log_path), "%s/%s.log", g.log_dir,
		 c->name);
	log_open(c, false);	/* a log we cannot write: still served */
	c->next = g.consoles;
	g.consoles = c;
	g.nr++;
	say("domain %u (%s): console ring by %s, port %u, log %s", domid,
	    c->name, how, port, c->log_path);
	/* It may have printed before we came: read and wake it. */
	console_read(c);
	ev_notify(c);
	return 0;
fail:
	console_free(c);
	return rc;
}

/* --- the control socket -------------------------------------------------- */

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NAME_MAX_LEN || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && !strchr("_.-", *s))
			return false;
	return true;
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static void reply(int fd, const char *fmt, ...)
{
	char buf[CONSOLED_LINE_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) < 0 && g.verbose)
		say("reply: %s", strerror(errno));
}

/* Run one command line; returns true if @fd was kept (attach). */
static bool command(int fd, char *line)
{
	char *argv[6], *save = NULL, *tok;
	char err[200];
	uint64_t domid, mfn, port;
	struct console *c;
	int argc = 0;
	size_t n;
	char *buf;

	for (tok = strtok_r(line, " \t", &save); tok && argc < 6;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	if (argc >= 2 && !parse_uint(argv[1], 0x7fef, &domid)) {
		reply(fd, "error bad domain id");
		return false;
	}
	if (argc == 5 && !strcmp(argv[0], "add")) {
		if (!domid || !name_ok(argv[2]) ||
		    !parse_uint(argv[3], (1ULL << 52) - 1, &mfn) ||
		    !parse_uint(argv[4], 0xffffffffULL, &port)) {
			reply(fd, "error bad add arguments");
			return false;
		}
		if (console_add((unsigned int)domid, argv[2], mfn,
				(unsigned int)port, NULL, err, sizeof(err)))
			reply(fd, "error domain %u: %s",
			      (unsigned int)domid, err);
		else
			reply(fd, "ok");
		return false;
	}
	if (argc == 2 && !strcmp(argv[0], "del")) {
		if (!find((unsigned int)domid)) {
			reply(fd, "error domain %u has no console here",
			      (unsigned int)domid);
			return false;
		}
		console_remove((unsigned int)domid, "domain destroyed");
		reply(fd, "ok");
		return false;
	}
	if (argc == 2 && !strcmp(argv[0], "attach")) {
		c = find((unsigned int)domid);
		if (!c) {
			reply(fd, "error domain %u has no console here",
			      (unsigned int)domid);
			return false;
		}
		if (c->client >= 0) {
			reply(fd, "error the console of %s is attached "
			      "elsewhere", c->name);
			return false;
		}
		if (c->broken) {
			reply(fd, "error the console of %s is not served: its "
			      "guest wrote bad ring indices", c->name);
			return false;
		}
		reply(fd, "ok %s", c->name);
		c->client = fd;
		c->client_in_full = false;
		buf = malloc(SCROLLBACK_SIZE);
		if (buf) {
			n = scrollback_copy(&c->sb, buf, SCROLLBACK_SIZE);
			client_send(c, buf, n);
			free(buf);
		}
		if (g.verbose)
			say("domain %u (%s): client attached", c->domid,
			    c->name);
		return true;
	}
	reply(fd, "error unknown command");
	return false;
}

static void accept_one(void)
{
	int fd = accept4(g.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_PENDING; i++) {
		if (g.pend[i].fd < 0) {
			g.pend[i].fd = fd;
			g.pend[i].len = 0;
			return;
		}
	}
	reply(fd, "error busy");
	close(fd);
}

static void pending_read(struct pending *p)
{
	ssize_t n = recv(p->fd, p->line + p->len,
			 sizeof(p->line) - 1 - p->len, 0);
	char *nl;

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		close(p->fd);
		p->fd = -1;
		return;
	}
	p->len += (size_t)n;
	p->line[p->len] = 0;
	nl = memchr(p->line, '\n', p->len);
	if (!nl) {
		if (p->len == sizeof(p->line) - 1) {
			reply(p->fd, "error line too long");
			close(p->fd);
			p->fd = -1;
		}
		return;
	}
	/* vctl sends nothing after its line until it has our answer, so
	 * nothing after the newline is lost here. */
	*nl = 0;
	if (!command(p->fd, p->line))
		close(p->fd);
	p->fd = -1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		say("%s: path too long", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		mkdirs(dir);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0600) || listen(fd, 16)) {
		say("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* --- the loop ------------------------------------------------------------ */

static void scan_domains(void)
{
	struct console *c, *next;

	for (c = g.consoles; c; c = next) {
		next = c->next;
		if (xendev_domain_state(c->domid) == XENDEV_DOM_GONE)
			console_remove(c->domid, "domain gone");
	}
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int run(void)
{
	struct pollfd fds[1 + MAX_PENDING + 2 * MAX_CONSOLES];
	struct console *owner[1 + MAX_PENDING + 2 * MAX_CONSOLES];
	struct console *c;
	uint64_t next_scan = now_ns() + SCAN_MS * 1000000ULL, t;
	unsigned int nfds, i;
	int timeout, w;

	while (!stop) {
		nfds = 0;
		fds[nfds].fd = g.listen_fd;
		fds[nfds].events = POLLIN;
		owner[nfds++] = NULL;
		for (i = 0; i < MAX_PENDING; i++) {
			if (g.pend[i].fd < 0)
				continue;
			fds[nfds].fd = g.pend[i].fd;
			fds[nfds].events = POLLIN;
			owner[nfds++] = NULL;
		}
		t = now_ns();
		timeout = t >= next_scan ? 0 :
			  (int)((next_scan - t) / 1000000ULL) + 1;
		for (c = g.consoles; c; c = c->next) {
			fds[nfds].fd = c->ev.fd;
			fds[nfds].events = POLLIN;
			owner[nfds++] = c;
			if (c->client >= 0 && !c->client_in_full) {
				fds[nfds].fd = c->client;
				fds[nfds].events = POLLIN;
				owner[nfds++] = c;
			}
			if (c->throttled) {
				w = cons_limit_wait_ms(&c->lim, t, TURN_BUDGET);
				if (w < timeout)
					timeout = w;
			} else if (c->more) {
				timeout = 0;
			}
			if (c->kick_throttled) {
				w = cons_limit_wait_ms(&c->kicks, t, 1);
				if (w < timeout)
					timeout = w;
			}
		}
		if (poll(fds, nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			say("poll: %s", strerror(errno));
			return 1;
		}
		/* The consoles first: a command below may free one that
		 * owner[] still points to. */
		for (i = 1; i < nfds; i++) {
			c = owner[i];
			if (!c || !fds[i].revents)
				continue;
			if (fds[i].fd == c->ev.fd)
				console_kicked(c);
			else if (fds[i].fd == c->client)
				client_input(c);
		}
		/* Those left over or held back last turn, one budget each. */
		for (c = g.consoles; c; c = c->next) {
			if (c->more || c->throttled)
				console_read(c);
			console_settle(c);
		}
		for (i = 1; i < nfds; i++) {
			unsigned int k;

			if (owner[i] || !fds[i].revents)
				continue;
			for (k = 0; k < MAX_PENDING; k++)
				if (g.pend[k].fd == fds[i].fd)
					pending_read(&g.pend[k]);
		}
		if (fds[0].revents & POLLIN)
			accept_one();
		if (now_ns() >= next_scan) {
			scan_domains();
			next_scan = now_ns() + SCAN_MS * 1000000ULL;
		}
	}
	return 0;
}

#define MAX_HOST_RINGS 8

/* --host-ring DOMID:NAME:PAGEFD:KICKFD:NOTIFYFD (tests): a console whose
 * page is a shared file and whose channel is two eventfds. */
static int host_ring(const char *spec)
{
	unsigned int domid;
	int fds[3], n = 0;
	char name[NAME_MAX_LEN + 1], err[200];

	if (sscanf(spec, "%u:%63[^:]:%d:%d:%d%n", &domid, name, &fds[0],
		   &fds[1], &fds[2], &n) != 5 || spec[n] || !name_ok(name)) {
		say("--host-ring %s: want DOMID:NAME:PAGEFD:KICKFD:NOTIFYFD",
		    spec);
		return -1;
	}
	if (console_add(domid, name, 0, 0, fds, err, sizeof(err))) {
		say("--host-ring %s: %s", spec, err);
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: consoled [--socket PATH] [--log-dir DIR] "
		"[--log-max BYTES] [--rate BYTES/S] [--burst BYTES] "
		"[--verbose] [--host-ring DOMID:NAME:PAGEFD:KICKFD:NOTIFYFD]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ "log-max", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },
		{ "burst", required_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "host-ring", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host[MAX_HOST_RINGS];
	unsigned int i, nr_host = 0;
	int o, rc;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's': g.socket_path = optarg; break;
		case 'l': g.log_dir = optarg; break;
		case 'm':
			if (!parse_uint(optarg, 1ULL << 40, &g.log_max) ||
			    g.log_max < 4096)
				usage();
			break;
		case 'r':
			if (!parse_uint(optarg, 1ULL << 30, &g.rate) || !g.rate)
				usage();
			break;
		case 'b':
			if (!parse_uint(optarg, 1ULL << 30, &g.burst) ||
			    g.burst < TURN_BUDGET)
				usage();
			break;
		case 'v': g.verbose = true; break;
		case 'h':
			if (nr_host >= MAX_HOST_RINGS)
				usage();
			host[nr_host++] = optarg;
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	for (i = 0; i < MAX_PENDING; i++)
		g.pend[i].fd = -1;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	g.listen_fd = listen_on(g.socket_path);
	if (g.listen_fd < 0)
		return 1;
	mkdirs(g.log_dir);
	for (i = 0; i < nr_host; i++)
		if (host_ring(host[i]))
			return 1;
	say("serving consoles on %s, logs in %s (cap %llu bytes, rate %llu "
	    "B/s, burst %llu)", g.socket_path, g.log_dir,
	    (unsigned long long)g.log_max, (unsigned long long)g.rate,
	    (unsigned long long)g.burst);
	rc = run();
	while (g.consoles)
		console_remove(g.consoles->domid, "console back end stopped");
	unlink(g.socket_path);
	return rc;
}
