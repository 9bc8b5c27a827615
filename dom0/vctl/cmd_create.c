// SPDX-License-Identifier: GPL-2.0
/*
 * vctl create CONFIG: make a domain from an xl.cfg subset and start it.
 *
 * In order: the configuration is checked (config.c); the name must not
 * be in use; the kernel (an ELF vmlinux or PV test kernel, or a
 * bzImage/vmlinuz or vmlinux.gz/.xz, unpacked by kernel_image.c) and
 * ramdisk are read and the kernel's notes checked (builder/); there must be
 * memory for it.  Only then is the domain created (paused), built
 * (guest_build.c), given its scheduler settings and name, and unpaused.
 * A failure after the domain exists destroys it again: nothing is left
 * half-built.  Each failure is one line on stderr and exit status 1.
 *
 * The domain gets a store and a console ring: two unbound event
 * channels in it for dom0 (EVTCHNOP_alloc_unbound naming it), the pages
 * from the builder; its store nodes are written and it is introduced to
 * the store (store_nodes.c), and consoled is told to serve its console,
 * all before it first runs.  -c attaches to that console once it runs.
 * Each disk (disk = [...]) gets its front and back store nodes and a
 * blkback process of its own (drivers-back/block, docs/drivers.md),
 * started detached before the domain first runs.
 *
 * A copy of the configuration is kept as VCTL_RUN_DIR/<name>.cfg: the
 * monitor (`vctl monitor`, cmd_monitor.c) applies its on_poweroff,
 * on_reboot and on_crash when the domain shuts down, and restarts it
 * from that copy through vctl_create_from_text(), as create does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "guest_build.h"
#include "kernel_image.h"
#include "opts.h"
#include "store_nodes.h"

#include <veneer/event_channel.h>

#define FILE_MAX (512UL << 20)

static int read_file(const char *what, const char *path, uint8_t **out,
		     size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return vctl_err("create", "%s %s: %s", what, path,
				strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > FILE_MAX) {
		close(fd);
		return vctl_err("create", "%s %s: not a regular file of 1 "
				"byte to %lu MiB", what, path, FILE_MAX >> 20);
	}
	buf = malloc(st.st_size);
	if (!buf) {
		close(fd);
		return vctl_err("create", "%s %s: out of memory", what, path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n <= 0) {
			close(fd);
			free(buf);
			return vctl_err("create", "%s %s: %s", what, path,
					n ? strerror(errno) : "short read");
		}
		got += n;
	}
	close(fd);
	*out = buf;
	*len = got;
	return 0;
}

static void destroy(domid_t domid)
{
	struct veneer_mgmt *m = vctl_mgmt_alloc();

	if (m) {
		int err = vctl_mgmt(m, VENEER_MGMT_destroydomain, domid);

		if (err)
			vctl_mgmt_fail("create: destroying the half-built "
				       "domain", err, m);
		vctl_hc_free(m, sizeof(*m));
	}
	vctl_domain_forget(domid);
}

/* An unbound port in domid for dom0 to bind; > 0, or a negative errno. */
static int alloc_port(domid_t domid)
{
	struct evtchn_alloc_unbound *a = vctl_hc_alloc(sizeof(*a));
	long rc;

	if (!a)
		return -ENOMEM;
	a->dom = domid;
	a->remote_dom = 0;
	rc = vctl_hypercall(__HYPERVISOR_event_channel_op,
			    EVTCHNOP_alloc_unbound, (uint64_t)(uintptr_t)a,
			    0, 0);
	if (!rc)
		rc = a->port;
	vctl_hc_free(a, sizeof(*a));
	return (int)rc;
}

/* Its rings: ports now, into start_info; the pages come from the build. */
static int alloc_ports(domid_t domid, struct vb_request *req,
		       const char *name)
{
	int store = alloc_port(domid);
	int console = store > 0 ? alloc_port(domid) : store;

	if (console <= 0)
		return vctl_err("create", "%s: an event channel for its %s: "
				"%s", name, store <= 0 ? "store" : "console",
				strerror(console ? -console : EIO));
	req->with_rings = true;
	req->store_evtchn = (uint32_t)store;
	req->console_evtchn = (uint32_t)console;
	return 0;
}

