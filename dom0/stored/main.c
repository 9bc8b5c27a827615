// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the store daemon: options, start-up and the poll loop.
 *
 *	stored [--socket PATH] [--dom0-ring]
 *	       [--host-ring DOMID:PAGEFD:KICKFD:NOTIFYFD]...
 *	       [--quota-nodes N] [--quota-watches N] [--quota-txns N]
 *	       [--quota-value-size N] [--quota-perms N] [--verbose]
 *
 * The socket defaults to $XENSTORED_PATH, else /run/xenstored/socket,
 * where Xen's tools look. --dom0-ring also serves dom0's own kernel (run
 * in dom0, the initial domain, with xenfs on /proc/xen).  The daemon runs in the foreground until
 * SIGTERM or SIGINT, then removes its socket.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

#define DEFAULT_SOCKET "/run/xenstored/socket"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stored [--socket PATH] [--dom0-ring] "
		"[--host-ring DOMID:PAGEFD:KICKFD:NOTIFYFD]...\n"
		"              [--quota-nodes N] [--quota-watches N] "
		"[--quota-txns N]\n"
		"              [--quota-value-size N] [--quota-perms N] "
		"[--verbose]\n");
}

static int parse_uint(const char *opt, const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v > 0x7fffffff) {
		fprintf(stderr, "stored: %s: '%s' is not a number\n", opt, s);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

static int parse_host_ring(struct ring_server *rs, const char *arg)
{
	unsigned int v[4];
	char *copy = strdup(arg), *tok, *save = NULL;
	int i = 0, err;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ":", &save); tok && i < 4;
	     tok = strtok_r(NULL, ":", &save))
		if (parse_uint("--host-ring", tok, &v[i++]) < 0)
			break;
	free(copy);
	if (i != 4 || tok) {
		fprintf(stderr, "stored: --host-ring %s: want "
			"DOMID:PAGEFD:KICKFD:NOTIFYFD\n", arg);
		return -1;
	}
	err = ring_server_host_ring(rs, v[0], (int)v[1], (int)v[2],
				    (int)v[3]);
	return err ? -1 : 0;
}

static void run(struct store *s, struct sock_server *ss,
		struct ring_server *rs)
{
	struct pollset ps = { 0 };

	while (!stopping) {
		ps.nr = 0;
		sock_poll_add(ss, &ps);
		ring_poll_add(rs, &ps);
		if (poll(ps.fds, ps.nr, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "stored: poll: %s\n", strerror(errno));
			break;
		}
		ring_handle(rs, &ps);
		sock_handle(ss, &ps);
	}
	free(ps.fds);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "host-ring", required_argument, NULL, 'r' },
		{ "dom0-ring", no_argument, NULL, 'd' },
		{ "quota-nodes", required_argument, NULL, 'N' },
		{ "quota-watches", required_argument, NULL, 'W' },
		{ "quota-txns", required_argument, NULL, 'T' },
		{ "quota-value-size", required_argument, NULL, 'V' },
		{ "quota-perms", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock_path = getenv("XENSTORED_PATH");
	struct store_quota q;
	struct ring_server *rs = NULL;
	struct sock_server *ss = NULL;
	bool dom0_ring = false;
	struct store *s = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	int opt, ret = 1;

	if (!sock_path || !*sock_path)
		sock_path = DEFAULT_SOCKET;
	store_default_quota(&q);
	s = store_new(&q);
	rs = s ? ring_server_new(s) : NULL;
	if (!rs) {
		fprintf(stderr, "stored: out of memory\n");
		goto out;
	}
	while ((opt = getopt_long(argc, argv, "s:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 's': sock_path = optarg; break;
		case 'r':
			if (parse_host_ring(rs, optarg) < 0)
				goto out;
			break;
		case 'N':
			if (parse_uint("--quota-nodes", optarg, &s->quota.nodes))
				goto out;
			break;
		case 'W':
			if (parse_uint("--quota-watches", optarg,
				       &s->quota.watches))
				goto out;
			break;
		case 'T':
			if (parse_uint("--quota-txns", optarg, &s->quota.txns))
				goto out;
			break;
		case 'V':
			if (parse_uint("--quota-value-size", optarg,
				       &s->quota.value_size))
				goto out;
			break;
		case 'P':
			if (parse_uint("--quota-perms", optarg, &s->quota.perms))
				goto out;
			break;
		case 'd': dom0_ring = true; break;
		case 'v': s->verbose = true; break;
		case 'h': usage(stdout); ret = 0; goto out;
		default: usage(stderr); goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stored: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		goto out;
	}
	ss = sock_open(s, sock_path);
	if (!ss)
		goto out;
	if (dom0_ring && ring_server_dom0_ring(rs) < 0)
		goto out;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (s->verbose)
		fprintf(stderr, "stored: listening on %s\n", sock_path);
	run(s, ss, rs);
	ret = 0;
out:
	sock_close(ss);
	ring_server_free(rs);
	store_free(s);
	return ret;
}
