// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile-guest fuzzer: an unprivileged domU that throws random and
 * structure-aware hypercalls at the hypervisor (docs/fuzzing.md).
 *
 * It runs beside dom0 (tests/pv/domu/dom0_waiter), connects with it
 * first (domu.h), then issues calls until it has made `calls=N` of them
 * or `secs=N` seconds have passed, from a PRNG seeded by `seed=N`: the
 * same seed replays the same calls.  The runner
 * (tests/system/test_fuzz.py) then judges the hypervisor: it must live,
 * dom0 must outlive us, the page-type audit must hold and every one of
 * our pages must come back when we are destroyed.
 *
 * The fuzzer must survive its own calls.  It keeps its code, stacks,
 * page tables, start_info, P2M and shared_info out of the game and plays
 * only with "victim" frames: the frames behind NWIN window pages of its
 * image, whose L1 entries it rewrites at will, and NSPARE frames at the
 * top of its memory that nothing maps.  Page-table games hang victim
 * tables on NHOOK free slots of its own L2.  Whatever may fault (reads
 * and writes through the windows) is done with a resume address, so a
 * fault is counted and skipped; any other trap fails the run.
 *
 * It also checks what it can see: a window must never map a frame that
 * is not ours, nor one of our page tables writable (check_windows()).
 */
#include "fuzz.h"

const char test_name[] = "fuzz";

struct fuzz fz;
/* The windows, and a page after them that is never mapped: a pointer
 * near a window's end (bad_ptr) must not let the hypervisor write into
 * whatever follows (our own state, once). */
