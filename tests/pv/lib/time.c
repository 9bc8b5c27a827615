// SPDX-License-Identifier: GPL-2.0
/*
 * System time for test kernels, as Linux's pvclock reads it: the
 * hypervisor publishes a (system_time, tsc_timestamp, mul, shift) record
 * in vcpu_info, and the guest scales the TSC cycles since tsc_timestamp.
 * The record's version is odd while it is being rewritten and changes
 * with every update, so a read that straddles one is retried.
 */
#include "pv.h"

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t pv_now(void)
{
	volatile struct vcpu_time_info *t = &vcpu0()->time;
	uint32_t version;
	uint64_t delta, ns;

	do {
		version = t->version;
		asm volatile("" ::: "memory");
		delta = rdtsc() - t->tsc_timestamp;
		if (t->tsc_shift >= 0)
			delta <<= t->tsc_shift;
		else
			delta >>= -t->tsc_shift;
		ns = t->system_time +
		     (uint64_t)(((unsigned __int128)delta *
				 t->tsc_to_system_mul) >> 32);
		asm volatile("" ::: "memory");
	} while ((version & 1) || version != t->version);
	return ns;
}
