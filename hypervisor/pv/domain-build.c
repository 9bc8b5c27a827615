// SPDX-License-Identifier: GPL-2.0
/*
 * Building the boot-time domains from the Multiboot modules.
 *
 * start_hypervisor() calls build_boot_domains() once the machine is
 * ready.  The modules say what to build (docs/domains.md):
 *   - module 0 is dom0's kernel, an ELF with Xen notes;
 *   - every later module that is an ELF starts a new unprivileged domain
 *     (domU), with ids 1, 2, ... in module order;
 *   - a module that is not an ELF, right after a kernel, is that
 *     kernel's initrd (so module 1 is dom0's initrd, as before domUs).
 * A kernel's command line is its module's string minus the first word
 * (the file name, which QEMU and GRUB put there, as Xen drops it too)
 * and minus our own veneer.* options (common/domain-config.c).
 *
 * The domain builder library (builder/) does the layout and the writing;
 * this file provides what only the hypervisor can:
 *   - machine frames, taken from the buddy allocator in the largest
 *     blocks available, owned by the domain, and recorded both ways: the
 *     P2M the builder writes into the guest, and the M2P every guest
 *     reads;
 *   - a way to reach a guest page (the direct map);
 *   - the shared_info page, whose machine address goes into start_info;
 *   - the first vCPU in the state of contract §3.3, its bootstrap L4
 *     pinned (validated, hypervisor slots installed) as Linux requires.
 * A dom0 that cannot be built is fatal: without it there is nothing to
 * run.  A domU that cannot be built is logged and left out, and its
 * half-built state goes back through domain_destroy(); the rest boots.
 *
 * domUs are unprivileged (no SIF_INITDOMAIN or SIF_PRIVILEGED) and get
 * no store or console rings: start_info's store and console event
 * channels are 0.  Linux then runs its xenbus in "local" mode (it waits,
 * it does not hang) and has no hvc console; earlyprintk=xen keep_bootcon
 * keeps its kernel log on console_io (pv/console_io.c, option
 * domu_console).
 */
#include <hv/bootinfo.h>
#include <hv/domain.h>
#include <hv/domain-config.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/options.h>
#include <hv/panic.h>
#include <hv/pv.h>
#include <hv/sched.h>
#include <hv/smp.h>

#include <asm/page.h>

#include <builder.h>

#define DOM0_DEFAULT_MEM	(128UL << 20)
#define DOMU_DEFAULT_MEM	(64UL << 20)
#define M2P_RW			((unsigned long *)M2P_RW_VIRT)

_Static_assert(DOMCFG_MAX_VCPUS == MAX_VIRT_CPUS, "domain-config.h");
_Static_assert(DOMCFG_CMDLINE_MAX == MAX_CMDLINE, "domain-config.h");

/* What the modules asked for: one kernel and maybe an initrd. */
struct boot_domain {
	const struct boot_module *kernel;
	const struct boot_module *initrd;
	unsigned int kernel_index;
};

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

/*
 * Give @d nr_pages frames: fill its P2M and the M2P.  On -ENOMEM the
 * frames given so far stay recorded (d->nr_pages counts them) for
 * domain_destroy() to take back.
 */
