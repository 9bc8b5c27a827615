// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in self-tests: "selftest" on the command line runs them at the
 * end of start_hypervisor(), once every CPU is up.
 *
 * They exercise bring-up as a whole on the real (emulated) machine: all
 * CPUs online, per-CPU timers firing in deadline order on each CPU,
 * IPIs in both directions, the page allocator under concurrent stress and
 * exhaustion, the frame table's view of reserved and allocated memory.
 * "selftest=fault" instead takes a deliberate page fault, and
 * "selftest=bug" calls BUG(), to check that a crash produces a usable
 * panic report and a failure status.
 *
 * The last line is "selftest: PASS" or "selftest: FAIL <names>", and the
 * machine exits with the matching status (hv/shutdown.h).  A panic during
 * a test prints "selftest: FAIL <test>" itself (common/panic.c).
 */
#include <hv/bootinfo.h>
#include <hv/buddy.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/mm.h>
#include <hv/panic.h>
#include <hv/selftest.h>
#include <hv/shutdown.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/timer.h>

#include <asm/page.h>
#include <asm/processor.h>

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			log_err("selftest %s: check '%s' failed (line %d)",\
				current_test, #c, __LINE__);		\
			return -1;					\
		}							\
	} while (0)

static const char *current_test;
static u64 rand_state;

/**
 * selftest_current() - name of the self-test running now, or NULL
 */
const char *selftest_current(void)
{
	return current_test;
}

static u64 rand_next(void)
{
	rand_state = rand_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return rand_state >> 33;
}

/* Wait, interrupts on, until *flag or the timeout; true if *flag. */
static bool wait_for(volatile bool *flag, s_time_t timeout)
{
	s_time_t end = NOW() + timeout;

	while (!*flag && NOW() < end)
		cpu_relax();
	return *flag;
}

/* --- cpus ---------------------------------------------------------------- */

static int test_cpus(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		CHECK(percpu[cpu].online);
	CHECK(nr_cpus_online == nr_cpus);
	log_info("selftest cpus: %u of %u CPUs online", nr_cpus_online,
		 nr_cpus);
	return 0;
}

/* --- timers -------------------------------------------------------------- */

#define NR_TEST_TIMERS	100

struct timer_test;

struct timer_slot {
	struct timer timer;
	struct timer_test *test;
};

struct timer_test {
	unsigned int cpu;
	struct timer_slot slot[NR_TEST_TIMERS];
	s_time_t fired[NR_TEST_TIMERS];
	volatile unsigned int nr_fired;
	volatile bool done;
	bool wrong_cpu, early;
};

/* Test state lives on the heap, one per CPU, not in the image's bss. */
static void *state_alloc(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return alloc_heap_pages(order);
}

static void state_free(void *p, size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	free_heap_pages(p, order);
}

static struct timer_test *timer_tests[MAX_CPUS];

static void timer_test_fn(void *data)
{
	struct timer_slot *s = data;
	struct timer_test *t = s->test;

	if (smp_processor_id() != t->cpu)
		t->wrong_cpu = true;
	if (NOW() < s->timer.expires)
		t->early = true;
	t->fired[t->nr_fired++] = s->timer.expires;
	if (t->nr_fired == NR_TEST_TIMERS)
		t->done = true;
}

/*
 * Runs on the CPU under test (directly or through smp_call).  Interrupts
 * stay off until every timer is queued: otherwise, on a slow machine, an
 * early timer could fire before a later-set one with an even earlier
 * deadline is queued, which is correct behaviour but not deadline order.
 */
static void timer_test_start(void *data)
{
	struct timer_test *t = data;
	unsigned long flags = local_irq_save();
	s_time_t now = NOW();

	for (int i = 0; i < NR_TEST_TIMERS; i++) {
		struct timer_slot *s = &t->slot[i];

		s->test = t;
		init_timer(&s->timer, timer_test_fn, s, t->cpu);
		set_timer(&s->timer, now + MILLISECS(1) +
			  (s_time_t)(rand_next() % MILLISECS(30)));
	}
	local_irq_restore(flags);
}

