// SPDX-License-Identifier: GPL-2.0
/*
 * test_vctl_store_nodes.c - the store nodes `vctl create` writes for a
 * domain (dom0/vctl/store_nodes.c), seen by that domain as an attacker.
 *
 * The store daemon runs as a process with two host rings (domains 5 and
 * 6, so that XS_INTRODUCE succeeds) and a --guest-socket that acts as
 * domain 5.  vctl's own code writes both domains' nodes and introduces
 * them; domain 5 then tries what the brief of its review asked: write
 * what it must only read (its `vm` link above all, which `vctl destroy`
 * follows to remove a /vm/<uuid> tree), create nodes where it must not,
 * give its nodes away, read or watch domain 6's nodes and /vm tree, see
 * @introduceDomain/@releaseDomain.  Destroying domain 5 removes its
 * trees only, and domain 6's stay.
 *
 * A disk (vctl_store_add_disk) and its back end, drivers-back/block's
 * blkback, run here too: the front directory is the domain's, the back
 * directory only readable; blkback publishes the disk and InitWait,
 * refuses a front end asking for what it did not offer, comes back to
 * InitWait when the front end starts again, and exits when destroy
 * removes its directory (no /dev/xen here: connecting stops at the
 * ring mapping, which the system test covers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

/* The client itself, for its queue of watch events kept meanwhile. */
#include "../../dom0/vctl/store_client.c"
#include "store_nodes.h"

static char dir[64], sock_path[108], guest_path[108];
static pid_t daemon_pid;

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A host ring for @domid: "DOMID:PAGEFD:KICKFD:NOTIFYFD". */
static void host_ring(unsigned int domid, char *spec, size_t size)
{
	int page = memfd_create("store-page", 0);
	int kick = eventfd(0, 0), notify = eventfd(0, 0);

	assert_true(page >= 0 && kick >= 0 && notify >= 0);
	assert_int_equal(ftruncate(page, 4096), 0);
	snprintf(spec, size, "%u:%d:%d:%d", domid, page, kick, notify);
}

