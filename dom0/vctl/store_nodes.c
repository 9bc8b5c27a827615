// SPDX-License-Identifier: GPL-2.0
/*
 * The store nodes of a domain vctl creates, as Xen's toolstack (libxl)
 * writes them, so that Linux's xenbus, xen-balloon and shutdown watcher
 * work unmodified (docs/vctl.md, "The store"):
 *
 *   /local/domain/<id>                 owner dom0, the domain reads
 *     name, domid, vm                  read-only for the domain
 *     memory/target, memory/static-max KiB, read-only
 *     cpu/<n>/availability             "online", read-only
 *     store/port, store/ring-ref       its store ring (read-only)
 *     console/port, console/ring-ref   its console ring (read-only)
 *     device/                          read-only (front ends go below)
 *     control/                         read-only, but shutdown, sysrq and
 *                                      feature-* owned by the domain
 *                                      (Linux writes and clears them)
 *     data/                            owned by the domain
 *   /vm/<uuid>                         name, uuid; the domain reads
 *
 * and for each disk (vctl_store_add_disk), as libxl does for a vbd:
 *
 *   /local/domain/0/backend/vbd/<id>/<devid>   owner dom0, the domain reads
 *     frontend, frontend-id, params, mode, dev, type, online, removable,
 *     bootable, device-type, state (1); the back end adds the rest
 *   /local/domain/<id>/device/vbd/<devid>      owned by the domain, dom0
 *     backend, backend-id, virtual-device,     reads
 *     device-type, state (1)
 *
 * A stale introduction of the id is released first; then all are
 * written in one transaction, and XS_INTRODUCE tells the store to serve
 * the domain's ring (and fires @introduceDomain).  Destroy
 * removes both trees; the store itself releases a dying domain.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "store_client.h"
#include "store_nodes.h"

#define TX_TRIES 8

static void new_uuid(char out[37])
{
	uint8_t u[16];

	if (getrandom(u, sizeof(u), 0) != sizeof(u)) {
		/* getrandom cannot fail for 16 bytes once the pool is up. */
		for (size_t i = 0; i < sizeof(u); i++)
			u[i] = (uint8_t)rand();
	}
	u[6] = (u[6] & 0x0f) | 0x40; /* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
		 u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
}

struct writer {
	int fd;
	uint32_t tx;
	int err;
	char what[256];
};

/* Write base/rel = value (value NULL: a directory) with perms. */
static void put(struct writer *w, const char *base, const char *rel,
		const char *value, const char *perm0, const char *perm1)
{
	char path[256];
	int rc;

	if (w->err)
		return;
	snprintf(path, sizeof(path), "%s%s%s", base, *rel ? "/" : "", rel);
	rc = value ? vctl_xs_write(w->fd, w->tx, path, value) :
		     vctl_xs_mkdir(w->fd, w->tx, path);
	if (!rc && perm0)
		rc = vctl_xs_set_perms(w->fd, w->tx, path, perm0, perm1);
	if (rc) {
		w->err = rc;
		snprintf(w->what, sizeof(w->what), "%s", path);
	}
}

