// SPDX-License-Identifier: GPL-2.0
/*
 * The store, from vctl: a client of dom0's store daemon (dom0/stored) on
 * its Unix socket, speaking the xenstore wire protocol (a header, then
 * the payload; hypercall-abi/include/veneer/io/xs_wire.h).  A socket
 * client acts as domain 0.
 *
 * One request at a time: each call sends a request and reads messages
 * until its reply comes.  Watch events that arrive meanwhile (the
 * monitor watches @releaseDomain on the same connection) are kept, in
 * order, for vctl_xs_next_event().
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <veneer/io/xs_wire.h>

#include "store_client.h"
#include "vctl.h"

struct xs_event {
	struct xs_event *next;
	size_t len;
	char data[];
};

static struct xs_event *events, **events_tail = &events;
static uint32_t next_req_id = 1;

int vctl_xs_open(char *why, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("XENSTORED_PATH");
	int fd;

	if (!path || !*path)
		path = VCTL_XS_SOCKET;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, size, "store socket %s: path too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(why, size, "the store (%s): %s; is stored running?",
			 path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int vctl_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ECONNRESET;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One message from the daemon: its header and a malloc'd payload + NUL. */
static int read_msg(int fd, struct xsd_sockmsg *hdr, char **body)
{
	if (read_all(fd, hdr, sizeof(*hdr)))
		return -1;
	if (hdr->len > XENSTORE_PAYLOAD_MAX) {
		errno = EPROTO;
		return -1;
	}
	*body = malloc(hdr->len + 1);
	if (!*body)
		return -1;
	if (read_all(fd, *body, hdr->len)) {
		free(*body);
		return -1;
	}
	(*body)[hdr->len] = '\0';
	return 0;
}

static void keep_event(const char *body, size_t len)
{
	struct xs_event *e = malloc(sizeof(*e) + len + 1);

	if (!e)
		return;
	e->next = NULL;
	e->len = len;
	memcpy(e->data, body, len);
	e->data[len] = '\0';
	*events_tail = e;
	events_tail = &e->next;
}

/* An XS_ERROR payload ("ENOENT") as a negative errno. */
static int error_of(const char *name)
{
	static const struct { const char *name; int err; } map[] = {
		{ "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
		{ "EISDIR", EISDIR }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", ENOTEMPTY },
		{ "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
		{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
		{ "EPERM", EPERM }, { "EQUOTA", EDQUOT },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(name, map[i].name))
			return -map[i].err;
	return -EIO;
}

int vctl_xs_request(int fd, uint32_t type, uint32_t tx, const void *payload,
		    size_t len, char **reply, size_t *reply_len)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = next_req_id++, .tx_id = tx,
		.len = (uint32_t)len,
	};
	char *body;

	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	if (vctl_write_all(fd, &hdr, sizeof(hdr)) ||
	    vctl_write_all(fd, payload, len))
		return -errno;
	for (;;) {
		struct xsd_sockmsg r;

		if (read_msg(fd, &r, &body))
			return -errno;
		if (r.type == XS_WATCH_EVENT) {
			keep_event(body, r.len);
			free(body);
			continue;
		}
		if (r.req_id != hdr.req_id) {
			free(body);
			return -EPROTO;
		}
		if (r.type == XS_ERROR) {
			int err = error_of(body);

			free(body);
			return err;
		}
		if (reply) {
			*reply = body;
			if (reply_len)
				*reply_len = r.len;
		} else {
			free(body);
		}
		return 0;
	}
}

/* The payload "a\0b\0..." of @n strings. */
static int request_strings(int fd, uint32_t type, uint32_t tx, char **reply,
			   size_t n, const char *const *s, bool last_nul)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(s[i]) + (i + 1 < n || last_nul);

		if (l > sizeof(buf) - len)
			return -E2BIG;
		memcpy(buf + len, s[i], l);
		len += l;
	}
	return vctl_xs_request(fd, type, tx, buf, len, reply, NULL);
}

int vctl_xs_write(int fd, uint32_t tx, const char *path, const char *value)
{
	const char *s[] = { path, value };

	return request_strings(fd, XS_WRITE, tx, NULL, 2, s, false);
}