static int start_daemon(void **state)
{
	char ring5[64], ring6[64], guest[140];
	int i, fd;

	snprintf(dir, sizeof(dir), "/tmp/vctl-nodes-%d", getpid());
	snprintf(sock_path, sizeof(sock_path), "%s/socket", dir);
	snprintf(guest_path, sizeof(guest_path), "%s/guest5", dir);
	snprintf(guest, sizeof(guest), "5:%s", guest_path);
	host_ring(5, ring5, sizeof(ring5));
	host_ring(6, ring6, sizeof(ring6));
	daemon_pid = fork();
	if (daemon_pid == 0) {
		execl(STORED_BIN, STORED_BIN, "--socket", sock_path,
		      "--host-ring", ring5, "--host-ring", ring6,
		      "--guest-socket", guest, (char *)NULL);
		_exit(127);
	}
	setenv("XENSTORED_PATH", sock_path, 1);
	for (i = 0; i < 3000; i++) {
		fd = connect_to(sock_path);
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

	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	unlink(guest_path);
	rmdir(dir);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void add(domid_t domid, const char *name)
{
	struct vctl_dom_store ds = {
		.domid = domid, .name = name, .mem_kib = 65536,
		.maxmem_kib = 65536, .vcpus = 2, .store_mfn = 0x1000 + domid,
		.console_mfn = 0x2000 + domid, .store_port = 1,
		.console_port = 2,
	};
	char why[256] = "";

	int rc = vctl_store_add_domain(&ds, why, sizeof(why));

	if (rc)
		fail_msg("add domain %u: %s", domid, why);
}

/* dom0's view: the value at @path, malloc'd; NULL if there is none. */
static char *dom0_read(const char *path)
{
	char why[160], *v = NULL;
	int fd = vctl_xs_open(why, sizeof(why));

	assert_true(fd >= 0);
	if (vctl_xs_read(fd, 0, path, &v))
		v = NULL;
	close(fd);
	return v;
}

static void dom0_write(const char *path, const char *value)
{
	char why[160];
	int fd = vctl_xs_open(why, sizeof(why));

	assert_true(fd >= 0);
	assert_int_equal(vctl_xs_write(fd, 0, path, value), 0);
	close(fd);
}

/* The guest's (domain 5's) requests: 0 or the store's error. */
static int g_write(int g, const char *path, const char *value)
{
	return vctl_xs_write(g, 0, path, value);
}

static int g_read(int g, const char *path)
{
	char *v = NULL;
	int rc = vctl_xs_read(g, 0, path, &v);

	free(v);
	return rc;
}

static void test_domain_cannot_touch_what_it_only_reads(void **state)
{
	int g = connect_to(guest_path);
	char *vm5, *vm6, path[96];

	add(5, "guest-five");
	add(6, "guest-six");
	assert_true(g >= 0);
	vm5 = dom0_read("/local/domain/5/vm");
	vm6 = dom0_read("/local/domain/6/vm");
	assert_non_null(vm5);
	assert_non_null(vm6);
	assert_string_not_equal(vm5, vm6);

	/* Its own tree: readable, and its vm link among what it reads. */
	assert_int_equal(g_read(g, "vm"), 0);
	assert_int_equal(g_read(g, vm5), 0);
	/* Read-only: the vm link vctl destroy follows, and the rest. */
	assert_int_equal(g_write(g, "vm", vm6), -EACCES);
	assert_int_equal(vctl_xs_rm(g, 0, "vm"), -EACCES);
	assert_int_equal(g_write(g, "name", "x"), -EACCES);
	assert_int_equal(g_write(g, "domid", "0"), -EACCES);
	assert_int_equal(g_write(g, "memory/target", "9999999"), -EACCES);
	assert_int_equal(g_write(g, "store/ring-ref", "1"), -EACCES);
	assert_int_equal(g_write(g, "console/port", "1"), -EACCES);
	assert_int_equal(g_write(g, "device/vif/0/state", "1"), -EACCES);
	assert_int_equal(vctl_xs_rm(g, 0, "/local/domain/5"), -EACCES);
	snprintf(path, sizeof(path), "%s/name", vm5);
	assert_int_equal(g_write(g, path, "x"), -EACCES);
	/* No new nodes beside them, nor a second vm link made another way. */
	assert_int_equal(vctl_xs_mkdir(g, 0, "evil"), -EACCES);
	assert_int_equal(g_write(g, "control/evil", "1"), -EACCES);
	assert_int_equal(vctl_xs_set_perms(g, 0, "control", "n5", NULL),
			 -EACCES);
	assert_int_equal(vctl_xs_set_perms(g, 0, "vm", "b5", NULL), -EACCES);
	free(vm6);
	vm6 = dom0_read("/local/domain/5/vm");
	assert_string_equal(vm6, vm5);

	/* What it owns: control/shutdown (Linux clears it) and data/. */
	assert_int_equal(g_write(g, "control/shutdown", ""), 0);
	assert_int_equal(g_write(g, "control/feature-poweroff", "1"), 0);
	assert_int_equal(g_write(g, "data/x", "1"), 0);
	/* Its nodes stay its own: no handing the owner (quota) to others. */
	assert_int_equal(vctl_xs_set_perms(g, 0, "data/x", "n6", NULL),
			 -EPERM);
	assert_int_equal(vctl_xs_set_perms(g, 0, "data/x", "n0", NULL),
			 -EPERM);
	free(vm5);
	free(vm6);
	close(g);
}

static void test_domain_cannot_see_another(void **state)
{
	int g = connect_to(guest_path);
	char *vm6 = dom0_read("/local/domain/6/vm"), *d, *tok, path[96];
	char out[64];

	assert_true(g >= 0);
	assert_non_null(vm6);
	assert_int_equal(g_read(g, "/local/domain/6/name"), -EACCES);
	assert_int_equal(g_read(g, "/local/domain/6/control/shutdown"),
			 -EACCES);
	assert_int_equal(g_read(g, "/local/domain/6/data"), -EACCES);
	assert_int_equal(g_read(g, vm6), -EACCES);
	snprintf(path, sizeof(path), "%s/uuid", vm6);
	assert_int_equal(g_read(g, path), -EACCES);
	assert_int_equal(g_read(g, "/local/domain/0"), -EACCES);
	assert_int_equal(g_write(g, "/local/domain/6/data/x", "1"), -EACCES);
	assert_int_equal(g_write(g, "/local/domain/6/control/shutdown",
				 "poweroff"), -EACCES);
	/* Nor list them. */
	assert_int_equal(vctl_xs_request(g, XS_DIRECTORY, 0, "/vm", 4, &d,
					 NULL), -EACCES);
	assert_int_equal(vctl_xs_request(g, XS_DIRECTORY, 0,
					 "/local/domain", 14, &d, NULL),
			 -EACCES);

	/* Watches: on domain 6's tree, the root, and the special nodes. */
	assert_int_equal(vctl_xs_watch(g, "/local/domain/6", "t6"), 0);
	assert_int_equal(vctl_xs_watch(g, "/", "root"), 0);
	assert_int_equal(vctl_xs_watch(g, "@introduceDomain", "in"), 0);
	assert_int_equal(vctl_xs_watch(g, "@releaseDomain", "out"), 0);
	/* dom0 changes domain 6's nodes, then releases and removes it. */
	dom0_write("/local/domain/6/control/shutdown", "poweroff");
	dom0_write("/local/domain/6/data/secret", "s");
	vctl_store_del_domain(6);
	/* A request after all that: any event for them comes before its
	 * reply; only the four initial events may. */
	assert_int_equal(vctl_xs_request(g, XS_GET_DOMAIN_PATH, 0, "5", 2,
					 NULL, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vctl_xs_next_event(g, &d, &tok), 0);
		snprintf(out, sizeof(out), "%s", d);
		assert_true(!strcmp(out, "/local/domain/6") ||
			    !strcmp(out, "/") ||
			    !strcmp(out, "@introduceDomain") ||
			    !strcmp(out, "@releaseDomain"));
		free(d);
	}
	/* Nothing else came before the reply. */
	assert_null(events);
	free(vm6);
	close(g);
}

/*
 * vctl destroy of domain 5 removes its /vm/<uuid> and its
 * /local/domain/5, nothing of domain 6's (re-added here).
 */
static void test_destroy_removes_only_its_trees(void **state)
{
	char *vm5, *vm6, *v;

	add(6, "guest-six");
	vm5 = dom0_read("/local/domain/5/vm");
	vm6 = dom0_read("/local/domain/6/vm");
	assert_non_null(vm5);
	assert_non_null(vm6);
	vctl_store_del_domain(5);
	assert_null(dom0_read("/local/domain/5"));
	assert_null(dom0_read(vm5));
	v = dom0_read(vm6);
	assert_non_null(v);
	free(v);
	v = dom0_read("/local/domain/6/name");
	assert_non_null(v);
	assert_string_equal(v, "guest-six");
	free(v);
	vctl_store_del_domain(6);
	assert_null(dom0_read(vm6));
	free(vm5);
	free(vm6);
}

/*
 * A domain 5 whose destroy never reached the store (still introduced,
 * its tree still there), and domain 6 had given it read access to a
 * node.  vctl creating a new domain 5 releases the stale one first: the
 * new domain inherits neither its tree nor the rights given to it
 * (XSA-322's kind of leak).
 */
static void test_new_domain_inherits_nothing_of_a_stale_one(void **state)
{
	char why[160];
	int fd, g;

	add(5, "old-five");
	add(6, "guest-six");
	fd = vctl_xs_open(why, sizeof(why));
	assert_true(fd >= 0);
	assert_int_equal(vctl_xs_write(fd, 0, "/local/domain/6/data/gift",
				       "for the old 5"), 0);
	assert_int_equal(vctl_xs_set_perms(fd, 0, "/local/domain/6/data/gift",
					   "n6", "r5"), 0);
	assert_int_equal(vctl_xs_write(fd, 0, "/local/domain/5/data/old",
				       "x"), 0);
	close(fd);
	/* vctl create of a new domain 5, no destroy in between. */
	add(5, "new-five");
	g = connect_to(guest_path);
	assert_true(g >= 0);
	assert_int_equal(g_read(g, "/local/domain/6/data/gift"), -EACCES);
	assert_int_equal(g_read(g, "data/old"), -ENOENT);
	assert_int_equal(g_read(g, "name"), 0);
	close(g);
	vctl_store_del_domain(5);
	vctl_store_del_domain(6);
}

/* Wait (up to 10 s) for dom0's read of @path to be @want. */
static bool wait_for(const char *path, const char *want)
{
	for (int i = 0; i < 1000; i++) {
		char *v = dom0_read(path);
		bool ok = v && !strcmp(v, want);

		free(v);
		if (ok)
			return true;
		usleep(10000);
	}
	return false;
}

#define BE "/local/domain/0/backend/vbd/5/51712"
#define FE "device/vbd/51712"

static void test_disk_nodes_and_blkback_handshake(void **state)
{
	char img[96], log[96], why[256] = "", *v, *text;
	int g, fd, status;
	pid_t pid;
	FILE *f;

	add(5, "disk-five");
	snprintf(img, sizeof(img), "%s/d.img", dir);
	snprintf(log, sizeof(log), "%s/blkback.log", dir);
	fd = open(img, O_CREAT | O_RDWR | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	if (vctl_store_add_disk(5, "xvda", 51712, img, false, why,
				sizeof(why)))
		fail_msg("add disk: %s", why);
	g = connect_to(guest_path);
	assert_true(g >= 0);
	/* The front directory is the domain's; the back one it only reads. */
	assert_int_equal(g_read(g, BE "/params"), 0);
	assert_int_equal(g_write(g, BE "/params", "/etc/shadow"), -EACCES);
	assert_int_equal(g_write(g, BE "/state", "4"), -EACCES);
	assert_int_equal(g_write(g, BE "/feature-evil", "1"), -EACCES);
	assert_int_equal(g_write(g, FE "/ring-ref", "8"), 0);
	v = dom0_read("/local/domain/5/" FE "/backend");
	assert_string_equal(v, BE);
	free(v);

	pid = fork();
	if (pid == 0) {
		int lfd = open(log, O_CREAT | O_WRONLY | O_TRUNC, 0600);

		dup2(lfd, 2);
		execl(BLKBACK_BIN, "blkback", "5", "51712", (char *)NULL);
		_exit(127);
	}
	assert_true(wait_for(BE "/state", "2"));
	assert_true(wait_for(BE "/sectors", "2048"));
	assert_true(wait_for(BE "/info", "0"));
	assert_true(wait_for(BE "/feature-flush-cache", "1"));
	assert_true(wait_for(BE "/feature-max-indirect-segments", "256"));

	/* A 32-bit protocol: refused. */
	assert_int_equal(g_write(g, FE "/event-channel", "3"), 0);
	assert_int_equal(g_write(g, FE "/protocol", "x86_32-abi"), 0);
	assert_int_equal(g_write(g, FE "/state", "3"), 0);
	assert_true(wait_for(BE "/state", "5"));
	/* The front end starts again: InitWait again. */
	assert_int_equal(g_write(g, FE "/state", "1"), 0);
	assert_true(wait_for(BE "/state", "2"));
	/* A multi-page ring we did not offer: refused. */
	assert_int_equal(g_write(g, FE "/protocol", "x86_64-abi"), 0);
	assert_int_equal(g_write(g, FE "/ring-page-order", "2"), 0);
	assert_int_equal(g_write(g, FE "/state", "3"), 0);
	assert_true(wait_for(BE "/state", "5"));
	assert_int_equal(g_write(g, FE "/state", "1"), 0);
	assert_true(wait_for(BE "/state", "2"));
	/* Garbage in ring-ref: refused before any mapping. */
	assert_int_equal(g_write(g, FE "/ring-page-order", "0"), 0);
	assert_int_equal(g_write(g, FE "/ring-ref", "8x"), 0);
	assert_int_equal(g_write(g, FE "/state", "3"), 0);
	assert_true(wait_for(BE "/state", "5"));
	close(g);

	/* Destroy: the back end sees its directory go and ends. */
	vctl_store_del_domain(5);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_null(dom0_read(BE));
	assert_null(dom0_read(BE "/state"));
	f = fopen(log, "r");
	assert_non_null(f);
	text = calloc(1, 8192);
	assert_true(fread(text, 1, 8191, f) > 0);
	fclose(f);
	assert_non_null(strstr(text, "protocol 'x86_32-abi' is not x86_64-abi"));
	assert_non_null(strstr(text, "ring-page-order we did not offer"));
	assert_non_null(strstr(text, "no valid ring-ref"));
	assert_non_null(strstr(text, "exiting"));
	free(text);

	/* The directory made again for another back end (a new domain of
	 * the id): the old blkback leaves it alone. */
	add(5, "disk-five");
	if (vctl_store_add_disk(5, "xvda", 51712, img, false, why,
				sizeof(why)))
		fail_msg("add disk: %s", why);
	pid = fork();
	if (pid == 0) {
		int lfd = open(log, O_CREAT | O_WRONLY | O_TRUNC, 0600);

		dup2(lfd, 2);
		execl(BLKBACK_BIN, "blkback", "5", "51712", (char *)NULL);
		_exit(127);
	}
	assert_true(wait_for(BE "/state", "2"));
	dom0_write(BE "/blkback-pid", "1");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	v = dom0_read(BE "/state");
	assert_string_equal(v, "2");	/* not touched on the way out */
	free(v);
	vctl_store_del_domain(5);
	unlink(img);
	unlink(log);
}

/* Lines of @text holding @what. */
static unsigned int count_lines(const char *text, const char *what)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/*
 * The front end drives the handshake round and round with a ring it
 * never gives, and names its protocol with a line break in it: each
 * round costs it two store writes; blkback's log on dom0's disk gets a
 * bounded number of lines, and no line the guest wrote itself.
 */
static void test_blkback_log_is_bounded_against_handshake_rounds(void **state)
{
	char img[96], log[96], why[256] = "", *text;
	int g, fd, status;
	pid_t pid;
	FILE *f;

	add(5, "disk-five");
	snprintf(img, sizeof(img), "%s/d.img", dir);
	snprintf(log, sizeof(log), "%s/blkback.log", dir);
	fd = open(img, O_CREAT | O_RDWR | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	if (vctl_store_add_disk(5, "xvda", 51712, img, false, why,
				sizeof(why)))
		fail_msg("add disk: %s", why);
	g = connect_to(guest_path);
	assert_true(g >= 0);
	pid = fork();
	if (pid == 0) {
		int lfd = open(log, O_CREAT | O_WRONLY | O_TRUNC, 0600);

		dup2(lfd, 2);
		execl(BLKBACK_BIN, "blkback", "5", "51712", (char *)NULL);
		_exit(127);
	}
	assert_true(wait_for(BE "/state", "2"));
	assert_int_equal(g_write(g, FE "/ring-ref", "8"), 0);
	assert_int_equal(g_write(g, FE "/event-channel", "3"), 0);
	assert_int_equal(g_write(g, FE "/protocol",
				 "x\nblkback: d0/0: FORGED"), 0);
	assert_int_equal(g_write(g, FE "/state", "3"), 0);
	assert_true(wait_for(BE "/state", "5"));
	assert_int_equal(g_write(g, FE "/ring-ref", "-"), 0);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(g_write(g, FE "/state", "1"), 0);
		assert_true(wait_for(BE "/state", "2"));
		assert_int_equal(g_write(g, FE "/state", "3"), 0);
		assert_true(wait_for(BE "/state", "5"));
	}
	close(g);
	vctl_store_del_domain(5);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	f = fopen(log, "r");
	assert_non_null(f);
	text = calloc(1, 1 << 16);
	assert_true(fread(text, 1, (1 << 16) - 1, f) > 0);
	fclose(f);
	/* The guest's bytes are shown, its line break is not. */
	assert_non_null(strstr(text, "protocol 'x?blkback: d0/0: FORGED'"));
	assert_int_equal(count_lines(text, "\nblkback: d0/0: FORGED"), 0);
	/* 100 rounds, at most 32 of them logged, then one line saying so. */
	assert_true(count_lines(text, "no valid ring-ref") >= 20);
	assert_true(count_lines(text, "no valid ring-ref") <= 32);
	assert_int_equal(count_lines(text, "the rest are not logged"), 1);
	assert_non_null(strstr(text, "handshake lines not logged"));
	assert_non_null(strstr(text, "exiting"));
	free(text);
	unlink(img);
	unlink(log);
}

/* An image that is a FIFO (an operator's slip): blkback refuses it at
 * once, Closed, instead of hanging in open() for a writer. */
static void test_blkback_refuses_a_fifo_without_hanging(void **state)
{
	char img[96], why[256] = "";
	bool closed;
	int status;
	pid_t pid;

	add(5, "disk-five");
	snprintf(img, sizeof(img), "%s/fifo.img", dir);
	assert_int_equal(mkfifo(img, 0600), 0);
	/* Read-only: O_RDONLY is the open that waits for a writer. */
	if (vctl_store_add_disk(5, "xvda", 51712, img, true, why,
				sizeof(why)))
		fail_msg("add disk: %s", why);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		execl(BLKBACK_BIN, "blkback", "5", "51712", (char *)NULL);
		_exit(127);
	}
	closed = wait_for(BE "/state", "6");
	if (!closed)
		kill(pid, SIGKILL);	/* still in open(): do not wait on it */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(closed);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	vctl_store_del_domain(5);
	unlink(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_cannot_touch_what_it_only_reads),
		cmocka_unit_test(test_domain_cannot_see_another),
		cmocka_unit_test(test_destroy_removes_only_its_trees),
		cmocka_unit_test(
			test_new_domain_inherits_nothing_of_a_stale_one),
		cmocka_unit_test(test_disk_nodes_and_blkback_handshake),
		cmocka_unit_test(
			test_blkback_log_is_bounded_against_handshake_rounds),
		cmocka_unit_test(test_blkback_refuses_a_fifo_without_hanging),
	};

	return cmocka_run_group_tests(tests, start_daemon, stop_daemon);
}
