// SPDX-License-Identifier: GPL-2.0
/*
 * Linux's own privcmd, in a PV dom0 on Veneer, maps another domain's
 * memory (tests/system/test_privcmd.py, docs/pv-memory.md "Foreign
 * mappings"), the way a toolstack does:
 *
 *   - IOCTL_PRIVCMD_HYPERCALL passes the management hypercall through to
 *     create a domain, and XENMEM_populate_physmap naming it to give it
 *     frames (their MFNs come back in the list);
 *   - IOCTL_PRIVCMD_MMAPBATCH_V2 maps them into our address space
 *     (Linux's do_remap_pfn -> mmu_update with FOREIGNDOM): one frame in
 *     the middle of the batch is not the domain's, so it alone gets an
 *     error and the frames after it are mapped all the same (Linux finds
 *     the failed one from mmu_update's `done' count);
 *   - what we write is there when the frames are mapped a second time
 *     (each mapping unmapped whole: Linux refuses to split a privcmd
 *     mapping);
 *   - the domain is destroyed while one frame is still mapped: it stays
 *     readable, and the hypervisor's free-page count is back to where it
 *     was only after munmap.
 *
 * Prints "PRIVCMD <check> PASS|FAIL <detail>" per check and exits 0 when
 * all passed.  Veneer only: the management hypercall is ours.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <veneer/memory.h>
#include <veneer/mgmt.h>

/* Linux's include/uapi/xen/privcmd.h, spelled out (its header is not
 * installed by Debian's linux-libc-dev). */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

struct privcmd_mmapbatch_v2 {
	unsigned int num;
	domid_t dom;
	uint64_t addr;
	const xen_pfn_t *arr;
	int *err;
};

#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define IOCTL_PRIVCMD_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

#define NFRAMES	4
#define BAD	2		/* the batch entry that is not the domain's */
#define PAGE	4096UL

static int fd, failures;
static struct veneer_mgmt m;

