// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: creation and, for a destroyed domain, freeing.
 *
 * A vCPU is born bound to one CPU, in guest kernel mode, with events
 * masked (shared_info says so), an FPU in its reset state, and not yet
 * runnable: the builder fills in its registers and page tables and then
 * marks it runnable for the scheduler (common/sched.c).
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/pv.h>
#include <hv/sched.h>

#define VCPU_ORDER	1

/**
 * vcpu_create() - add vCPU @id to @d, to run on @cpu
 * @d:   the domain
 * @id:  0..MAX_VIRT_CPUS-1
 * @cpu: the CPU it will run on
 *
 * Returns NULL when out of memory or @id is taken.
 */
struct vcpu *vcpu_create(struct domain *d, unsigned int id, unsigned int cpu)
{
	struct vcpu *v;

	_Static_assert(sizeof(*v) <= (PAGE_SIZE << VCPU_ORDER), "struct vcpu");
	if (id >= MAX_VIRT_CPUS || d->vcpu[id])
		return NULL;
	v = alloc_heap_pages(VCPU_ORDER);
	if (!v)
		return NULL;
	v->fpu_area = fpu_alloc_area();
	if (!v->fpu_area) {
		free_heap_pages(v, VCPU_ORDER);
		return NULL;
	}
	v->id = id;
	v->domain = d;
	v->processor = cpu;
	v->vcpu_info = &d->shared_info->vcpu_info[id];
	v->pv.in_kernel = true;
	d->vcpu[id] = v;
	if (d->max_vcpus <= id)
		d->max_vcpus = id + 1;
	/* vCPU 0 starts up with the builder's state; the others are down
	 * until the guest initialises them and brings them up. */
	v->down = id != 0;
	v->initialised = id == 0;
	spin_lock_init(&v->ctx_lock);
	pv_time_init_vcpu(v);
	pv_runstate_init(v);
	sched_add_vcpu(v);
	return v;
}

/**
 * vcpu_free() - a vCPU of a destroyed domain leaves for good
 * @v: the vCPU, off every CPU (its sched.is_running is false) and with
 *     nothing left that can wake it (domain_destroy())
 */
void vcpu_free(struct vcpu *v)
{
	sched_remove_vcpu(v);
	for (unsigned int i = 0; i < ARRAY_SIZE(v->pv.gdt_shadow); i++)
		if (v->pv.gdt_shadow[i])
			free_heap_pages(v->pv.gdt_shadow[i], 0);
	fpu_free_area(v->fpu_area);
	free_heap_pages(v, VCPU_ORDER);
}