char win[NWIN + 1][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t arena[ARENA_SIZE] __attribute__((aligned(PAGE_SIZE)));
static size_t arena_used;
/* Raw calls get 256 random bytes followed by a page that is not mapped,
 * so a huge count reads random bytes and then faults, never our data. */
static uint8_t raw_area[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
uint8_t *fz_raw_tail = raw_area[0] + PAGE_SIZE - 256;
static uint64_t boot_end_pfn;	/* pfns below it are mapped by the builder */

/* Where a faulting probe continues (0: none armed). */
uint64_t fz_resume;

/* --- PRNG ------------------------------------------------------------- */

uint64_t rnd(void)
{
	uint64_t z = (fz.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fill_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len >= 8) {
		uint64_t r = rnd();

		memcpy(p, &r, 8);
		p += 8;
		len -= 8;
	}
	while (len--)
		*p++ = (uint8_t)rnd();
}

/* --- values ----------------------------------------------------------- */

/* An integer of the kinds that break size and index checks. */
uint64_t any_int(void)
{
	static const uint64_t edge[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255,
		256, 511, 512, 1023, 1024, 4095, 4096, 4097, 8191, 8192,
		0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL, ~0ULL - 1, ~0ULL << 12,
		0x7ff0, 0x7ff1, 0x7ff2, 0x7ff4, 0x7fff,
	};

	switch (below(6)) {
	case 0:
		return edge[below(sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return below(64);
	case 2:
		return (1ULL << below(64)) + below(3) - 1;
	case 3:
		return (uint32_t)rnd();
	case 4:
		return -(uint64_t)below(16);
	}
	return rnd();
}

static uint64_t safe_window(void);

/* A pointer the hypervisor must refuse or survive; fault_ptr(): one
 * that cannot be read at all (no window end among them). */
static uint64_t bad_ptr_kind(unsigned int kind)
{
	switch (kind) {
	case 0:
		return below(2) ? 0 : below(0x10000);
	case 1:		/* the hypervisor's slots, M2P included */
		return 0xffff800000000000ULL + (rnd() & 0x7fffffffff8ULL);
	case 2:
		return 0xffff800000000000ULL + below(0x1000);
	case 3:		/* non-canonical */
		return 0x0000800000000000ULL + (rnd() & 0x7fff00000000ULL);
	case 4:
		return 0x8000000000000000ULL | rnd();
	case 5:		/* wraps around the top */
		return -(uint64_t)below(64);
	case 6:		/* unmapped, in our half */
		return VIRT_BASE + (1ULL << 30) - below(4096);
	case 7:		/* the end of a window, straddling the next */
		return (safe_window() & ~(PAGE_SIZE - 1)) + PAGE_SIZE - 1 -
		       below(32);
	case 8:		/* just below the hypervisor's slots */
		return 0xffff7ffffffff000ULL + below(0x1000);
	}
	return 0xfff0000000000000ULL | rnd();	/* non-canonical or unmapped */
}

uint64_t bad_ptr(void)
{
	return bad_ptr_kind(below(10));
}

uint64_t fault_ptr(void)
{
	unsigned int k = below(9);

	return bad_ptr_kind(k == 7 ? 9 : k);
}

/* Zeroed, so that nothing reads an earlier operation's structures. */
void arena_reset(void)
{
	memset(arena, 0, arena_used);
	arena_used = 0;
}

/* Scratch memory for one operation, 16-byte aligned, never NULL. */
void *arena_alloc(size_t size)
{
	void *p;

	size = (size + 15) & ~15UL;
	if (size > ARENA_SIZE)
		size = ARENA_SIZE;
	if (arena_used + size > ARENA_SIZE)
		fail("fuzz: scratch arena full");
	p = arena + arena_used;
	arena_used += size;
	return p;
}

/* A window whose frame a hypervisor write may clobber: its L1 entry maps
 * a victim frame, or nothing, or something read-only. */
static uint64_t safe_window(void)
{
	for (unsigned int tries = 0; tries < 4; tries++) {
		unsigned int i = below(NWIN);
		uint64_t e = win_l1e(i);

		if (!(e & _PAGE_PRESENT) || !(e & _PAGE_RW) ||
		    mfn_is_victim(pte_mfn(e)))
			return (uint64_t)win[i] + (below(2) ? 0 :
						   below(PAGE_SIZE) & ~7UL);
	}
	return fault_ptr();
}

/* @buf usually; sometimes a window or a bad pointer instead. */
uint64_t ptr_or_bad(void *buf)
{
	unsigned int r = below(100);

	if (r < 80)
		return (uint64_t)buf;
	if (r < 88)
		return safe_window();
	return bad_ptr();
}

static int mfn_is_ours(uint64_t mfn)
{
	uint64_t pfn;

	if (mfn_is_victim(mfn))
		return 1;
	if (mfn >= fz.max_page)
		return 0;
	pfn = m2p(mfn);
	return pfn < fz.nr_pages &&
	       ((const uint64_t *)start_info->mfn_list)[pfn] == mfn;
}

int mfn_is_victim(uint64_t mfn)
{
	for (unsigned int i = 0; i < NVICTIM; i++)
		if (fz.v[i].mfn == mfn && fz.v[i].ours)
			return 1;
	return 0;
}

/* One of the frames that keep us running (code, data, stacks, tables,
 * start_info, P2M), not a window's own frame. */
int mfn_is_protected(uint64_t mfn)
{
	uint64_t pfn;

	if (mfn >= fz.max_page || mfn_is_victim(mfn))
		return 0;
	pfn = m2p(mfn);
	return pfn < boot_end_pfn &&
	       ((const uint64_t *)start_info->mfn_list)[pfn] == mfn;
}

int mfn_is_boot_table(uint64_t mfn)
{
	uint64_t first = virt_to_pfn((void *)start_info->pt_base);
	uint64_t pfn = mfn < fz.max_page ? m2p(mfn) : ~0ULL;

	return mfn_is_protected(mfn) && pfn >= first &&
	       pfn < first + start_info->nr_pt_frames;
}

static uint64_t protected_mfn(void)
{
	uint64_t pfn = below(boot_end_pfn);

	return ((const uint64_t *)start_info->mfn_list)[pfn];
}

static uint64_t boot_table_mfn(void)
{
	uint64_t first = virt_to_pfn((void *)start_info->pt_base);

	return ((const uint64_t *)start_info->mfn_list)
		[first + below(start_info->nr_pt_frames)];
}

/* A victim frame; @for_table: never one of the pools. */
uint64_t victim_mfn(int for_table)
{
	unsigned int n = for_table ? NVICTIM - NPOOL : NVICTIM;

	return fz.v[below(n)].mfn;
}

/* A frame of pool @pool, or one not ours if it was given back. */
uint64_t pool_mfn(int pool)
{
	const struct victim *v = &fz.v[NVICTIM - NPOOL +
				       (pool == POOL_DESC ? NDATA : 0) +
				       below(pool == POOL_DESC ? NDESC : NDATA)];

	return v->ours ? v->mfn : foreign_mfn();
}

int mfn_is_pool(uint64_t mfn)
{
	for (unsigned int i = NVICTIM - NPOOL; i < NVICTIM; i++)
		if (fz.v[i].mfn == mfn)
			return 1;
	return 0;
}

int mfn_is_grant_frame(uint64_t mfn)
{
	for (unsigned int g = 0; g < fz.gnt_frames; g++)
		if (fz.gnt_mfn[g] == mfn)
			return 1;
	return 0;
}

/*
 * A machine frame number: mostly victims, then ours, then anything.
 * @for_table: one that may end up a page table, so never a pool frame.
 */
uint64_t any_mfn(int for_table)
{
	unsigned int r = below(100);
	uint64_t m;

	if (r < 55)
		return victim_mfn(for_table);
	if (r < 62)
		return for_table ? victim_mfn(1) :
		       pool_mfn(chance(50) ? POOL_DESC : POOL_DATA);
	if (r < 70)
		return boot_table_mfn();
	if (r < 75)
		return protected_mfn();
	if (r < 78)
		return fz.shared_info_mfn;
	if (r < 80 && fz.gnt_frames)
		return fz.gnt_mfn[below(fz.gnt_frames)];
	switch (below(8)) {
	case 0:
		return below(16);
	case 1:
		return fz.max_page - 1 - below(4);
	case 2:
		return fz.max_page + below(4);
	case 3:
		return (1ULL << 40) - 1;
	case 4:
		return rnd() & ((1ULL << 40) - 1);
	case 5:
		return ~0ULL >> below(24);
	}
	m = below(fz.max_page);		/* dom0's, the hypervisor's, free */
	return for_table && mfn_is_pool(m) ? victim_mfn(1) : m;
}

/* A frame that is certainly not ours (nor shared with us). */
uint64_t foreign_mfn(void)
{
	for (;;) {
		uint64_t m = any_mfn(0);

		if (!mfn_is_ours(m) && m != fz.shared_info_mfn &&
		    !mfn_is_grant_frame(m))
			return m;
	}
}

/* A PTE for @mfn; writable only if @allow_rw and the dice say so. */
uint64_t pte_for(uint64_t mfn, int allow_rw)
{
	uint64_t e = (mfn << 12) | _PAGE_PRESENT;

	if (chance(95))
		e &= 0x000ffffffffff000ULL | _PAGE_PRESENT;
	if (allow_rw && chance(60))
		e |= _PAGE_RW;
	if (chance(70))
		e |= _PAGE_ACCESSED;
	if (chance(50))
		e |= _PAGE_DIRTY;
	if (chance(50))
		e |= _PAGE_USER;
	if (chance(10))
		e |= 1ULL << (3 + below(6));	/* PWT PCD A D PSE G */
	if (chance(5))
		e |= 1ULL << (9 + below(3));	/* available to software */
	if (chance(5))
		e |= 1ULL << 63;		/* NX */
	if (chance(3))
		e |= 1ULL << (52 + below(11));	/* high bits */
	if (chance(4))
		e &= ~_PAGE_PRESENT;
	return e;
}

/*
 * Any PTE, for the entries of victim tables and our windows.  Never a
 * writable mapping of a frame that keeps us running (we would clobber
 * ourselves through it), or of shared_info (pv_now() reads it); a
 * writable one of our page tables is fine: it must be refused.
 */
uint64_t any_pte(int for_table)
{
	uint64_t mfn;

	if (chance(5))
		return chance(50) ? 0 : rnd() & ~(_PAGE_RW);
	mfn = any_mfn(for_table);
	return pte_for(mfn, !(mfn_is_protected(mfn) &&
			      !mfn_is_boot_table(mfn)) &&
			    mfn != fz.shared_info_mfn);
}

/* --- calls and probes ------------------------------------------------- */

long hcall(unsigned long nr, unsigned long a1, unsigned long a2,
	   unsigned long a3, unsigned long a4, unsigned long a5)
{
	long rc;

	fz.calls++;
	fz.per_nr[nr < 71 ? nr : 71]++;
	if (fz.calls >= fz.trace_from)
		printk("fuzz: call %lu: %lu(0x%lx, 0x%lx, 0x%lx, 0x%lx, "
		       "0x%lx)\n", fz.calls, nr, a1, a2, a3, a4, a5);
	rc = hypercall5((long)nr, (long)a1, (long)a2, (long)a3, (long)a4,
			(long)a5);
	if (rc < 0)
		fz.refused++;
	else
		fz.ok++;
	return rc;
}

int try_read(uint64_t va, uint64_t *out)
{
	uint64_t before = fz.faults, v = 0;

	asm volatile("movq $2f, fz_resume(%%rip)\n\t"
		     "1: movq (%1), %0\n\t"
		     "2: movq $0, fz_resume(%%rip)"
		     : "+r"(v) : "r"(va) : "memory");
	*out = v;
	return fz.faults != before;
}

int try_write(uint64_t va, uint64_t val)
{
	uint64_t before = fz.faults;

	asm volatile("movq $2f, fz_resume(%%rip)\n\t"
		     "1: movq %1, (%0)\n\t"
		     "2: movq $0, fz_resume(%%rip)"
		     : : "r"(va), "r"(val) : "memory");
	return fz.faults != before;
}

/* A write the hypervisor may have to emulate (a pinned L1 mapped
 * read-only), by one of the instructions Linux and others use. */
int try_ptwr(uint64_t va, uint64_t val, unsigned int how)
{
	uint64_t before = fz.faults, old = 0;

	va &= ~7UL;
	switch (how % 8) {
	case 0:
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: movq %1, (%0)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : : "r"(va), "r"(val) : "memory");
		break;
	case 1:
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: xchgq %1, (%0)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : "+r"(va), "+r"(val) : : "memory");
		break;
	case 2:
		try_read(va, &old);
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: lock cmpxchgq %2, (%1)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : "+a"(old) : "r"(va), "r"(val) : "memory");
		break;
	case 3:
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: movl %k1, (%0)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : : "r"(va + 4 * below(2)), "r"(val) : "memory");
		break;
	case 4:
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: lock orq %1, (%0)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : : "r"(va), "r"(val) : "memory");
		break;
	case 5:
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: lock andq %1, (%0)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : : "r"(va), "r"(val) : "memory");
		break;
	case 6:
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: lock btcq %1, (%0)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : : "r"(va), "r"(val & 63) : "memory");
		break;
	default:
		asm volatile("movq $2f, fz_resume(%%rip)\n\t"
			     "1: movb %b1, (%0)\n\t"
			     "2: movq $0, fz_resume(%%rip)"
			     : : "r"(va + below(8)), "r"(val) : "memory");
		break;
	}
	return fz.faults != before;
}