int vctl_xs_printf(int fd, uint32_t tx, const char *path, const char *fmt,
		   ...)
{
	char value[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return vctl_xs_write(fd, tx, path, value);
}

int vctl_xs_read(int fd, uint32_t tx, const char *path, char **value)
{
	const char *s[] = { path };

	return request_strings(fd, XS_READ, tx, value, 1, s, true);
}

int vctl_xs_mkdir(int fd, uint32_t tx, const char *path)
{
	const char *s[] = { path };

	return request_strings(fd, XS_MKDIR, tx, NULL, 1, s, true);
}

int vctl_xs_rm(int fd, uint32_t tx, const char *path)
{
	const char *s[] = { path };

	return request_strings(fd, XS_RM, tx, NULL, 1, s, true);
}

int vctl_xs_set_perms(int fd, uint32_t tx, const char *path,
		      const char *perm0, const char *perm1)
{
	const char *s[] = { path, perm0, perm1 };

	return request_strings(fd, XS_SET_PERMS, tx, NULL, perm1 ? 3 : 2, s,
			       true);
}

int vctl_xs_tx_start(int fd, uint32_t *tx)
{
	const char *s[] = { "" };
	char *reply = NULL;
	char *end;
	unsigned long id;
	int rc = request_strings(fd, XS_TRANSACTION_START, 0, &reply, 1, s,
				 true);

	if (rc)
		return rc;
	errno = 0;
	id = strtoul(reply, &end, 10);
	if (errno || end == reply || id == 0 || id > UINT32_MAX)
		rc = -EPROTO;
	else
		*tx = (uint32_t)id;
	free(reply);
	return rc;
}

int vctl_xs_tx_end(int fd, uint32_t tx, bool commit)
{
	const char *s[] = { commit ? "T" : "F" };

	return request_strings(fd, XS_TRANSACTION_END, tx, NULL, 1, s, true);
}

int vctl_xs_introduce(int fd, unsigned int domid, uint64_t mfn,
		      unsigned int port)
{
	char d[16], m[24], p[16];
	const char *s[] = { d, m, p };

	snprintf(d, sizeof(d), "%u", domid);
	snprintf(m, sizeof(m), "%llu", (unsigned long long)mfn);
	snprintf(p, sizeof(p), "%u", port);
	return request_strings(fd, XS_INTRODUCE, 0, NULL, 3, s, true);
}

int vctl_xs_release(int fd, unsigned int domid)
{
	char d[16];
	const char *s[] = { d };

	snprintf(d, sizeof(d), "%u", domid);
	return request_strings(fd, XS_RELEASE, 0, NULL, 1, s, true);
}

int vctl_xs_watch(int fd, const char *path, const char *token)
{
	const char *s[] = { path, token };

	return request_strings(fd, XS_WATCH, 0, NULL, 2, s, true);
}

bool vctl_xs_event_kept(void)
{
	return events != NULL;
}

int vctl_xs_next_event(int fd, char **path, char **token)
{
	struct xs_event *e = events;
	struct xsd_sockmsg r;
	char *body;
	size_t len;

	if (e) {
		events = e->next;
		if (!events)
			events_tail = &events;
		body = malloc(e->len + 1);
		if (!body) {
			free(e);
			return -ENOMEM;
		}
		memcpy(body, e->data, e->len + 1);
		len = e->len;
		free(e);
	} else {
		do {
			if (read_msg(fd, &r, &body))
				return -errno;
			if (r.type != XS_WATCH_EVENT)
				free(body);
		} while (r.type != XS_WATCH_EVENT);
		len = r.len;
	}
	/* "path\0token\0" */
	if (!len || strnlen(body, len) >= len) {
		free(body);
		return -EPROTO;
	}
	*path = body;
	*token = body + strlen(body) + 1;
	return 0;
}

int vctl_xs_wait_event(int fd, int timeout_ms, char **path, char **token)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	if (!events) {
		do
			n = poll(&p, 1, timeout_ms);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
	}
	return vctl_xs_next_event(fd, path, token);
}
