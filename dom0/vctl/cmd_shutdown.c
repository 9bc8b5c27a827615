// SPDX-License-Identifier: GPL-2.0
/*
 * vctl shutdown [-w] DOMAIN, vctl reboot [-w] DOMAIN: ask a guest to
 * power off or reboot itself, as xl does for a PV guest: write
 * "poweroff" or "reboot" to /local/domain/<id>/control/shutdown, which
 * Linux's xenbus shutdown watcher (drivers/xen/manage.c) reads, clears
 * and acts on with an orderly shutdown.  What happens to the domain
 * after it has shut down is its on_poweroff/on_reboot policy, applied by
 * the monitor (cmd_monitor.c).
 *
 * Refused, one line each: dom0; a domain without the node (no store
 * connection: a boot-time domU, or one vctl did not create); a guest
 * that has not announced the request it would get (Linux writes
 * control/feature-poweroff and feature-reboot = 1 when its watcher is
 * up; a PV test kernel without xenbus never does, and nothing would
 * read the request: xl says such a guest has no PV drivers); a domain
 * shut down or dying already.
 *
 * -w waits until the domain has shut down (or is gone); for reboot,
 * when its policy is on_reboot=restart, until the new domain of the
 * same name exists too.  Exit status as xl: 0 once the request is
 * written (and, with -w, the wait is over), 1 when it fails, 2 for a
 * bad command line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "opts.h"
#include "store_client.h"

#include <veneer/sched.h>

/* How long reboot -w waits for the monitor to bring the domain back. */
#define RESTART_WAIT_S 180

struct request {
	const char *verb;     /* "shutdown" or "reboot" */
	const char *command;  /* what control/shutdown gets */
	const char *feature;  /* control/feature-... that says it is read */
	bool wait;
	domid_t domid;
	char name[VCTL_NAME_MAX + 2];
	char who[96];
};

static uint64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

/* 1 shut down (flags, reason filled), 0 still running, -1 gone. */
static int domain_state(domid_t domid, uint32_t *reason)
{
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	int err, rc;

	if (!m)
		return 0; /* printed; try again next time */
	err = vctl_mgmt(m, VENEER_MGMT_getdomaininfo, domid);
	if (err == -ESRCH || err == -ENOENT)
		rc = -1;
	else if (err)
		rc = 0;
	else if (m->u.info.flags & VENEER_DOMINF_dying)
		rc = -1;
	else if (m->u.info.flags & VENEER_DOMINF_shutdown) {
		*reason = m->u.info.shutdown_reason;
		rc = 1;
	} else
		rc = 0;
	vctl_hc_free(m, sizeof(*m));
	return rc;
}

/* Wait on @releaseDomain (and look every second in case an event was
 * lost) until the domain has shut down or is gone. */
static void wait_down(struct request *r, int xs)
{
	uint32_t reason = 0;
	int st;

	while (!(st = domain_state(r->domid, &reason))) {
		char *path, *token;
		int err = vctl_xs_wait_event(xs, 1000, &path, &token);

		if (!err)
			free(path);
		else if (err != -ETIMEDOUT)
			sleep(1); /* the store went away: poll the hypervisor */
	}
	if (st < 0)
		printf("Domain %s (id %u) has been destroyed\n", r->name,
		       r->domid);
	else
		printf("Domain %s (id %u) has been shut down, reason %s\n",
		       r->name, r->domid, vctl_shutdown_reason(reason));
	fflush(stdout);
}

/* on_reboot of the configuration the domain was created from (the
 * saved copy), or -1 without one. */
static int reboot_policy(const char *name)
{
	struct vctl_config cfg;
	char path[160], err[256];
	int rc;

	vctl_saved_config_path(name, path, sizeof(path));
	if (vctl_config_load(path, &cfg, err, sizeof(err)))
		return -1;
	rc = (int)cfg.on_reboot;
	vctl_config_free(&cfg);
	return rc;
}

/* reboot -w under on_reboot=restart: the old domain is gone (the
 * monitor destroyed it) and another of the same name exists. */
static int wait_restarted(struct request *r)
{
	uint64_t until = now_s() + RESTART_WAIT_S;
	uint32_t reason;
	domid_t id;

	for (;;) {
		if (domain_state(r->domid, &reason) < 0 &&
		    !vctl_name_lookup(r->name, &id) && id != r->domid) {
			printf("Domain %s restarted (id %u)\n", r->name, id);
			return 0;
		}
		if (now_s() >= until)
			return vctl_err(r->who, "not restarted within %d s "
					"(is `vctl monitor` running? its log: "
					"/run/veneer-monitor.log)",
					RESTART_WAIT_S);
		sleep(1);
	}
}

