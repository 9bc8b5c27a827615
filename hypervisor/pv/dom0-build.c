// SPDX-License-Identifier: GPL-2.0
/*
 * Building dom0 from the Multiboot modules.
 *
 * start_hypervisor() calls dom0_build() once the machine is ready.  The
 * first module is dom0's kernel (an ELF with Xen notes), its command line
 * is the module's minus the first word (the file name, which QEMU and
 * GRUB put there, as Xen drops it too); the second module, if any, is the
 * initrd.  The domain builder library (builder/) does the layout and the
 * writing; this file provides what only the hypervisor can:
 *   - machine frames, taken from the buddy allocator in the largest
 *     blocks available, owned by domain 0, and recorded both ways: the
 *     P2M the builder writes into the guest, and the M2P every guest
 *     reads;
 *   - a way to reach a guest page (the direct map);
 *   - the shared_info page, whose machine address goes into start_info;
 *   - the first vCPU in the state of contract §3.3, its bootstrap L4
 *     pinned (validated, hypervisor slots installed) as Linux requires.
 * Failure here is fatal: without dom0 there is nothing to run.
 */
#include <hv/bootinfo.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/options.h>
#include <hv/panic.h>
#include <hv/pv.h>
#include <hv/smp.h>

#include <asm/page.h>

#include <builder.h>

#define DOM0_DEFAULT_MEM	(128UL << 20)
#define M2P_RW			((unsigned long *)M2P_RW_VIRT)

static void *map_guest_page(void *ctx, uint64_t pfn)
{
	struct domain *d = ctx;

	if (pfn >= d->nr_pages)
		return NULL;
	return __va(d->p2m[pfn] << PAGE_SHIFT);
}

static void unmap_guest_page(void *ctx, void *va)
{
}

static unsigned int order_for(unsigned long bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* Give @d nr_pages frames: fill its P2M and the M2P. */
static void populate(struct domain *d, unsigned long nr_pages)
{
	unsigned long pfn = 0;
	unsigned int order = 9;

	d->p2m = alloc_heap_pages(order_for(nr_pages * sizeof(unsigned long)));
	if (!d->p2m)
		panic("dom0: no memory for its P2M");
	d->nr_pages = nr_pages;
	while (pfn < nr_pages) {
		struct page_info *pg;

		while ((1UL << order) > nr_pages - pfn)
			order--;
		pg = alloc_pages(order);
		if (!pg) {
			if (!order)
				panic("dom0: out of memory at page %lu of %lu",
				      pfn, nr_pages);
			order--;
			continue;
		}
		for (unsigned long i = 0; i < (1UL << order); i++, pfn++) {
			unsigned long mfn = page_to_mfn(pg) + i;

			assign_page(pg + i, d->id);
			d->p2m[pfn] = mfn;
			M2P_RW[mfn] = pfn;
		}
	}
}

/* dom0_max_vcpus, or 1; at most MAX_VIRT_CPUS. */
static unsigned int dom0_vcpus(void)
{
	unsigned int n = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : 1;

	if (n > MAX_VIRT_CPUS) {
		log_warn("dom0_max_vcpus=%u: using %u", n, MAX_VIRT_CPUS);
		n = MAX_VIRT_CPUS;
	}
	return n;
}

static const char *skip_first_word(const char *s)
{
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static void set_boot_state(struct vcpu *v, const struct vb_boot_state *b)
{
	struct cpu_regs *r = &v->regs;

	memset(r, 0, sizeof(*r));
	r->rip = b->rip;
	r->rsp = b->rsp;
	r->rsi = b->rsi;
	r->rflags = b->rflags;
	r->cs = b->cs;
	r->ss = b->ss;
	v->pv.kernel_sp = b->kernel_sp;
	v->pv.kernel_ss = b->kernel_ss;
	v->pv.in_kernel = true;
	v->runnable = true;
}

/**
 * dom0_build() - create dom0 from the boot modules, ready to run
 *
 * Does nothing (with a log line) when there is no module.
 */
void dom0_build(void)
{
	const struct boot_module *kmod = &bootinfo.mods[0];
	struct vb_image img;
	struct vb_request req;
	struct vb_layout lay;
	struct vb_guest_mem mem;
	struct vb_boot_state boot;
	struct vb_error err = { "" };
	struct domain *d;
	struct vcpu *v;
	unsigned long mem_bytes = opt_dom0_mem ? opt_dom0_mem :
				  DOM0_DEFAULT_MEM;
	int rc;

	if (!bootinfo.nr_mods) {
		log_info("dom0: no kernel module, nothing to run");
		return;
	}
	rc = vb_parse_image(__va(kmod->start), kmod->end - kmod->start, true,
			    &img, &err);
	if (rc)
		panic("dom0: kernel image refused: %s", err.msg);

	d = domain_create(0, true);
	if (!d)
		panic("dom0: no memory for the domain");
	if (mem_bytes > (free_page_count() << PAGE_SHIFT) / 4 * 3)
		mem_bytes = (free_page_count() << PAGE_SHIFT) / 4 * 3;

	memset(&req, 0, sizeof(req));
	req.nr_pages = mem_bytes >> PAGE_SHIFT;
	req.cmdline = skip_first_word(kmod->cmdline);
	req.sif_flags = SIF_INITDOMAIN | SIF_PRIVILEGED;
	req.shared_info_maddr = (u64)d->shared_info_mfn << PAGE_SHIFT;
	if (bootinfo.nr_mods > 1) {
		req.initrd = __va(bootinfo.mods[1].start);
		req.initrd_len = bootinfo.mods[1].end - bootinfo.mods[1].start;
	}
	rc = vb_plan_layout(&img, &req, &lay, &err);
	if (rc)
		panic("dom0: no layout: %s", err.msg);

	populate(d, req.nr_pages);
	mem.p2m = (const uint64_t *)d->p2m;
	mem.nr_pages = d->nr_pages;
	mem.map = map_guest_page;
	mem.unmap = unmap_guest_page;
	mem.ctx = d;
	rc = vb_build(&img, &req, &lay, &mem, &boot, &err);
	if (rc)
		panic("dom0: build failed: %s", err.msg);

	v = vcpu_create(d, 0, 0);
	if (!v)
		panic("dom0: no memory for its vCPU");
	/* The others start down, each meant for its own CPU while there
	 * are enough; the guest brings them up with VCPUOP_initialise/up. */
	for (unsigned int i = 1; i < dom0_vcpus(); i++)
		if (!vcpu_create(d, i, i % nr_cpus_online))
			panic("dom0: no memory for vCPU %u", i);
	pv_mm_init(d);
	rc = pv_pin_table(d, boot.cr3_mfn, 4);
	if (rc)
		panic("dom0: bootstrap L4 %#lx refused (%d)",
		      (unsigned long)boot.cr3_mfn, rc);
	set_boot_state(v, &boot);
	rc = pv_new_baseptr(v, boot.cr3_mfn, false);
	if (rc)
		panic("dom0: bootstrap L4 not usable (%d)", rc);
	log_info("dom0: '%s' %lu MiB, entry %#lx, start_info %#lx, "
		 "L4 mfn %#lx, cmdline '%s'", img.guest_os,
		 d->nr_pages >> (20 - PAGE_SHIFT), (unsigned long)boot.rip,
		 (unsigned long)boot.start_info_va,
		 (unsigned long)boot.cr3_mfn, req.cmdline);
}
