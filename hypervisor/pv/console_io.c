// SPDX-License-Identifier: GPL-2.0
/*
 * console_io: the guest kernel's earliest console.
 *
 * Linux prints through CONSOLEIO_write until its hvc console is up, and
 * dom0 keeps using it for the hvc console itself, so dom0's output goes
 * straight to our serial line, unprefixed, as on Xen.  The count is an
 * unsigned int in the ABI; there is no length limit: the buffer is copied
 * in small chunks until it is used up or a chunk cannot be read, which
 * gives -EFAULT after whatever came before it was written.
 */
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/pv.h>

#define CHUNK	128

/**
 * do_console_io() - write to (or read from) the hypervisor console
 * @cmd:   CONSOLEIO_write or CONSOLEIO_read
 * @count: bytes (low 32 bits only)
 * @buf:   guest buffer
 */
long do_console_io(unsigned long cmd, unsigned long count, unsigned long buf)
{
	struct vcpu *v = current_vcpu();
	char chunk[CHUNK];
	unsigned int left = count;

	switch (cmd) {
	case CONSOLEIO_write:
		while (left) {
			unsigned int n = left < CHUNK ? left : CHUNK;
			unsigned long missed;

			missed = copy_from_guest_partial(chunk, buf, n);
			console_write(chunk, n - missed);
			if (missed)
				return -EFAULT;
			buf += n;
			left -= n;
		}
		return 0;
	case CONSOLEIO_read:
		/* No console input yet: nothing to read. */
		if (!v->domain->is_privileged)
			return -EPERM;
		return 0;
	}
	return -ENOSYS;
}
