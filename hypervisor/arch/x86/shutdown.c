// SPDX-License-Identifier: GPL-2.0
/*
 * Ending the machine.
 *
 * machine_exit() is how self-tests and panics report a status: it first
 * writes the status to QEMU's isa-debug-exit device at port 0xf4 (present
 * when the test harness adds `-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04`; QEMU then exits with (status << 1) | 1).  Without that
 * device the write goes nowhere and we power off through ACPI: the FADT
 * gives the PM1 control ports, the DSDT's \_S5 package the sleep type.
 * If even that fails the CPU halts.
 */
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/shutdown.h>

#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define DEBUG_EXIT_PORT	0xf4
#define SLP_EN		(1 << 13)

/* S5 sleep type from the DSDT's "_S5_" package (AML), or 0. */
static unsigned int s5_sleep_type(const u8 *dsdt, u32 len)
{
	for (u32 i = 36; i + 8 < len; i++) {
		const u8 *p = dsdt + i;

		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)	/* PackageOp */
			continue;
		p += 5;
		p += (*p >> 6) + 1;	/* PkgLength: 1-4 bytes */
		p++;			/* NumElements */
		if (*p == 0x0a)		/* BytePrefix */
			return p[1];
		return *p <= 1 ? *p : 0;	/* ZeroOp / OneOp */
	}
	return 0;
}

static void acpi_poweroff(void)
{
	const u8 *fadt = acpi_find_table("FACP");
	const u8 *dsdt;
	u32 pm1a, pm1b, typ = 0;

	if (!fadt)
		return;
	pm1a = *(const u32 *)(fadt + 64);
	pm1b = *(const u32 *)(fadt + 68);
	dsdt = __va(*(const u32 *)(fadt + 40));
	if (*(const u32 *)(fadt + 40))
		typ = s5_sleep_type(dsdt, *(const u32 *)(dsdt + 4));
	outw(pm1a, (typ << 10) | SLP_EN);
	if (pm1b)
		outw(pm1b, (typ << 10) | SLP_EN);
}

/**
 * machine_halt() - stop this CPU for good
 */
void machine_halt(void)
{
	for (;;) {
		local_irq_disable();
		halt();
	}
}

/**
 * machine_exit() - power off, reporting @code to a test harness if any
 * @code: EXIT_SUCCESS_CODE or EXIT_FAILURE_CODE
 */
void machine_exit(unsigned int code)
{
	local_irq_disable();
	outl(DEBUG_EXIT_PORT, code);
	acpi_poweroff();
	machine_halt();
}

/**
 * machine_restart() - reset the machine
 *
 * Tries the 0xcf9 reset control register, then the keyboard controller,
 * then a triple fault.
 */
void machine_restart(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed null_idt = { 0, 0 };

	local_irq_disable();
	outb(0xcf9, 0x06);
	outb(0x64, 0xfe);
	__asm__ __volatile__("lidt %0; int3" : : "m"(null_idt));
	machine_halt();
}
