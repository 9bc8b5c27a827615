// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_no_callback: a `syscall` from guest user mode while the guest
 * kernel has no syscall callback (address 0) cannot be delivered as a
 * system call.  The guest kernel gets #UD at the syscall instruction
 * itself (Xen's behaviour since 4.15), not a silent return, not a
 * hypervisor crash.
 */
#include <veneer/callback.h>

#include "pv.h"

const char test_name[] = "syscall_no_callback";

static char user_stack[4096] __attribute__((aligned(16)));
extern char nocb_entry[];

asm(".pushsection .text\n"
    "nocb_entry:\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");

static unsigned int ud_count;
static struct bounce ud_b;

static void on_ud(struct trap_regs *r, struct bounce *b)
{
	ud_count++;
	ud_b = *b;
	user_return(r, b);
}

void test_main(void)
{
	struct callback_register cb = { .type = CALLBACKTYPE_syscall };
	struct gprs g;

	user_setup();
	printk("syscall callback removed\n");
	check_rc(hyp_callback_op(CALLBACKOP_register, &cb), 0);
	set_handler(6, on_ud);
	memset(&g, 0, sizeof(g));
	g.rsp = (uint64_t)user_stack + sizeof(user_stack);
	user_run((uint64_t)nocb_entry, &g, 0);
	printk("  #UD at rip 0x%lx cs 0x%lx (syscall at %p)\n", ud_b.rip,
	       ud_b.cs, nocb_entry);
	check_eq(ud_count, 1);
	check_eq(ud_b.rip, (uint64_t)nocb_entry);
	check_eq(ud_b.cs & 0xffff, FLAT_USER_CS);
}
