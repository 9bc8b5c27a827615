// SPDX-License-Identifier: GPL-2.0
/*
 * The framework's C start: what runs between head.S and test_main(), and
 * how a test ends.
 *
 * pv_start() maps shared_info over a page of our own, tells the
 * hypervisor where our kernel stack is for entries from user mode,
 * installs the trap table and callbacks (lib/traps.c) and runs the test.
 * The last line a test prints is always "Test result: ..." so that the
 * runner (tests/system/test_pv_on_xen.py) knows the verdict; the shutdown
 * reason repeats it for the hypervisor: poweroff for success, crash for
 * failure.
 */
#include "pv.h"

struct start_info *start_info;
struct shared_info *shared_info;

/* A page of our image that we remap onto the shared_info frame. */
static char shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void traps_init(void);

void shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	hyp_sched_op(SCHEDOP_shutdown, &s);
	/* Not reached on a working hypervisor; spin without hypercalls. */
	for (;;)
		asm volatile("pause");
}

void pass(void)
{
	/*
	 * Assembled at run time so that the image never contains the
	 * success line: a hypervisor that dumps our memory to the console
	 * cannot fake a pass.
	 */
	printk("Test result: %s\n", "SUCCESS");
	shutdown(SHUTDOWN_poweroff);
}

void fail(const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printk("Test result: FAILURE %s\n", why);
	shutdown(SHUTDOWN_crash);
}

void make_page_readonly(void *va)
{
	uint64_t pte = (virt_to_mfn(va) << 12) | _PAGE_PRESENT |
		       _PAGE_ACCESSED;
	long rc = hyp_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);

	if (rc)
		fail("update_va_mapping(%p, read-only) = %ld", va, rc);
}

static void map_shared_info(void)
{
	uint64_t pte = start_info->shared_info | _PAGE_PRESENT | _PAGE_RW |
		       _PAGE_ACCESSED | _PAGE_DIRTY;
	long rc;

	rc = hyp_update_va_mapping((unsigned long)shared_info_page, pte,
				   UVMF_INVLPG);
	if (rc)
		fail("mapping shared_info: update_va_mapping = %ld", rc);
	shared_info = (struct shared_info *)shared_info_page;
}

void pv_start(struct start_info *si)
{
	long rc;

	start_info = si;
	printk("PV test %s: start_info %p, cmdline \"%s\"\n", test_name,
	       si, (const char *)si->cmd_line);
	map_shared_info();
	rc = hyp_stack_switch(FLAT_KERNEL_SS, (unsigned long)entry_stack_top);
	if (rc)
		fail("stack_switch = %ld", rc);
	traps_init();
	test_main();
	pass();
}