static void write_nodes(struct writer *w, const struct vctl_dom_store *d,
			const char *uuid)
{
	char dom[64], vm[64], num[32], ro[16], rw[16], rel[64];
	static const char *const control_rw[] = {
		"shutdown", "sysrq", "feature-poweroff", "feature-reboot",
		"feature-suspend", "feature-s3", "feature-s4",
	};

	snprintf(dom, sizeof(dom), "/local/domain/%u", d->domid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	snprintf(ro, sizeof(ro), "r%u", d->domid);
	snprintf(rw, sizeof(rw), "n%u", d->domid);

	/* Nothing of an earlier domain with this id may stay (a tree left
	 * by a toolstack that died before it cleaned up). */
	if (!w->err) {
		int rc = vctl_xs_rm(w->fd, w->tx, dom);

		if (rc && rc != -ENOENT) {
			w->err = rc;
			snprintf(w->what, sizeof(w->what), "%s", dom);
		}
	}
	if (!w->err) {
		char be[64];
		int rc;

		snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u",
			 d->domid);
		rc = vctl_xs_rm(w->fd, w->tx, be);
		if (rc && rc != -ENOENT) {
			w->err = rc;
			snprintf(w->what, sizeof(w->what), "%s", be);
		}
	}
	put(w, vm, "", NULL, "n0", ro);
	put(w, vm, "name", d->name, NULL, NULL);
	put(w, vm, "uuid", uuid, NULL, NULL);

	/* Children take their parent's permissions. */
	put(w, dom, "", NULL, "n0", ro);
	put(w, dom, "name", d->name, NULL, NULL);
	snprintf(num, sizeof(num), "%u", d->domid);
	put(w, dom, "domid", num, NULL, NULL);
	put(w, dom, "vm", vm, NULL, NULL);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->mem_kib);
	put(w, dom, "memory/target", num, NULL, NULL);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->maxmem_kib);
	put(w, dom, "memory/static-max", num, NULL, NULL);
	for (uint32_t v = 0; v < d->vcpus; v++) {
		snprintf(rel, sizeof(rel), "cpu/%u/availability", v);
		put(w, dom, rel, "online", NULL, NULL);
	}
	snprintf(num, sizeof(num), "%u", d->store_port);
	put(w, dom, "store/port", num, NULL, NULL);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)d->store_mfn);
	put(w, dom, "store/ring-ref", num, NULL, NULL);
	snprintf(num, sizeof(num), "%u", d->console_port);
	put(w, dom, "console/port", num, NULL, NULL);
	snprintf(num, sizeof(num), "%llu",
		 (unsigned long long)d->console_mfn);
	put(w, dom, "console/ring-ref", num, NULL, NULL);
	put(w, dom, "device", NULL, NULL, NULL);
	put(w, dom, "control", NULL, NULL, NULL);
	for (size_t i = 0; i < sizeof(control_rw) / sizeof(control_rw[0]);
	     i++) {
		snprintf(rel, sizeof(rel), "control/%s", control_rw[i]);
		put(w, dom, rel, "", rw, NULL);
	}
	put(w, dom, "data", NULL, rw, NULL);
}

int vctl_store_add_domain(const struct vctl_dom_store *d, char *why,
			  size_t size)
{
	struct writer w = { .fd = -1 };
	char uuid[37];
	int rc = 0;

	w.fd = vctl_xs_open(why, size);
	if (w.fd < 0)
		return -ENOTCONN;
	/*
	 * The domain is new: an earlier domain of this id that the store
	 * still serves (its destroy never reached the store) is released
	 * first, so that its connection and page go and the rights given
	 * to it are taken back before the new domain could inherit them.
	 * Not released (ENOENT) is the usual case.
	 */
	vctl_xs_release(w.fd, d->domid);
	new_uuid(uuid);
	for (int tries = 0; tries < TX_TRIES; tries++) {
		w.err = 0;
		rc = vctl_xs_tx_start(w.fd, &w.tx);
		if (rc) {
			snprintf(why, size, "the store: starting a "
				 "transaction: %s", strerror(-rc));
			goto out;
		}
		write_nodes(&w, d, uuid);
		if (w.err) {
			vctl_xs_tx_end(w.fd, w.tx, false);
			rc = w.err;
			snprintf(why, size, "the store: writing %.160s: %s",
				 w.what, strerror(-rc));
			goto out;
		}
		rc = vctl_xs_tx_end(w.fd, w.tx, true);
		if (rc != -EAGAIN)
			break;
	}
	if (rc) {
		snprintf(why, size, "the store: committing the domain's "
			 "nodes: %s", strerror(-rc));
		goto out;
	}
	rc = vctl_xs_introduce(w.fd, d->domid, d->store_mfn, d->store_port);
	if (rc)
		snprintf(why, size, "the store: introducing domain %u: %s",
			 d->domid, strerror(-rc));
out:
	close(w.fd);
	if (rc)
		vctl_store_del_domain(d->domid);
	return rc;
}

