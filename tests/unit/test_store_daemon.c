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

static char sock_path[108], guest_sock_path[108], domains_path[128];
static pid_t daemon_pid;
static int virq_fd;		/* we raise "VIRQ_DOM_EXC" */
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

static int sock_connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(addr.sun_path, path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int sock_connect(void)
{
	return sock_connect_to(sock_path);
}

/* The hypervisor's domain list, as the daemon's host stand-in reads it. */
static void set_domains(const char *text)
{
	FILE *f = fopen(domains_path, "w");
	uint64_t one = 1;

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(write(virq_fd, &one, sizeof(one)), sizeof(one));
}

/* --- daemon start and stop ------------------------------------------- */

static int start_daemon(void **state)
{
	int to_daemon = eventfd(0, 0), to_us = eventfd(0, 0);
	int memfd = memfd_create("store-page", 0);
	char ring[64], doms[200], guest[140];
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
	virq_fd = eventfd(0, 0);
	snprintf(guest_sock_path, sizeof(guest_sock_path),
		 "/tmp/stored-test-%d/guest9", getpid());
	snprintf(domains_path, sizeof(domains_path),
		 "/tmp/stored-test-%d.domains", getpid());
	snprintf(ring, sizeof(ring), "%d:%d:%d:%d", RING_DOMID, memfd,
		 to_daemon, to_us);
	snprintf(doms, sizeof(doms), "%s:%d", domains_path, virq_fd);
	snprintf(guest, sizeof(guest), "9:%s", guest_sock_path);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		execl(STORED_BIN, STORED_BIN, "--socket", sock_path,
		      "--host-ring", ring, "--quota-nodes", "50",
		      "--host-domains", doms, "--guest-socket", guest,
		      (char *)NULL);
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
	unlink(domains_path);
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

/* Introduce the ring's domain with a home it owns. */
static void introduce_ring_domain(struct client *d0, char *out)
{
	call(d0, STORE_MKDIR, 0, "/local/domain/5", 16, out);
	call2(d0, STORE_SET_PERMS, 0, "/local/domain/5", "n5", 3, out);
	assert_int_equal(call(d0, STORE_INTRODUCE, 0, "5\0" "99\0" "3", 7,
			      out), STORE_INTRODUCE);
}

static void ring_domain_that_dies_is_released_on_dom_exc(void **state)
{
	struct client d0 = { .fd = sock_connect() };
	struct client w = { .fd = sock_connect() };
	struct client dom = { .fd = -1 };
	char out[STORE_PAYLOAD_MAX + 1];
	struct store_msg_hdr h;

	assert_true(d0.fd >= 0 && w.fd >= 0);
	introduce_ring_domain(&d0, out);
	assert_int_equal(call(&dom, STORE_WRITE, 0, "alive\0" "1", 7, out),
			 STORE_WRITE);
	assert_int_equal(call(&w, STORE_WATCH, 0, "@releaseDomain\0r", 17,
			      out), STORE_WATCH);
	assert_int_equal(recv_msg(&w, &h, out), STORE_WATCH_EVENT);
	/* Still running: nothing happens. */
	set_domains("0 running\n5 running\n");
	call(&d0, STORE_IS_DOMAIN_INTRODUCED, 0, "5", 2, out);
	assert_string_equal(out, "T");
	/* Dying: released, and the watcher hears of it. */
	set_domains("0 running\n5 dying\n");
	assert_int_equal(recv_msg(&w, &h, out), STORE_WATCH_EVENT);
	assert_string_equal(out, "@releaseDomain");
	call(&d0, STORE_IS_DOMAIN_INTRODUCED, 0, "5", 2, out);
	assert_string_equal(out, "F");
	/* What it had is dom0's now. */
	assert_int_equal(call(&d0, STORE_GET_PERMS, 0,
			      "/local/domain/5/alive", 22, out),
			 STORE_GET_PERMS);
	assert_string_equal(out, "n0");
	call(&d0, STORE_RM, 0, "/local/domain/5", 16, out);
	close(d0.fd);
	close(w.fd);
}

static void ring_with_bad_indices_is_dropped_and_can_come_back(void **state)
{
	struct client d0 = { .fd = sock_connect() };
	struct client dom = { .fd = -1 };
	char out[STORE_PAYLOAD_MAX + 1];
	uint64_t one = 1;
	int i;

	assert_true(d0.fd >= 0);
	introduce_ring_domain(&d0, out);
	/* A producer index a whole ring and more ahead of the consumer. */
	xs_ring_store(&page->req_prod, page->req_cons + 3 * STORE_RING_SIZE);
	assert_int_equal(write(kick_fd, &one, sizeof(one)), sizeof(one));
	/* The daemon notices (no deadline: it must, or the test hangs). */
	for (i = 0; xs_ring_load(&page->error) != STORE_ERROR_RINGIDX; i++)
		usleep(1000);
	/* Everyone else is still served. */
	assert_int_equal(call2(&d0, STORE_WRITE, 0, "/after-bad-ring", "ok", 2,
			       out), STORE_WRITE);
	call2(&d0, STORE_SET_PERMS, 0, "/after-bad-ring", "r0", 3, out);
	/* Introduced again (as after a reset of the guest): served anew. */
	assert_int_equal(call(&d0, STORE_INTRODUCE, 0, "5\0" "99\0" "3", 7,
			      out), STORE_INTRODUCE);
	assert_int_equal(xs_ring_load(&page->error), STORE_ERROR_NONE);
	assert_int_equal(call(&dom, STORE_READ, 0, "/after-bad-ring", 16, out),
			 STORE_READ);
	assert_string_equal(out, "ok");
	assert_int_equal(call(&d0, STORE_RELEASE, 0, "5", 2, out),
			 STORE_RELEASE);
	close(d0.fd);
}

/* A client of --guest-socket acts as domain 9: only what it may. */
static void guest_socket_client_is_an_unprivileged_domain(void **state)
{
	struct client d0 = { .fd = sock_connect() };
	struct client g = { .fd = sock_connect_to(guest_sock_path) };
	char out[STORE_PAYLOAD_MAX + 1];

	assert_true(d0.fd >= 0 && g.fd >= 0);
	call2(&d0, STORE_WRITE, 0, "/guest9-secret", "s", 1, out);
	assert_int_equal(call(&g, STORE_READ, 0, "/guest9-secret", 15, out),
			 STORE_ERROR);
	assert_string_equal(out, "EACCES");
	assert_int_equal(call(&g, STORE_INTRODUCE, 0, "7\0" "1\0" "3", 6,
			      out), STORE_ERROR);
	assert_string_equal(out, "EACCES");
	call(&d0, STORE_MKDIR, 0, "/local/domain/9", 16, out);
	call2(&d0, STORE_SET_PERMS, 0, "/local/domain/9", "n9", 3, out);
	assert_int_equal(call2(&g, STORE_WRITE, 0, "mine", "1", 1, out),
			 STORE_WRITE);
	close(g.fd);
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
		cmocka_unit_test(ring_domain_that_dies_is_released_on_dom_exc),
		cmocka_unit_test(ring_with_bad_indices_is_dropped_and_can_come_back),
		cmocka_unit_test(guest_socket_client_is_an_unprivileged_domain),
		cmocka_unit_test(many_clients_100k_operations_leave_consistent_tree),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("store_daemon", tests,
					   start_daemon, stop_daemon);
}
