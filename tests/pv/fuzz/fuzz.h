/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostile-guest fuzzer's shared state (tests/pv/fuzz/, docs/fuzzing.md).
 *
 * fuzz.c holds the loop, the PRNG, the value generators and the
 * bookkeeping of the frames the fuzzer plays with; ops.c the operations,
 * one function per family of hypercalls.  Everything here runs on one
 * vCPU, with events masked except while blocked.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include "domu.h"
#include "pvmm.h"

#include <veneer/event_channel.h>
#include <veneer/grant_table.h>
#include <veneer/memory.h>
#include <veneer/physdev.h>
#include <veneer/vcpu.h>

#define NWIN		16	/* window pages whose L1 entries we play with */
#define NSPARE		64	/* frames at the top of our memory, unmapped */
#define NDESC		8	/* of those, the last ones: descriptor pool */
#define NDATA		8	/* and before them: data pool */
#define NPOOL		(NDESC + NDATA)
#define NHOOK		4	/* free slots of our L2 we hang victim L1s on */
#define NVICTIM		(NWIN + NSPARE)
#define ARENA_SIZE	(64 * 1024)
#define MAX_HANDLES	64

/*
 * Pools (known bugs, docs/fuzzing.md): frames no page-table game ever
 * uses, so that the calls that write a frame without the type they need
 * (update_descriptor, GNTTABOP_copy) never meet a live page table.
 */
#define POOL_DESC	1	/* descriptor writes, GDTs */
#define POOL_DATA	2	/* grant copy destinations */

/* A frame the fuzzer may do anything with. */
struct victim {
	uint64_t pfn;
	uint64_t mfn;
	int ours;		/* 0 once given back (decrease_reservation) */
	int pool;		/* POOL_*: never a page table (known bugs) */
};

struct fuzz {
	uint64_t rng;
	uint64_t seed;
	uint64_t calls;		/* hypercalls issued, multicall entries too */
	uint64_t max_calls;
	uint64_t deadline;	/* pv_now() at which to stop, or 0 */
	unsigned int domid;
	int known_bugs;		/* 1: also the call shapes of known bugs */
	uint64_t trace_from;	/* print every call from this one on */
	uint64_t audit_from;	/* and make the hypervisor audit after each
				 * operation from this call on */
	uint64_t audit_mfn;	/* a zeroed frame pinned to trigger that */
	uint64_t max_page;
	uint64_t nr_pages;
	uint64_t shared_info_mfn;
	struct victim v[NVICTIM];
	unsigned int hook_slot[NHOOK];	/* indexes in our L2 */
	uint64_t hook_l2_maddr;		/* machine address of that L2 */
	uint64_t boot_l4_mfn;
	uint64_t gnt_mfn[4];		/* grant-table frames, once set up */
	unsigned int gnt_frames;
	unsigned int gnt_version;	/* 1 or 2, as get_version says */
	uint64_t gnt_status_mfn;	/* v2's status frame (or a freed one) */
	int gnt_status_live;		/* it is ours now: the table is v2 */
	uint16_t handles[MAX_HANDLES];	/* grant handles we were given */
	uint64_t handle_addr[MAX_HANDLES];
	uint64_t handle_bus[MAX_HANDLES];	/* their dev_bus_addr */
	unsigned int nr_handles;
	uint64_t ballooned_pfn[NVICTIM];
	unsigned int nr_ballooned;
	/* What happened, for the report at the end. */
	uint64_t per_nr[72];
	uint64_t ok, refused;
	uint64_t faults, failsafes, debug_traps;
	uint64_t breaches;
};

extern struct fuzz fz;
extern char win[NWIN + 1][PAGE_SIZE];	/* the last: a guard page */

/* PRNG (splitmix64). */
uint64_t rnd(void);
static inline uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}
static inline int chance(unsigned int percent)
{
	return below(100) < percent;
}

/* Value generators. */
uint64_t any_int(void);
uint64_t bad_ptr(void);
uint64_t fault_ptr(void);
void *arena_alloc(size_t size);
void arena_reset(void);
uint64_t ptr_or_bad(void *buf);
uint64_t any_mfn(int for_table);
uint64_t victim_mfn(int for_table);
uint64_t pool_mfn(int pool);
uint64_t foreign_mfn(void);
int mfn_is_pool(uint64_t mfn);
int mfn_is_grant_frame(uint64_t mfn);
uint64_t pte_for(uint64_t mfn, int allow_rw);
uint64_t any_pte(int for_table);
int mfn_is_victim(uint64_t mfn);
int mfn_is_protected(uint64_t mfn);
int mfn_is_boot_table(uint64_t mfn);
void fill_random(void *buf, size_t len);

/* Issue one hypercall and count it. */
long hcall(unsigned long nr, unsigned long a1, unsigned long a2,
	   unsigned long a3, unsigned long a4, unsigned long a5);

/* A call that a multicall may carry (no follow-up work needed). */
struct call {
	unsigned long nr;
	unsigned long a[5];
};

/* Touch memory that may fault: 0 if it did not, 1 if it faulted. */
int try_read(uint64_t va, uint64_t *out);
int try_write(uint64_t va, uint64_t val);
int try_ptwr(uint64_t va, uint64_t val, unsigned int how);

/* Window helpers. */
uint64_t win_l1e(unsigned int i);
uint64_t win_l1e_maddr(unsigned int i);
void check_windows(const char *after);

/* The operations (ops.c); each returns nothing, errors are expected. */
void op_raw(void);
void op_uvm(void);
void op_mmu_update(void);
void op_mmuext(void);
void op_fill_table(void);
void op_hook(void);
void op_baseptr(void);
void op_touch(void);
void op_gdt(void);
void op_descriptor(void);
void op_grant(void);
void op_evtchn(void);
void op_vcpu(void);
void op_sched(void);
void op_memory(void);
void op_version(void);
void op_console(void);
void op_misc(void);
void op_callbacks(void);
void op_multicall(void);
void gen_simple(struct call *c);
void balloon_refill(void);

void traps_init(void);

#endif /* FUZZ_H */
