/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the builder's files share and callers do not need: errno values
 * (the builder is freestanding and has no <errno.h>), the failure
 * formatter, and small memory helpers.
 */
#ifndef VENEER_BUILDER_INTERNAL_H
#define VENEER_BUILDER_INTERNAL_H

#include "builder.h"

/* Linux/Xen errno numbers, returned negated. */
#define VB_E2BIG   7
#define VB_ENOEXEC 8
#define VB_ENOMEM  12
#define VB_EFAULT  14
#define VB_EINVAL  22
#define VB_ERANGE  34

/*
 * Record why a step failed (printf-like: %s %u %x %lu %lx %llx %c) and
 * return errno_val, so callers can write `return vb_fail(err, -VB_EINVAL,
 * "...")`.
 */
int vb_fail(struct vb_error *err, int errno_val, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline uint64_t vb_pages(uint64_t bytes)
{
	return (bytes + VB_PAGE_SIZE - 1) >> VB_PAGE_SHIFT;
}

static inline void vb_memset(void *dst, int c, size_t n)
{
	__builtin_memset(dst, c, n);
}

static inline void vb_memcpy(void *dst, const void *src, size_t n)
{
	__builtin_memcpy(dst, src, n);
}

#endif /* VENEER_BUILDER_INTERNAL_H */