/* The store's nodes and introduction, then consoled. */
static int connect_rings(domid_t domid, const struct vctl_config *cfg,
			 const struct vb_request *req,
			 const struct vctl_rings *rings, uint64_t pages,
			 uint64_t max_pages)
{
	struct vctl_dom_store ds = {
		.domid = domid, .name = cfg->name,
		.mem_kib = pages << (VB_PAGE_SHIFT - 10),
		.maxmem_kib = max_pages << (VB_PAGE_SHIFT - 10),
		.vcpus = cfg->vcpus,
		.store_mfn = rings->store_mfn,
		.console_mfn = rings->console_mfn,
		.store_port = req->store_evtchn,
		.console_port = req->console_evtchn,
	};
	char why[256];

	if (vctl_store_add_domain(&ds, why, sizeof(why)))
		return vctl_err("create", "%s: %s", cfg->name, why);
	if (vctl_console_add(domid, cfg->name, rings->console_mfn,
			     req->console_evtchn, why, sizeof(why)))
		return vctl_err("create", "%s: the console back end: %s",
				cfg->name, why);
	return 0;
}

#define BLKBACK_LOG_DIR "/var/log/veneer/blkback"

/* blkback DOMID DEVID, detached, its output in BLKBACK_LOG_DIR. */
static int start_blkback(domid_t domid, uint32_t devid)
{
	const char *bin = getenv("VCTL_BLKBACK");
	char d[16], n[16], log[96];
	pid_t pid;
	int status;

	if (!bin)
		bin = "/usr/sbin/blkback";
	snprintf(d, sizeof(d), "%u", domid);
	snprintf(n, sizeof(n), "%u", devid);
	mkdir("/var/log/veneer", 0755);
	mkdir(BLKBACK_LOG_DIR, 0755);
	snprintf(log, sizeof(log), BLKBACK_LOG_DIR "/d%u-%u.log", domid,
		 devid);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Double fork: the back end is nobody's child to wait for. */
		pid_t grandchild = setsid() < 0 ? -1 : fork();
		int fd, null;

		if (grandchild != 0)
			_exit(grandchild < 0 ? 1 : 0);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0640);
		null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (null >= 0)
			dup2(null, 0);
		execl(bin, "blkback", d, n, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EAGAIN;
}

static int attach_disks(domid_t domid, const struct vctl_config *cfg)
{
	char why[256];
	int rc;

	for (unsigned int i = 0; i < cfg->nr_disks; i++) {
		const struct vctl_disk *dk = &cfg->disks[i];

		if (access(dk->target, dk->readonly ? R_OK : R_OK | W_OK))
			return vctl_err("create", "%s: disk %s: %s: %s",
					cfg->name, dk->vdev, dk->target,
					strerror(errno));
		if (vctl_store_add_disk(domid, dk->vdev, dk->devid, dk->target,
					dk->readonly, why, sizeof(why)))
			return vctl_err("create", "%s: %s", cfg->name, why);
		rc = start_blkback(domid, dk->devid);
		if (rc)
			return vctl_err("create", "%s: disk %s: starting "
					"blkback: %s", cfg->name, dk->vdev,
					strerror(-rc));
	}
	return 0;
}

/* Scheduler settings and CPUs from the configuration. */
static int apply_sched(struct veneer_mgmt *m, domid_t domid,
		       const struct vctl_config *cfg, unsigned int nr_cpus)
{
	char what[64];
	int err;

	if (cfg->cpu_weight != 256 || cfg->cap) {
		memset(m, 0, sizeof(*m));
		m->u.sched.weight = cfg->cpu_weight;
		m->u.sched.cap = cfg->cap;
		err = vctl_mgmt(m, VENEER_MGMT_setschedparams, domid);
		if (err)
			return vctl_mgmt_fail("create: cpu_weight/cap", err, m);
	}
	if (!cfg->cpus)
		return 0;
	for (uint32_t v = 0; v < cfg->vcpus; v++) {
		uint64_t mask = cfg->cpumask;

		if (nr_cpus < 64)
			mask &= (1ULL << nr_cpus) - 1;
		memset(m, 0, sizeof(*m));
		m->u.affinity.vcpu = v;
		m->u.affinity.cpumask = mask;
		err = vctl_mgmt(m, VENEER_MGMT_setvcpuaffinity, domid);
		if (err) {
			snprintf(what, sizeof(what), "create: cpus \"%s\"",
				 cfg->cpus);
			return vctl_mgmt_fail(what, err, m);
		}
	}
	return 0;
}

