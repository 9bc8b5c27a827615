// SPDX-License-Identifier: GPL-2.0
/*
 * The console: the one place bytes leave the hypervisor for a human.
 *
 * First thing at boot, start_hypervisor() calls console_init() so that
 * everything after it, including a crash during memory setup, is visible.
 * Writers are serialized by one lock so lines from two CPUs do not mix;
 * panic takes the lock by force, since a CPU that died while holding it
 * must not silence the panic dump.
 *
 * At serial speed a line takes milliseconds, so the lock is held with
 * the writer's own interrupt state, not with interrupts off: a hypercall
 * (a guest's console_io) prints with interrupts on, and only a writer
 * that already runs with them off (a trap path, an interrupt handler)
 * keeps them off while it prints.  Waiting for the lock, too, is done
 * with the writer's interrupt state (they are turned off only for each
 * try and around the hand-over).  An interrupt handler that logs on the
 * CPU that holds the lock cannot wait for it (it would wait for itself):
 * its line goes out at once, in the middle of the interrupted one, which
 * is better than a hang.
 */
#include <hv/console.h>
#include <hv/smp.h>
#include <hv/spinlock.h>

static spinlock_t console_lock = SPINLOCK_INIT;
static int console_owner = -1;		/* the CPU holding console_lock */

static void put_bytes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

/**
 * console_init() - bring up the output device
 */
void console_init(void)
{
	serial_init();
}

/**
 * console_write() - print bytes, turning "\n" into "\r\n" for terminals
 * @s: the bytes
 * @n: how many
 */
void console_write(const char *s, size_t n)
{
	unsigned long flags = local_irq_save();
	int me = smp_processor_id();

	if (READ_ONCE(console_owner) == me) {
		/* An interrupt came while this CPU printed. */
		put_bytes(s, n);
		local_irq_restore(flags);
		return;
	}
	while (!spin_trylock(&console_lock)) {
		local_irq_restore(flags);
		cpu_relax();
		local_irq_disable();
	}
	WRITE_ONCE(console_owner, me);
	local_irq_restore(flags);
	put_bytes(s, n);
	local_irq_disable();
	WRITE_ONCE(console_owner, -1);
	spin_unlock(&console_lock);
	local_irq_restore(flags);
}

/**
 * console_force_unlock() - make the console usable no matter who holds it
 *
 * Only for panic: the lock may be held by a CPU that will never release it.
 */
void console_force_unlock(void)
{
	console_owner = -1;
	spin_lock_init(&console_lock);
}
