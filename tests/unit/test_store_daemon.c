// SPDX-License-Identifier: GPL-2.0
/*
 * The store daemon as a process (build/dom0/stored/stored): its Unix
 * socket, its shared-page ring transport with the host stand-ins (a
 * memfd page and an eventfd each way), a connection that breaks the
 * framing, and a load test of many clients and 100 000 operations whose
 * final tree is checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "store_wire.h"
#include "xs_ring.h"

#define LOAD_CLIENTS 8
#define LOAD_OPS 100000
#define LOAD_ITERS 6400	/* per client: about 13 300 operations */
#define RING_DOMID 5

static char sock_path[108];
static pid_t daemon_pid;
static struct store_domain_interface *page;
static int kick_fd, notify_fd;	/* we kick the daemon / it kicks us */

/* --- a minimal client over a socket or the ring ----------------------- */

struct client {
	int fd;			/* socket, or -1 for the ring */
	uint32_t req_id;
};

static int io_write(struct client *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n;

		if (c->fd >= 0) {
			n = write(c->fd, p, len);
		} else {
			uint64_t one = 1, v;

			n = xs_ring_put(page->req, &page->req_cons,
					&page->req_prod, p, len);
			if (write(kick_fd, &one, sizeof(one)) < 0)
				return -1;
			if (n == 0 && read(notify_fd, &v, sizeof(v)) < 0)
				return -1;
		}
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int io_read(struct client *c, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n;

		if (c->fd >= 0) {
			n = read(c->fd, p, len);
			if (n == 0)
				return -1;
		} else {
			uint64_t one = 1, v;

			n = xs_ring_get(page->rsp, &page->rsp_cons,
					&page->rsp_prod, p, len);
			if (n > 0 && write(kick_fd, &one, sizeof(one)) < 0)
				return -1;
			if (n == 0 && read(notify_fd, &v, sizeof(v)) < 0)
				return -1;
		}
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One message in; returns its type, body NUL-terminated in @body. */
static int recv_msg(struct client *c, struct store_msg_hdr *h, char *body)
{
	if (io_read(c, h, sizeof(*h)) < 0 || h->len > STORE_PAYLOAD_MAX ||
	    io_read(c, body, h->len) < 0)
		return -1;
	body[h->len] = '\0';
	return (int)h->type;
}

/* Request and reply, skipping watch events. */
static int call(struct client *c, uint32_t type, uint32_t tx,
		const void *body, size_t len, char *out)
{
	struct store_msg_hdr h = {
		.type = type, .req_id = ++c->req_id, .tx_id = tx,
		.len = (uint32_t)len,
	};

	if (io_write(c, &h, sizeof(h)) < 0 || io_write(c, body, len) < 0)
		return -1;
	do {
		if (recv_msg(c, &h, out) < 0)
			return -1;
	} while (h.type == STORE_WATCH_EVENT);
	return (int)h.type;
}

static int call2(struct client *c, uint32_t type, uint32_t tx,
		 const char *a, const char *b, size_t blen, char *out)
{
	char buf[STORE_PAYLOAD_MAX];
	size_t al = strlen(a) + 1;

	memcpy(buf, a, al);
	memcpy(buf + al, b, blen);
	return call(c, type, tx, buf, al + blen, out);
}

static int sock_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(addr.sun_path, sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* --- daemon start and stop ------------------------------------------- */

static int start_daemon(void **state)
{
	int to_daemon = eventfd(0, 0), to_us = eventfd(0, 0);
	int memfd = memfd_create("store-page", 0);
	char ring[64];
	int i, fd;

	snprintf(sock_path, sizeof(sock_path), "/tmp/stored-test-%d/socket",
		 getpid());
	if (memfd < 0 || ftruncate(memfd, 4096) < 0 || to_daemon < 0 ||
	    to_us < 0)
		return -1;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (page == MAP_FAILED)
		return -1;
	kick_fd = to_daemon;
	notify_fd = to_us;
	snprintf(ring, sizeof(ring), "%d:%d:%d:%d", RING_DOMID, memfd,
		 to_daemon, to_us);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		execl(STORED_BIN, STORED_BIN, "--socket", sock_path,
		      "--host-ring", ring, "--quota-nodes", "50", (char *)NULL);
		_exit(127);
	}
	close(memfd);
	for (i = 0; i < 3000; i++) {
		fd = sock_connect();
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		usleep(10000);
	}
	return -1;
}

static int stop_daemon(void **state)
{
	int status = 0;
	char dir[128];

	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	snprintf(dir, sizeof(dir), "/tmp/stored-test-%d", getpid());
	rmdir(dir);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* --- tests ----------------------------------------------------------- */

static void socket_client_reads_and_writes(void **state)
{
	struct client c = { .fd = sock_connect() };
	char out[STORE_PAYLOAD_MAX + 1];

	assert_true(c.fd >= 0);
	assert_int_equal(call2(&c, STORE_WRITE, 0, "/sock/x", "v", 1, out),
			 STORE_WRITE);
	assert_int_equal(call(&c, STORE_READ, 0, "/sock/x", 8, out),
			 STORE_READ);
	assert_string_equal(out, "v");
	close(c.fd);
}

static void oversize_message_closes_only_that_connection(void **state)
{
	struct client bad = { .fd = sock_connect() };
	struct client good = { .fd = sock_connect() };
	struct store_msg_hdr h = { .type = STORE_WRITE, .len = 100000 };
	char out[STORE_PAYLOAD_MAX + 1];

	assert_true(bad.fd >= 0 && good.fd >= 0);
	assert_int_equal(write(bad.fd, &h, sizeof(h)), sizeof(h));
	/* The daemon hangs up on it ... */
	assert_int_equal(read(bad.fd, out, 1), 0);
	/* ... and serves everyone else. */
	assert_int_equal(call(&good, STORE_READ, 0, "/sock/x", 8, out),
			 STORE_READ);
	close(bad.fd);
	close(good.fd);
}

static void ring_domain_is_served_after_introduce(void **state)
{
	struct client d0 = { .fd = sock_connect() };
	struct client dom = { .fd = -1 };
	char out[STORE_PAYLOAD_MAX + 1];
	struct store_msg_hdr h;

	assert_true(d0.fd >= 0);
	call(&d0, STORE_MKDIR, 0, "/local/domain/5", 16, out);
	assert_int_equal(call2(&d0, STORE_SET_PERMS, 0, "/local/domain/5",
			       "n5", 3, out), STORE_SET_PERMS);
	call2(&d0, STORE_WRITE, 0, "/secret", "s", 1, out);
	call2(&d0, STORE_SET_PERMS, 0, "/secret", "n0", 3, out);
	assert_int_equal(call(&d0, STORE_INTRODUCE, 0, "5\0" "99\0" "3", 7,
			      out), STORE_INTRODUCE);

	/* The guest, over its page: relative paths, perms, watches. */
	assert_int_equal(call2(&dom, STORE_WRITE, 0, "device/vif", "1", 1,
			       out), STORE_WRITE);
	assert_int_equal(call(&dom, STORE_READ, 0, "device/vif", 11, out),
			 STORE_READ);
	assert_string_equal(out, "1");
	assert_int_equal(call(&dom, STORE_READ, 0, "/secret", 8, out),
			 STORE_ERROR);
	assert_string_equal(out, "EACCES");
	assert_int_equal(call(&dom, STORE_WATCH, 0, "control\0tk", 11, out),
			 STORE_WATCH);
	assert_int_equal(recv_msg(&dom, &h, out), STORE_WATCH_EVENT);
	assert_string_equal(out, "control");
	call2(&d0, STORE_WRITE, 0, "/local/domain/5/control/shutdown",
	      "poweroff", 8, out);
	assert_int_equal(recv_msg(&dom, &h, out), STORE_WATCH_EVENT);
	assert_string_equal(out, "control/shutdown");
	assert_string_equal(out + strlen(out) + 1, "tk");
	/* The node quota (50 here) applies to the guest. */
	{
		char path[32];
		int i, t = 0;

		for (i = 0; i < 60 && t != STORE_ERROR; i++) {
			snprintf(path, sizeof(path), "q/n%d", i);
			t = call2(&dom, STORE_WRITE, 0, path, "x", 1, out);
		}
		assert_int_equal(t, STORE_ERROR);
		assert_string_equal(out, "ENOSPC");
	}
	assert_int_equal(call(&d0, STORE_RELEASE, 0, "5", 2, out),
			 STORE_RELEASE);
	close(d0.fd);
}

struct load {
	int id;
	int ops;
	int failures;
};

/* Each client: own keys written, rewritten, read back, some removed, and
 * a shared counter bumped in transactions, retried on EAGAIN. */
static void *load_client(void *arg)
{
	struct load *l = arg;
	struct client c = { .fd = sock_connect() };
	char out[STORE_PAYLOAD_MAX + 1], path[64], val[32];
	int i, n = 0;

	if (c.fd < 0) {
		l->failures++;
		return NULL;
	}
	for (i = 0; i < LOAD_ITERS; i++) {
		int k = i % 500;

		snprintf(path, sizeof(path), "/load/c%d/k%d", l->id, k);
		snprintf(val, sizeof(val), "%d", i);
		if (i % 25 == 24) {
			/* transaction: read counter, write counter + 1 */
			for (;;) {
				uint32_t tx;
				long v;
				int t;

				t = call(&c, STORE_TRANSACTION_START, 0, "", 1,
					 out);
				tx = (uint32_t)strtoul(out, NULL, 10);
				t = call(&c, STORE_READ, tx, "/load/counter",
					 14, out);
				v = t == STORE_READ ? strtol(out, NULL, 10) : 0;
				snprintf(val, sizeof(val), "%ld", v + 1);
				call2(&c, STORE_WRITE, tx, "/load/counter", val,
				      strlen(val), out);
				t = call(&c, STORE_TRANSACTION_END, tx, "T", 2,
					 out);
				n += 4;
				if (t == STORE_TRANSACTION_END)
					break;
				if (t != STORE_ERROR || strcmp(out, "EAGAIN")) {
					l->failures++;
					break;
				}
			}
			continue;
		}
		if (call2(&c, STORE_WRITE, 0, path, val, strlen(val), out) !=
		    STORE_WRITE)
			l->failures++;
		if (call(&c, STORE_READ, 0, path, strlen(path) + 1, out) !=
		    STORE_READ || strcmp(out, val))
			l->failures++;
		n += 2;
	}
	l->ops = n;
	close(c.fd);
	return NULL;
}

static void many_clients_100k_operations_leave_consistent_tree(void **state)
{
	struct load l[LOAD_CLIENTS];
	pthread_t th[LOAD_CLIENTS];
	struct client c = { .fd = sock_connect() };
	char out[STORE_PAYLOAD_MAX + 1], path[64];
	long bumps = 0, total = 0;
	int i, k;

	for (i = 0; i < LOAD_CLIENTS; i++) {
		l[i] = (struct load){ .id = i };
		assert_int_equal(pthread_create(&th[i], NULL, load_client,
						&l[i]), 0);
	}
	for (i = 0; i < LOAD_CLIENTS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(l[i].failures, 0);
		total += l[i].ops;
	}
	assert_true(total >= LOAD_OPS);
	/* Check the final tree: every key holds its last value ... */
	for (i = 0; i < LOAD_CLIENTS; i++) {
		int iters, last[500];

		for (k = 0; k < 500; k++)
			last[k] = -1;
		for (iters = 0; iters < LOAD_ITERS; iters++) {
			if (iters % 25 == 24)
				bumps++;
			else
				last[iters % 500] = iters;
		}
		snprintf(path, sizeof(path), "/load/c%d", i);
		assert_int_equal(call(&c, STORE_DIRECTORY, 0, path,
				      strlen(path) + 1, out), STORE_DIRECTORY);
		for (k = 0; k < 500; k++) {
			if (last[k] < 0)
				continue;
			snprintf(path, sizeof(path), "/load/c%d/k%d", i, k);
			assert_int_equal(call(&c, STORE_READ, 0, path,
					      strlen(path) + 1, out),
					 STORE_READ);
			assert_int_equal(atoi(out), last[k]);
		}
	}
	/* ... and the counter counted every committed transaction once. */
	assert_int_equal(call(&c, STORE_READ, 0, "/load/counter", 14, out),
			 STORE_READ);
	printf("store load: %ld operations from %d clients, counter %s\n",
	       total, LOAD_CLIENTS, out);
	assert_int_equal(atol(out), bumps);
	close(c.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socket_client_reads_and_writes),
		cmocka_unit_test(oversize_message_closes_only_that_connection),
		cmocka_unit_test(ring_domain_is_served_after_introduce),
		cmocka_unit_test(many_clients_100k_operations_leave_consistent_tree),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("store_daemon", tests,
					   start_daemon, stop_daemon);
}
