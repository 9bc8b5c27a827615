// SPDX-License-Identifier: GPL-2.0
/*
 * io_domexc.c - VIRQ_DOM_EXC: noticing guests that went away.
 *
 * The hypervisor raises VIRQ_DOM_EXC in dom0 when a domain shuts down,
 * crashes or is destroyed.  As Xen's xenstored, we then ask which
 * domains exist and in what state, and let store_check_domains() release
 * the introduced ones that are dying or gone (their watches and
 * transactions with them), fire @releaseDomain, and forget domains only
 * named in permissions.
 *
 * In dom0 the VIRQ is bound through /dev/xen/evtchn: Veneer's
 * evtchn_bind_virq() lets any domain bind a global VIRQ on vCPU 0, and
 * domain_destroy() raises VIRQ_DOM_EXC in dom0 only, after the domain is
 * gone, so a dom0 user process can bind it, as on Xen.  The domains are
 * listed with our management hypercall (VENEER_MGMT_getdomaininfolist)
 * through privcmd.  Without either, guests are still served, and one
 * that dies unreleased keeps its connection until the toolstack sends
 * XS_RELEASE (said once on stderr).
 *
 * On the host, for tests, --host-domains FILE:VIRQFD stands in for both:
 * the domain list is a file of "DOMID STATE" lines (running, shutdown,
 * dying; a domain not listed is gone), read when the test writes to the
 * VIRQFD eventfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
/* Our ABI first: Linux's /dev/xen ioctl headers (libxen-dev) need its
 * domid_t and xen_pfn_t. */
#include <veneer/mgmt.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/privcmd.h>

#include "io.h"

struct dom_exc {
	struct store *s;
	int virq_fd;		/* /dev/xen/evtchn bound to the VIRQ, or the
				 * host eventfd */
	int virq_port;		/* its local port; -1 for the eventfd */
	int privcmd_fd;		/* for the management hypercall */
	bool list_failed;	/* said once that it cannot list domains */
	char *host_domains;	/* --host-domains FILE */
	uint8_t *states;	/* enum domain_state by domid, per check */
};

static struct dom_exc *dom_exc_alloc(struct store *s)
{
	struct dom_exc *de = calloc(1, sizeof(*de));

	if (!de)
		return NULL;
	de->s = s;
	de->virq_fd = de->privcmd_fd = de->virq_port = -1;
	de->states = malloc(0x10000);
	if (!de->states) {
		free(de);
		return NULL;
	}
	return de;
}

/**
 * dom_exc_open() - bind VIRQ_DOM_EXC in dom0
 * @s: the store
 *
 * Return: the watcher, or NULL (the reason on stderr).
 */
struct dom_exc *dom_exc_open(struct store *s)
{
	struct ioctl_evtchn_bind_virq bind = { .virq = VIRQ_DOM_EXC };
	struct dom_exc *de = dom_exc_alloc(s);

	if (!de)
		return NULL;
	de->virq_fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	de->virq_port = de->virq_fd < 0 ? -1 :
			ioctl(de->virq_fd, IOCTL_EVTCHN_BIND_VIRQ, &bind);
	if (de->virq_port < 0) {
		fprintf(stderr, "stored: bind VIRQ_DOM_EXC: %s (domains that "
			"die unreleased will not be noticed)\n",
			strerror(errno));
		dom_exc_close(de);
		return NULL;
	}
	de->privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (de->privcmd_fd < 0)
		fprintf(stderr, "stored: /dev/xen/privcmd: %s\n",
			strerror(errno));
	return de;
}

/**
 * dom_exc_host() - the host stand-in
 * @s: the store
 * @path: a file of "DOMID STATE" lines
 * @virq_fd: an eventfd the test writes to after changing the file
 */
struct dom_exc *dom_exc_host(struct store *s, const char *path, int virq_fd)
{
	struct dom_exc *de = dom_exc_alloc(s);

	if (!de)
		return NULL;
	de->host_domains = strdup(path);
	if (!de->host_domains) {
		dom_exc_close(de);
		return NULL;
	}
	de->virq_fd = virq_fd;
	return de;
}

void dom_exc_close(struct dom_exc *de)
{
	if (!de)
		return;
	if (de->virq_fd >= 0)
		close(de->virq_fd);
	if (de->privcmd_fd >= 0)
		close(de->privcmd_fd);
	free(de->host_domains);
	free(de->states);
	free(de);
}

