// SPDX-License-Identifier: GPL-2.0
/*
 * blkback - the block back end for one virtual disk of one domU
 * (docs/drivers.md).  vctl create starts one per disk, detached, as
 *
 *	blkback DOMID DEVID
 *
 * after writing the disk's store nodes (backend/vbd/DOMID/DEVID: params,
 * mode, frontend...).  The story of a disk:
 *
 *  1. open the image named by params, read-write or read-only by mode;
 *     publish its size and the features we offer, go to InitWait;
 *  2. when the front end (Linux's xen-blkfront) has published its ring
 *     (ring-ref, event-channel, protocol) and says Initialised: map the
 *     ring page by its grant, bind the channel, go to Connected;
 *  3. at each kick serve the ring (blk_req.c); data moves by grant copy
 *     through /dev/xen/gntdev, so no guest data page stays mapped;
 *  4. front end Closing or Closed: unmap, unbind, follow it; back to
 *     InitWait if it starts again;
 *  5. our backend directory removed (vctl destroy) or the domain gone:
 *     unmap, unbind, close the image, exit.
 *
 * A front end that lies about the ring indices gets this disk
 * disconnected (Closing); nothing else is affected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
/* Our ABI first: the gntdev ioctl header needs domid_t. */
#include <veneer/mgmt.h>
#include <veneer/io/xenbus.h>
#include <xen/sys/gntdev.h>

#include "../common/xendev.h"
#include "../../dom0/vctl/store_client.h"
#include "blk_req.h"

#define SCAN_MS 2000		/* look whether the domain still exists */
#define TURN_BUDGET 32		/* requests per turn before polling again */

static struct {
	struct blk_dev dev;
	char be[96], fe[96];
	int xs;
	int gntdev;
	struct xendev_page ring;
	struct xendev_evtchn ev;
	bool connected;
	int state;		/* ours, as published */
} g = { .xs = -1, .gntdev = -1, .ev = { .fd = -1, .local_port = -1 } };

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "blkback: d%u/%u: ", g.dev.domid, g.dev.devid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Lines a front end can have us write again and again by driving the
 * handshake round (Initialising, Initialised with a bad ring, Closing,
 * ...): each costs it two store writes and us a line in a log on dom0's
 * disk.  The first CHATTER_MAX are written, then one line saying the
 * rest are not; the count is in the exit line.
 */
#define CHATTER_MAX 32
static unsigned long chatter_lines;