/* Faults of our own probes are skipped; anything else ends the run. */
static void fz_trap(struct trap_regs *r, struct bounce *b)
{
	if (r->vector == 1) {
		/* TF, or a breakpoint our random set_debugreg calls armed:
		 * RF lets an instruction breakpoint's instruction run. */
		fz.debug_traps++;
		b->rflags = (b->rflags & ~X86_EFLAGS_TF) | 0x10000UL;
		return;
	}
	if (r->vector == 7)		/* fpu_taskswitch(1): TS now clear */
		return;
	if (fz_resume) {
		fz.faults++;
		b->rip = fz_resume;
		fz_resume = 0;
		return;
	}
	fail("unexpected trap: vector %lu at rip 0x%lx, error code 0x%lx, "
	     "cr2 0x%lx (seed=%lu, after %lu calls)", r->vector, b->rip,
	     b->error_code, vcpu0()->arch.cr2, fz.seed, fz.calls);
}

/* A segment reload failed on the way back to us (a descriptor game). */
static void fz_failsafe(struct trap_regs *r, struct bounce *b)
{
	fz.failsafes++;
	asm volatile("movl %0, %%fs; movl %0, %%gs" : : "r"(0));
}

/* --- windows ---------------------------------------------------------- */

uint64_t win_l1e(unsigned int i)
{
	const uint64_t *l1 = table_of(win[i], 1);

	return l1[((uint64_t)win[i] >> 12) & 511];
}

