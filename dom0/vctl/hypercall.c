// SPDX-License-Identifier: GPL-2.0
/*
 * The management hypercall, through Linux's privcmd.
 *
 * dom0's kernel passes a hypercall from user space on to the hypervisor
 * with IOCTL_PRIVCMD_HYPERCALL on /dev/xen/privcmd: the hypercall number
 * and five arguments, and the hypervisor's return value comes back as the
 * ioctl's (a negative one as -1 with errno).  Our one hypercall,
 * __HYPERVISOR_veneer_mgmt, takes a pointer to a struct veneer_mgmt.
 *
 * The hypervisor reads and writes that structure, and the buffers it
 * points to, while the call runs, through dom0's page tables.  User memory
 * that is not resident would fault there, so it lives in memory the kernel
 * keeps in place: pages mapped from /dev/xen/hypercall (Linux's privcmd-buf
 * device, made for exactly this), or, on a kernel without it, anonymous
 * pages locked with mlock().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vctl.h"

#define HC_BUFFER_PATH "/dev/xen/hypercall"

/*
 * Linux's include/uapi/xen/privcmd.h: the hypercall number and its five
 * arguments, each a 64-bit word; the ioctl is _IOC(_IOC_NONE, 'P', 0,
 * sizeof(the structure)).
 */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static int privcmd_fd = -1;
static int hcbuf_fd = -2; /* -2: not tried yet, -1: not there */

static size_t page_round(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) & ~(page - 1);
}

void *vctl_hc_alloc(size_t size)
{
	void *p;

	size = page_round(size ? size : 1);
	if (hcbuf_fd == -2)
		hcbuf_fd = open(HC_BUFFER_PATH, O_RDWR | O_CLOEXEC);
	if (hcbuf_fd >= 0) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 hcbuf_fd, 0);
		if (p != MAP_FAILED)
			return p; /* the kernel hands out zeroed pages */
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		vctl_err("hypercall buffer", "%s", strerror(errno));
		return NULL;
	}
	if (mlock(p, size) < 0) {
		vctl_err("hypercall buffer", "cannot lock %zu bytes: %s", size,
			 strerror(errno));
		munmap(p, size);
		return NULL;
	}
	memset(p, 0, size);
	return p;
}

void vctl_hc_free(void *p, size_t size)
{
	if (p)
		munmap(p, page_round(size ? size : 1));
}

static int privcmd_open(void)
{
	if (privcmd_fd >= 0)
		return 0;
	privcmd_fd = open(PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (privcmd_fd >= 0)
		return 0;
	return -errno;
}

/* Every verb that calls the hypervisor starts here, so privcmd is
 * opened (and its absence explained) before anything else. */
struct veneer_mgmt *vctl_mgmt_alloc(void)
{
	int err = privcmd_open();

	if (err == -ENOENT)
		vctl_err(PRIVCMD_PATH, "%s (vctl runs in a Veneer dom0 with "
			 "xenfs and privcmd)", strerror(-err));
	else if (err == -EACCES)
		vctl_err(PRIVCMD_PATH, "%s (vctl needs root)", strerror(-err));
	else if (err)
		vctl_err(PRIVCMD_PATH, "%s", strerror(-err));
	if (err)
		return NULL;
	return vctl_hc_alloc(sizeof(struct veneer_mgmt));
}

int vctl_mgmt(struct veneer_mgmt *m, uint32_t cmd, domid_t domid)
{
	struct privcmd_hypercall hc = {
		.op = __HYPERVISOR_veneer_mgmt,
		.arg = { (uint64_t)(uintptr_t)m },
	};
	long ret;
	int err;

	err = privcmd_open();
	if (err)
		return err;
	m->cmd = cmd;
	m->version = VENEER_MGMT_VERSION;
	m->domid = domid;
	memset(m->pad, 0, sizeof(m->pad)); /* the hypervisor checks them */
	ret = ioctl(privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
	if (ret < 0)
		return -errno;
	return 0;
}

long vctl_hypercall(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
		    uint64_t a3)
{
	struct privcmd_hypercall hc = { .op = op, .arg = { a0, a1, a2, a3 } };
	long ret;
	int err = privcmd_open();

	if (err)
		return err;
	ret = ioctl(privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
	return ret < 0 ? -errno : ret;
}

int vctl_privcmd_fd(void)
{
	int err = privcmd_open();

	return err ? err : privcmd_fd;
}

int vctl_mgmt_fail(const char *what, int err, const struct veneer_mgmt *m)
{
	char buf[128];

	return vctl_err(what, "%s", vctl_mgmt_strerror(err, m ? m->version : 0,
						       buf, sizeof(buf)));
}

int vctl_domain_info(const char *what, domid_t domid,
		     struct veneer_domaininfo *out)
{
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	int err;

	if (!m)
		return 1;
	err = vctl_mgmt(m, VENEER_MGMT_getdomaininfo, domid);
	if (err) {
		char who[64], name[32];

		vctl_domain_name(domid, name, sizeof(name));
		snprintf(who, sizeof(who), "%s: %s", what, name);
		vctl_mgmt_fail(who, err, m);
	} else {
		*out = m->u.info;
	}
	vctl_hc_free(m, sizeof(*m));
	return err ? 1 : 0;
}

/* Records asked for per call: the list comes in batches of this many. */
#define LIST_BATCH 128

int vctl_domain_list(const char *what, struct veneer_domaininfo **out,
		     size_t *nr)
{
	size_t bufsize = LIST_BATCH * sizeof(struct veneer_domaininfo);
	struct veneer_domaininfo *buf, *all = NULL, *grown;
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	uint32_t first = 0, got, i;
	size_t count = 0;
	int err = 0;

	buf = m ? vctl_hc_alloc(bufsize) : NULL;
	if (!buf) {
		vctl_hc_free(m, sizeof(*m));
		return 1;
	}
	for (;;) {
		memset(m, 0, sizeof(*m));
		m->u.list.first_domid = (domid_t)first;
		m->u.list.max_domains = LIST_BATCH;
		m->u.list.buffer = (uint64_t)(uintptr_t)buf;
		err = vctl_mgmt(m, VENEER_MGMT_getdomaininfolist, 0);
		if (err) {
			vctl_mgmt_fail(what, err, m);
			break;
		}
		got = m->u.list.nr_domains;
		if (got > LIST_BATCH) {
			err = vctl_err(what, "hypervisor returned %u records "
				       "for %u asked", got, LIST_BATCH);
			break;
		}
		grown = realloc(all, (count + got + 1) * sizeof(*all));
		if (!grown) {
			err = vctl_err(what, "out of memory");
			break;
		}
		all = grown;
		for (i = 0; i < got; i++) {
			/* In id order, each above the last: else stop. */
			if (buf[i].domid < first) {
				got = 0;
				break;
			}
			all[count++] = buf[i];
			first = buf[i].domid + 1u;
		}
		if (got < LIST_BATCH || first >= DOMID_FIRST_RESERVED)
			break;
	}
	vctl_hc_free(buf, bufsize);
	vctl_hc_free(m, sizeof(*m));
	if (err) {
		free(all);
		return 1;
	}
	*out = all;
	*nr = count;
	return 0;
}

int vctl_physinfo(const char *what, struct veneer_mgmt_physinfo *out)
{
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	int err;

	if (!m)
		return 1;
	err = vctl_mgmt(m, VENEER_MGMT_physinfo, 0);
	if (err)
		vctl_mgmt_fail(what, err, m);
	else
		*out = m->u.physinfo;
	vctl_hc_free(m, sizeof(*m));
	return err ? 1 : 0;
}
