/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated machine the host fuzz harnesses share: 64 frames owned by
 * three domains and the hypervisor, the page-type engine's memory hooks
 * over them, a byte reader for the fuzzer's input, and an invariant
 * checker that recomputes, from the frames' contents alone, every count
 * the engine (hypervisor/mm/pagetype.c, mm/frame.c) keeps incrementally.
 *
 * The checker is deliberately independent of the engine: it walks the
 * tables from their roots (pins, base pointers) as the hardware would,
 * and says what each frame's general and type counts must be (I3, I4),
 * which type it must have (I1: no page table or descriptor page
 * reachable writable), and what every live entry may contain (I5-I9).
 */
#ifndef FUZZ_HOST_MACHINE_H
#define FUZZ_HOST_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include <hv/errno.h>
#include <hv/pagetype.h>

#define NDOM		3		/* domains 1..NDOM */
#define DOM_FRAMES	20		/* each: frames (d-1)*20 .. +19 */
#define SHINFO		60		/* hypervisor-owned shared_info */
#define M2P		61		/* hypervisor frame, read-only mappable */
#define XENPRIV		62		/* hypervisor private frame */
#define UNASSIGNED	63		/* RAM, never allocated */
#define NFRAMES		64		/* frames >= NFRAMES are not RAM */

extern struct page_info frames[NFRAMES];
extern u64 mem[NFRAMES][PT_ENTRIES];
extern struct pt_domain dom[NDOM + 1];	/* dom[0] unused */

static inline unsigned long dom_first(unsigned int d)
{
	return (unsigned long)(d - 1) * DOM_FRAMES;
}

static inline u64 mk_pte(unsigned long mfn, u64 flags)
{
	return ((u64)mfn << 12) | flags;
}

static inline unsigned long pte_frame(u64 e)
{
	return (e & PTE_MFN_MASK) >> 12;
}

/* What the harness holds, from which the checker derives every count. */
struct model {
	bool alloc[NFRAMES];		/* the owner's allocation reference */
	u8 pin[NFRAMES];		/* pinned at this level by its owner */
	int base[NDOM + 1][2];		/* base pointers (kernel, user), or -1 */
	u32 held_w[NFRAMES];		/* writable type refs held by callers */
	u32 held_desc[NFRAMES];		/* descriptor-page type refs */
	/* May L1 entry @pte of @d map @mfn, owned by another domain? */
	bool (*foreign_ok)(unsigned int d, unsigned long mfn, u64 pte);
};

extern struct model m;

/*
 * The engine's foreign hook, set by each harness: what the hypervisor's
 * gnttab_foreign_ok() (or its absence) answers.
 */
/* Asked by the engine's restartable walks (struct pt_job); NULL: never. */
extern bool (*machine_preempt)(void);
extern bool (*machine_foreign)(const struct pt_domain *d, unsigned long mfn,
			       u64 pte);
extern unsigned int nr_released;

/* Frames, contents, domains and model back to a fresh boot. */
void machine_reset(void);

/* Report a broken invariant and abort (libFuzzer records the input). */
void fuzz_fail(const char *fmt, ...) __printf(1, 2) __noreturn;

/* Recompute everything from scratch; fuzz_fail() on any difference. */
void machine_check(void);

/*
 * After a refused operation: nothing may have changed but the U/S
 * adjustments a failed validation leaves in sub-tables it undid.
 */
void machine_snapshot(void);
void machine_assert_unchanged(const char *what);

/*
 * Per-operation outcome counts, printed at exit when FUZZ_HOST_STATS is
 * set in the environment (is the generator reaching every outcome?).
 */
#define MAX_STAT_OPS	32
void stats_register(const char *const *names, unsigned int n);
void stat_op(unsigned int op, bool ok);

/* The fuzzer's input, consumed front to back; zeros once it runs out. */
struct input {
	const u8 *p;
	size_t n;
};

unsigned int take8(struct input *in);
u64 take64(struct input *in);

/*
 * A page-table entry, mostly of a useful shape for domain @d's table
 * @table: a frame of @d, the table itself (a linear entry), another
 * domain's or the hypervisor's frame, a frame that is not RAM; any
 * flags, the high bits the engine refuses, or raw bytes.
 */
u64 take_entry(struct input *in, unsigned int d, unsigned long table);
/* An entry index, often one of the interesting ones (hypervisor slots). */
unsigned int take_index(struct input *in);

#endif /* FUZZ_HOST_MACHINE_H */