uint64_t win_l1e_maddr(unsigned int i)
{
	return entry_maddr(win[i], 1);
}

/*
 * The isolation oracle we can run from inside: every present window entry
 * maps a frame of ours (victims, our image, grant-table frames) or the
 * shared_info page, and never one of our page tables writable.
 */
void check_windows(const char *after)
{
	for (unsigned int i = 0; i < NWIN; i++) {
		uint64_t e = win_l1e(i), mfn = pte_mfn(e);
		int ok;

		if (!(e & _PAGE_PRESENT))
			continue;
		ok = mfn_is_ours(mfn) || mfn == fz.shared_info_mfn;
		for (unsigned int g = 0; g < fz.gnt_frames; g++)
			ok |= mfn == fz.gnt_mfn[g];
		/* The status frame, only while the table is v2: once a
		 * switch to v1 freed it, a window on it is a breach. */
		ok |= fz.gnt_status_live && mfn == fz.gnt_status_mfn;
		if (!ok || ((e & _PAGE_RW) && mfn_is_boot_table(mfn))) {
			fz.breaches++;
			printk("fuzz: BREACH after %s: window %u maps frame "
			       "0x%lx with pte 0x%lx (%s) (seed=%lu, call "
			       "%lu)\n", after, i, mfn, e,
			       ok ? "one of our page tables, writable" :
			       "not ours", fz.seed, fz.calls);
		}
	}
}

