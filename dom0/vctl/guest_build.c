// SPDX-License-Identifier: GPL-2.0
/*
 * Building a domain from dom0 user space: the builder library (builder/,
 * the one the hypervisor builds dom0 with) with a privcmd back end.
 *
 * The steps, for a domain made by createdomain (paused, no memory):
 *   1. populate_physmap naming the domain, in batches: its PFNs 0..n-1
 *      get machine frames; the MFNs that come back are the P2M;
 *   2. all those frames are mapped into vctl at once with
 *      IOCTL_PRIVCMD_MMAPBATCH_V2 (mmu_update with the domain as
 *      FOREIGNDOM, in the kernel); the builder writes kernel, initrd,
 *      P2M, start_info and page tables through that window;
 *   3. the window goes (a frame dom0 maps writable cannot become a page
 *      table), and the bootstrap L4 is pinned with mmuext_op naming the
 *      domain: the hypervisor validates the whole tree there;
 *   4. vCPU 0 gets the builder's register state (setvcpucontext, which
 *      takes only an L4 pinned for that domain).
 * With req->with_rings the builder also gives the domain a store and a
 * console page (start_info names them and the caller's ports); their
 * machine frames come back in *rings for the store and consoled.
 * The caller unpauses.  On failure the caller destroys the domain, which
 * gives back every frame populated here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <veneer/memory.h>

#include "guest_build.h"

/* Linux's include/uapi/xen/privcmd.h. */
struct privcmd_mmapbatch_v2 {
	unsigned int num;
	domid_t dom;
	uint64_t addr;
	const xen_pfn_t *arr;
	int *err;
};

#define IOCTL_PRIVCMD_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

#define POPULATE_BATCH 512

struct window {
	uint8_t *base;
	uint64_t nr_pages;
};

static void *map_page(void *ctx, uint64_t pfn)
{
	struct window *w = ctx;

	if (pfn >= w->nr_pages)
		return NULL;
	return w->base + pfn * VB_PAGE_SIZE;
}

static void unmap_page(void *ctx, void *va)
{
}

static int fail(char *err, size_t size, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t size, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return rc;
}

/* Step 1: p2m[pfn] for every pfn below nr_pages. */
static int populate(domid_t domid, uint64_t *p2m, uint64_t nr_pages,
		    char *err, size_t size)
{
	struct xen_memory_reservation *r = vctl_hc_alloc(sizeof(*r));
	xen_pfn_t *list = vctl_hc_alloc(POPULATE_BATCH * sizeof(*list));
	uint64_t pfn = 0;
	int rc = 0;

	if (!r || !list) {
		rc = fail(err, size, -ENOMEM, "no hypercall buffer");
		goto out;
	}
	while (pfn < nr_pages) {
		uint64_t n = nr_pages - pfn < POPULATE_BATCH ?
			     nr_pages - pfn : POPULATE_BATCH;
		long done;

		for (uint64_t i = 0; i < n; i++)
			list[i] = pfn + i;
		memset(r, 0, sizeof(*r));
		r->extent_start = (uint64_t)(uintptr_t)list;
		r->nr_extents = n;
		r->domid = domid;
		done = vctl_hypercall(__HYPERVISOR_memory_op,
				      XENMEM_populate_physmap,
				      (uint64_t)(uintptr_t)r, 0, 0);
		if (done < 0) {
			rc = fail(err, size, (int)done, "populate_physmap: %s",
				  strerror((int)-done));
			goto out;
		}
		if ((uint64_t)done != n) {
			rc = fail(err, size, -ENOMEM, "not enough memory: got "
				  "%lu of %lu pages", (unsigned long)(pfn + done),
				  (unsigned long)nr_pages);
			goto out;
		}
		for (uint64_t i = 0; i < n; i++)
			p2m[pfn + i] = list[i];
		pfn += n;
	}
out:
	vctl_hc_free(list, POPULATE_BATCH * sizeof(*list));
	vctl_hc_free(r, sizeof(*r));
	return rc;
}

/* Step 2's window: every frame of the domain, writable. */
static int map_all(domid_t domid, const uint64_t *p2m, uint64_t nr_pages,
		   struct window *w, char *err, size_t size)
{
	struct privcmd_mmapbatch_v2 b;
	size_t len = nr_pages * VB_PAGE_SIZE;
	int fd = vctl_privcmd_fd();
	int *errs;
	int rc = 0;

