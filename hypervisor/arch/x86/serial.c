// SPDX-License-Identifier: GPL-2.0
/*
 * The 16550 UART on COM1 (I/O port 0x3f8): the hypervisor's console.
 *
 * It is the first device start_hypervisor() touches, so it is as simple
 * as it can be: 115200 baud, 8N1, FIFOs on, no interrupts, and output by
 * polling the transmit-holding-register-empty bit.  QEMU's -nographic
 * connects it to standard output.
 */
#include <hv/console.h>

#include <asm/processor.h>

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding (DLAB=0) */
#define UART_RBR	0	/* receive buffer (DLAB=0) */
#define UART_DLL	0	/* divisor low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor high (DLAB=1) */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_THRE	0x20
#define LCR_DLAB	0x80
#define LCR_8N1		0x03

/**
 * serial_init() - program COM1 for 115200 8N1, polled
 */
void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1);		/* 115200 = 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xc7);		/* enable, clear, 14-byte */
	outb(COM1 + UART_MCR, 0x03);		/* DTR, RTS */
}

/**
 * serial_putc() - send one byte, waiting for room
 * @c: the byte
 */
void serial_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		cpu_relax();
	outb(COM1 + UART_THR, (u8)c);
}

/**
 * serial_getc() - take one received byte if there is one
 *
 * Return: the byte, or -1 when nothing is waiting.  Polled: the UART's
 * interrupt stays off (pv/console_io.c polls from a timer).
 */
int serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & 0x01))	/* LSR.DR: data ready */
		return -1;
	return inb(COM1 + UART_RBR);
}
