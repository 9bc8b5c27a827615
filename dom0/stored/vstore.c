// SPDX-License-Identifier: GPL-2.0
/*
 * vstore: a small xenstore client for dom0's shell and tests.
 *
 *	vstore [--kernel] read PATH | write PATH VALUE | ls PATH | rm PATH
 *
 * By default it talks to the store daemon's Unix socket
 * ($XENSTORED_PATH, else /run/xenstored/socket). With --kernel it sends
 * the same messages through the kernel's xenbus device (/dev/xen/xenbus,
 * or /proc/xen/xenbus), which forwards them over dom0's own store ring:
 * the path Linux's drivers use. Errors go to stderr as
 * "vstore: <op> <path>: <errno name>" with exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <veneer/io/xs_wire.h>

static int open_socket(void)
{
	const char *path = getenv("XENSTORED_PATH");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (!path || !*path)
		path = "/run/xenstored/socket";
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vstore: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "vstore: connect %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int open_kernel(void)
{
	static const char *const paths[] = { "/dev/xen/xenbus",
					     "/proc/xen/xenbus" };

	for (size_t i = 0; i < 2; i++) {
		int fd = open(paths[i], O_RDWR);

		if (fd >= 0)
			return fd;
	}
	fprintf(stderr, "vstore: no kernel xenbus device (/dev/xen/xenbus, "
		"/proc/xen/xenbus): %s\n", strerror(errno));
	return -1;
}

static int full_io(int fd, void *buf, size_t len, bool out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Send one request (payload = the NUL-separated arguments) and read its
 * reply into reply[], NUL-terminated. Returns the reply type or -1.
 */
static int request(int fd, uint32_t type, const char *a, const char *b,
		   char *reply, uint32_t *reply_len)
{
	char payload[XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg hdr = { .type = type, .req_id = 1 };
	size_t la = strlen(a) + 1, lb = b ? strlen(b) : 0;

	if (la + lb > sizeof(payload)) {
		fprintf(stderr, "vstore: request too long\n");
		return -1;
	}
	memcpy(payload, a, la);
	if (b)
		memcpy(payload + la, b, lb); /* a value has no NUL */
	hdr.len = la + lb;
	if (full_io(fd, &hdr, sizeof(hdr), true) ||
	    full_io(fd, payload, hdr.len, true) ||
	    full_io(fd, &hdr, sizeof(hdr), false) ||
	    hdr.len > XENSTORE_PAYLOAD_MAX ||
	    full_io(fd, reply, hdr.len, false)) {
		fprintf(stderr, "vstore: talking to the store: %s\n",
			errno ? strerror(errno) : "short message");
		return -1;
	}
	reply[hdr.len] = '\0';
	*reply_len = hdr.len;
	return hdr.type;
}

int main(int argc, char **argv)
{
	static char reply[XENSTORE_PAYLOAD_MAX + 1];
	bool kernel = argc > 1 && !strcmp(argv[1], "--kernel");
	char **av = argv + 1 + kernel;
	int ac = argc - 1 - kernel, fd, type;
	uint32_t op, len;

	if (ac == 2 && !strcmp(av[0], "read"))
		op = XS_READ;
	else if (ac == 3 && !strcmp(av[0], "write"))
		op = XS_WRITE;
	else if (ac == 2 && !strcmp(av[0], "ls"))
		op = XS_DIRECTORY;
	else if (ac == 2 && !strcmp(av[0], "rm"))
		op = XS_RM;
	else {
		fprintf(stderr, "usage: vstore [--kernel] read PATH | write "
			"PATH VALUE | ls PATH | rm PATH\n");
		return 2;
	}
	fd = kernel ? open_kernel() : open_socket();
	if (fd < 0)
		return 1;
	type = request(fd, op, av[1], ac == 3 ? av[2] : NULL, reply, &len);
	close(fd);
	if (type < 0)
		return 1;
	if (type == XS_ERROR) {
		fprintf(stderr, "vstore: %s %s: %s\n", av[0], av[1], reply);
		return 1;
	}
	if (op == XS_READ) {
		printf("%s\n", reply);
	} else if (op == XS_DIRECTORY) {
		for (uint32_t i = 0; i < len; i += strlen(reply + i) + 1)
			if (reply[i])
				printf("%s\n", reply + i);
	}
	return 0;
}