/* --- set-up ----------------------------------------------------------- */

static uint64_t cmdline_num(const char *key, uint64_t dflt)
{
	const char *s = (const char *)start_info->cmd_line;
	size_t n = strlen(key);

	for (; *s; s++) {
		uint64_t v = 0;

		if ((s != (const char *)start_info->cmd_line && s[-1] != ' ') ||
		    strncmp(s, key, n) || s[n] != '=')
			continue;
		s += n + 1;
		if (s[0] == '0' && s[1] == 'x') {
			for (s += 2;; s++) {
				unsigned int d;

				if (*s >= '0' && *s <= '9')
					d = *s - '0';
				else if (*s >= 'a' && *s <= 'f')
					d = *s - 'a' + 10;
				else
					break;
				v = v * 16 + d;
			}
		} else {
			while (*s >= '0' && *s <= '9')
				v = v * 10 + (uint64_t)(*s++ - '0');
		}
		return v;
	}
	return dflt;
}

static int va_mapped(uint64_t va)
{
	const uint64_t *t = (const uint64_t *)start_info->pt_base;

	for (unsigned int l = 4; l >= 1; l--) {
		uint64_t e = t[(va >> (12 + 9 * (l - 1))) & 511];

		if (!(e & _PAGE_PRESENT))
			return 0;
		if (l == 1)
			return 1;
		t = mfn_to_virt(pte_mfn(e));
	}
	return 1;
}

