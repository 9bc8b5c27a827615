/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small C library the hypervisor carries: string functions
 * (common/string.c) and formatted output (common/vsprintf.c).  The
 * prototypes are the standard ones, so host unit tests link the same
 * pure code against the host's libc.
 */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <hv/types.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* HV_LIB_H */
