// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the store daemon: options, start-up and the poll loop.
 *
 *	stored [--socket PATH] [--dom0-ring]
 *	       [--host-ring DOMID:PAGEFD:KICKFD:NOTIFYFD]...
 *	       [--host-domains FILE:VIRQFD] [--guest-socket DOMID:PATH]
 *	       [--quota-nodes N] [--quota-watches N] [--quota-txns N]
 *	       [--quota-node-size N] [--quota-perms N] [--quota-path-len N]
 *	       [--quota-txn-nodes N] [--verbose]
 *
 * The socket defaults to $XENSTORED_PATH, else /run/xenstored/socket,
 * where Xen's tools look. --dom0-ring also serves dom0's own kernel (run
 * in dom0, the initial domain, with xenfs on /proc/xen) and, from then
 * on, every domain the toolstack introduces (page by grant, event channel
 * and VIRQ_DOM_EXC through /dev/xen/evtchn).  --host-ring and
 * --host-domains are the host stand-ins the tests use for a guest's ring
 * and for the hypervisor's list of domains; --guest-socket is a second
 * socket whose clients act as an unprivileged domain (tests: the real
 * xenstore tools seeing a guest's view).  The daemon runs in the
 * foreground until SIGTERM or SIGINT, then removes its sockets.
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
		"              [--host-domains FILE:VIRQFD] "
		"[--guest-socket DOMID:PATH]\n"
		"              [--quota-nodes N] [--quota-watches N] "
		"[--quota-txns N]\n"
		"              [--quota-node-size N] [--quota-perms N] "
		"[--quota-path-len N]\n"
		"              [--quota-txn-nodes N] [--verbose]\n");
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

/* DOMID:PATH for --guest-socket. */
static int parse_guest_socket(const char *arg, unsigned int *domid,
			      const char **path)
{
	char id[8];
	const char *colon = strchr(arg, ':');

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(id) ||
	    !colon[1]) {
		fprintf(stderr, "stored: --guest-socket %s: want DOMID:PATH\n",
			arg);
		return -1;
	}
	memcpy(id, arg, (size_t)(colon - arg));
	id[colon - arg] = '\0';
	if (parse_uint("--guest-socket", id, domid) < 0)
		return -1;
	if (*domid == 0 || *domid > STORE_DOMID_SELF_MAX) {
		fprintf(stderr, "stored: --guest-socket: domain %u is not an "
			"unprivileged domain\n", *domid);
		return -1;
	}
	*path = colon + 1;
	return 0;
}

/* FILE:VIRQFD for --host-domains. */
static struct dom_exc *parse_host_domains(struct store *s, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	struct dom_exc *de;
	unsigned int fd;
	char *path;

	if (!colon || colon == arg ||
	    parse_uint("--host-domains", colon + 1, &fd) < 0) {
		fprintf(stderr, "stored: --host-domains %s: want FILE:VIRQFD\n",
			arg);
		return NULL;
	}
	path = strndup(arg, (size_t)(colon - arg));
	if (!path)
		return NULL;
	de = dom_exc_host(s, path, (int)fd);
	free(path);
	return de;
}

static void run(struct store *s, struct sock_server *ss,
		struct sock_server *gs, struct ring_server *rs,
		struct dom_exc *de)
{
	struct pollset ps = { 0 };
	int timeout;

	while (!stopping) {
		ps.nr = 0;
		sock_poll_add(ss, &ps);
		if (gs)
			sock_poll_add(gs, &ps);
		timeout = ring_poll_add(rs, &ps);
		dom_exc_poll_add(de, &ps);
		if (poll(ps.fds, ps.nr, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "stored: poll: %s\n", strerror(errno));
			break;
		}
		ring_handle(rs, &ps);
		sock_handle(ss, &ps);
		if (gs)
			sock_handle(gs, &ps);
		dom_exc_handle(de, &ps);
		ring_after(rs);
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
		{ "quota-node-size", required_argument, NULL, 'V' },
		{ "quota-perms", required_argument, NULL, 'P' },
		{ "quota-path-len", required_argument, NULL, 'L' },
		{ "quota-txn-nodes", required_argument, NULL, 'X' },
		{ "host-domains", required_argument, NULL, 'D' },
		{ "guest-socket", required_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock_path = getenv("XENSTORED_PATH");
	struct store_quota q;
	struct ring_server *rs = NULL;
	struct sock_server *ss = NULL, *gs = NULL;
	struct dom_exc *de = NULL;
	const char *guest_sock = NULL;
	unsigned int guest_domid = 0;
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
			if (parse_uint("--quota-node-size", optarg,
				       &s->quota.node_size))
				goto out;
			break;
		case 'L':
			if (parse_uint("--quota-path-len", optarg,
				       &s->quota.path_len))
				goto out;
			break;
		case 'X':
			if (parse_uint("--quota-txn-nodes", optarg,
				       &s->quota.txn_nodes))
				goto out;
			break;
		case 'D':
			dom_exc_close(de);
			de = parse_host_domains(s, optarg);
			if (!de)
				goto out;
			break;
		case 'g':
			if (parse_guest_socket(optarg, &guest_domid,
					       &guest_sock) < 0)
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
	ss = sock_open(s, sock_path, 0);
	if (!ss)
		goto out;
	if (guest_sock) {
		gs = sock_open(s, guest_sock, guest_domid);
		if (!gs)
			goto out;
	}
	if (dom0_ring) {
		if (ring_server_dom0_ring(rs) < 0)
			goto out;
		if (!de)
			de = dom_exc_open(s);	/* NULL: said why, go on */
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (s->verbose)
		fprintf(stderr, "stored: listening on %s\n", sock_path);
	run(s, ss, gs, rs, de);
	ret = 0;
out:
	dom_exc_close(de);
	sock_close(gs);
	sock_close(ss);
	ring_server_free(rs);
	store_free(s);
	return ret;
}