static int check_timer_test(struct timer_test *t)
{
	CHECK(wait_for(&t->done, MILLISECS(20000)));
	CHECK(!t->wrong_cpu);
	CHECK(!t->early);
	for (int i = 1; i < NR_TEST_TIMERS; i++)
		CHECK(t->fired[i - 1] <= t->fired[i]);
	log_info("selftest timers: CPU%u fired %u timers in deadline order",
		 t->cpu, t->nr_fired);
	return 0;
}

static int run_timer_tests(void)
{
	for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
		CHECK(smp_call(cpu, timer_test_start, timer_tests[cpu],
			       true) == 0);
	timer_test_start(timer_tests[0]);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (check_timer_test(timer_tests[cpu]))
			return -1;
	return 0;
}

static int test_timers(void)
{
	int rc;

	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		timer_tests[cpu] = state_alloc(sizeof(struct timer_test));
		CHECK(timer_tests[cpu]);
		timer_tests[cpu]->cpu = cpu;
	}
	rc = run_timer_tests();
	/* A failed run may leave timers queued: keep their memory then. */
	for (unsigned int cpu = 0; cpu < nr_cpus && !rc; cpu++)
		state_free(timer_tests[cpu], sizeof(struct timer_test));
	return rc;
}

/* --- ipi ----------------------------------------------------------------- */

static volatile bool pong;
static volatile unsigned int pong_cpu, ping_cpu;
static volatile unsigned int call_count;

static void pong_fn(void *unused)
{
	pong_cpu = smp_processor_id();
	pong = true;
}

static void ping_fn(void *unused)
{
	ping_cpu = smp_processor_id();
	smp_call(0, pong_fn, NULL, false);
}

static void count_fn(void *unused)
{
	__atomic_fetch_add(&call_count, 1, __ATOMIC_SEQ_CST);
}

static int test_ipi(void)
{
	if (nr_cpus < 2) {
		log_info("selftest ipi: one CPU, nothing to do");
		return 0;
	}
	for (unsigned int cpu = 1; cpu < nr_cpus; cpu++) {
		for (int i = 0; i < 10; i++) {
			pong = false;
			CHECK(smp_call(cpu, ping_fn, NULL, false) == 0);
			CHECK(wait_for(&pong, MILLISECS(5000)));
			CHECK(ping_cpu == cpu && pong_cpu == 0);
		}
		call_count = 0;
		for (int i = 0; i < 10; i++)
			CHECK(smp_call(cpu, count_fn, NULL, true) == 0);
		CHECK(call_count == 10);
		log_info("selftest ipi: 10 round trips CPU0->CPU%u->CPU0", cpu);
	}
	CHECK(smp_call(0, count_fn, NULL, true) != 0);	/* not to self */
	return 0;
}

/* --- alloc --------------------------------------------------------------- */

#define STRESS_SLOTS	64
#define STRESS_ROUNDS	400

struct stress {
	struct page_info *pg[STRESS_SLOTS];
	unsigned int order[STRESS_SLOTS];
	u64 seed;
	volatile bool done;
	bool bad;
};

static struct stress *stress[MAX_CPUS];

static u64 stress_rand(struct stress *s)
{
	s->seed = s->seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return s->seed >> 33;
}

static u64 *page_va(struct page_info *pg)
{
	return __va((paddr_t)page_to_mfn(pg) << PAGE_SHIFT);
}

/* Write a pattern into each page of a block / check it is still there. */
static void fill(struct page_info *pg, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		page_va(pg + i)[0] = page_va(pg + i)[511] = page_to_mfn(pg + i);
}

static bool intact(struct page_info *pg, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (page_va(pg + i)[0] != page_to_mfn(pg + i) ||
		    page_va(pg + i)[511] != page_to_mfn(pg + i))
			return false;
	return true;
}

static void stress_run(void *data)
{
	struct stress *s = data;

	for (int r = 0; r < STRESS_ROUNDS; r++) {
		unsigned int i = stress_rand(s) % STRESS_SLOTS;

		if (s->pg[i]) {
			if (!intact(s->pg[i], s->order[i]))
				s->bad = true;
			free_pages(s->pg[i], s->order[i]);
			s->pg[i] = NULL;
		} else {
			s->order[i] = stress_rand(s) % 6;
			s->pg[i] = alloc_pages(s->order[i]);
			if (!s->pg[i])
				s->bad = true;
			else
				fill(s->pg[i], s->order[i]);
		}
	}
	for (unsigned int i = 0; i < STRESS_SLOTS; i++) {
		if (s->pg[i] && !intact(s->pg[i], s->order[i]))
			s->bad = true;
		if (s->pg[i])
			free_pages(s->pg[i], s->order[i]);
		s->pg[i] = NULL;
	}
	__atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
}

