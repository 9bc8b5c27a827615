// SPDX-License-Identifier: GPL-2.0
/*
 * The console: the one place bytes leave the hypervisor for a human.
 *
 * First thing at boot, start_hypervisor() calls console_init() so that
 * everything after it, including a crash during memory setup, is visible.
 * Writers are serialized by one lock so lines from two CPUs do not mix;
 * panic takes the lock by force, since a CPU that died while holding it
 * must not silence the panic dump.
 */
#include <hv/console.h>
#include <hv/spinlock.h>

static spinlock_t console_lock = SPINLOCK_INIT;

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
	unsigned long flags = spin_lock_irqsave(&console_lock);

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	spin_unlock_irqrestore(&console_lock, flags);
}

/**
 * console_force_unlock() - make the console usable no matter who holds it
 *
 * Only for panic: the lock may be held by a CPU that will never release it.
 */
void console_force_unlock(void)
{
	spin_lock_init(&console_lock);
}
