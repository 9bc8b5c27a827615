// SPDX-License-Identifier: GPL-2.0
/*
 * seg_gdt_balloon: set_gdt against decrease_reservation of its frame.
 *
 * set_gdt copies the guest's GDT frames into shadows the CPU uses.  It
 * checked that each frame was the guest's and then read it, holding
 * nothing: another vCPU could give the frame back in between, and the
 * copy then read a frame that had been scrubbed and freed -- or handed
 * to another domain or to the hypervisor, whose contents the guest then
 * reads back through its GDT (lsl, lar, segment bases).  Found by the
 * attacker review of the LDT and GDT changes.  The frames must be held
 * while they are read (Xen holds them as descriptor pages for as long as
 * they are the GDT).
 *
 * vCPU 1 gives back, one by one, frames that each hold 512 flat data
 * descriptors (limit 4 GiB), publishing each just before it goes; vCPU 0
 * meanwhile keeps loading a 14-page GDT whose last page is the published
 * frame.  A set_gdt that succeeds must show that frame's descriptors
 * (lsl gives the 4 GiB limit): a null one means it read the frame after
 * it was given back.  A set_gdt that finds the frame gone refuses it; a
 * decrease_reservation that finds it held leaves it (0 extents).  The
 * frames are never taken back while the race runs, so a freed frame is
 * never ours again meanwhile.
 *
 * domu-args: veneer.vcpus=2
 * mem: 24
 * xen: skip needs a second vCPU on a domU (dom0 has one in the harness)
 */
#include "isolation.h"
#include "pvmm.h"

#include <veneer/memory.h>
#include <veneer/vcpu.h>

const char test_name[] = "seg_gdt_balloon";

#define NGDT		14			/* frames in the GDT */
#define NVICTIM		1024			/* frames given back */
#define FLAT_DATA	0x00cff3000000ffffUL	/* base 0, 4 GiB, DPL 3, rw */

