// SPDX-License-Identifier: GPL-2.0
/*
 * vbench: the guest side of Veneer's performance comparison.
 *
 * lmbench-style microbenchmarks that run inside the guest (static, shipped
 * in the dom0 initramfs as /bin/vbench). Each benchmark does a fixed amount
 * of work RUNS times, timed with CLOCK_MONOTONIC inside the guest, and
 * prints one machine-readable line:
 *
 *   VBENCH name=<id> unit=<us|MB/s> runs=<n> ops=<per run> median=<v>
 *          min=<v> max=<v> samples=<v,v,...>
 *
 * "us" is microseconds per operation (lower is better); "MB/s" is
 * bandwidth (higher is better). The host harness (bench/run.py) parses
 * these lines; the format is also what tests/unit checks it against.
 *
 * Usage: vbench [-r RUNS] [-s SCALE] [NAME...]
 *   SCALE multiplies every operation count (default 1; use less than 1
 *   under slow emulation, e.g. 0.1). With no NAME, everything runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 32

static int runs = 5;
static double scale = 1.0;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "vbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long scaled(long ops)
{
	long n = (long)(ops * scale);

	return n < 1 ? 1 : n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *name, const char *unit, long ops,
		   double *samples, int n)
{
	double sorted[MAX_RUNS];

	memcpy(sorted, samples, n * sizeof(double));
	qsort(sorted, n, sizeof(double), cmp_double);
	printf("VBENCH name=%s unit=%s runs=%d ops=%ld median=%.4f min=%.4f "
	       "max=%.4f samples=", name, unit, n, ops, sorted[n / 2],
	       sorted[0], sorted[n - 1]);
	for (int i = 0; i < n; i++)
		printf("%s%.4f", i ? "," : "", samples[i]);
	printf("\n");
	fflush(stdout);
}

/* A latency benchmark: fn(ops) does ops operations; report us per op. */
static void latency(const char *name, long ops, void (*fn)(long))
{
	double s[MAX_RUNS];

	ops = scaled(ops);
	fn(ops < 10 ? ops : ops / 10); /* warm up */
	for (int r = 0; r < runs; r++) {
		double t0 = now_us();

		fn(ops);
		s[r] = (now_us() - t0) / ops;
	}
	report(name, "us", ops, s, runs);
}

/* A bandwidth benchmark: fn(bytes) moves bytes; report MB/s. */
static void bandwidth(const char *name, long bytes, void (*fn)(long))
{
	double s[MAX_RUNS];

	/* whole 64 KiB chunks, the unit every bandwidth loop moves */
	bytes = (scaled(bytes) + (64 << 10) - 1) & ~((64L << 10) - 1);
	for (int r = 0; r < runs; r++) {
		double t0 = now_us();

		fn(bytes);
		s[r] = bytes / (now_us() - t0); /* bytes/us = MB/s */
	}
	report(name, "MB/s", bytes, s, runs);
}

static void do_getppid(long n)
{
	for (long i = 0; i < n; i++)
		if (syscall(SYS_getppid) < 0) /* no libc caching */
			die("getppid");
}

static void rw_loop(const char *path, int flags, long n)
{
	char c = 0;
	int fd = open(path, flags);

	if (fd < 0)
		die(path);
	for (long i = 0; i < n; i++)
		if ((flags == O_RDONLY ? read(fd, &c, 1) : write(fd, &c, 1)) != 1)
			die(path);
	close(fd);
}

static void do_read_zero(long n) { rw_loop("/dev/zero", O_RDONLY, n); }
static void do_write_null(long n) { rw_loop("/dev/null", O_WRONLY, n); }

static void do_stat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat("/bin/busybox", &st))
			die("stat");
}

static void do_open_close(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open("/bin/busybox", O_RDONLY);

		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void wait_child(pid_t pid)
{
	int status;

	if (pid < 0)
		die("fork");
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "vbench: child failed (status %#x)\n", status);
		exit(1);
	}
}

static void do_fork_exit(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		wait_child(pid);
	}
}

static void do_fork_exec(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		wait_child(pid);
	}
}

static void do_fork_sh(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
			_exit(127);
		}
		wait_child(pid);
	}
}

/* n page faults: touch n fresh anonymous pages. */
static void do_page_fault(long n)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	for (long i = 0; i < n; i++)
		p[i * page] = 1;
	munmap(p, n * page);
}

/* map, touch every page (so page tables are really built), unmap */
static void mmap_cycle(long n, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);

	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (size_t off = 0; off < size; off += page)
			p[off] = 1;
		if (munmap(p, size))
			die("munmap");
	}
}

static void do_mmap_1m(long n) { mmap_cycle(n, 1 << 20); }
static void do_mmap_64m(long n) { mmap_cycle(n, 64 << 20); }

