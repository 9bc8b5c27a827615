// SPDX-License-Identifier: GPL-2.0
/*
 * console_io: CONSOLEIO_write and its limits.  A write returns 0 (not a
 * byte count) once everything is written; a zero-length write is a
 * no-op; a long buffer is written whole; only the low 32 bits of the
 * count count; a buffer that runs into an unmapped page gives -EFAULT;
 * an unknown command gives -ENOSYS.
 */
#include "pv.h"

const char test_name[] = "console_io";

#define EFAULT	14
#define ENOSYS	38

static char big[4096 + 1];
static char tail[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void test_main(void)
{
	static const char msg[] = "console_io: a line written directly\n";
	unsigned int i;

	check_rc(hyp_console_write(msg, sizeof(msg) - 1), 0);
	check_rc(hyp_console_write(msg, 0), 0);

	for (i = 0; i < 4096; i++)
		big[i] = (i % 64 == 63) ? '\n' : 'a' + (i / 64) % 26;
	check_rc(hyp_console_write(big, 4096), 0);

	/*
	 * The count is an unsigned int in the ABI: Xen ignores the upper
	 * half of the register (this writes 4 bytes).
	 */
	check_rc(hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write,
			    0x100000004UL, "ok\r\n"), 0);

	/*
	 * There is no length limit: Xen writes in chunks until the count is
	 * used up or a chunk cannot be read.  A buffer that runs into an
	 * unmapped page gets -EFAULT (what was before it may be written).
	 */
	check_rc(hyp_update_va_mapping((unsigned long)tail[1], 0, UVMF_INVLPG),
		 0);
	memcpy(&tail[0][PAGE_SIZE - 8], "partial\n", 8);
	check_rc(hyp_console_write(&tail[0][PAGE_SIZE - 8], 0x1000), -EFAULT);
	check_rc(hyp_console_write((const void *)0xff0, 0x20), -EFAULT);

	check_rc(hypercall3(__HYPERVISOR_console_io, 2, 1, msg), -ENOSYS);
	check_rc(hypercall3(__HYPERVISOR_console_io, 0x12345, 1, msg),
		 -ENOSYS);
}