static void report(const char *check, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(const char *check, int ok, const char *fmt, ...)
{
	va_list ap;

	printf("PRIVCMD %s %s ", check, ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static long hypercall(unsigned long op, unsigned long a0, unsigned long a1)
{
	struct privcmd_hypercall h = { .op = op, .arg = { a0, a1 } };
	long rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);

	return rc < 0 ? -errno : rc;
}

static long mgmt(unsigned int cmd, domid_t dom)
{
	m.cmd = cmd;
	m.version = VENEER_MGMT_VERSION;
	m.domid = dom;
	return hypercall(__HYPERVISOR_veneer_mgmt, (unsigned long)&m, 0);
}

static uint64_t free_pages(void)
{
	memset(&m, 0, sizeof(m));
	if (mgmt(VENEER_MGMT_physinfo, 0))
		return 0;
	return m.u.physinfo.free_pages;
}

/* Until the hypervisor has @want pages free (a destroyed domain's shell
 * goes a little after it); 0 if it never does. */
static int wait_free_pages(uint64_t want)
{
	for (int i = 0; i < 300; i++) {
		if (free_pages() == want)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* One privcmd mapping of @n frames (Linux will not split one: unmap it
 * whole). */
static void *map_batch(domid_t dom, const xen_pfn_t *arr, int *err,
		       unsigned int n)
{
	struct privcmd_mmapbatch_v2 b = { .num = n, .dom = dom };
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	b.addr = (uint64_t)p;
	b.arr = arr;
	b.err = err;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0) {
		report("mmapbatch", 0, "ioctl: %s", strerror(errno));
		munmap(p, n * PAGE);
		return NULL;
	}
	return p;
}

static void unmap_whole(const char *check, void *p, unsigned int n)
{
	int rc = munmap(p, n * PAGE);

	report(check, rc == 0, "%s", rc ? strerror(errno) : "ok");
}

int main(void)
{
	struct xen_memory_reservation r = { .nr_extents = NFRAMES };
	xen_pfn_t pfns[NFRAMES], arr[NFRAMES], other = 0;
	int err[NFRAMES];
	uint64_t free0, *p;
	domid_t dom, dom2;
	long rc;

	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0)
		fd = open("/proc/xen/privcmd", O_RDWR);
	if (fd < 0) {
		report("open", 0, "privcmd: %s", strerror(errno));
		return 1;
	}
	free0 = free_pages();
	report("physinfo", free0 != 0, "%lu pages free", (unsigned long)free0);

	memset(&m, 0, sizeof(m));
	m.u.create.max_pages = 16;
	m.u.create.max_vcpus = 1;
	rc = mgmt(VENEER_MGMT_createdomain, 0);
	dom = m.domid;
	report("create", rc == 0 && dom, "rc %ld, d%u", rc, dom);
	memset(&m, 0, sizeof(m));
	m.u.create.max_pages = 16;
	m.u.create.max_vcpus = 1;
	rc = mgmt(VENEER_MGMT_createdomain, 0);
	dom2 = m.domid;
	report("create2", rc == 0 && dom2, "rc %ld, d%u", rc, dom2);
	if (failures)
		return 1;

	for (int i = 0; i < NFRAMES; i++)
		pfns[i] = i;
	r.domid = dom;
	r.extent_start = (unsigned long)pfns;
	rc = hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
		       (unsigned long)&r);
	report("populate", rc == NFRAMES, "%ld extents, mfns %#lx %#lx %#lx "
	       "%#lx", rc, (unsigned long)pfns[0], (unsigned long)pfns[1],
	       (unsigned long)pfns[2], (unsigned long)pfns[3]);
	r.nr_extents = 1;
	r.domid = dom2;
	r.extent_start = (unsigned long)&other;
	rc = hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
		       (unsigned long)&r);
	report("populate2", rc == 1, "%ld extent, mfn %#lx", rc,
	       (unsigned long)other);
	if (failures)
		return 1;

	/* PV: the "gfns" privcmd takes are machine frames. */
	memcpy(arr, pfns, sizeof(arr));
	arr[BAD] = other;
	p = map_batch(dom, arr, err, NFRAMES);
	if (!p)
		return 1;
	report("mmapbatch-errors", err[0] == 0 && err[1] == 0 &&
	       err[BAD] != 0 && err[3] == 0, "err %d %d %d %d", err[0],
	       err[1], err[BAD], err[3]);
	for (int i = 0; i < NFRAMES; i++)
		if (i != BAD)
			p[i * PAGE / 8] = 0x70726976636d64ULL + i;
	unmap_whole("munmap", p, NFRAMES);

	memcpy(arr, pfns, sizeof(arr));
	p = map_batch(dom, arr, err, NFRAMES);
	if (!p)
		return 1;
	report("mmapbatch", !err[0] && !err[1] && !err[2] && !err[3],
	       "err %d %d %d %d", err[0], err[1], err[2], err[3]);
	report("contents", p[0] == 0x70726976636d64ULL &&
	       p[PAGE / 8] == 0x70726976636d65ULL && p[2 * PAGE / 8] == 0 &&
	       p[3 * PAGE / 8] == 0x70726976636d67ULL,
	       "%#lx %#lx %#lx %#lx", (unsigned long)p[0],
	       (unsigned long)p[PAGE / 8], (unsigned long)p[2 * PAGE / 8],
	       (unsigned long)p[3 * PAGE / 8]);
	unmap_whole("munmap2", p, NFRAMES);
	/* Frame 0 alone stays mapped across the destroy. */
	p = map_batch(dom, arr, err, 1);
	if (!p)
		return 1;
	report("mmapbatch-one", err[0] == 0 && p[0] == 0x70726976636d64ULL,
	       "err %d, %#lx", err[0], (unsigned long)p[0]);

	rc = mgmt(VENEER_MGMT_destroydomain, dom2);
	report("destroy2", rc == 0, "rc %ld", rc);
	rc = mgmt(VENEER_MGMT_destroydomain, dom);
	report("destroy", rc == 0, "rc %ld", rc);
	report("held-while-mapped", wait_free_pages(free0 - 1),
	       "%lu pages free, want %lu", (unsigned long)free_pages(),
	       (unsigned long)(free0 - 1));
	report("readable-after-destroy", p[0] == 0x70726976636d64ULL,
	       "%#lx", (unsigned long)p[0]);
	unmap_whole("munmap3", p, 1);
	report("freed-at-unmap", wait_free_pages(free0),
	       "%lu pages free, want %lu", (unsigned long)free_pages(),
	       (unsigned long)free0);
	printf("PRIVCMD DONE %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