/* n round trips of one byte between two processes, over two pipes. */
static void do_ctx_switch(long n)
{
	int ab[2], ba[2];
	char c = 0;
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			die("pipe round trip");
	wait_child(pid);
	close(ab[0]); close(ab[1]); close(ba[0]); close(ba[1]);
}

static void do_pipe_bw(long bytes)
{
	static char buf[64 << 10];
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		for (long got = 0; got < bytes;) {
			ssize_t r = read(fds[0], buf, sizeof(buf));

			if (r <= 0)
				_exit(1);
			got += r;
		}
		_exit(0);
	}
	close(fds[0]);
	for (long sent = 0; sent < bytes;) {
		long chunk = bytes - sent < (long)sizeof(buf) ?
			     bytes - sent : (long)sizeof(buf);
		ssize_t w = write(fds[1], buf, chunk);

		if (w <= 0)
			die("pipe write");
		sent += w;
	}
	close(fds[1]);
	wait_child(pid);
}

#define TMPFILE "/tmp/vbench.dat"

static void do_tmpfs_write(long bytes)
{
	static char buf[64 << 10];
	int fd = open(TMPFILE, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		die(TMPFILE);
	memset(buf, 0x5a, sizeof(buf));
	for (long done = 0; done < bytes; done += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			die("tmpfs write");
	close(fd);
}

static void do_tmpfs_read(long bytes)
{
	static char buf[64 << 10];
	int fd = open(TMPFILE, O_RDONLY);

	if (fd < 0)
		die(TMPFILE);
	for (long done = 0; done < bytes; done += sizeof(buf))
		if (read(fd, buf, sizeof(buf)) != sizeof(buf))
			die("tmpfs read");
	close(fd);
}

/* The control: pure computation should cost the same everywhere. */
static void do_cpu_loop(long n)
{
	volatile uint64_t x = 1;

	for (long i = 0; i < n; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
}

struct bench {
	const char *name;
	bool bw;
	long ops;
	void (*fn)(long);
};

static const struct bench benches[] = {
	{ "null_syscall",   false, 200000, do_getppid },
	{ "read_dev_zero",  false, 100000, do_read_zero },
	{ "write_dev_null", false, 100000, do_write_null },
	{ "stat",           false,  50000, do_stat },
	{ "open_close",     false,  50000, do_open_close },
	{ "fork_exit",      false,    500, do_fork_exit },
	{ "fork_exec",      false,    200, do_fork_exec },
	{ "fork_sh",        false,    100, do_fork_sh },
	{ "page_fault",     false,  20000, do_page_fault },
	{ "mmap_1m",        false,    200, do_mmap_1m },
	{ "mmap_64m",       false,      4, do_mmap_64m },
	{ "ctx_switch",     false,  20000, do_ctx_switch },
	{ "pipe_bw",        true,  256L << 20, do_pipe_bw },
	{ "tmpfs_write_bw", true,   64L << 20, do_tmpfs_write },
	{ "tmpfs_read_bw",  true,   64L << 20, do_tmpfs_read },
	{ "cpu_loop",       false, 50000000, do_cpu_loop },
};

static bool wanted(const char *name, int argc, char **argv, int first)
{
	if (first >= argc)
		return true;
	for (int i = first; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int opt, first;

	while ((opt = getopt(argc, argv, "r:s:l")) != -1) {
		switch (opt) {
		case 'r':
			runs = atoi(optarg);
			break;
		case 's':
			scale = atof(optarg);
			break;
		case 'l':
			for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
				printf("%s\n", benches[i].name);
			return 0;
		default:
			fprintf(stderr, "usage: vbench [-r RUNS] [-s SCALE] [-l] "
				"[NAME...]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || !(scale > 0)) {
		fprintf(stderr, "vbench: runs must be 1..%d and scale > 0\n",
			MAX_RUNS);
		return 2;
	}
	first = optind;
	for (int i = first; i < argc; i++) {
		bool known = false;

		for (size_t j = 0; j < sizeof(benches) / sizeof(benches[0]); j++)
			known |= !strcmp(argv[i], benches[j].name);
		if (!known) {
			fprintf(stderr, "vbench: unknown benchmark '%s' (-l "
				"lists them)\n", argv[i]);
			return 2;
		}
	}

	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		const struct bench *b = &benches[i];

		if (!wanted(b->name, argc, argv, first))
			continue;
		/* tmpfs read needs the file the write benchmark leaves */
		if (!strcmp(b->name, "tmpfs_read_bw"))
			do_tmpfs_write(scaled(b->ops));
		if (b->bw)
			bandwidth(b->name, b->ops, b->fn);
		else
			latency(b->name, b->ops, b->fn);
	}
	unlink(TMPFILE);
	printf("VBENCH-DONE\n");
	return 0;
}
