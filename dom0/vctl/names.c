// SPDX-License-Identifier: GPL-2.0
/*
 * Domain names, kept in dom0: the hypervisor knows domains by id only.
 * `vctl create` writes VCTL_RUN_DIR/<id>.name holding the name; destroy
 * removes it.  A file is believed only while its domain exists: ids are
 * reused, and a domain that went some other way (a boot-time domU, a
 * destroy by another tool) leaves a stale file, which create overwrites.
 * The store will hold names later (/local/domain/<id>/name).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vctl.h"

static void path_of(domid_t domid, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%u.name", VCTL_RUN_DIR, domid);
}

static bool domain_exists(domid_t domid)
{
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	int err;

	if (!m)
		return false;
	err = vctl_mgmt(m, VENEER_MGMT_getdomaininfo, domid);
	vctl_hc_free(m, sizeof(*m));
	return !err;
}

/* The name in domid's file, whether or not the domain exists. */
static int read_name(domid_t domid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	path_of(domid, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf[0] ? 0 : -1;
}

int vctl_name_get(domid_t domid, char *buf, size_t size)
{
	char name[VCTL_NAME_MAX + 2];

	if (read_name(domid, name, sizeof(name)))
		return -1;
	snprintf(buf, size, "%s", name);
	return 0;
}

int vctl_name_lookup(const char *name, domid_t *out)
{
	char got[VCTL_NAME_MAX + 2];
	struct dirent *e;
	DIR *dir = opendir(VCTL_RUN_DIR);
	int rc = -1;

	if (!dir)
		return -1;
	while (rc && (e = readdir(dir))) {
		unsigned long id;
		char *end;

		id = strtoul(e->d_name, &end, 10);
		if (end == e->d_name || strcmp(end, ".name") ||
		    id == 0 || id >= DOMID_FIRST_RESERVED)
			continue;
		if (read_name((domid_t)id, got, sizeof(got)) ||
		    strcmp(got, name) || !domain_exists((domid_t)id))
			continue;
		*out = (domid_t)id;
		rc = 0;
	}
	closedir(dir);
	return rc;
}

int vctl_name_set(domid_t domid, const char *name)
{
	char path[64], tmp[80];
	size_t len = strlen(name);
	int fd;

	/* /var/run may be a link to a /run nobody made yet (initramfs). */
	mkdir("/run", 0755);
	mkdir("/var", 0755);
	mkdir("/var/run", 0755);
	if (mkdir(VCTL_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	path_of(domid, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, name, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		int err = -errno;

		close(fd);
		unlink(tmp);
		return err ? err : -EIO;
	}
	close(fd);
	if (rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

void vctl_name_forget(domid_t domid)
{
	char path[64];

	path_of(domid, path, sizeof(path));
	unlink(path);
}
