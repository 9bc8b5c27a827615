// SPDX-License-Identifier: GPL-2.0
/*
 * vctl's side of the console back end (drivers-back/console, consoled):
 * tell it of a domain created here or destroyed, and attach a terminal
 * to a domain's console.  The socket and its one-line commands are in
 * consoled_proto.h.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "../../drivers-back/console/consoled_proto.h"
#include "vctl.h"

#define DETACH_KEY 0x1d		/* Ctrl-], as xl console */

/*
 * Send one command and read the one-line answer, a byte at a time so
 * that nothing after the newline (an attached console's output) is
 * taken.  Returns the connected socket, or -1 with why in @answer.
 */
static int request(const char *cmd, char *answer, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = 0;
	char c;
	int fd;

	const char *path = getenv("VCTL_CONSOLED_SOCKET"); /* host tests */

	if (!path || !*path)
		path = CONSOLED_SOCKET;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(answer, size, "the console back end is not running "
			 "(%s: %s)", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) < 0) {
		snprintf(answer, size, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	while (len + 1 < size && recv(fd, &c, 1, 0) == 1 && c != '\n')
		answer[len++] = c;
	answer[len] = 0;
	if (strncmp(answer, "ok", 2)) {
		if (!strncmp(answer, "error ", 6))
			memmove(answer, answer + 6, len - 5);
		else if (!len)
			snprintf(answer, size, "the console back end closed "
				 "the connection");
		close(fd);
		return -1;
	}
	return fd;
}

int vctl_console_add(domid_t domid, const char *name, uint64_t mfn,
		     uint32_t port, char *why, size_t size)
{
	char cmd[CONSOLED_LINE_MAX];
	int fd;

	snprintf(cmd, sizeof(cmd), "add %u %s %#llx %u\n", domid, name,
		 (unsigned long long)mfn, port);
	fd = request(cmd, why, size);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

void vctl_console_del(domid_t domid)
{
	char cmd[64], answer[128];
	int fd;

	snprintf(cmd, sizeof(cmd), "del %u\n", domid);
	fd = request(cmd, answer, sizeof(answer));
	if (fd >= 0)
		close(fd);
}

static struct termios saved;
static bool raw_set;

static void restore_tty(void)
{
	if (raw_set)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	raw_set = false;
}

int vctl_console_attach(domid_t domid)
{
	struct pollfd fds[2];
	char cmd[64], buf[4096];
	struct termios raw;
	bool tty = isatty(STDIN_FILENO);
	int fd, rc = 0;
	ssize_t n;
	char *key;

	snprintf(cmd, sizeof(cmd), "attach %u\n", domid);
	fd = request(cmd, buf, sizeof(buf));
	if (fd < 0)
		return vctl_err("console", "%s", buf);
	if (tty && !tcgetattr(STDIN_FILENO, &saved)) {
		raw = saved;
		cfmakeraw(&raw);
		if (!tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)) {
			raw_set = true;
			atexit(restore_tty);
		}
	}
	signal(SIGPIPE, SIG_IGN);
	fds[0].fd = STDIN_FILENO;
	fds[0].events = POLLIN;
	fds[1].fd = fd;
	fds[1].events = POLLIN;
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = vctl_err("console", "poll: %s", strerror(errno));
			break;
		}
		if (fds[1].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break;	/* the back end let go: domain gone */
			if (vctl_write_all(STDOUT_FILENO, buf, (size_t)n))
				break;
		}
		if (fds[0].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				/* Input ended (a script): keep showing
				 * output until the console goes. */
				fds[0].fd = -1;
				continue;
			}
			key = memchr(buf, DETACH_KEY, (size_t)n);
			if (key)
				n = key - buf;
			if (n && vctl_write_all(fd, buf, (size_t)n))
				break;
			if (key)
				break;
		}
	}
	restore_tty();
	close(fd);
	if (tty)
		fputc('\n', stdout);
	return rc;
}
