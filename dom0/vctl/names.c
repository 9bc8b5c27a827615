// SPDX-License-Identifier: GPL-2.0
/*
 * Domain names, kept in dom0: the hypervisor knows domains by id only.
 * `vctl create` writes VCTL_RUN_DIR/<id>.name holding the name; destroy
 * removes it.  A file is believed only while its domain exists: ids are
 * reused, and a domain that went some other way (a boot-time domU, a
 * destroy by another tool) leaves a stale file, which create overwrites.
 * The store holds them too (/local/domain/<id>/name).
 *
 * Beside each name, VCTL_RUN_DIR/<name>.cfg is a copy of the
 * configuration it was created from: the monitor (cmd_monitor.c) reads
 * its on_poweroff/on_reboot/on_crash and restarts the domain from it.
 * vctl_domain_forget() removes all of it, with the store nodes and the
 * console, once a domain is destroyed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_nodes.h"
#include "vctl.h"

/* VCTL_RUN_DIR "/" name ".cfg" and room to spare. */
#define PATH_MAX_RUN (sizeof(VCTL_RUN_DIR) + VCTL_NAME_MAX + 16)

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

/* Write len bytes of data to path through path.tmp; 0 or -errno. */
static int write_file(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX_RUN + 8];
	const char *p = data;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n ? -errno : -EIO;

			close(fd);
			unlink(tmp);
			return err;
		}
		p += n;
		len -= (size_t)n;
	}
	close(fd);
	if (rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

static int make_run_dir(void)
{
	/* /var/run may be a link to a /run nobody made yet (initramfs). */
	mkdir("/run", 0755);
	mkdir("/var", 0755);
	mkdir("/var/run", 0755);
	if (mkdir(VCTL_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* A name as config.c lets one through: the files are named after it,
 * and a name file that says otherwise is not believed. */
static bool name_ok(const char *name)
{
	size_t n = strnlen(name, VCTL_NAME_MAX + 1);

	if (n == 0 || n > VCTL_NAME_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    !strchr("_.-", name[i]))
			return false;
	return true;
}

void vctl_saved_config_path(const char *name, char *buf, size_t size)
{
	/* A bad name gets a path nobody has: reads fail with ENOENT. */
	snprintf(buf, size, "%s/%s.cfg", VCTL_RUN_DIR,
		 name_ok(name) ? name : "/nonexistent");
}

int vctl_config_save(const char *name, const char *text, size_t len)
{
	char path[PATH_MAX_RUN];
	int rc;

	if (!name_ok(name))
		return -EINVAL;
	rc = make_run_dir();
	if (rc)
		return rc;
	vctl_saved_config_path(name, path, sizeof(path));
	return write_file(path, text, len);
}

void vctl_config_forget(const char *name)
{
	char path[PATH_MAX_RUN];

	if (!name_ok(name))
		return;
	vctl_saved_config_path(name, path, sizeof(path));
	unlink(path);
}

void vctl_domain_forget(domid_t domid)
{
	char name[VCTL_NAME_MAX + 2];

	vctl_console_del(domid);
	vctl_store_del_domain(domid);
	if (!read_name(domid, name, sizeof(name)))
		vctl_config_forget(name);
	vctl_name_forget(domid);
}

int vctl_name_set(domid_t domid, const char *name)
{
	char path[64], line[VCTL_NAME_MAX + 2];
	int rc = make_run_dir();

	if (rc)
		return rc;
	path_of(domid, path, sizeof(path));
	snprintf(line, sizeof(line), "%s\n", name);
	return write_file(path, line, strlen(line));
}

void vctl_name_forget(domid_t domid)
{
	char path[64];

	path_of(domid, path, sizeof(path));
	unlink(path);
}
