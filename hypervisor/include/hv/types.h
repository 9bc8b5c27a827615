/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic types and helpers used everywhere in the hypervisor.
 *
 * Only the compiler's freestanding headers are used, so the same header
 * also compiles on the host for the unit tests of pure code (allocator,
 * printf, command line).
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 paddr_t;
typedef s64 s_time_t;		/* system time in nanoseconds since boot */
typedef u16 domid_t;

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define __aligned(n)		__attribute__((aligned(n)))
#define __packed		__attribute__((packed))
#define __noreturn		__attribute__((noreturn))
#define __noinline		__attribute__((noinline))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __used			__attribute__((used))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()		__asm__ __volatile__("" ::: "memory")

#endif /* HV_TYPES_H */