static void chatter(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void chatter(const char *fmt, ...)
{
	va_list ap;

	if (chatter_lines++ > CHATTER_MAX)
		return;
	fprintf(stderr, "blkback: d%u/%u: ", g.dev.domid, g.dev.devid);
	if (chatter_lines > CHATTER_MAX) {
		fprintf(stderr, "more than %u handshake lines: the rest are "
			"not logged (counted at exit)\n", CHATTER_MAX);
		return;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A guest's string for a log line: printable ASCII only, at most 32. */
static const char *printable(const char *s, char out[33])
{
	unsigned int i;

	for (i = 0; i < 32 && s[i]; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
	return out;
}

/* --- the data path: grant copy ------------------------------------------ */

static int grant_copy(void *ctx, unsigned int domid, const struct blk_seg *seg,
		      unsigned int n, void *buf, bool to_guest)
{
	static struct ioctl_gntdev_grant_copy_segment cs[BLK_MAX_SEGS];
	struct ioctl_gntdev_grant_copy op = { .count = n, .segments = cs };
	size_t off = 0;
	unsigned int i;

	(void)ctx;
	if (n > BLK_MAX_SEGS)
		return -1;
	memset(cs, 0, sizeof(cs[0]) * n);
	for (i = 0; i < n; i++) {
		void *local = (char *)buf + off;

		if (to_guest) {
			cs[i].source.virt = local;
			cs[i].dest.foreign.ref = seg[i].gref;
			cs[i].dest.foreign.offset = seg[i].offset;
			cs[i].dest.foreign.domid = (uint16_t)domid;
			cs[i].flags = GNTCOPY_dest_gref;
		} else {
			cs[i].source.foreign.ref = seg[i].gref;
			cs[i].source.foreign.offset = seg[i].offset;
			cs[i].source.foreign.domid = (uint16_t)domid;
			cs[i].dest.virt = local;
			cs[i].flags = GNTCOPY_source_gref;
		}
		cs[i].len = seg[i].len;
		off += seg[i].len;
	}
	if (ioctl(g.gntdev, IOCTL_GNTDEV_GRANT_COPY, &op) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (cs[i].status != GNTST_okay)
			return -1;
	return 0;
}

/* --- the store ---------------------------------------------------------- */

static int xs_read_uint(const char *dir, const char *node, unsigned long *out)
{
	char path[160], *v = NULL, *end;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	rc = vctl_xs_read(g.xs, 0, path, &v);
	if (rc)
		return rc;
	errno = 0;
	*out = strtoul(v, &end, 10);
	rc = (errno || end == v || *end) ? -EINVAL : 0;
	free(v);
	return rc;
}

static int be_write(const char *node, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int be_write(const char *node, const char *fmt, ...)
{
	char path[160], val[64];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", g.be, node);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return vctl_xs_write(g.xs, 0, path, val);
}

/*
 * Publish our state, but only while our directory exists: a write after
 * vctl destroy removed it would create it again (a node nobody removes).
 * The check and the write are one transaction.
 */
static void set_state(int state)
{
	char path[160], val[16];
	int rc = -EAGAIN;

	if (g.state == state)
		return;
	g.state = state;
	snprintf(path, sizeof(path), "%s/state", g.be);
	snprintf(val, sizeof(val), "%d", state);
	for (int tries = 0; tries < 8 && rc == -EAGAIN; tries++) {
		char id[160], *v = NULL;
		uint32_t tx;

		rc = vctl_xs_tx_start(g.xs, &tx);
		if (rc)
			break;
		snprintf(id, sizeof(id), "%s/frontend-id", g.be);
		rc = vctl_xs_read(g.xs, tx, id, &v);
		free(v);
		if (!rc)
			rc = vctl_xs_write(g.xs, tx, path, val);
		if (rc) {
			vctl_xs_tx_end(g.xs, tx, false);
			break;
		}
		rc = vctl_xs_tx_end(g.xs, tx, true);
	}
	if (rc && rc != -ENOENT)
		chatter("cannot write state %d: %s", state, strerror(-rc));
}

/* --- connect and disconnect --------------------------------------------- */

static void disconnect(void)
{
	if (g.ev.fd >= 0)
		xendev_evtchn_close(&g.ev);
	if (g.ring.addr || g.ring.gnt_fd >= 0)
		xendev_unmap_page(&g.ring);
	if (g.connected)
		chatter("disconnected after %llu requests (%llu indirect, "
			"%llu refused, %llu failed)",
			(unsigned long long)g.dev.requests,
			(unsigned long long)g.dev.indirect_requests,
			(unsigned long long)g.dev.bad_requests,
			(unsigned long long)g.dev.io_errors);
	g.connected = false;
}

/* The front end published its ring: map it, bind, Connected. */
static void connect_front(void)
{
	unsigned long ref, port, order = 0;
	char path[160], *proto = NULL;
	int rc;

	if (xs_read_uint(g.fe, "ring-ref", &ref) ||
	    xs_read_uint(g.fe, "event-channel", &port) ||
	    ref > UINT32_MAX || port > UINT32_MAX) {
		chatter("front end has no valid ring-ref/event-channel");
		set_state(XenbusStateClosing);
		return;
	}
	/* Absent means 0; we offer no multi-page ring. */
	rc = xs_read_uint(g.fe, "ring-page-order", &order);
	if ((rc && rc != -ENOENT) || order != 0) {
		chatter("front end asks for ring-page-order we did not offer");
		set_state(XenbusStateClosing);
		return;
	}
	snprintf(path, sizeof(path), "%s/protocol", g.fe);
	rc = vctl_xs_read(g.xs, 0, path, &proto);
	if (!rc && strcmp(proto, "x86_64-abi")) {
		char shown[33];

		chatter("front end protocol '%s' is not x86_64-abi",
			printable(proto, shown));
		free(proto);
		set_state(XenbusStateClosing);
		return;
	}
	free(proto);
	if (g.gntdev < 0) {
		chatter("no /dev/xen/gntdev: cannot serve a ring");
		set_state(XenbusStateClosing);
		return;
	}
	rc = xendev_map_grant(&g.ring, g.dev.domid, (uint32_t)ref);
	if (rc) {
		chatter("mapping ring grant %lu: %s", ref, strerror(-rc));
		set_state(XenbusStateClosing);
		return;
	}
	rc = xendev_evtchn_bind(&g.ev, g.dev.domid, (unsigned int)port);
	if (rc) {
		chatter("binding event channel %lu: %s", port, strerror(-rc));
		xendev_unmap_page(&g.ring);
		set_state(XenbusStateClosing);
		return;
	}
	blk_dev_attach(&g.dev, g.ring.addr);
	g.connected = true;
	chatter("connected: ring grant %lu, port %lu", ref, port);
	set_state(XenbusStateConnected);
}

/*
 * Something changed in the store: look at where both sides stand.
 * Return false when our directory is gone (time to go).
 */
static bool store_changed(void)
{
	unsigned long fe_state, dummy;
	int rc;

	/* Ours while it holds our pid: gone (destroy) or another back
	 * end's (the directory made again for a new domain of the same id
	 * before we looked) both mean the disk is no longer ours. */
	rc = xs_read_uint(g.be, "blkback-pid", &dummy);
	if (rc == -ENOENT)
		return false;
	if (!rc && dummy != (unsigned long)getpid()) {
		say("another blkback (pid %lu) serves this directory now",
		    dummy);
		return false;
	}
	rc = xs_read_uint(g.fe, "state", &fe_state);
	if (rc)
		fe_state = XenbusStateUnknown;
	switch (fe_state) {
	case XenbusStateInitialising:
		if (g.state == XenbusStateClosed || g.state == XenbusStateClosing)
			set_state(XenbusStateInitWait);	/* it starts again */
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (!g.connected && g.state == XenbusStateInitWait)
			connect_front();
		break;
	case XenbusStateClosing:
		disconnect();
		set_state(XenbusStateClosing);
		break;
	case XenbusStateClosed:
		disconnect();
		set_state(XenbusStateClosed);
		break;
	default:
		break;
	}
	return true;
}

/* --- setup -------------------------------------------------------------- */

static int open_image(void)
{
	char path[160], *params = NULL, *mode = NULL;
	struct stat st;
	int rc;

	snprintf(path, sizeof(path), "%s/params", g.be);
	rc = vctl_xs_read(g.xs, 0, path, &params);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/mode", g.be);
		rc = vctl_xs_read(g.xs, 0, path, &mode);
	}
	if (rc) {
		say("reading params/mode: %s", strerror(-rc));
		goto out;
	}
	g.dev.disk.readonly = strcmp(mode, "w") != 0;
	/* Not blocking (a FIFO named by mistake would hang us in open) and
	 * no controlling terminal (we lead our session): anything but a
	 * regular file is refused just below. */
	g.dev.fd = open(params, (g.dev.disk.readonly ? O_RDONLY : O_RDWR) |
			O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (g.dev.fd < 0 || fstat(g.dev.fd, &st) < 0) {
		rc = -errno;
		say("%s: %s", params, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		say("%s: not a regular file", params);
		goto out;
	}
	if (fcntl(g.dev.fd, F_SETFL, 0) < 0) {
		rc = -errno;
		say("%s: %s", params, strerror(errno));
		goto out;
	}
	g.dev.disk.sectors = (uint64_t)st.st_size >> BLK_SECTOR_SHIFT;
	g.dev.disk.flush = !g.dev.disk.readonly;
	g.dev.disk.discard = !g.dev.disk.readonly;
	g.dev.disk.max_indirect = BLK_MAX_INDIRECT_SEGS;
	say("%s: %llu sectors, %s", params,
	    (unsigned long long)g.dev.disk.sectors,
	    g.dev.disk.readonly ? "read-only" : "read-write");
out:
	free(params);
	free(mode);
	return rc;
}

/* What xen-blkfront reads at connect; all before InitWait. */
static int publish(void)
{
	int rc = be_write("sectors", "%llu",
			  (unsigned long long)g.dev.disk.sectors);

	if (!rc)
		rc = be_write("info", "%u", g.dev.disk.readonly ?
			      VDISK_READONLY : 0);
	if (!rc)
		rc = be_write("sector-size", "%u", 1u << BLK_SECTOR_SHIFT);
	if (!rc)
		rc = be_write("physical-sector-size", "%u", BLK_PAGE_SIZE);
	if (!rc)
		rc = be_write("feature-flush-cache", "%u", g.dev.disk.flush);
	if (!rc)
		rc = be_write("feature-discard", "%u", g.dev.disk.discard);
	if (!rc && g.dev.disk.discard)
		rc = be_write("discard-granularity", "%u", BLK_PAGE_SIZE);
	if (!rc)
		rc = be_write("discard-alignment", "0");
	if (!rc)
		rc = be_write("feature-max-indirect-segments", "%u",
			      g.dev.disk.max_indirect);
	if (!rc)
		rc = be_write("feature-persistent", "0");
	if (!rc)
		rc = be_write("max-ring-page-order", "0");
	if (!rc)
		rc = be_write("hotplug-status", "connected");
	if (!rc)
		rc = be_write("blkback-pid", "%ld", (long)getpid());
	return rc;
}

/* --- the loop ----------------------------------------------------------- */

static void serve_ring(bool *more)
{
	bool notify;
	int rc = blk_service(&g.dev, TURN_BUDGET, &notify);

	if (notify)
		xendev_evtchn_notify(&g.ev);
	*more = rc == 1;
	if (rc < 0) {
		disconnect();
		set_state(XenbusStateClosing);
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Requests done: neither refused nor failed (a kick's work). */
static uint64_t served(void)
{
	return g.dev.requests - g.dev.bad_requests - g.dev.io_errors;
}

/* Kicks that find nothing to do: bounded (blk_req.h, blk_kicks). */
static struct blk_kicks kicks;

/* Poll timeout: the scan period, or the end of a held window. */
static int poll_timeout(bool more)
{
	return more ? 0 : blk_kicks_timeout(&kicks, now_ms(), SCAN_MS);
}

static void kick_window(bool *more)
{
	if (blk_kicks_tick(&kicks, now_ms()) && g.connected) {
		xendev_evtchn_unmask(&g.ev);
		*more = true;	/* look at the ring once */
	}
}

static int run(void)
{
	bool more = false;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = g.xs, .events = POLLIN },
			{ .fd = g.connected ? g.ev.fd : -1, .events = POLLIN },
		};
		int n = poll(p, 2, poll_timeout(more));
		bool look = false, was_connected = g.connected;

		if (n < 0 && errno != EINTR)
			return -errno;
		kick_window(&more);
		if (n == 0 && !more) {
			if (!kicks.held && xendev_domain_state(g.dev.domid) ==
					   XENDEV_DOM_GONE) {
				say("domain gone");
				return 0;
			}
			continue;
		}
		if (n > 0 && (p[0].revents & (POLLHUP | POLLERR))) {
			say("store connection lost");
			return -EPIPE;
		}
		if (n > 0 && (p[0].revents & POLLIN)) {
			char *path, *token;

			if (vctl_xs_next_event(g.xs, &path, &token))
				return -EPIPE;
			free(path);
			look = true;
		}
		while (vctl_xs_event_kept()) {
			char *path, *token;

			if (vctl_xs_next_event(g.xs, &path, &token))
				return -EPIPE;
			free(path);
			look = true;
		}
		if (look && !store_changed())
			return 0;
		if (g.connected != was_connected) {
			/* A new ring: look at it once; an old one's events
			 * and hold are gone with its channel. */
			blk_kicks_reset(&kicks);
			more = g.connected;
			continue;
		}
		if (g.connected && (more || (n > 0 &&
					     (p[1].revents & POLLIN)))) {
			bool kicked = n > 0 && (p[1].revents & POLLIN) &&
				      xendev_evtchn_ack(&g.ev);
			uint64_t before = served();

			serve_ring(&more);
			if (!kicked || !g.connected)
				continue;
			if (blk_kicks_after_kick(&kicks, served() != before))
				xendev_evtchn_unmask(&g.ev);
			else if (kicks.held_total == 1 && kicks.empty ==
				 BLK_EMPTY_KICKS + 1)
				say("more than %u kicks a second with nothing "
				    "to do: holding its port masked for the "
				    "rest of each such second",
				    BLK_EMPTY_KICKS);
		} else {
			more = false;
		}
	}
}

int main(int argc, char **argv)
{
	char why[160], path[160];
	unsigned long domid, devid;
	char *end;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: blkback DOMID DEVID\n");
		return 2;
	}
	domid = strtoul(argv[1], &end, 10);
	if (*end || !*argv[1] || domid == 0 || domid >= 0x7ff0)
		return fprintf(stderr, "blkback: bad domid\n"), 2;
	devid = strtoul(argv[2], &end, 10);
	if (*end || !*argv[2] || devid > 0xfffffff)
		return fprintf(stderr, "blkback: bad devid\n"), 2;
	signal(SIGPIPE, SIG_IGN);
	g.dev.domid = (unsigned int)domid;
	g.dev.devid = (unsigned int)devid;
	g.dev.fd = -1;
	g.dev.copy = grant_copy;
	snprintf(g.be, sizeof(g.be), "/local/domain/0/backend/vbd/%lu/%lu",
		 domid, devid);
	snprintf(g.fe, sizeof(g.fe), "/local/domain/%lu/device/vbd/%lu",
		 domid, devid);
	g.dev.buf = mmap(NULL, BLK_MAX_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g.dev.buf == MAP_FAILED)
		return 1;
	g.xs = vctl_xs_open(why, sizeof(why));
	if (g.xs < 0) {
		say("%s", why);
		return 1;
	}
	/* Without it no front end can connect (each attempt says so); the
	 * handshake up to there still runs (the host tests use that). */
	g.gntdev = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (g.gntdev < 0)
		say("/dev/xen/gntdev: %s", strerror(errno));
	rc = open_image();
	if (!rc)
		rc = publish();
	if (rc) {
		set_state(XenbusStateClosed);
		return 1;
	}
	set_state(XenbusStateInitWait);
	snprintf(path, sizeof(path), "%s/state", g.fe);
	rc = vctl_xs_watch(g.xs, path, "fe");
	if (!rc)
		rc = vctl_xs_watch(g.xs, g.be, "be");
	if (rc) {
		say("watching the store: %s", strerror(-rc));
		return 1;
	}
	rc = run();
	disconnect();
	close(g.dev.fd);
	if (chatter_lines > CHATTER_MAX)
		say("%lu handshake lines not logged",
		    chatter_lines - CHATTER_MAX);
	say("exiting after %llu requests (%llu indirect, %llu refused, %llu "
	    "failed)", (unsigned long long)g.dev.requests,
	    (unsigned long long)g.dev.indirect_requests,
	    (unsigned long long)g.dev.bad_requests,
	    (unsigned long long)g.dev.io_errors);
	return rc ? 1 : 0;
}