static int populate(struct domain *d, unsigned long nr_pages)
{
	unsigned long pfn = 0;
	unsigned int order = 9;

	d->p2m_order = order_for(nr_pages * sizeof(unsigned long));
	d->p2m = alloc_heap_pages(d->p2m_order);
	if (!d->p2m)
		return -ENOMEM;
	while (pfn < nr_pages) {
		struct page_info *pg;

		while ((1UL << order) > nr_pages - pfn)
			order--;
		pg = alloc_pages(order);
		if (!pg) {
			if (!order)
				return -ENOMEM;
			order--;
			continue;
		}
		for (unsigned long i = 0; i < (1UL << order); i++, pfn++) {
			unsigned long mfn = page_to_mfn(pg) + i;

			assign_page(pg + i, d->id);
			d->p2m[pfn] = mfn;
			M2P_RW[mfn] = pfn;
			d->nr_pages = pfn + 1;
		}
	}
	return 0;
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

static bool is_elf(const struct boot_module *m)
{
	const u8 *p = __va(m->start);

	return m->end - m->start >= 4 && p[0] == 0x7f && p[1] == 'E' &&
	       p[2] == 'L' && p[3] == 'F';
}

/* The CPU the next domU vCPU starts on: round robin, after dom0's 0. */
static unsigned int next_cpu = 1;

static unsigned int place_vcpu(void)
{
	unsigned int cpu;

	do {
		cpu = next_cpu++ % nr_cpus;
	} while (!percpu[cpu].online);
	return cpu;
}

/*
 * Build one domain.  Returns 0, or a negative errno after logging why
 * (a domU is then destroyed again; dom0's caller panics).
 */
static int build_one(domid_t id, const struct boot_domain *bd)
{
	static struct domain_config cfg;	/* boot is single-threaded */
	const struct boot_module *kmod = bd->kernel;
	bool is_dom0 = id == 0;
	struct vb_image img;
	struct vb_request req;
	struct vb_layout lay;
	struct vb_guest_mem mem;
	struct vb_boot_state boot;
	struct vb_error err = { "" };
	unsigned long mem_bytes, avail;
	unsigned int nr_vcpus;
	struct domain *d;
	struct vcpu *v;
	int rc;

	if (domain_config_parse(kmod->cmdline, &cfg)) {
		log_err("d%u: module %u: %s: domain not built", id,
			bd->kernel_index, cfg.error);
		return -EINVAL;
	}
	rc = vb_parse_image(__va(kmod->start), kmod->end - kmod->start, true,
			    &img, &err);
	if (rc) {
		log_err("d%u: module %u: kernel image refused: %s", id,
			bd->kernel_index, err.msg);
		return rc;
	}
	if (is_dom0) {
		mem_bytes = opt_dom0_mem ? opt_dom0_mem : DOM0_DEFAULT_MEM;
		nr_vcpus = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : 1;
	} else {
		mem_bytes = DOMU_DEFAULT_MEM;
		nr_vcpus = 1;
	}
	if (cfg.mem)
		mem_bytes = cfg.mem;
	if (cfg.vcpus)
		nr_vcpus = cfg.vcpus;
	if (nr_vcpus > MAX_VIRT_CPUS) {
		log_warn("d%u: %u vCPUs: using %u", id, nr_vcpus,
			 MAX_VIRT_CPUS);
		nr_vcpus = MAX_VIRT_CPUS;
	}
	/* dom0 may take up to 3/4 of what is free; a domU what it asks for,
	 * if that leaves the hypervisor 4 MiB of its own. */
	avail = free_page_count() << PAGE_SHIFT;
	if (is_dom0 && mem_bytes > avail / 4 * 3)
		mem_bytes = avail / 4 * 3;
	if (!is_dom0 && mem_bytes + (4UL << 20) + mem_bytes / 256 > avail) {
		log_err("d%u: %lu MiB asked, %lu MiB free: domain not built", id,
			mem_bytes >> 20, avail >> 20);
		return -ENOMEM;
	}

	d = domain_create(id, is_dom0);
	if (!d) {
		log_err("d%u: no memory for the domain: not built", id);
		return -ENOMEM;
	}
	memset(&req, 0, sizeof(req));
	req.nr_pages = mem_bytes >> PAGE_SHIFT;
	req.cmdline = cfg.cmdline;
	req.sif_flags = is_dom0 ? SIF_INITDOMAIN | SIF_PRIVILEGED : 0;
	req.shared_info_maddr = (u64)d->shared_info_mfn << PAGE_SHIFT;
	if (bd->initrd) {
		req.initrd = __va(bd->initrd->start);
		req.initrd_len = bd->initrd->end - bd->initrd->start;
	}
	rc = vb_plan_layout(&img, &req, &lay, &err);
	if (rc) {
		log_err("d%u: no layout: %s", id, err.msg);
		goto fail;
	}
	/* Its limit is what it is built with (VENEER_MGMT_setmaxmem may
	 * change it). */
	d->max_pages = req.nr_pages;
	rc = populate(d, req.nr_pages);
	if (rc) {
		log_err("d%u: out of memory at page %lu of %lu", id,
			d->nr_pages, (unsigned long)req.nr_pages);
		goto fail;
	}
	mem.p2m = (const uint64_t *)d->p2m;
	mem.nr_pages = d->nr_pages;
	mem.map = map_guest_page;
	mem.unmap = unmap_guest_page;
	mem.ctx = d;
	rc = vb_build(&img, &req, &lay, &mem, &boot, &err);
	if (rc) {
		log_err("d%u: build failed: %s", id, err.msg);
		goto fail;
	}

	/* vCPU 0 starts up; the others start down, each on its own CPU
	 * while there are enough, and the guest brings them up with
	 * VCPUOP_initialise/up. */
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		unsigned int cpu = is_dom0 ? i % nr_cpus_online : place_vcpu();

		if (!vcpu_create(d, i, cpu)) {
			log_err("d%u: no memory for vCPU %u", id, i);
			rc = -ENOMEM;
			goto fail;
		}
		if (cfg.affinity &&
		    sched_set_affinity(d->vcpu[i], cfg.affinity)) {
			log_err("d%u: veneer.affinity=%#lx names no online "
				"CPU: domain not built", id,
				(unsigned long)cfg.affinity);
			rc = -EINVAL;
			goto fail;
		}
	}
	v = d->vcpu[0];
	if (cfg.weight || cfg.cap) {
		rc = sched_set_params(d, cfg.weight ? cfg.weight :
				      d->sched.weight, cfg.cap);
		if (rc) {
			log_err("d%u: weight %u cap %u refused by the "
				"scheduler: domain not built", id, cfg.weight,
				cfg.cap);
			goto fail;
		}
	}
	/* Kept when it shuts down, as a domain dom0 created would be
	 * (the management interface's tests use it). */
	d->toolstack = !is_dom0 && cfg.toolstack;
	pv_mm_init(d);
	rc = pv_pin_table(d, boot.cr3_mfn, 4);
	if (rc) {
		log_err("d%u: bootstrap L4 %#lx refused (%d)", id,
			(unsigned long)boot.cr3_mfn, rc);
		goto fail;
	}
	rc = pv_new_baseptr(v, boot.cr3_mfn, false);
	if (rc) {
		log_err("d%u: bootstrap L4 not usable (%d)", id, rc);
		goto fail;
	}
	set_boot_state(v, &boot);
	log_info("d%u: '%s' %lu MiB, %u vCPU%s, entry %#lx, start_info %#lx, "
		 "L4 mfn %#lx, cmdline '%s'", id, img.guest_os,
		 d->nr_pages >> (20 - PAGE_SHIFT), nr_vcpus,
		 nr_vcpus == 1 ? "" : "s", (unsigned long)boot.rip,
		 (unsigned long)boot.start_info_va,
		 (unsigned long)boot.cr3_mfn, req.cmdline);
	return 0;

fail:
	if (is_dom0)
		return rc;
	domain_destroy(d);
	return rc;
}

