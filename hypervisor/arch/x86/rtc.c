// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS real-time clock, read once per domain to set its wallclock
 * (common/time-pv.c).  The RTC keeps calendar time, in BCD unless status
 * register B says binary; we wait for an update cycle to be out of the
 * way, read the fields and turn them into seconds since 1970 (UTC, which
 * is what QEMU's RTC keeps by default).
 */
#include <hv/event.h>
#include <hv/types.h>

#include <asm/processor.h>

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned int bcd(u8 v, bool binary)
{
	return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static u64 days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
	/* Shift the year to start in March so the leap day comes last. */
	if (m <= 2) {
		y--;
		m += 12;
	}
	return 365ULL * y + y / 4 - y / 100 + y / 400 +
	       (153 * (m - 3) + 2) / 5 + d - 1 - 719468;
}

/**
 * arch_rtc_seconds() - the RTC's time, in seconds since 1970
 */
u64 arch_rtc_seconds(void)
{
	unsigned int sec, min, hour, day, mon, year;
	unsigned long flags = local_irq_save();
	bool binary;
	u8 b;

	for (int i = 0; i < 1000000 && (cmos_read(0x0a) & 0x80); i++)
		cpu_relax();
	b = cmos_read(0x0b);
	binary = b & 0x04;
	sec = bcd(cmos_read(0x00), binary);
	min = bcd(cmos_read(0x02), binary);
	hour = cmos_read(0x04);
	day = bcd(cmos_read(0x07), binary);
	mon = bcd(cmos_read(0x08), binary);
	year = bcd(cmos_read(0x09), binary) + 2000;
	local_irq_restore(flags);
	if (!(b & 0x02) && (hour & 0x80))	/* 12-hour clock, PM */
		hour = (bcd(hour & 0x7f, binary) % 12) + 12;
	else
		hour = bcd(hour & 0x7f, binary);
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return 0;
	return days_since_epoch(year, mon, day) * 86400ULL + hour * 3600 +
	       min * 60 + sec;
}