/* A disk's front and back nodes, in one transaction. */
int vctl_store_add_disk(domid_t domid, const char *vdev, uint32_t devid,
			const char *target, bool readonly, char *why,
			size_t size)
{
	struct writer w = { .fd = -1 };
	char be[96], fe[96], num[32], ro[16], rw[16];
	int rc = 0;

	w.fd = vctl_xs_open(why, size);
	if (w.fd < 0)
		return -ENOTCONN;
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", domid,
		 devid);
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", domid,
		 devid);
	snprintf(ro, sizeof(ro), "r%u", domid);
	snprintf(rw, sizeof(rw), "n%u", domid);
	for (int tries = 0; tries < TX_TRIES; tries++) {
		w.err = 0;
		rc = vctl_xs_tx_start(w.fd, &w.tx);
		if (rc)
			break;
		put(&w, be, "", NULL, "n0", ro);
		put(&w, be, "frontend", fe, NULL, NULL);
		snprintf(num, sizeof(num), "%u", domid);
		put(&w, be, "frontend-id", num, NULL, NULL);
		put(&w, be, "params", target, NULL, NULL);
		put(&w, be, "mode", readonly ? "r" : "w", NULL, NULL);
		put(&w, be, "dev", vdev, NULL, NULL);
		put(&w, be, "type", "file", NULL, NULL);
		put(&w, be, "online", "1", NULL, NULL);
		put(&w, be, "removable", "0", NULL, NULL);
		put(&w, be, "bootable", "1", NULL, NULL);
		put(&w, be, "device-type", "disk", NULL, NULL);
		put(&w, be, "state", "1", NULL, NULL);
		put(&w, fe, "", NULL, rw, "r0");
		put(&w, fe, "backend", be, NULL, NULL);
		put(&w, fe, "backend-id", "0", NULL, NULL);
		snprintf(num, sizeof(num), "%u", devid);
		put(&w, fe, "virtual-device", num, NULL, NULL);
		put(&w, fe, "device-type", "disk", NULL, NULL);
		put(&w, fe, "state", "1", NULL, NULL);
		if (w.err) {
			vctl_xs_tx_end(w.fd, w.tx, false);
			rc = w.err;
			snprintf(why, size, "the store: writing %.160s: %s",
				 w.what, strerror(-rc));
			goto out;
		}
		rc = vctl_xs_tx_end(w.fd, w.tx, true);
		if (rc != -EAGAIN)
			break;
	}
	if (rc)
		snprintf(why, size, "the store: disk %s: %s", vdev,
			 strerror(-rc));
out:
	close(w.fd);
	return rc;
}

void vctl_store_del_domain(domid_t domid)
{
	char why[160], dom[64], path[80];
	char *vm = NULL;
	int fd = vctl_xs_open(why, sizeof(why));

	if (fd < 0)
		return;
	snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
	snprintf(path, sizeof(path), "%s/vm", dom);
	/* Only a /vm/<uuid> path of our own making is removed. */
	if (!vctl_xs_read(fd, 0, path, &vm) && !strncmp(vm, "/vm/", 4) &&
	    strlen(vm) == 4 + 36 && !strchr(vm + 4, '/'))
		vctl_xs_rm(fd, 0, vm);
	free(vm);
	vctl_xs_rm(fd, 0, dom);
	/* Its back ends (blkback) see their directory go and end. */
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", domid);
	vctl_xs_rm(fd, 0, path);
	/* The store releases a dying domain itself; this covers a failed
	 * create, whose domain may not be dying yet. */
	vctl_xs_release(fd, domid);
	close(fd);
}