/* Ask the hypervisor for every domain's state (management hypercall). */
static int states_from_hypervisor(struct dom_exc *de)
{
	static struct veneer_domaininfo info[64];
	static struct veneer_mgmt m;
	privcmd_hypercall_t call = {
		.op = __HYPERVISOR_veneer_mgmt,
		.arg[0] = (uint64_t)(uintptr_t)&m,
	};
	unsigned int first = 0, i;

	if (de->privcmd_fd < 0)
		return -ENODEV;
	/* The hypervisor reads these through our page tables: keep them in
	 * memory while it does. */
	mlock(&m, sizeof(m));
	mlock(info, sizeof(info));
	for (;;) {
		memset(&m, 0, sizeof(m));
		memset(info, 0, sizeof(info));
		m.cmd = VENEER_MGMT_getdomaininfolist;
		m.version = VENEER_MGMT_VERSION;
		m.u.list.first_domid = (domid_t)first;
		m.u.list.max_domains = 64;
		m.u.list.buffer = (uint64_t)(uintptr_t)info;
		if (ioctl(de->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &call) < 0)
			return -errno;
		if (m.u.list.nr_domains > 64)
			return -EIO;
		for (i = 0; i < m.u.list.nr_domains; i++) {
			uint32_t f = info[i].flags;
			unsigned int id = info[i].domid;

			if (id < first)
				return -EIO;
			de->states[id] = f & VENEER_DOMINF_dying ? DOMAIN_DYING :
					 f & (VENEER_DOMINF_shutdown |
					      VENEER_DOMINF_crashed) ?
					 DOMAIN_SHUTDOWN : DOMAIN_RUNNING;
			first = id + 1;
		}
		if (m.u.list.nr_domains < 64 || first > 0xffff)
			return 0;
	}
}

/* The host stand-in: "DOMID STATE" lines in a file. */
static int states_from_file(struct dom_exc *de)
{
	FILE *f = fopen(de->host_domains, "r");
	char state[16];
	unsigned int id;

	if (!f)
		return -errno;
	while (fscanf(f, "%u %15s", &id, state) == 2) {
		if (id > 0xffff)
			continue;
		de->states[id] = !strcmp(state, "dying") ? DOMAIN_DYING :
				 !strcmp(state, "shutdown") ? DOMAIN_SHUTDOWN :
				 DOMAIN_RUNNING;
	}
	fclose(f);
	return 0;
}

static enum domain_state state_of(void *priv, unsigned int domid)
{
	struct dom_exc *de = priv;

	return domid <= 0xffff ? de->states[domid] : DOMAIN_GONE;
}

static void check_domains(struct dom_exc *de)
{
	struct domain *d;
	int err;

	/* Only domains the store knows matter (boot-time guests it never
	 * heard of come and go without it asking). */
	for (d = de->s->domains; d && d->domid == 0; d = d->next)
		;
	if (!d)
		return;

	memset(de->states, DOMAIN_GONE, 0x10000);
	err = de->host_domains ? states_from_file(de)
			       : states_from_hypervisor(de);
	if (err) {
		/* Not knowing is not "gone": keep everyone. */
		if (!de->list_failed)
			fprintf(stderr, "stored: cannot list domains: %s "
				"(relying on XS_RELEASE)\n", strerror(-err));
		de->list_failed = true;
		return;
	}
	de->states[0] = DOMAIN_RUNNING;
	store_check_domains(de->s, state_of, de);
}

static void virq_ack(struct dom_exc *de)
{
	uint32_t port;
	uint64_t v;

	if (de->virq_port < 0) {
		if (read(de->virq_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			fprintf(stderr, "stored: virq: %s\n", strerror(errno));
		return;
	}
	while (read(de->virq_fd, &port, sizeof(port)) == sizeof(port))
		if (write(de->virq_fd, &port, sizeof(port)) != sizeof(port))
			fprintf(stderr, "stored: unmask port %u: %s\n", port,
				strerror(errno));
}

void dom_exc_poll_add(struct dom_exc *de, struct pollset *ps)
{
	if (de)
		pollset_add(ps, de->virq_fd, POLLIN);
}

void dom_exc_handle(struct dom_exc *de, const struct pollset *ps)
{
	unsigned int i;

	if (!de)
		return;
	for (i = 0; i < ps->nr; i++) {
		if (ps->fds[i].fd == de->virq_fd &&
		    (ps->fds[i].revents & POLLIN)) {
			virq_ack(de);
			check_domains(de);
			return;
		}
	}
}