static uint64_t gdt[NGDT - 1][512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t victim[NVICTIM][512] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vcpu1_stack[16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;

static volatile uint64_t cur_mfn;	/* the frame vCPU 0 should use */
static volatile uint64_t seen_mfn;	/* the last one it loaded */
static volatile int vcpu1_done;
static unsigned int given_back, kept;
static xen_pfn_t back[NVICTIM];		/* pfns given back, to fill again */

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static long memop(int cmd, xen_pfn_t *frames, unsigned int n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = DOMID_SELF,
	};

	r.extent_start = (unsigned long)frames;
	return hypercall2(__HYPERVISOR_memory_op, cmd, &r);
}

static long give_back(uint64_t mfn)
{
	xen_pfn_t f = mfn;

	return memop(XENMEM_decrease_reservation, &f, 1);
}

/* vCPU 1: publish each victim frame, then give it back at once. */
static void __attribute__((noreturn, used)) vcpu1_main(void)
{
	for (unsigned int k = 0; k < NVICTIM; k++) {
		uint64_t mfn = virt_to_mfn(victim[k]);

		/* No writable mapping may hold the frame that goes. */
		if (hyp_update_va_mapping((unsigned long)victim[k], 0,
					  UVMF_INVLPG))
			fail("unmapping victim %u failed", k);
		__atomic_store_n(&cur_mfn, mfn, __ATOMIC_SEQ_CST);
		if (k % 8 == 0) {
			/* Now and then let vCPU 0 load it first (up to
			 * 10 ms), so that some loads surely succeed. */
			uint64_t until = pv_now() + 10000000ULL;

			while (__atomic_load_n(&seen_mfn, __ATOMIC_SEQ_CST) !=
			       mfn && pv_now() < until)
				;
		} else {
			for (volatile unsigned int d = 0; d < (k % 16) * 64;
			     d++)
				;
		}
		if (give_back(mfn) == 1)
			back[given_back++] = virt_to_pfn(victim[k]);
		else
			kept++;
	}
	/* The domain ends with all its pages (the runner counts them). */
	if (memop(XENMEM_populate_physmap, back, given_back) != given_back)
		fail("taking %u frames back failed", given_back);
	__atomic_store_n(&vcpu1_done, 1, __ATOMIC_SEQ_CST);
	for (;;)
		hyp_sched_op(SCHEDOP_yield, NULL);
}

/* The limit lsl reads for @sel, or 0 if the descriptor does not load. */
static uint32_t limit_of(uint16_t sel)
{
	uint32_t limit = 0;
	uint8_t ok;

	__asm__ __volatile__("lsll %k2, %0\n\tsetz %1"
			     : "+r"(limit), "=q"(ok) : "r"((uint32_t)sel)
			     : "cc");
	return ok ? limit : 0;
}

void test_main(void)
{
	unsigned long frames[NGDT];
	unsigned int ok = 0, refused = 0, bad = 0;
	uint64_t last = 0;

	iso_begin();
	for (unsigned int i = 0; i < NGDT - 1; i++) {
		for (unsigned int j = 0; j < 512; j++)
			gdt[i][j] = FLAT_DATA;
		frames[i] = virt_to_mfn(gdt[i]);
	}
	for (unsigned int k = 0; k < NVICTIM; k++)
		for (unsigned int j = 0; j < 512; j++)
			victim[k][j] = FLAT_DATA;
	memset(&ctx, 0, sizeof(ctx));
	ctx.flags = VGCF_in_kernel;
	ctx.user_regs.rip = (unsigned long)vcpu1_main;
	ctx.user_regs.rsp = (unsigned long)(vcpu1_stack +
					    sizeof(vcpu1_stack)) - 8;
	ctx.user_regs.cs = FLAT_KERNEL_CS64;
	ctx.user_regs.ss = FLAT_KERNEL_SS64;
	ctx.user_regs.rflags = X86_EFLAGS_IF;
	ctx.kernel_ss = FLAT_KERNEL_SS64;
	ctx.kernel_sp = ctx.user_regs.rsp;
	ctx.ctrlreg[3] = kernel_l4_mfn() << 12;
	check_rc(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	check_rc(vcpu_op(VCPUOP_up, 1, NULL), 0);

	while (!__atomic_load_n(&vcpu1_done, __ATOMIC_SEQ_CST)) {
		uint64_t m = __atomic_load_n(&cur_mfn, __ATOMIC_SEQ_CST);
		long rc;

		if (!m || m == last)
			continue;
		frames[NGDT - 1] = m;
		rc = hypercall2(__HYPERVISOR_set_gdt, frames, NGDT * 512);
		if (rc) {
			refused++;
			last = m;	/* gone: wait for the next one */
			continue;
		}
		ok++;
		__atomic_store_n(&seen_mfn, m, __ATOMIC_SEQ_CST);
		/* The last page's descriptors, as the CPU reads them. */
		for (unsigned int j = 0; j < 512; j += 73) {
			uint16_t sel = (uint16_t)((((NGDT - 1) * 512 + j) << 3) |
						  3);

			if (limit_of(sel) != 0xffffffffU) {
				bad++;
				printk("set_gdt of frame 0x%lx succeeded, but "
				       "descriptor %u of it is not ours: the "
				       "frame was read after it was given "
				       "back\n", (unsigned long)m,
				       (NGDT - 1) * 512 + j);
				break;
			}
		}
	}
	/* Back to no GDT of ours before the frames go. */
	check_rc(hypercall2(__HYPERVISOR_set_gdt, frames, 0), 0);
	printk("seg_gdt_balloon: vCPU 1 gave back %u frames (%u kept in "
	       "use); set_gdt succeeded %u times, refused %u, read a freed "
	       "frame %u times\n", given_back, kept, ok, refused, bad);
	check(given_back > 0);
	check(ok > 0);
	if (bad)
		fail("set_gdt read %u frames after they were given back", bad);
	pass();
}