static void setup(void)
{
	const uint64_t *p2m = (const uint64_t *)start_info->mfn_list;
	const uint64_t *l2 = table_of((void *)VIRT_BASE, 2);
	unsigned int h = 0;

	fz.nr_pages = start_info->nr_pages;
	fz.max_page = (uint64_t)hypercall2(__HYPERVISOR_memory_op,
					   XENMEM_maximum_ram_page, NULL);
	fz.shared_info_mfn = start_info->shared_info >> 12;
	fz.boot_l4_mfn = virt_to_mfn((void *)start_info->pt_base);
	for (boot_end_pfn = 0; boot_end_pfn < fz.nr_pages; boot_end_pfn++)
		if (!va_mapped(VIRT_BASE + boot_end_pfn * PAGE_SIZE))
			break;
	if (boot_end_pfn + 2 * NSPARE > fz.nr_pages)
		fail("fuzz: %lu pages, the builder maps %lu: no room for %u "
		     "spare frames", fz.nr_pages, boot_end_pfn, NSPARE);
	for (unsigned int i = 0; i < NWIN; i++) {
		fz.v[i].pfn = virt_to_pfn(win[i]);
		fz.v[i].mfn = p2m[fz.v[i].pfn];
		fz.v[i].ours = 1;
	}
	for (unsigned int i = 0; i < NSPARE; i++) {
		struct victim *v = &fz.v[NWIN + i];

		v->pfn = fz.nr_pages - NSPARE + i;
		v->mfn = p2m[v->pfn];
		v->ours = 1;
		v->pool = i >= NSPARE - NDESC ? POOL_DESC :
			  i >= NSPARE - NPOOL ? POOL_DATA : 0;
		if (va_mapped(VIRT_BASE + v->pfn * PAGE_SIZE))
			fail("fuzz: spare pfn 0x%lx is mapped", v->pfn);
	}
	/* Below the spare frames: never a victim, zeroed by the builder. */
	fz.audit_mfn = p2m[fz.nr_pages - NSPARE - 1];
	/* Free L2 slots far from the image to hang victim L1s on. */
	for (unsigned int i = 64; i < 512 && h < NHOOK; i++)
		if (!(l2[i] & _PAGE_PRESENT))
			fz.hook_slot[h++] = i;
	if (h < NHOOK)
		fail("fuzz: no free L2 slots");
	fz.hook_l2_maddr = virt_to_mfn(l2) << 12;
	for (unsigned int i = 1; i <= 4; i++)
		if (((const uint64_t *)start_info->pt_base)[i] & _PAGE_PRESENT)
			fail("fuzz: L4 slot %u is in use", i);
	if (hyp_update_va_mapping((unsigned long)raw_area[1], 0, UVMF_INVLPG) ||
	    hyp_update_va_mapping((unsigned long)win[NWIN], 0, UVMF_INVLPG))
		fail("fuzz: cannot unmap the guard pages");

	for (unsigned int v = 0; v < 32; v++)
		set_handler(v, fz_trap);
	set_handler(VEC_FAILSAFE, fz_failsafe);
}

/*
 * audit=N: from call N on, pin and unpin a zeroed frame after every
 * operation; with pt_audit on the command line the hypervisor checks all
 * our tables at each pin, so the first complaint follows the operation
 * that broke an invariant.  Slow; for chasing a finding with trace=N.
 */
static void audit_now(const char *after)
{
	struct mmuext_op op[2];

	memset(op, 0, sizeof(op));
	op[0].cmd = MMUEXT_PIN_L1_TABLE;
	op[0].arg1.mfn = fz.audit_mfn;
	op[1].cmd = MMUEXT_UNPIN_TABLE;
	op[1].arg1.mfn = fz.audit_mfn;
	printk("fuzz: audit after %s, call %lu\n", after, fz.calls);
	if (hypercall4(__HYPERVISOR_mmuext_op, (long)op, 2, 0, DOMID_SELF))
		printk("fuzz: audit pin failed\n");
}

/* --- the loop --------------------------------------------------------- */

struct op {
	const char *name;
	void (*fn)(void);
	unsigned int weight;
};