int vctl_create_from_text(const char *text, size_t len, const char *file,
			  domid_t *out_domid)
{
	struct vctl_config cfg;
	struct veneer_mgmt_physinfo phys;
	struct veneer_mgmt *m = NULL;
	struct vb_image img;
	struct vb_request req;
	struct vctl_rings rings = { 0, 0 };
	struct vb_error verr = { "" };
	uint8_t *kernel = NULL, *ramdisk = NULL;
	size_t klen = 0, rlen = 0;
	char err[256];
	domid_t domid = 0, other;
	uint64_t pages, max_pages;
	int rc = 1;

	if (vctl_config_parse(text, len, file, &cfg, err, sizeof(err)))
		return vctl_err("create", "%s", err);
	if (!vctl_name_lookup(cfg.name, &other) ||
	    !strcmp(cfg.name, VCTL_DOM0_NAME)) {
		vctl_err("create", "name \"%s\" is in use", cfg.name);
		goto out;
	}
	if (read_file("kernel", cfg.kernel, &kernel, &klen))
		goto out;
	if (vctl_kernel_unpack(&kernel, &klen, err, sizeof(err))) {
		vctl_err("create", "kernel %s: %s", cfg.kernel, err);
		goto out;
	}
	if (vb_parse_image(kernel, klen, false, &img, &verr)) {
		vctl_err("create", "kernel %s: %s", cfg.kernel, verr.msg);
		goto out;
	}
	if (cfg.ramdisk && read_file("ramdisk", cfg.ramdisk, &ramdisk, &rlen))
		goto out;
	pages = cfg.memory_mib << (20 - VB_PAGE_SHIFT);
	max_pages = cfg.maxmem_mib << (20 - VB_PAGE_SHIFT);
	if (max_pages < pages)
		max_pages = pages;
	if (vctl_physinfo("create", &phys))
		goto out;
	if (pages > phys.free_pages) {
		vctl_err("create", "not enough memory: %lu MiB asked, %lu MiB "
			 "free", (unsigned long)cfg.memory_mib,
			 (unsigned long)(phys.free_pages >> 8));
		goto out;
	}

	m = vctl_mgmt_alloc();
	if (!m)
		goto out;
	m->u.create.max_pages = max_pages;
	m->u.create.max_vcpus = cfg.vcpus;
	rc = vctl_mgmt(m, VENEER_MGMT_createdomain, 0);
	if (rc) {
		rc = vctl_mgmt_fail("create", rc, m);
		goto out;
	}
	domid = m->domid;
	rc = 1;

	memset(&req, 0, sizeof(req));
	req.nr_pages = pages;
	req.initrd = ramdisk;
	req.initrd_len = rlen;
	req.cmdline = cfg.cmdline;
	if (alloc_ports(domid, &req, cfg.name))
		goto fail;
	if (vctl_build_guest(domid, &img, &req, &rings, err, sizeof(err))) {
		vctl_err("create", "%s: %s", cfg.name, err);
		goto fail;
	}
	if (apply_sched(m, domid, &cfg, phys.nr_cpus))
		goto fail;
	rc = vctl_name_set(domid, cfg.name);
	if (!rc)
		rc = vctl_config_save(cfg.name, text, len);
	if (rc) {
		vctl_err("create", "%s: cannot record the name and "
			 "configuration in %s: %s", cfg.name, VCTL_RUN_DIR,
			 strerror(-rc));
		goto fail;
	}
	if (connect_rings(domid, &cfg, &req, &rings, pages, max_pages))
		goto fail;
	if (attach_disks(domid, &cfg))
		goto fail;
	rc = vctl_mgmt(m, VENEER_MGMT_unpausedomain, domid);
	if (rc) {
		rc = vctl_mgmt_fail("create: unpause", rc, m);
		goto fail;
	}
	printf("Domain %s created (id %u)\n", cfg.name, domid);
	fflush(stdout);
	*out_domid = domid;
	rc = 0;
	goto out;
fail:
	destroy(domid);
	rc = 1;
out:
	vctl_hc_free(m, sizeof(*m));
	free(kernel);
	free(ramdisk);
	vctl_config_free(&cfg);
	return rc;
}

int cmd_create(int argc, char **argv)
{
	char err[256];
	char *text;
	size_t len;
	domid_t domid;
	bool attach = false;
	int rc;

	/* -c (before or after CONFIG): attach to its console once it runs. */
	if (argc == 3 && !strcmp(argv[2], "-c")) {
		attach = true;
		argc = 2;
	} else if (argc == 3 && !strcmp(argv[1], "-c")) {
		attach = true;
		argv[1] = argv[2];
		argc = 2;
	}
	if (argc != 2 || argv[1][0] == '-')
		return vctl_usage(vctl_find_verb("create"));
	if (vctl_config_read(argv[1], &text, &len, err, sizeof(err)))
		return vctl_err("create", "%s", err);
	rc = vctl_create_from_text(text, len, argv[1], &domid);
	free(text);
	if (rc == 0 && attach)
		rc = vctl_console_attach(domid);
	return rc;
}
