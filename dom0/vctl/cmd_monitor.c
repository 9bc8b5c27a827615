// SPDX-License-Identifier: GPL-2.0
/*
 * vctl monitor [--log FILE]: dom0's domain monitor.  It applies the
 * restart policies of the domains vctl created: when one shuts down,
 * on_poweroff, on_reboot or on_crash of the configuration it was created
 * from (the copy create keeps as VCTL_RUN_DIR/<name>.cfg) says what
 * happens to it:
 *
 *   destroy   destroy it and forget it, as `vctl destroy` does
 *   restart   destroy it, then create it again from the saved
 *             configuration, under the same name (a new id)
 *   preserve  leave it shut down until `vctl destroy`
 *
 * Reasons: poweroff -> on_poweroff, reboot -> on_reboot, crash and
 * watchdog -> on_crash; suspend and soft_reset are left alone (logged).
 *
 * Why a vctl verb and not a program of its own: a restart is a create,
 * and a destroy is vctl's destroy (consoled, the store nodes, the name
 * and configuration files); one binary keeps one implementation of
 * each, and dom0's initramfs carries nothing more.  dom0's init starts
 * it in the background, after stored and consoled.
 *
 * How it notices: a watch on @releaseDomain, which stored fires when a
 * domain it serves shuts down or dies (VIRQ_DOM_EXC), and a look every
 * few seconds besides, so that a lost event or a store that restarts
 * costs only a delay.  Each look lists the domains; those shut down and
 * not yet handled are handled once.  A domain that is not vctl's (no
 * name file: dom0, a boot-time domU) is never touched.
 *
 * Restarts are rate limited (restart_limit.h: at most VCTL_RESTART_MAX
 * of one name per VCTL_RESTART_WINDOW_MS); past that the domain is left
 * shut down and the log says why, so a guest that crashes at once is not
 * rebuilt forever.  Everything it does is one timestamped line in its
 * log (stdout; --log appends to FILE instead, and create's own messages
 * go there too).  Only one monitor runs: a second one is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "opts.h"
#include "restart_limit.h"
#include "store_client.h"

#include <veneer/sched.h>

#define LOOK_EVERY_MS 5000
#define LOCK_PATH VCTL_RUN_DIR "/monitor.lock"

/* Domains shut down and already handled (preserved, left alone). */
static uint8_t handled[DOMID_FIRST_RESERVED / 8 + 1];
static struct vctl_restart_limit limit;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void mlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mlog(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	printf("[%5lu.%03lu] monitor: ", (unsigned long)ts.tv_sec,
	       (unsigned long)(ts.tv_nsec / 1000000));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static bool is_handled(domid_t id)
{
	return handled[id / 8] & (1u << (id % 8));
}

static void set_handled(domid_t id, bool on)
{
	if (on)
		handled[id / 8] |= (uint8_t)(1u << (id % 8));
	else
		handled[id / 8] &= (uint8_t)~(1u << (id % 8));
}

/* Destroy domid and forget it; 0, or -1 (logged). */
static int destroy(domid_t domid, const char *name)
{
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	int err;

	if (!m) {
		mlog("%s (id %u): no memory for the destroy call", name,
		     domid);
		set_handled(domid, true);
		return -1;
	}
	vctl_console_del(domid); /* first, as cmd_pause.c says */
	err = vctl_mgmt(m, VENEER_MGMT_destroydomain, domid);
	vctl_hc_free(m, sizeof(*m));
	if (err) {
		/* -EINVAL: destroyed by someone else meanwhile. */
		mlog("%s (id %u): destroy failed: %s; left as it is", name,
		     domid, strerror(-err));
		set_handled(domid, true);
		return -1;
	}
	vctl_domain_forget(domid);
	return 0;
}

/*
 * A destroyed domain's memory comes back once its last reference goes,
 * a little after the destroy: wait (a few seconds at most) until there is
 * room for the new one, or create would find too little.
 */
static void wait_for_memory(uint64_t memory_mib)
{
	struct veneer_mgmt_physinfo phys;
	uint64_t pages = memory_mib << (20 - 12);

	for (int i = 0; i < 20; i++) {
		if (vctl_physinfo("monitor", &phys) || phys.free_pages >= pages)
			return;
		usleep(250 * 1000);
	}
}

static void restart(domid_t domid, const char *name, const char *text,
		    size_t len, const char *path, uint64_t memory_mib)
{
	domid_t id;

	if (!vctl_restart_allowed(&limit, name, now_ms())) {
		mlog("%s (id %u): restarted %u times in %llu s: not again; "
		     "left shut down ('vctl destroy %s' removes it)", name,
		     domid, VCTL_RESTART_MAX,
		     (unsigned long long)(VCTL_RESTART_WINDOW_MS / 1000),
		     name);
		set_handled(domid, true);
		return;
	}
	if (destroy(domid, name))
		return;
	mlog("%s (id %u): destroyed; creating it again from %s", name, domid,
	     path);
	wait_for_memory(memory_mib);
	if (vctl_create_from_text(text, len, path, &id))
		mlog("%s: restart failed (create's message above); it is gone",
		     name);
	else
		mlog("%s: restarted as id %u", name, id);
}

static enum vctl_action action_of(const struct vctl_config *cfg,
				  uint32_t reason, const char **key)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		*key = "on_poweroff";
		return cfg->on_poweroff;
	case SHUTDOWN_reboot:
		*key = "on_reboot";
		return cfg->on_reboot;
	case SHUTDOWN_crash:
	case SHUTDOWN_watchdog:
		*key = "on_crash";
		return cfg->on_crash;
	default:
		*key = "no policy for this reason";
		return VCTL_ACTION_PRESERVE;
	}
}