static const struct op ops[] = {
	{ "raw", op_raw, 14 },
	{ "update_va_mapping", op_uvm, 12 },
	{ "mmu_update", op_mmu_update, 10 },
	{ "mmuext_op", op_mmuext, 8 },
	{ "fill_table", op_fill_table, 2 },
	{ "hook", op_hook, 4 },
	{ "baseptr", op_baseptr, 1 },
	{ "touch", op_touch, 8 },
	{ "set_gdt", op_gdt, 2 },
	{ "update_descriptor", op_descriptor, 4 },
	{ "grant_table_op", op_grant, 8 },
	{ "event_channel_op", op_evtchn, 8 },
	{ "vcpu_op", op_vcpu, 5 },
	{ "sched_op", op_sched, 3 },
	{ "memory_op", op_memory, 4 },
	{ "xen_version", op_version, 3 },
	{ "console_io", op_console, 1 },
	{ "misc", op_misc, 6 },
	{ "callbacks", op_callbacks, 2 },
	{ "multicall", op_multicall, 6 },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

static const struct op *pick_op(void)
{
	unsigned int total = 0, r;

	for (unsigned int i = 0; i < NOPS; i++)
		total += ops[i].weight;
	r = below(total);
	for (unsigned int i = 0; i < NOPS; i++) {
		if (r < ops[i].weight)
			return &ops[i];
		r -= ops[i].weight;
	}
	return &ops[0];
}

void test_main(void)
{
	uint64_t t0, t1, ms, secs, next_report = 20000, nops = 0;

	domu_wait_for_dom0();
	fz.seed = cmdline_num("seed", 1);
	fz.rng = fz.seed;
	fz.max_calls = cmdline_num("calls", 200000);
	secs = cmdline_num("secs", 0);
	fz.domid = (unsigned int)cmdline_num("domid", 1);
	fz.known_bugs = (int)cmdline_num("known_bugs", 0);
	fz.trace_from = cmdline_num("trace", ~0ULL);
	fz.audit_from = cmdline_num("audit", ~0ULL);
	setup();
	printk("fuzz: seed=%lu calls=%lu secs=%lu known_bugs=%d: %lu pages, "
	       "max_page 0x%lx, %u windows, %u spare frames\n", fz.seed,
	       fz.max_calls, secs, fz.known_bugs, fz.nr_pages, fz.max_page,
	       NWIN, NSPARE);
	t0 = pv_now();
	if (secs) {
		fz.deadline = t0 + secs * 1000000000ULL;
		if (!cmdline_num("calls", 0))
			fz.max_calls = ~0ULL;
	}
	while (fz.calls < fz.max_calls &&
	       (!fz.deadline || pv_now() < fz.deadline)) {
		const struct op *op = pick_op();

		arena_reset();
		if (fz.calls >= fz.trace_from)
			printk("fuzz: op %s\n", op->name);
		op->fn();
		if (!(++nops & 255))
			check_windows("a batch of operations");
		if (fz.calls >= fz.audit_from)
			audit_now(op->name);
		if (fz.calls >= next_report) {
			printk("fuzz: %lu calls, %lu ms\n", fz.calls,
			       (unsigned long)((pv_now() - t0) / 1000000));
			next_report += 20000;
		}
	}
	t1 = pv_now();
	check_windows("the last operation");
	balloon_refill();
	ms = (t1 - t0) / 1000000;
	/*
	 * The hypervisor rate-limits a domU's output with its log lines
	 * (1000 lines of burst, then 100 a second): after the flood, a quiet
	 * while lets the allowance refill so that the summary and verdict
	 * below are not the lines it drops.
	 */
	for (uint64_t quiet = pv_now() + 3000000000ULL; pv_now() < quiet;)
		hyp_sched_op(SCHEDOP_yield, NULL);
	{
		/* Grant-table frames are pages of ours beyond the
		 * reservation: the runner adds them to the count it expects
		 * back at destroy. */
		struct gnttab_query_size q = { .dom = DOMID_SELF };

		if (hypercall3(__HYPERVISOR_grant_table_op,
			       GNTTABOP_query_size, (long)&q, 1) ||
		    q.status != GNTST_okay)
			fail("fuzz: GNTTABOP_query_size failed");
		printk("fuzz: grant table frames %u\n", q.nr_frames);
	}
	printk("fuzz: seed=%lu: %lu calls (%lu ok, %lu refused) in %lu ms, "
	       "%lu calls/s; %lu faults skipped, %lu failsafe callbacks\n",
	       fz.seed, fz.calls, fz.ok, fz.refused, ms,
	       ms ? fz.calls * 1000 / ms : 0, fz.faults, fz.failsafes);
	for (unsigned int i = 0; i < 72; i++)
		if (fz.per_nr[i])
			printk("fuzz:   hypercall %u%s: %lu\n", i,
			       i == 71 ? "+" : "", fz.per_nr[i]);
	if (fz.breaches)
		fail("fuzz: %lu isolation breaches seen (seed=%lu)",
		     fz.breaches, fz.seed);
	/* A shutdown_code the calls may have left must not be the verdict. */
	{
		struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };

		hyp_sched_op(SCHEDOP_shutdown_code, &s);
	}
}