/* The guest must have the node and have said it reads requests. */
static int check_guest(struct request *r, int xs)
{
	char path[96];
	char *v = NULL;
	bool ok;
	int err;

	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
		 r->domid);
	err = vctl_xs_read(xs, 0, path, &v);
	free(v);
	if (err == -ENOENT || err == -EACCES)
		return vctl_err(r->who, "no store connection (no %s): not a "
				"domain vctl created, e.g. a boot-time domU; "
				"'vctl destroy' ends it", path);
	if (err)
		return vctl_err(r->who, "the store: reading %s: %s", path,
				strerror(-err));
	snprintf(path, sizeof(path), "/local/domain/%u/control/feature-%s",
		 r->domid, r->feature);
	v = NULL;
	err = vctl_xs_read(xs, 0, path, &v);
	ok = !err && !strcmp(v, "1");
	free(v);
	if (!ok)
		return vctl_err(r->who, "the guest has no PV drivers to act "
				"on it (control/feature-%s is not 1: a kernel "
				"without xenbus, or one still booting); "
				"'vctl destroy' ends it", r->feature);
	return 0;
}

static int request_shutdown(struct request *r, int argc, char **argv)
{
	struct veneer_domaininfo info;
	const char *dom = NULL;
	char why[256], path[96];
	int xs, err, policy = -1, rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-w"))
			r->wait = true;
		else if (argv[i][0] == '-' || dom)
			return vctl_usage(vctl_find_verb(r->verb));
		else
			dom = argv[i];
	}
	if (!dom)
		return vctl_usage(vctl_find_verb(r->verb));
	rc = vctl_domain_arg(r->verb, dom, &r->domid);
	if (rc)
		return rc;
	vctl_domain_name(r->domid, r->name, sizeof(r->name));
	snprintf(r->who, sizeof(r->who), "%s: %s", r->verb, r->name);
	if (r->domid == 0)
		return vctl_err(r->who, "dom0 cannot be %s from vctl (run "
				"'%s' in dom0)", !strcmp(r->verb, "reboot") ?
				"rebooted" : "shut down", r->command);
	if (vctl_domain_info(r->who, r->domid, &info))
		return 1;
	if (info.flags & VENEER_DOMINF_dying)
		return vctl_err(r->who, "being destroyed already");
	if (info.flags & VENEER_DOMINF_shutdown)
		return vctl_err(r->who, "shut down already (reason %s)",
				vctl_shutdown_reason(info.shutdown_reason));
	xs = vctl_xs_open(why, sizeof(why));
	if (xs < 0)
		return vctl_err(r->who, "%s", why);
	rc = 1;
	if (check_guest(r, xs))
		goto out;
	if (r->wait) {
		err = vctl_xs_watch(xs, "@releaseDomain", "vctl-wait");
		if (err) {
			vctl_err(r->who, "the store: watching @releaseDomain: "
				 "%s", strerror(-err));
			goto out;
		}
		if (!strcmp(r->verb, "reboot"))
			policy = reboot_policy(r->name);
	}
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
		 r->domid);
	err = vctl_xs_write(xs, 0, path, r->command);
	if (err) {
		vctl_err(r->who, "the store: writing %s: %s", path,
			 strerror(-err));
		goto out;
	}
	printf("%s domain %s (id %u)\n", !strcmp(r->verb, "reboot") ?
	       "Rebooting" : "Shutting down", r->name, r->domid);
	fflush(stdout);
	rc = 0;
	if (!r->wait)
		goto out;
	wait_down(r, xs);
	if (policy == VCTL_ACTION_RESTART) {
		uint32_t reason = SHUTDOWN_reboot;

		/* Restarted only if it went down for a reboot. */
		if (domain_state(r->domid, &reason) < 0 ||
		    reason == SHUTDOWN_reboot)
			rc = wait_restarted(r);
	}
out:
	close(xs);
	return rc;
}

int cmd_shutdown(int argc, char **argv)
{
	struct request r = {
		.verb = "shutdown", .command = "poweroff",
		.feature = "poweroff",
	};

	return request_shutdown(&r, argc, argv);
}

int cmd_reboot(int argc, char **argv)
{
	struct request r = {
		.verb = "reboot", .command = "reboot", .feature = "reboot",
	};

	return request_shutdown(&r, argc, argv);
}
