// SPDX-License-Identifier: GPL-2.0
/*
 * io_sock.c - the Unix socket transport.
 *
 * Dom0's tools (libxenstore: xenstore-read and friends) connect to a
 * stream socket, by default /run/xenstored/socket, and speak the wire
 * protocol unframed: header, payload, header, payload.  Every socket
 * connection acts as domain 0, with its privileges; a test socket
 * (--guest-socket) makes its clients act as one unprivileged domain
 * instead.  Sockets are non-blocking; output that does not fit waits for
 * POLLOUT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "io.h"

struct sock_conn {
	int fd;
	struct conn *c;
	struct sock_conn *next;
};

struct sock_server {
	struct store *s;
	unsigned int domid;	/* what its clients act as */
	int fd;
	char *path;
	struct sock_conn *conns;
};

int pollset_add(struct pollset *ps, int fd, short events)
{
	if (ps->nr == ps->cap) {
		unsigned int cap = ps->cap ? ps->cap * 2 : 16;
		struct pollfd *n = realloc(ps->fds, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ps->fds = n;
		ps->cap = cap;
	}
	ps->fds[ps->nr].fd = fd;
	ps->fds[ps->nr].events = events;
	ps->fds[ps->nr].revents = 0;
	return (int)ps->nr++;
}

static short revents_of(const struct pollset *ps, int fd)
{
	unsigned int i;

	for (i = 0; i < ps->nr; i++)
		if (ps->fds[i].fd == fd)
			return ps->fds[i].revents;
	return 0;
}

/* Write what the socket takes now; the rest waits for POLLOUT. */
static void sock_kick(struct conn *c)
{
	struct sock_conn *sc = c->priv;
	const void *buf;
	size_t len;
	ssize_t n;

	for (;;) {
		buf = store_output(c, &len);
		if (!len)
			return;
		n = send(sc->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				c->dead = true;
			return;
		}
		store_output_done(c, (size_t)n);
	}
}

static const struct conn_ops sock_ops = {
	.kick = sock_kick,
};

static int make_dirs(const char *path)
{
	char *dir = strdup(path), *p;

	if (!dir)
		return -ENOMEM;
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			free(dir);
			return -errno;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/**
 * sock_open() - listen on @path, replacing a stale socket there
 *
 * Return: the server, or NULL with the reason already on stderr.
 */
struct sock_server *sock_open(struct store *s, const char *path,
			      unsigned int domid)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct sock_server *ss;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "stored: socket path %s: too long\n", path);
		return NULL;
	}
	ss = calloc(1, sizeof(*ss));
	if (!ss || !(ss->path = strdup(path)))
		goto nomem;
	ss->s = s;
	ss->domid = domid;
	strcpy(addr.sun_path, path);
	make_dirs(path);
	unlink(path);
	ss->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
	if (ss->fd < 0 ||
	    bind(ss->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(ss->fd, 64) < 0) {
		fprintf(stderr, "stored: listen on %s: %s\n", path,
			strerror(errno));
		goto fail;
	}
	chmod(path, 0600);
	return ss;
nomem:
	fprintf(stderr, "stored: out of memory\n");
fail:
	if (ss) {
		if (ss->fd > 0)
			close(ss->fd);
		free(ss->path);
		free(ss);
	}
	return NULL;
}

static void sock_conn_close(struct sock_server *ss, struct sock_conn *sc)
{
	struct sock_conn **pp;

	for (pp = &ss->conns; *pp; pp = &(*pp)->next) {
		if (*pp == sc) {
			*pp = sc->next;
			break;
		}
	}
	store_conn_free(sc->c);
	close(sc->fd);
	free(sc);
}

void sock_close(struct sock_server *ss)
{
	if (!ss)
		return;
	while (ss->conns)
		sock_conn_close(ss, ss->conns);
	close(ss->fd);
	unlink(ss->path);
	free(ss->path);
	free(ss);
}

void sock_poll_add(struct sock_server *ss, struct pollset *ps)
{
	struct sock_conn *sc;
	size_t len;

	pollset_add(ps, ss->fd, POLLIN);
	for (sc = ss->conns; sc; sc = sc->next) {
		store_output(sc->c, &len);
		pollset_add(ps, sc->fd, POLLIN | (len ? POLLOUT : 0));
	}
}

static void sock_accept(struct sock_server *ss)
{
	struct sock_conn *sc;
	int fd;

	fd = accept4(ss->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	sc = calloc(1, sizeof(*sc));
	if (!sc) {
		close(fd);
		return;
	}
	sc->fd = fd;
	sc->c = store_conn_new(ss->s, ss->domid, &sock_ops, sc);
	if (!sc->c) {
		close(fd);
		free(sc);
		return;
	}
	sc->next = ss->conns;
	ss->conns = sc;
}

static void sock_read(struct sock_conn *sc)
{
	char buf[8192];
	ssize_t n;

	n = recv(sc->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		sc->c->dead = true;
		return;
	}
	if (n > 0)
		store_input(sc->c, buf, (size_t)n);
}

void sock_handle(struct sock_server *ss, const struct pollset *ps)
{
	struct sock_conn *sc, *next;
	short re;

	for (sc = ss->conns; sc; sc = next) {
		next = sc->next;
		re = revents_of(ps, sc->fd);
		if (re & (POLLIN | POLLHUP | POLLERR))
			sock_read(sc);
		if (re & POLLOUT)
			sock_kick(sc->c);
	}
	/* Close after handling: a request may have touched any connection. */
	for (sc = ss->conns; sc; sc = next) {
		next = sc->next;
		if (sc->c->dead)
			sock_conn_close(ss, sc);
	}
	if (revents_of(ps, ss->fd) & POLLIN)
		sock_accept(ss);
}