/* Take every free frame, biggest blocks first, then give all back. */
static int alloc_exhaust(void)
{
	unsigned long before = free_page_count(), got = 0, blocks = 0;
	struct page_info *chain = NULL;

	for (int order = BUDDY_MAX_ORDER; order >= 0; order--) {
		struct page_info *pg;

		while ((pg = alloc_pages(order))) {
			page_va(pg)[0] = (u64)chain;
			page_va(pg)[1] = order;
			chain = pg;
			got += 1UL << order;
			blocks++;
		}
	}
	CHECK(free_page_count() == 0);
	CHECK(alloc_pages(0) == NULL);
	CHECK(got == before);
	while (chain) {
		struct page_info *next = (struct page_info *)page_va(chain)[0];

		free_pages(chain, page_va(chain)[1]);
		chain = next;
	}
	CHECK(free_page_count() == before);
	log_info("selftest alloc: took all %lu free frames in %lu blocks and "
		 "gave them back", got, blocks);
	return 0;
}

static int test_alloc(void)
{
	unsigned long initial = free_page_count(), before;

	CHECK(alloc_pages(BUDDY_MAX_ORDER + 1) == NULL);
	if (alloc_exhaust())
		return -1;
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		stress[cpu] = state_alloc(sizeof(struct stress));
		CHECK(stress[cpu]);
		stress[cpu]->seed = rdtsc() + cpu;
	}
	before = free_page_count();
	for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
		CHECK(smp_call(cpu, stress_run, stress[cpu], false) == 0);
	stress_run(stress[0]);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		CHECK(wait_for(&stress[cpu]->done, MILLISECS(60000)));
		CHECK(!stress[cpu]->bad);
	}
	CHECK(free_page_count() == before);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		state_free(stress[cpu], sizeof(struct stress));
	CHECK(free_page_count() == initial);
	log_info("selftest alloc: %u CPUs x %d random alloc/free rounds, "
		 "no corruption, nothing leaked", nr_cpus, STRESS_ROUNDS);
	return 0;
}

/* --- frames -------------------------------------------------------------- */

extern char __image_start[], __image_end[];

static int test_frames(void)
{
	unsigned long img = __pa(__image_start) >> PAGE_SHIFT;
	unsigned long img_end = (__pa(__image_end) - 1) >> PAGE_SHIFT;
	struct page_info *pg;

	CHECK(frame_table[0].count_info & PGC_reserved);
	CHECK(frame_table[img].count_info & PGC_reserved);
	CHECK(frame_table[img_end].count_info & PGC_reserved);
	CHECK(frame_table[img].owner == DOMID_XEN);
	for (unsigned int i = 0; i < bootinfo.nr_mods; i++) {
		unsigned long m = bootinfo.mods[i].start >> PAGE_SHIFT;

		CHECK(frame_table[m].count_info & PGC_boot_module);
		CHECK(frame_table[m].count_info & PGC_reserved);
		CHECK(!(frame_table[m].count_info & PGC_free));
	}

	pg = alloc_pages(0);
	CHECK(pg && !(pg->count_info & (PGC_free | PGC_reserved)));
	assign_page(pg, 1);
	CHECK(page_refcount(pg) == 1);
	CHECK(get_page(pg, 1));
	CHECK(!get_page(pg, 2));
	CHECK(get_page_type(pg, PGT_writable_page) == 1);
	CHECK(get_page_type(pg, PGT_l1_page_table) == -EBUSY);
	CHECK(put_page_type(pg));
	CHECK(get_page_type(pg, PGT_l1_page_table) == 1);
	CHECK(put_page_type(pg));
	CHECK(!put_page(pg));
	CHECK(put_page(pg));
	free_pages(pg, 0);
	CHECK(pg->count_info & PGC_free);
	log_info("selftest frames: reserved, module and allocated frames "
		 "look right");
	return 0;
}

/* --- fault --------------------------------------------------------------- */