	if (fd < 0)
		return fail(err, size, fd, "%s: %s", PRIVCMD_PATH,
			    strerror(-fd));
	errs = calloc(nr_pages, sizeof(*errs));
	if (!errs)
		return fail(err, size, -ENOMEM, "out of memory");
	w->nr_pages = nr_pages;
	w->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w->base == MAP_FAILED) {
		w->base = NULL;
		rc = fail(err, size, -errno, "mapping the domain's memory: %s",
			  strerror(errno));
		goto out;
	}
	memset(&b, 0, sizeof(b));
	b.num = (unsigned int)nr_pages;
	b.dom = domid;
	b.addr = (uint64_t)(uintptr_t)w->base;
	b.arr = (const xen_pfn_t *)p2m;
	b.err = errs;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0) {
		uint64_t i = 0;

		rc = -errno;
		while (i < nr_pages && !errs[i])
			i++;
		fail(err, size, rc, "mapping the domain's memory: %s (page "
		     "%lu: %d)", strerror(-rc), (unsigned long)i,
		     i < nr_pages ? errs[i] : 0);
		munmap(w->base, len);
		w->base = NULL;
	}
out:
	free(errs);
	return rc;
}

static int pin_l4(domid_t domid, uint64_t mfn, char *err, size_t size)
{
	struct mmuext_op *op = vctl_hc_alloc(sizeof(*op));
	long rc;

	if (!op)
		return fail(err, size, -ENOMEM, "no hypercall buffer");
	op->cmd = MMUEXT_PIN_L4_TABLE;
	op->arg1.mfn = mfn;
	rc = vctl_hypercall(__HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)op,
			    1, 0, domid);
	vctl_hc_free(op, sizeof(*op));
	if (rc < 0)
		return fail(err, size, (int)rc, "pinning the bootstrap L4 "
			    "%#lx: %s", (unsigned long)mfn,
			    strerror((int)-rc));
	return 0;
}

static int set_context(domid_t domid, const struct vb_boot_state *b,
		       char *err, size_t size)
{
	struct vcpu_guest_context *c = vctl_hc_alloc(sizeof(*c));
	struct veneer_mgmt *m = vctl_mgmt_alloc();
	int rc;

	if (!c || !m) {
		rc = fail(err, size, -ENOMEM, "no hypercall buffer");
		goto out;
	}
	c->flags = VGCF_in_kernel;
	c->user_regs.rip = b->rip;
	c->user_regs.rsp = b->rsp;
	c->user_regs.rsi = b->rsi;
	c->user_regs.rflags = b->rflags;
	c->user_regs.cs = b->cs;
	c->user_regs.ss = b->ss;
	c->kernel_ss = b->kernel_ss;
	c->kernel_sp = b->kernel_sp;
	c->ctrlreg[3] = b->cr3_mfn << VB_PAGE_SHIFT;
	m->u.vcpucontext.vcpu = 0;
	m->u.vcpucontext.ctxt = (uint64_t)(uintptr_t)c;
	rc = vctl_mgmt(m, VENEER_MGMT_setvcpucontext, domid);
	if (rc) {
		char buf[128];

		fail(err, size, rc, "setting vCPU 0's context: %s",
		     vctl_mgmt_strerror(rc, m->version, buf, sizeof(buf)));
	}
out:
	vctl_hc_free(c, sizeof(*c));
	vctl_hc_free(m, sizeof(*m));
	return rc;
}

int vctl_build_guest(domid_t domid, const struct vb_image *img,
		     struct vb_request *req, struct vctl_rings *rings,
		     char *err, size_t size)
{
	struct veneer_domaininfo info;
	struct vb_error verr = { "" };
	struct vb_layout lay;
	struct vb_guest_mem mem;
	struct vb_boot_state boot;
	struct window w = { NULL, 0 };
	uint64_t *p2m = NULL;
	int rc;

	if (vctl_domain_info("create", domid, &info))
		return fail(err, size, -ESRCH, "domain %u vanished", domid);
	req->shared_info_maddr = info.shared_info_frame << VB_PAGE_SHIFT;
	rc = vb_plan_layout(img, req, &lay, &verr);
	if (rc)
		return fail(err, size, rc, "kernel layout: %s", verr.msg);
	p2m = calloc(req->nr_pages, sizeof(*p2m));
	if (!p2m)
		return fail(err, size, -ENOMEM, "out of memory");
	rc = populate(domid, p2m, req->nr_pages, err, size);
	if (!rc)
		rc = map_all(domid, p2m, req->nr_pages, &w, err, size);
	if (rc)
		goto out;
	mem.p2m = p2m;
	mem.nr_pages = req->nr_pages;
	mem.map = map_page;
	mem.unmap = unmap_page;
	mem.ctx = &w;
	rc = vb_build(img, req, &lay, &mem, &boot, &verr);
	if (!rc && req->with_rings && rings) {
		/* The builder zeroed both pages; the back ends map them. */
		rings->store_mfn = p2m[lay.store_pfn];
		rings->console_mfn = p2m[lay.console_pfn];
	}
	munmap(w.base, req->nr_pages * VB_PAGE_SIZE);
	if (rc) {
		fail(err, size, rc, "build: %s", verr.msg);
		goto out;
	}
	rc = pin_l4(domid, boot.cr3_mfn, err, size);
	if (!rc)
		rc = set_context(domid, &boot, err, size);
out:
	free(p2m);
	return rc;
}