/* A domain vctl created has shut down: apply its policy. */
static void handle(const struct veneer_domaininfo *d)
{
	char name[VCTL_NAME_MAX + 2], path[160], err[256];
	struct vctl_config cfg;
	const char *key;
	enum vctl_action act;
	char *text = NULL;
	size_t len = 0;
	domid_t domid = d->domid;
	uint32_t reason = d->shutdown_reason;
	uint64_t memory_mib;

	if (vctl_name_get(domid, name, sizeof(name))) {
		mlog("domain %u shut down (%s): not created by vctl; left "
		     "alone", domid, vctl_shutdown_reason(reason));
		set_handled(domid, true);
		return;
	}
	vctl_saved_config_path(name, path, sizeof(path));
	if (vctl_config_read(path, &text, &len, err, sizeof(err)) ||
	    vctl_config_parse(text, len, path, &cfg, err, sizeof(err))) {
		mlog("%s (id %u) shut down (%s); no usable saved "
		     "configuration (%s): left shut down", name, domid,
		     vctl_shutdown_reason(reason), err);
		free(text);
		set_handled(domid, true);
		return;
	}
	act = action_of(&cfg, reason, &key);
	memory_mib = cfg.memory_mib;
	vctl_config_free(&cfg);
	mlog("%s (id %u) shut down (%s): %s = %s", name, domid,
	     vctl_shutdown_reason(reason), key, vctl_action_name(act));
	switch (act) {
	case VCTL_ACTION_DESTROY:
		if (!destroy(domid, name))
			mlog("%s (id %u): destroyed", name, domid);
		break;
	case VCTL_ACTION_RESTART:
		restart(domid, name, text, len, path, memory_mib);
		break;
	case VCTL_ACTION_PRESERVE:
		mlog("%s (id %u): left shut down ('vctl destroy %s' removes "
		     "it)", name, domid, name);
		set_handled(domid, true);
		break;
	}
	free(text);
}

/* One look at every domain. */
static void look(void)
{
	static uint8_t live[sizeof(handled)];
	struct veneer_domaininfo *d = NULL;
	size_t nr = 0;

	if (vctl_domain_list("monitor", &d, &nr)) {
		mlog("listing the domains failed (above); trying again later");
		return;
	}
	memset(live, 0, sizeof(live));
	for (size_t i = 0; i < nr; i++) {
		domid_t id = d[i].domid;
		uint32_t f = d[i].flags;

		if (id == 0 || id >= DOMID_FIRST_RESERVED)
			continue;
		if (!(f & VENEER_DOMINF_shutdown) || (f & VENEER_DOMINF_dying))
			continue;
		live[id / 8] |= (uint8_t)(1u << (id % 8));
		if (!is_handled(id))
			handle(&d[i]);
	}
	/* Forget what is no longer shut down: ids come back. */
	for (size_t i = 0; i < sizeof(handled); i++)
		handled[i] &= live[i];
	free(d);
}

/* Only one monitor: an exclusive lock held while it runs. */
static int take_lock(void)
{
	int fd;

	mkdir("/run", 0755);
	mkdir("/var", 0755);
	mkdir("/var/run", 0755);
	mkdir(VCTL_RUN_DIR, 0755);
	fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return vctl_err("monitor", "%s: %s", LOCK_PATH,
				strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB))
		return vctl_err("monitor", "%s", errno == EWOULDBLOCK ?
				"another monitor runs already" :
				strerror(errno));
	return 0; /* fd stays open: the lock lives with the process */
}

int cmd_monitor(int argc, char **argv)
{
	bool store_down_said = false;
	char why[256];
	int xs = -1;

	if (argc == 3 && !strcmp(argv[1], "--log")) {
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND |
			      O_CLOEXEC, 0644);

		if (fd < 0)
			return vctl_err("monitor", "%s: %s", argv[2],
					strerror(errno));
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	} else if (argc != 1) {
		return vctl_usage(vctl_find_verb("monitor"));
	}
	if (take_lock())
		return 1;
	/* A store that closes its socket must not kill the monitor. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	mlog("started (pid %d); restarts: at most %u per %llu s per name",
	     (int)getpid(), VCTL_RESTART_MAX,
	     (unsigned long long)(VCTL_RESTART_WINDOW_MS / 1000));
	for (;;) {
		char *path, *token;
		int err;

		if (xs < 0) {
			xs = vctl_xs_open(why, sizeof(why));
			if (xs >= 0 && (err = vctl_xs_watch(xs,
					"@releaseDomain", "vctl-monitor"))) {
				mlog("watching @releaseDomain: %s",
				     strerror(-err));
				close(xs);
				xs = -1;
			}
			if (xs < 0 && !store_down_said) {
				mlog("no store yet (%s); looking every %d s "
				     "meanwhile", why, LOOK_EVERY_MS / 1000);
				store_down_said = true;
			} else if (xs >= 0) {
				mlog("watching @releaseDomain");
				store_down_said = false;
			}
		}
		look();
		if (xs < 0) {
			usleep(LOOK_EVERY_MS * 1000);
			continue;
		}
		err = vctl_xs_wait_event(xs, LOOK_EVERY_MS, &path, &token);
		if (!err) {
			free(path);
		} else if (err != -ETIMEDOUT) {
			mlog("the store connection failed: %s; reconnecting",
			     strerror(-err));
			close(xs);
			xs = -1;
			sleep(1);
		}
	}
}