/* Group the modules into domains; returns how many. */
static unsigned int find_domains(struct boot_domain *bds, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < bootinfo.nr_mods; i++) {
		const struct boot_module *m = &bootinfo.mods[i];

		if (i == 0 || is_elf(m)) {
			if (n == max) {
				log_err("module %u: more than %u domains: "
					"ignored", i, max);
				continue;
			}
			bds[n].kernel = m;
			bds[n].initrd = NULL;
			bds[n].kernel_index = i;
			n++;
		} else if (n && !bds[n - 1].initrd &&
			   bds[n - 1].kernel_index == i - 1) {
			bds[n - 1].initrd = m;
		} else {
			log_warn("module %u: not an ELF kernel, and not right "
				 "after one: ignored", i);
		}
	}
	return n;
}

/**
 * build_boot_domains() - create dom0 and the boot-time domUs, ready to run
 *
 * Does nothing (with a log line) when there is no module.
 */
void build_boot_domains(void)
{
	static struct boot_domain bds[MAX_DOMAINS];
	unsigned int n, built = 0;

	if (!bootinfo.nr_mods) {
		log_info("dom0: no kernel module, nothing to run");
		return;
	}
	n = find_domains(bds, MAX_DOMAINS);
	if (build_one(0, &bds[0]))
		panic("dom0: cannot be built (see above)");
	for (unsigned int i = 1; i < n; i++)
		if (!build_one(i, &bds[i]))
			built++;
	if (n > 1)
		log_info("domUs: %u of %u built", built, n - 1);
	/* The other CPUs went idle before there was anything to run. */
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu != smp_processor_id() && percpu[cpu].online) {
			WRITE_ONCE(percpu[cpu].need_resched, true);
			arch_send_call_ipi(cpu);
		}
}