/*
 * Nothing is mapped at 0 once bring-up has dropped the identity map.  The
 * call after the store keeps this from being a frameless leaf function
 * (gcc omits the frame of those), so the backtrace names our caller too.
 */
static __noinline void selftest_fault_trigger(void)
{
	unsigned long addr = 0x10;

	__asm__ __volatile__("" : "+r"(addr));	/* hide the constant from gcc */
	*(volatile unsigned long *)addr = 0xdead;
	log_err("selftest fault: the write to %#lx did not fault", addr);
}

/* BUG() from C: the panic() path with captured registers. */
static __noinline void selftest_bug_trigger(void)
{
	log_info("selftest bug: calling BUG() on purpose");
	BUG();
}

static __noinline void selftest_bug_trigger_quiet(void)
{
	BUG();
}

static int test_bug(void)
{
	selftest_bug_trigger();
	return -1;	/* not reached */
}

/*
 * BUG() while another CPU holds the log ring's lock for ever (as one the
 * panic's NMI stops inside log_ring_put() would): the report must still
 * come out.  Nothing may be printed here once CPU1 holds it.
 */
static void hold_log_ring(void *held)
{
	log_ring_hold(held);
}

static int test_bug_log_held(void)
{
	static volatile bool held;

	CHECK(nr_cpus_online >= 2);
	log_info("selftest bug_log_held: CPU1 takes the log ring's lock, "
		 "then BUG() on purpose");
	smp_call(1, hold_log_ring, (void *)&held, false);
	if (!wait_for(&held, MILLISECS(5000)))
		BUG();	/* reported all the same */
	selftest_bug_trigger_quiet();
	return -1;	/* not reached */
}

static int test_fault(void)
{
	log_info("selftest fault: writing to an unmapped address on purpose");
	selftest_fault_trigger();
	return -1;	/* not reached */
}

/* --- driver -------------------------------------------------------------- */

struct selftest {
	const char *name;
	int (*fn)(void);
	bool in_all;
};

static const struct selftest tests[] = {
	{ "cpus", test_cpus, true },
	{ "frames", test_frames, true },
	{ "timers", test_timers, true },
	{ "ipi", test_ipi, true },
	{ "alloc", test_alloc, true },
	{ "db_entry", arch_selftest_db_entry, true },
	{ "nmi_mce_entry", arch_selftest_nmi_mce_entry, true },
	{ "fault", test_fault, false },
	{ "bug", test_bug, false },
	{ "bug_log_held", test_bug_log_held, false },
};

static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p; ) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (end ? 1 : 0);
	}
	return false;
}

static void add_failure(char *buf, size_t size, const char *name)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? "," : "", name);
}

/* Names in the list that no test has. */
static void unknown_tests(const char *list, char *failed, size_t size)
{
	char name[32];

	for (const char *p = list; *p; ) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool known = !strncmp(p, "all", len) && len == 3;

		for (size_t i = 0; i < ARRAY_SIZE(tests) && !known; i++)
			known = strlen(tests[i].name) == len &&
				!strncmp(p, tests[i].name, len);
		if (!known) {
			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			log_err("selftest: no test called '%s'", name);
			add_failure(failed, size, name);
		}
		p += len + (end ? 1 : 0);
	}
}

/**
 * selftest_run() - run the self-tests, report, and exit the machine
 * @list: "all" or a comma-separated list of test names
 */
void selftest_run(const char *list)
{
	bool all = listed(list, "all");
	char failed[128] = "";
	s_time_t start = NOW();

	rand_state = rdtsc();
	unknown_tests(list, failed, sizeof(failed));
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		const struct selftest *t = &tests[i];

		if (!(all && t->in_all) && !listed(list, t->name))
			continue;
		current_test = t->name;
		trace_event(TRACE_SELFTEST, i, (u64)t->fn);
		log_info("selftest: running %s", t->name);
		if (t->fn())
			add_failure(failed, sizeof(failed), t->name);
		current_test = NULL;
	}
	log_info("selftest: finished in %ld ms", (long)((NOW() - start) / 1000000));
	if (failed[0]) {
		printk("selftest: FAIL %s\n", failed);
		machine_exit(EXIT_FAILURE_CODE);
	}
	printk("selftest: PASS\n");
	machine_exit(EXIT_SUCCESS_CODE);
}
