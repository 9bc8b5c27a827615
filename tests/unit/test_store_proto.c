// SPDX-License-Identifier: GPL-2.0
/*
 * Protocol tests for the store daemon's core (dom0/stored), in process:
 * connections are plain byte queues with any domain id, so permissions,
 * quotas, transactions and watch delivery can be checked per connection
 * without a transport.  The same core runs behind the socket and the
 * rings (tests/unit/test_store_daemon.c tests those).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store.h"

struct msg {
	struct store_msg_hdr h;
	char body[STORE_PAYLOAD_MAX + 1];
};

static struct store *S;
static uint32_t next_req = 100;

static int setup(void **state)
{
	struct store_quota q;

	store_default_quota(&q);
	q.nodes = 10;
	q.watches = 3;
	q.txns = 2;
	q.node_size = 128;
	q.perms = 3;
	S = store_new(&q);
	return S ? 0 : -1;
}

static int teardown(void **state)
{
	store_free(S);
	S = NULL;
	return 0;
}

static struct conn *conn(unsigned int domid)
{
	struct conn *c = store_conn_new(S, domid, NULL, NULL);

	assert_non_null(c);
	return c;
}

/* Pop the next queued message of the wanted kind (events or not). */
static bool pop(struct conn *c, bool event, struct msg *m)
{
	size_t len, off = 0;
	const char *out = store_output(c, &len);

	while (off + sizeof(m->h) <= len) {
		struct store_msg_hdr h;

		memcpy(&h, out + off, sizeof(h));
		if ((h.type == STORE_WATCH_EVENT) == event) {
			size_t total = sizeof(h) + h.len;

			m->h = h;
			memcpy(m->body, out + off + sizeof(h), h.len);
			m->body[h.len] = '\0';
			/* Cut it out of the queue. */
			memmove((char *)out + off, out + off + total,
				len - off - total);
			c->out_len -= total;
			return true;
		}
		off += sizeof(h) + h.len;
	}
	return false;
}

static void send_raw(struct conn *c, uint32_t type, uint32_t tx,
		     const void *body, size_t len)
{
	struct store_msg_hdr h = {
		.type = type, .req_id = next_req++, .tx_id = tx,
		.len = (uint32_t)len,
	};

	store_input(c, &h, sizeof(h));
	store_input(c, body, len);
}

/* Send a request and return its reply (asserting the req_id echo). */
static struct msg rq(struct conn *c, uint32_t type, uint32_t tx,
		     const void *body, size_t len)
{
	struct msg m;
	uint32_t id = next_req;

	send_raw(c, type, tx, body, len);
	assert_true(pop(c, false, &m));
	assert_int_equal(m.h.req_id, id);
	assert_int_equal(m.h.tx_id, tx);
	return m;
}

/* Body from NUL-separated pieces: "a", "b" -> "a\0b\0". */
static size_t cat(char *buf, int n, ...)
{
	va_list ap;
	size_t off = 0;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);

		strcpy(buf + off, s);
		off += strlen(s) + 1;
	}
	va_end(ap);
	return off;
}

/* Each evaluates its request exactly once. */
#define OK_REPLY(req) do {						\
	struct msg m_ = (req);						\
	assert_string_equal(m_.body, "OK");				\
	assert_int_not_equal(m_.h.type, STORE_ERROR);			\
} while (0)

#define ERR_REPLY(req, name) do {					\
	struct msg m_ = (req);						\
	assert_string_equal(m_.body, name);				\
	assert_int_equal(m_.h.type, STORE_ERROR);			\
} while (0)

static struct msg do_write(struct conn *c, uint32_t tx, const char *path,
			   const char *val)
{
	char buf[STORE_PAYLOAD_MAX];
	size_t pl = strlen(path) + 1, vl = strlen(val);

	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return rq(c, STORE_WRITE, tx, buf, pl + vl);
}

static struct msg do_1(struct conn *c, uint32_t type, uint32_t tx,
		       const char *arg)
{
	return rq(c, type, tx, arg, strlen(arg) + 1);
}

static struct msg do_2(struct conn *c, uint32_t type, const char *a,
		       const char *b)
{
	char buf[STORE_PAYLOAD_MAX];

	return rq(c, type, 0, buf, cat(buf, 2, a, b));
}

static void expect_event(struct conn *c, const char *path,
			 const char *token)
{
	struct msg m;

	assert_true(pop(c, true, &m));
	assert_string_equal(m.body, path);
	assert_string_equal(m.body + strlen(path) + 1, token);
	assert_int_equal(m.h.len, strlen(path) + strlen(token) + 2);
}

static void expect_no_event(struct conn *c)
{
	struct msg m;

	assert_false(pop(c, true, &m));
}

static uint32_t txn_begin(struct conn *c)
{
	struct msg m = rq(c, STORE_TRANSACTION_START, 0, "", 1);

	assert_int_equal(m.h.type, STORE_TRANSACTION_START);
	return (uint32_t)strtoul(m.body, NULL, 10);
}

static struct msg txn_finish(struct conn *c, uint32_t tx, bool commit)
{
	return rq(c, STORE_TRANSACTION_END, tx, commit ? "T" : "F", 2);
}

/* --- basic operations ------------------------------------------------ */

static void write_then_read_returns_value(void **state)
{
	struct conn *c = conn(0);
	struct msg m;

	OK_REPLY(do_write(c, 0, "/a/b", "hello"));
	m = do_1(c, STORE_READ, 0, "/a/b");
	assert_int_equal(m.h.type, STORE_READ);
	assert_int_equal(m.h.len, 5);
	assert_memory_equal(m.body, "hello", 5);
	/* The parent was created, empty. */
	m = do_1(c, STORE_READ, 0, "/a");
	assert_int_equal(m.h.len, 0);
}

static void values_may_hold_nul_bytes(void **state)
{
	struct conn *c = conn(0);
	struct msg m;

	m = rq(c, STORE_WRITE, 0, "/bin\0x\0y", 8);
	OK_REPLY(m);
	m = do_1(c, STORE_READ, 0, "/bin");
	assert_int_equal(m.h.len, 3);
	assert_memory_equal(m.body, "x\0y", 3);
}

static void read_missing_is_enoent(void **state)
{
	struct conn *c = conn(0);

	ERR_REPLY(do_1(c, STORE_READ, 0, "/nope"), "ENOENT");
}

static void mkdir_creates_and_is_idempotent(void **state)
{
	struct conn *c = conn(0);

	OK_REPLY(do_1(c, STORE_MKDIR, 0, "/d/e/f"));
	OK_REPLY(do_1(c, STORE_MKDIR, 0, "/d/e/f"));
	assert_int_equal(do_1(c, STORE_READ, 0, "/d/e").h.type, STORE_READ);
}

static void directory_lists_children_in_creation_order(void **state)
{
	struct conn *c = conn(0);
	struct msg m;

	do_write(c, 0, "/dir/zeta", "");
	do_write(c, 0, "/dir/alpha", "");
	do_1(c, STORE_MKDIR, 0, "/dir/mid");
	m = do_1(c, STORE_DIRECTORY, 0, "/dir");
	assert_int_equal(m.h.len, sizeof("zeta\0alpha\0mid"));
	assert_memory_equal(m.body, "zeta\0alpha\0mid\0", m.h.len);
	m = do_1(c, STORE_DIRECTORY, 0, "/dir/mid");
	assert_int_equal(m.h.len, 0);
}

static void directory_part_pages_a_listing(void **state)
{
	struct conn *c = conn(0);
	char buf[64];
	struct msg m;
	size_t gl;

	do_write(c, 0, "/p/one", "");
	do_write(c, 0, "/p/two", "");
	m = rq(c, STORE_DIRECTORY_PART, 0, buf, cat(buf, 2, "/p", "0"));
	assert_int_equal(m.h.type, STORE_DIRECTORY_PART);
	gl = strlen(m.body) + 1;
	assert_true(gl > 1);
	/* generation, "one", "two", then the empty end marker */
	assert_int_equal(m.h.len, gl + 8 + 1);
	assert_memory_equal(m.body + gl, "one\0two\0\0", 9);
	m = rq(c, STORE_DIRECTORY_PART, 0, buf, cat(buf, 2, "/p", "4"));
	assert_memory_equal(m.body + strlen(m.body) + 1, "two\0\0", 5);
	ERR_REPLY(rq(c, STORE_DIRECTORY_PART, 0, buf, cat(buf, 2, "/p", "x")),
		  "EINVAL");
}

static void rm_removes_subtree_and_tolerates_missing_leaf(void **state)
{
	struct conn *c = conn(0);

	do_write(c, 0, "/r/a/b", "1");
	OK_REPLY(do_1(c, STORE_RM, 0, "/r/a"));
	ERR_REPLY(do_1(c, STORE_READ, 0, "/r/a/b"), "ENOENT");
	/* Parent exists: removing a missing child is fine. */
	OK_REPLY(do_1(c, STORE_RM, 0, "/r/a"));
	/* Parent missing too: ENOENT. */
	ERR_REPLY(do_1(c, STORE_RM, 0, "/r/x/y"), "ENOENT");
	ERR_REPLY(do_1(c, STORE_RM, 0, "/"), "EINVAL");
}

static void relative_paths_are_under_domain_home(void **state)
{
	struct conn *d0 = conn(0), *d3 = conn(3);
	struct msg m;

	do_1(d0, STORE_MKDIR, 0, "/local/domain/3");
	{
		char buf[64];

		rq(d0, STORE_SET_PERMS, 0, buf,
		   cat(buf, 2, "/local/domain/3", "n3"));
	}
	OK_REPLY(do_write(d3, 0, "data/x", "42"));
	m = do_1(d0, STORE_READ, 0, "/local/domain/3/data/x");
	assert_memory_equal(m.body, "42", 2);
	m = do_1(d0, STORE_GET_DOMAIN_PATH, 0, "3");
	assert_string_equal(m.body, "/local/domain/3");
	assert_int_equal(m.h.len, sizeof("/local/domain/3"));
}

static void malformed_paths_are_einval(void **state)
{
	struct conn *c = conn(0);

	ERR_REPLY(do_1(c, STORE_READ, 0, "/a//b"), "EINVAL");
	ERR_REPLY(do_1(c, STORE_READ, 0, "/a/"), "EINVAL");
	ERR_REPLY(do_1(c, STORE_READ, 0, "/a b"), "EINVAL");
	ERR_REPLY(do_1(c, STORE_READ, 0, ""), "EINVAL");
	ERR_REPLY(do_write(c, 0, "/bad*char", "v"), "EINVAL");
}

/* --- malformed messages ---------------------------------------------- */

static void unknown_type_and_bad_payloads_get_errors(void **state)
{
	struct conn *c = conn(0);

	ERR_REPLY(rq(c, 999, 0, "x", 2), "EINVAL");
	ERR_REPLY(rq(c, 20, 0, "x", 2), "EINVAL");	/* removed RESTRICT */
	/* READ without the terminating NUL, and with two strings. */
	ERR_REPLY(rq(c, STORE_READ, 0, "/a", 2), "EINVAL");
	ERR_REPLY(rq(c, STORE_READ, 0, "/a\0/b", 6), "EINVAL");
	/* WRITE without a NUL after the path. */
	ERR_REPLY(rq(c, STORE_WRITE, 0, "/a", 2), "EINVAL");
	ERR_REPLY(rq(c, STORE_WATCH, 0, "/a", 3), "EINVAL");
	ERR_REPLY(rq(c, STORE_INTRODUCE, 0, "x\0y\0z", 6), "EINVAL");
	ERR_REPLY(rq(c, STORE_GET_DOMAIN_PATH, 0, "70000", 6), "EINVAL");
	/* Unknown transaction id. */
	ERR_REPLY(rq(c, STORE_READ, 77, "/a", 3), "ENOENT");
	/* The connection still works. */
	OK_REPLY(do_write(c, 0, "/still", "ok"));
}

static void oversize_header_closes_connection(void **state)
{
	struct conn *c = conn(0);
	struct store_msg_hdr h = { .type = STORE_READ, .len = 5000 };

	assert_int_equal(store_input(c, &h, sizeof(h)), -EPROTO);
	assert_true(c->dead);
}

static void split_and_coalesced_input_is_framed(void **state)
{
	struct conn *c = conn(0);
	char buf[256];
	struct store_msg_hdr h = { .type = STORE_WRITE, .len = 6 };
	size_t i, n = 0;
	struct msg m;

	/* Two messages in one buffer, fed one byte at a time. */
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/s\0abc", 6);
	n = sizeof(h) + 6;
	h.type = STORE_READ;
	h.len = 3;
	h.req_id = 9;
	memcpy(buf + n, &h, sizeof(h));
	memcpy(buf + n + sizeof(h), "/s", 3);
	n += sizeof(h) + 3;
	for (i = 0; i < n; i++)
		assert_int_equal(store_input(c, buf + i, 1), 0);
	assert_true(pop(c, false, &m));
	assert_string_equal(m.body, "OK");
	assert_true(pop(c, false, &m));
	assert_int_equal(m.h.req_id, 9);
	assert_memory_equal(m.body, "abc", 3);
}

/* --- permissions ----------------------------------------------------- */

static void set_perms(struct conn *c, const char *path, int n, ...)
{
	char buf[256];
	size_t off = strlen(path) + 1;
	va_list ap;
	int i;

	strcpy(buf, path);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *p = va_arg(ap, const char *);

		strcpy(buf + off, p);
		off += strlen(p) + 1;
	}
	va_end(ap);
	OK_REPLY(rq(c, STORE_SET_PERMS, 0, buf, off));
}

static void get_perms_reports_list(void **state)
{
	struct conn *c = conn(0);
	struct msg m;

	do_write(c, 0, "/gp", "");
	set_perms(c, "/gp", 3, "n1", "r2", "b3");
	m = do_1(c, STORE_GET_PERMS, 0, "/gp");
	assert_int_equal(m.h.len, 9);
	assert_memory_equal(m.body, "n1\0r2\0b3\0", 9);
	/* Children inherit. */
	do_write(c, 0, "/gp/kid", "");
	m = do_1(c, STORE_GET_PERMS, 0, "/gp/kid");
	assert_memory_equal(m.body, "n1\0r2\0b3\0", 9);
}

static void permissions_are_enforced_per_connection(void **state)
{
	struct conn *d0 = conn(0), *d1 = conn(1), *d2 = conn(2), *d3 = conn(3);
	struct conn *d4 = conn(4);

	do_write(d0, 0, "/perm/node", "secret");
	set_perms(d0, "/perm/node", 3, "n1", "r2", "w3");
	/* owner 1: everything */
	assert_int_equal(do_1(d1, STORE_READ, 0, "/perm/node").h.type,
			 STORE_READ);
	OK_REPLY(do_write(d1, 0, "/perm/node", "v1"));
	/* 2: read only */
	assert_int_equal(do_1(d2, STORE_READ, 0, "/perm/node").h.type,
			 STORE_READ);
	ERR_REPLY(do_write(d2, 0, "/perm/node", "x"), "EACCES");
	/* 3: write only */
	ERR_REPLY(do_1(d3, STORE_READ, 0, "/perm/node"), "EACCES");
	OK_REPLY(do_write(d3, 0, "/perm/node", "v3"));
	/* 4: default from the owner entry, none */
	ERR_REPLY(do_1(d4, STORE_READ, 0, "/perm/node"), "EACCES");
	ERR_REPLY(do_write(d4, 0, "/perm/node", "x"), "EACCES");
	ERR_REPLY(do_1(d4, STORE_DIRECTORY, 0, "/perm/node"), "EACCES");
	ERR_REPLY(do_1(d4, STORE_GET_PERMS, 0, "/perm/node"), "EACCES");
	ERR_REPLY(do_1(d4, STORE_RM, 0, "/perm/node"), "EACCES");
	/* Creating below needs write on the parent. */
	ERR_REPLY(do_write(d2, 0, "/perm/node/kid", "x"), "EACCES");
	OK_REPLY(do_write(d3, 0, "/perm/node/kid", "x"));
}

static void unprivileged_owns_what_it_creates_and_keeps_owner(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);
	char buf[64];
	struct msg m;

	do_write(d0, 0, "/own", "");
	set_perms(d0, "/own", 1, "b0");	/* everyone may write */
	OK_REPLY(do_write(d5, 0, "/own/mine", "x"));
	m = do_1(d0, STORE_GET_PERMS, 0, "/own/mine");
	assert_memory_equal(m.body, "b5\0", 3);
	/* Owner may change the list but not give the node away. */
	set_perms(d5, "/own/mine", 2, "n5", "r6");
	ERR_REPLY(rq(d5, STORE_SET_PERMS, 0, buf,
		     cat(buf, 2, "/own/mine", "n6")), "EPERM");
	/* A refused change leaves no trace: no record of the domains it
	 * named (a guest could otherwise fill the domain list). */
	ERR_REPLY(rq(d5, STORE_SET_PERMS, 0, buf,
		     cat(buf, 3, "/own", "b0", "r1234")), "EACCES");
	ERR_REPLY(rq(d5, STORE_SET_PERMS, 0, buf,
		     cat(buf, 3, "/nowhere", "b0", "r1235")), "EACCES");
	assert_null(domain_find(S, 1234));
	assert_null(domain_find(S, 1235));
	assert_non_null(domain_find(S, 6));
	/* Privileged may. */
	set_perms(d0, "/own/mine", 1, "n6");
	ERR_REPLY(rq(d5, STORE_SET_PERMS, 0, buf,
		     cat(buf, 2, "/own/mine", "n5")), "EACCES");
	ERR_REPLY(rq(d0, STORE_SET_PERMS, 0, buf,
		     cat(buf, 2, "/own/mine", "q1")), "EINVAL");
}

static void privileged_only_operations_refuse_guests(void **state)
{
	struct conn *d1 = conn(1);
	char buf[64];

	ERR_REPLY(rq(d1, STORE_INTRODUCE, 0, buf, cat(buf, 3, "9", "1", "2")),
		  "EACCES");
	ERR_REPLY(do_1(d1, STORE_RELEASE, 0, "9"), "EACCES");
	ERR_REPLY(do_1(d1, STORE_RESUME, 0, "9"), "EACCES");
	ERR_REPLY(rq(d1, STORE_SET_TARGET, 0, buf, cat(buf, 2, "9", "1")),
		  "EACCES");
}

/* --- watches --------------------------------------------------------- */

static void watch_fires_initial_event_then_on_change(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0);

	OK_REPLY(do_2(w, STORE_WATCH, "/wt", "tok"));
	expect_event(w, "/wt", "tok");
	expect_no_event(w);
	do_write(d0, 0, "/wt", "1");
	expect_event(w, "/wt", "tok");
	/* Subtree changes fire with the changed path. */
	do_write(d0, 0, "/wt/deep/er", "2");
	expect_event(w, "/wt/deep/er", "tok");
	/* Siblings with a common prefix do not. */
	do_write(d0, 0, "/wtx", "3");
	expect_no_event(w);
}

static void watch_events_keep_order_and_follow_reply(void **state)
{
	struct conn *w = conn(0);
	size_t len;
	const char *out;
	struct store_msg_hdr h;

	do_2(w, STORE_WATCH, "/ord", "t");
	expect_event(w, "/ord", "t");
	/* The writer's own watch: reply first, then the event. */
	send_raw(w, STORE_WRITE, 0, "/ord/1\0a", 8);
	out = store_output(w, &len);
	memcpy(&h, out, sizeof(h));
	assert_int_equal(h.type, STORE_WRITE);
	memcpy(&h, out + sizeof(h) + h.len, sizeof(h));
	assert_int_equal(h.type, STORE_WATCH_EVENT);
	pop(w, false, &(struct msg){ 0 });
	do_write(w, 0, "/ord/2", "b");
	do_write(w, 0, "/ord/3", "c");
	expect_event(w, "/ord/1", "t");
	expect_event(w, "/ord/2", "t");
	expect_event(w, "/ord/3", "t");
}

static void rm_fires_watches_inside_removed_subtree(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0);

	do_write(d0, 0, "/rmw/a/b", "1");
	do_2(w, STORE_WATCH, "/rmw/a/b", "inner");
	expect_event(w, "/rmw/a/b", "inner");
	do_2(w, STORE_WATCH, "/rmw", "outer");
	expect_event(w, "/rmw", "outer");
	do_1(d0, STORE_RM, 0, "/rmw/a");
	expect_event(w, "/rmw/a/b", "inner");
	expect_event(w, "/rmw/a", "outer");
	expect_no_event(w);
}

static void relative_watch_gets_relative_paths(void **state)
{
	struct conn *d0 = conn(0), *d7 = conn(7);

	do_1(d0, STORE_MKDIR, 0, "/local/domain/7");
	set_perms(d0, "/local/domain/7", 1, "n7");
	OK_REPLY(do_2(d7, STORE_WATCH, "device", "dev"));
	expect_event(d7, "device", "dev");
	do_write(d0, 0, "/local/domain/7/device/vbd/0", "x");
	expect_event(d7, "device/vbd/0", "dev");
}

static void events_skip_watchers_that_cannot_read(void **state)
{
	struct conn *d0 = conn(0), *d8 = conn(8);

	do_write(d0, 0, "/hid", "");
	set_perms(d0, "/hid", 1, "r0");
	OK_REPLY(do_2(d8, STORE_WATCH, "/hid", "t"));
	expect_event(d8, "/hid", "t");
	do_write(d0, 0, "/hid/secret", "x");
	set_perms(d0, "/hid/secret", 1, "n0");
	do_write(d0, 0, "/hid/secret", "y");
	/* Saw the creation and the permission change (readable before it,
	 * as xenstored decides), not the later write. */
	expect_event(d8, "/hid/secret", "t");
	expect_event(d8, "/hid/secret", "t");
	expect_no_event(d8);
}

static void unwatch_stops_events_and_duplicates_are_eexist(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0);

	OK_REPLY(do_2(w, STORE_WATCH, "/uw", "t"));
	expect_event(w, "/uw", "t");
	ERR_REPLY(do_2(w, STORE_WATCH, "/uw", "t"), "EEXIST");
	OK_REPLY(do_2(w, STORE_UNWATCH, "/uw", "t"));
	ERR_REPLY(do_2(w, STORE_UNWATCH, "/uw", "t"), "ENOENT");
	do_write(d0, 0, "/uw", "x");
	expect_no_event(w);
}

static void special_watches_fire_on_introduce_and_release(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0);
	char buf[64];
	struct msg m;

	do_2(w, STORE_WATCH, "@introduceDomain", "in");
	expect_event(w, "@introduceDomain", "in");
	do_2(w, STORE_WATCH, "@releaseDomain", "out");
	expect_event(w, "@releaseDomain", "out");
	m = do_1(d0, STORE_IS_DOMAIN_INTRODUCED, 0, "12");
	assert_string_equal(m.body, "F");
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "12", "4660", "5")));
	expect_event(w, "@introduceDomain", "in");
	expect_no_event(w);
	m = do_1(d0, STORE_IS_DOMAIN_INTRODUCED, 0, "12");
	assert_string_equal(m.body, "T");
	/* Again (a resumed guest, maybe a new port): fine, and not a new
	 * domain, so no event. */
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "12", "1", "6")));
	expect_no_event(w);
	ERR_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "12", "1", "0")),
		  "EINVAL");
	ERR_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "0", "1", "3")),
		  "EINVAL");
	ERR_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "12", "-1", "3")),
		  "EINVAL");
	OK_REPLY(do_1(d0, STORE_RESUME, 0, "12"));
	OK_REPLY(do_1(d0, STORE_RELEASE, 0, "12"));
	expect_event(w, "@releaseDomain", "out");
	ERR_REPLY(do_1(d0, STORE_RELEASE, 0, "12"), "ENOENT");
	ERR_REPLY(do_1(d0, STORE_RESUME, 0, "12"), "ENOENT");
	m = do_1(d0, STORE_IS_DOMAIN_INTRODUCED, 0, "0");
	assert_string_equal(m.body, "T");
	/* DOMID_SELF: the asker, who is introduced by definition. */
	m = do_1(conn(44), STORE_IS_DOMAIN_INTRODUCED, 0, "32752");
	assert_string_equal(m.body, "T");
}

/* --- transactions ---------------------------------------------------- */

static void transaction_is_isolated_until_commit(void **state)
{
	struct conn *a = conn(0), *b = conn(0), *w = conn(0);
	uint32_t tx;
	struct msg m;

	do_2(w, STORE_WATCH, "/tx", "t");
	expect_event(w, "/tx", "t");
	tx = txn_begin(a);
	assert_true(tx != 0);
	OK_REPLY(do_write(a, tx, "/tx/v", "in-tx"));
	/* Others, and a itself outside the transaction, do not see it. */
	ERR_REPLY(do_1(b, STORE_READ, 0, "/tx/v"), "ENOENT");
	ERR_REPLY(do_1(a, STORE_READ, 0, "/tx/v"), "ENOENT");
	m = do_1(a, STORE_READ, tx, "/tx/v");
	assert_memory_equal(m.body, "in-tx", 5);
	expect_no_event(w);
	OK_REPLY(txn_finish(a, tx, true));
	m = do_1(b, STORE_READ, 0, "/tx/v");
	assert_memory_equal(m.body, "in-tx", 5);
	expect_event(w, "/tx/v", "t");
	/* The id is gone. */
	ERR_REPLY(do_1(a, STORE_READ, tx, "/tx/v"), "ENOENT");
}

static void conflicting_commit_gets_eagain(void **state)
{
	struct conn *a = conn(0), *b = conn(0);
	uint32_t tx;
	struct msg m;

	do_write(a, 0, "/cf/x", "0");
	tx = txn_begin(a);
	m = do_1(a, STORE_READ, tx, "/cf/x");
	do_write(a, tx, "/cf/y", "from-tx");
	/* Someone changes what the transaction read. */
	OK_REPLY(do_write(b, 0, "/cf/x", "1"));
	ERR_REPLY(txn_finish(a, tx, true), "EAGAIN");
	ERR_REPLY(do_1(b, STORE_READ, 0, "/cf/y"), "ENOENT");
	(void)m;
}

static void unrelated_change_does_not_conflict(void **state)
{
	struct conn *a = conn(0), *b = conn(0);
	uint32_t tx;

	do_write(a, 0, "/nc/a/x", "0");
	do_write(a, 0, "/nc/b", "0");
	tx = txn_begin(a);
	do_1(a, STORE_READ, tx, "/nc/a/x");
	do_write(a, tx, "/nc/a/x", "1");
	OK_REPLY(do_write(b, 0, "/nc/b", "changed"));
	OK_REPLY(txn_finish(a, tx, true));
}

static void concurrent_creation_conflicts(void **state)
{
	struct conn *a = conn(0), *b = conn(0);
	uint32_t tx;

	do_1(a, STORE_MKDIR, 0, "/cc");
	tx = txn_begin(a);
	ERR_REPLY(do_1(a, STORE_READ, tx, "/cc/new"), "ENOENT");
	do_write(b, 0, "/cc/new", "b-was-first");
	do_write(a, tx, "/cc/new", "a");
	ERR_REPLY(txn_finish(a, tx, true), "EAGAIN");
}

static void several_creations_in_one_transaction_commit(void **state)
{
	struct conn *a = conn(0);
	uint32_t tx;

	/* What xenstore-write a/b x a/c y does. */
	tx = txn_begin(a);
	OK_REPLY(do_write(a, tx, "/two/b", "x"));
	OK_REPLY(do_write(a, tx, "/two/c", "y"));
	OK_REPLY(txn_finish(a, tx, true));
	assert_memory_equal(do_1(a, STORE_READ, 0, "/two/c").body, "y", 1);
}

static void abort_discards_changes(void **state)
{
	struct conn *a = conn(0);
	uint32_t tx;

	tx = txn_begin(a);
	do_write(a, tx, "/ab/x", "1");
	do_1(a, STORE_RM, tx, "/ab");
	do_1(a, STORE_MKDIR, tx, "/ab2");
	OK_REPLY(txn_finish(a, tx, false));
	ERR_REPLY(do_1(a, STORE_READ, 0, "/ab2"), "ENOENT");
	ERR_REPLY(txn_finish(a, tx, true), "ENOENT");
	ERR_REPLY(rq(a, STORE_TRANSACTION_END, 0, "T", 2), "ENOENT");
}

static void transaction_replays_rm_and_perms(void **state)
{
	struct conn *a = conn(0);
	uint32_t tx;
	char buf[64];
	struct msg m;

	do_write(a, 0, "/rp/gone/x", "1");
	do_write(a, 0, "/rp/keep", "1");
	tx = txn_begin(a);
	OK_REPLY(do_1(a, STORE_RM, tx, "/rp/gone"));
	OK_REPLY(rq(a, STORE_SET_PERMS, tx, buf, cat(buf, 2, "/rp/keep", "r4")));
	OK_REPLY(txn_finish(a, tx, true));
	ERR_REPLY(do_1(a, STORE_READ, 0, "/rp/gone"), "ENOENT");
	m = do_1(a, STORE_GET_PERMS, 0, "/rp/keep");
	assert_memory_equal(m.body, "r4\0", 3);
}

/* --- quotas ---------------------------------------------------------- */

static void quotas_give_protocol_errors(void **state)
{
	struct conn *d0 = conn(0), *d9 = conn(9);
	char path[32], big[100];
	int i;

	do_1(d0, STORE_MKDIR, 0, "/q");
	set_perms(d0, "/q", 1, "b0");
	/* node size (128 here): 24 + 8 per permission entry + value; a new
	 * node under /q (one entry) holds 96 bytes of value */
	memset(big, 'v', 97);
	big[97] = '\0';
	ERR_REPLY(do_write(d9, 0, "/q/big", big), "ENOSPC");
	big[96] = '\0';
	OK_REPLY(do_write(d9, 0, "/q/big", big));
	big[96] = 'v';
	ERR_REPLY(do_write(d9, 0, "/q/big", big), "ENOSPC");
	/* nodes (10 here): /q/big is one */
	for (i = 0; i < 9; i++) {
		snprintf(path, sizeof(path), "/q/n%d", i);
		OK_REPLY(do_write(d9, 0, path, "x"));
	}
	ERR_REPLY(do_write(d9, 0, "/q/one-too-many", "x"), "ENOSPC");
	/* Freeing a node makes room again. */
	OK_REPLY(do_1(d9, STORE_RM, 0, "/q/n0"));
	OK_REPLY(do_write(d9, 0, "/q/again", "x"));
	/* Multi-level creation counts every new node. */
	do_1(d9, STORE_RM, 0, "/q/n1");
	ERR_REPLY(do_write(d9, 0, "/q/a/b", "x"), "ENOSPC");
	/* watches (3 here) */
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/q/w%d", i);
		OK_REPLY(do_2(d9, STORE_WATCH, path, "t"));
	}
	ERR_REPLY(do_2(d9, STORE_WATCH, "/q/w9", "t"), "E2BIG");
	/* transactions (2 here) */
	txn_begin(d9);
	txn_begin(d9);
	ERR_REPLY(rq(d9, STORE_TRANSACTION_START, 0, "", 1), "ENOSPC");
	/* permission list length (3 here) */
	ERR_REPLY(rq(d9, STORE_SET_PERMS, 0,
		     "/q/big\0n9\0r1\0r2\0r3\0", 19), "ENOSPC");
	/* a longer list makes the node bigger: 96 bytes of value leave no
	 * room for a second entry */
	ERR_REPLY(rq(d9, STORE_SET_PERMS, 0, "/q/big\0n9\0r1\0", 13),
		  "ENOSPC");
	/* Dom0 is exempt. */
	for (i = 0; i < 12; i++) {
		snprintf(path, sizeof(path), "/q0/n%d", i);
		OK_REPLY(do_write(d0, 0, path, "0123456789abcdefghij"));
	}
}

static void connection_close_drops_watches_and_transactions(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0);
	uint32_t tx;

	do_2(w, STORE_WATCH, "/cl", "t");
	tx = txn_begin(w);
	do_write(w, tx, "/cl/x", "1");
	store_conn_free(w);
	do_write(d0, 0, "/cl", "still fine");
	ERR_REPLY(do_1(d0, STORE_READ, 0, "/cl/x"), "ENOENT");
}

/* --- permissions: who may do what ------------------------------------ */

/*
 * /pm/node owned by 5 with "r6" and "w7" entries and "n" for the rest:
 * each operation by dom0, the owner, a reader, a writer and a stranger.
 */
static void permission_matrix_for_each_kind_of_caller(void **state)
{
	struct conn *d0 = conn(0), *own = conn(5), *rd = conn(6);
	struct conn *wr = conn(7), *other = conn(8);
	struct conn *who[] = { d0, own, rd, wr, other };
	/* read, write, create below, delete, set perms */
	static const char *const want[5][5] = {
		{ "ok", "ok", "ok", "ok", "ok" },		/* dom0 */
		{ "ok", "ok", "ok", "ok", "ok" },		/* owner */
		{ "ok", "EACCES", "EACCES", "EACCES", "EACCES" }, /* r6 */
		{ "EACCES", "ok", "ok", "ok", "EACCES" },	/* w7 */
		{ "EACCES", "EACCES", "EACCES", "EACCES", "EACCES" },
	};
	char buf[64];
	unsigned int i, op;

	for (i = 0; i < 5; i++) {
		for (op = 0; op < 5; op++) {
			struct msg m;

			do_1(d0, STORE_RM, 0, "/pm");
			do_write(d0, 0, "/pm/node", "v");
			set_perms(d0, "/pm/node", 3, "n5", "r6", "w7");
			switch (op) {
			case 0:
				m = do_1(who[i], STORE_READ, 0, "/pm/node");
				break;
			case 1:
				m = do_write(who[i], 0, "/pm/node", "w");
				break;
			case 2:
				m = do_write(who[i], 0, "/pm/node/kid", "c");
				break;
			case 3:
				m = do_1(who[i], STORE_RM, 0, "/pm/node");
				break;
			default:
				m = rq(who[i], STORE_SET_PERMS, 0, buf,
				       cat(buf, 3, "/pm/node", "n5", "b8"));
				break;
			}
			if (strcmp(want[i][op], "ok")) {
				assert_int_equal(m.h.type, STORE_ERROR);
				assert_string_equal(m.body, want[i][op]);
			} else {
				assert_int_not_equal(m.h.type, STORE_ERROR);
			}
		}
	}
}

static void created_nodes_inherit_and_belong_to_their_creator(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5), *d6 = conn(6);
	struct msg m;

	do_1(d0, STORE_MKDIR, 0, "/local/domain/5");
	set_perms(d0, "/local/domain/5", 2, "n5", "r6");
	/* The guest's own subtree: it creates, owns, and 6 may read. */
	OK_REPLY(do_write(d5, 0, "device/vif/0/state", "1"));
	m = do_1(d0, STORE_GET_PERMS, 0, "/local/domain/5/device/vif/0/state");
	assert_int_equal(m.h.len, 6);
	assert_memory_equal(m.body, "n5\0r6\0", 6);
	m = do_1(d0, STORE_GET_PERMS, 0, "/local/domain/5/device");
	assert_memory_equal(m.body, "n5\0r6\0", 6);
	assert_int_equal(do_1(d6, STORE_READ, 0,
			      "/local/domain/5/device/vif/0/state").h.type,
			 STORE_READ);
	ERR_REPLY(do_write(d6, 0, "/local/domain/5/device/x", "1"), "EACCES");
	/* Nodes dom0 creates keep the parent's owner. */
	do_write(d0, 0, "/local/domain/5/control/shutdown", "");
	m = do_1(d0, STORE_GET_PERMS, 0, "/local/domain/5/control/shutdown");
	assert_memory_equal(m.body, "n5\0r6\0", 6);
	/* Outside its subtree a guest may not write anything by default. */
	ERR_REPLY(do_write(d5, 0, "/local/domain/6/x", "1"), "EACCES");
	ERR_REPLY(do_write(d5, 0, "/vm/x", "1"), "EACCES");
	ERR_REPLY(do_1(d5, STORE_MKDIR, 0, "/local"), "EACCES");
}

static void write_entry_does_not_allow_changing_permissions(void **state)
{
	struct conn *d0 = conn(0), *d7 = conn(7);
	char buf[64];

	do_write(d0, 0, "/wo", "x");
	set_perms(d0, "/wo", 2, "n0", "b7");
	OK_REPLY(do_write(d7, 0, "/wo", "mine now?"));
	ERR_REPLY(rq(d7, STORE_SET_PERMS, 0, buf, cat(buf, 2, "/wo", "b0")),
		  "EACCES");
}

static void missing_nodes_do_not_leak_where_reading_is_denied(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);

	do_write(d0, 0, "/local/domain/6/secret", "s");
	/* Under a node it cannot read: EACCES whether there or not. */
	ERR_REPLY(do_1(d5, STORE_READ, 0, "/local/domain/6/secret"), "EACCES");
	ERR_REPLY(do_1(d5, STORE_READ, 0, "/local/domain/6/nothing"), "EACCES");
	ERR_REPLY(do_1(d5, STORE_DIRECTORY, 0, "/local/domain/6/a/b"),
		  "EACCES");
	ERR_REPLY(do_1(d5, STORE_RM, 0, "/local/domain/6/nothing"), "EACCES");
	ERR_REPLY(do_1(d5, STORE_GET_PERMS, 0, "/local/domain/6/x"), "EACCES");
	/* Under one it can read: the truth. */
	set_perms(d0, "/local/domain/6", 1, "r0");
	ERR_REPLY(do_1(d5, STORE_READ, 0, "/local/domain/6/nothing"), "ENOENT");
	/* MKDIR of an existing node needs write too. */
	ERR_REPLY(do_1(d5, STORE_MKDIR, 0, "/local/domain/6"), "EACCES");
}

static void special_node_permissions_decide_who_sees_events(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5), *d6 = conn(6);
	char buf[64];
	struct msg m;

	m = do_1(d0, STORE_GET_PERMS, 0, "@releaseDomain");
	assert_int_equal(m.h.len, 3);
	assert_memory_equal(m.body, "n0\0", 3);
	ERR_REPLY(do_1(d0, STORE_GET_PERMS, 0, "@other"), "EINVAL");
	/* Who may see them is not for every guest to read. */
	ERR_REPLY(do_1(d5, STORE_GET_PERMS, 0, "@releaseDomain"), "EACCES");
	/* Guests may watch, and get the first event, but nothing after. */
	OK_REPLY(do_2(d5, STORE_WATCH, "@releaseDomain", "r"));
	expect_event(d5, "@releaseDomain", "r");
	OK_REPLY(do_2(d6, STORE_WATCH, "@releaseDomain", "r"));
	expect_event(d6, "@releaseDomain", "r");
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "20", "1", "3")));
	OK_REPLY(do_1(d0, STORE_RELEASE, 0, "20"));
	expect_no_event(d5);
	/* The toolstack lets 5 (a driver domain, say) see releases. */
	ERR_REPLY(rq(d5, STORE_SET_PERMS, 0, buf,
		     cat(buf, 3, "@releaseDomain", "n0", "r5")), "EACCES");
	OK_REPLY(rq(d0, STORE_SET_PERMS, 0, buf,
		    cat(buf, 3, "@releaseDomain", "n0", "r5")));
	m = do_1(d5, STORE_GET_PERMS, 0, "@releaseDomain");
	assert_memory_equal(m.body, "n0\0r5\0", 6);
	ERR_REPLY(do_1(d6, STORE_GET_PERMS, 0, "@releaseDomain"), "EACCES");
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "21", "1", "3")));
	OK_REPLY(do_1(d0, STORE_RELEASE, 0, "21"));
	expect_event(d5, "@releaseDomain", "r");
	expect_no_event(d6);
}

/* --- quotas ------------------------------------------------------------ */

static void guest_paths_are_limited_below_its_home(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);
	char path[STORE_ABS_PATH_MAX + 1];
	size_t home = strlen("/local/domain/5/");

	do_1(d0, STORE_MKDIR, 0, "/local/domain/5");
	set_perms(d0, "/local/domain/5", 1, "n5");
	/* 2048 bytes below the home are allowed, one more is not. */
	strcpy(path, "/local/domain/5/");
	memset(path + home, 'p', STORE_REL_PATH_MAX);
	path[home + STORE_REL_PATH_MAX] = '\0';
	ERR_REPLY(do_write(d5, 0, path, ""), "ENOSPC");	/* node quota */
	path[home + STORE_REL_PATH_MAX] = 'p';
	path[home + STORE_REL_PATH_MAX + 1] = '\0';
	ERR_REPLY(do_write(d5, 0, path, ""), "EINVAL");
	/* dom0 has the protocol's 3072. */
	OK_REPLY(do_write(d0, 0, path, ""));
}

static void guest_directory_growth_counts_against_node_size(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5), *d6 = conn(6);
	char path[64];
	struct msg m;
	int i;

	do_1(d0, STORE_MKDIR, 0, "/dir5");
	set_perms(d0, "/dir5", 1, "b0");
	/* 24 + 8 + names: nine 10-byte names fit in 128, the tenth not. */
	for (i = 0; i < 9; i++) {
		snprintf(path, sizeof(path), "/dir5/name-%04d", i);
		m = do_write(i % 2 ? d5 : d6, 0, path, "");
		OK_REPLY(m);
	}
	ERR_REPLY(do_write(d5, 0, "/dir5/name-0009", ""), "ENOSPC");
	OK_REPLY(do_write(d0, 0, "/dir5/name-0009", ""));
}

static void transaction_node_quota(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);
	char path[32];
	uint32_t tx;
	int i;

	S->quota.txn_nodes = 4;
	S->quota.nodes = 100;
	do_1(d0, STORE_MKDIR, 0, "/t5");
	set_perms(d0, "/t5", 1, "b0");
	tx = txn_begin(d5);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/t5/n%d", i);
		OK_REPLY(do_write(d5, tx, path, "x"));
	}
	ERR_REPLY(do_write(d5, tx, "/t5/n9", "x"), "ENOSPC");
	/* dom0 is not limited. */
	tx = txn_begin(d0);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/t0/n%d", i);
		OK_REPLY(do_write(d0, tx, path, "x"));
	}
	OK_REPLY(txn_finish(d0, tx, true));
}

/*
 * Rewriting one node touches one node but logs every value: the log
 * counts against the same quota, or a guest grows dom0's memory without
 * bound inside one transaction.  A transaction at its quota can still
 * be ended.
 */
static void transaction_log_is_bounded_and_can_be_ended(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);
	char val[64];
	uint32_t tx;
	int i;

	S->quota.txn_nodes = 8;
	S->quota.nodes = 100;
	do_1(d0, STORE_MKDIR, 0, "/t5");
	set_perms(d0, "/t5", 1, "b0");
	tx = txn_begin(d5);
	for (i = 0; i < 8; i++) {
		snprintf(val, sizeof(val), "value %d", i);
		OK_REPLY(do_write(d5, tx, "/t5/same", val));
	}
	ERR_REPLY(do_write(d5, tx, "/t5/same", "one too many"), "ENOSPC");
	ERR_REPLY(do_1(d5, STORE_READ, tx, "/t5/same"), "ENOSPC");
	/* Committing the eight changes works. */
	OK_REPLY(txn_finish(d5, tx, true));
	assert_string_equal(do_1(d5, STORE_READ, 0, "/t5/same").body,
			    "value 7");
	assert_int_equal(d5->nr_txns, 0);
	/* So does aborting a transaction at its quota. */
	tx = txn_begin(d5);
	for (i = 0; i < 8; i++)
		OK_REPLY(do_write(d5, tx, "/t5/same", "x"));
	ERR_REPLY(do_write(d5, tx, "/t5/same", "y"), "ENOSPC");
	OK_REPLY(txn_finish(d5, tx, false));
	assert_int_equal(d5->nr_txns, 0);
}

/*
 * Each transaction is held to the node quota against what its domain
 * owns now; two committed one after the other must not add up to more.
 */
static void parallel_transactions_do_not_evade_the_node_quota(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);
	char path[32];
	uint32_t t1, t2;
	int i;

	/* Apart, so that the two do not conflict. */
	do_1(d0, STORE_MKDIR, 0, "/p5/a");
	do_1(d0, STORE_MKDIR, 0, "/p5/b");
	set_perms(d0, "/p5/a", 1, "b0");
	set_perms(d0, "/p5/b", 1, "b0");
	t1 = txn_begin(d5);
	t2 = txn_begin(d5);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/p5/a/%d", i);
		OK_REPLY(do_write(d5, t1, path, "x"));
		snprintf(path, sizeof(path), "/p5/b/%d", i);
		OK_REPLY(do_write(d5, t2, path, "x"));
	}
	OK_REPLY(txn_finish(d5, t1, true));
	assert_int_equal(domain_find(S, 5)->nodes, 8);
	ERR_REPLY(txn_finish(d5, t2, true), "ENOSPC");
	assert_int_equal(domain_find(S, 5)->nodes, 8);
	ERR_REPLY(do_1(d5, STORE_READ, 0, "/p5/b/0"), "ENOENT");
	assert_int_equal(d5->nr_txns, 0);
	/* A commit that frees nodes is fine even at the quota. */
	t1 = txn_begin(d5);
	OK_REPLY(do_1(d5, STORE_RM, t1, "/p5/a/0"));
	OK_REPLY(txn_finish(d5, t1, true));
	assert_int_equal(domain_find(S, 5)->nodes, 7);
}

static void guest_that_never_reads_is_cut_off(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);
	size_t queued;
	int i;

	do_write(d0, 0, "/flood", "");
	set_perms(d0, "/flood", 1, "r0");
	OK_REPLY(do_2(d5, STORE_WATCH, "/flood", "t"));
	expect_event(d5, "/flood", "t");
	/* Past 16 KiB queued, the transport stops taking its requests. */
	for (i = 0; !store_conn_busy(d5); i++)
		do_write(d0, 0, "/flood/some-node", "1");
	store_output(d5, &queued);
	assert_true(queued > 16 << 10 && queued < 17 << 10);
	/* At 1 MiB it is dropped; everyone else is served on. */
	for (; i < 100000 && !d5->dead; i++)
		do_write(d0, 0, "/flood/some-node", "1");
	assert_true(d5->dead);
	store_output(d5, &queued);
	assert_true(queued <= 1 << 20 && queued > (1 << 20) - 100);
	OK_REPLY(do_write(d0, 0, "/flood/after", "1"));
	/* dom0's own connections may queue more (16 MiB). */
	assert_false(store_conn_busy(d0));
}

static void over_long_events_are_not_sent(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0);
	char token[STORE_PAYLOAD_MAX], path[STORE_ABS_PATH_MAX + 1];

	memset(token, 't', 2000);
	token[2000] = '\0';
	OK_REPLY(do_2(w, STORE_WATCH, "/", token));
	expect_event(w, "/", token);
	path[0] = '/';
	memset(path + 1, 'p', 2500);
	path[2501] = '\0';
	do_write(d0, 0, path, "");
	expect_no_event(w);
	do_write(d0, 0, "/short", "");
	expect_event(w, "/short", token);
}

/* --- domains: introduce, release, VIRQ_DOM_EXC ------------------------- */

/* In-process "transport": a connection per introduced domain. */
static struct conn *test_introduce(struct store *s, struct domain *d)
{
	return d->conn ? d->conn : store_conn_new(s, d->domid, NULL, NULL);
}

static unsigned int nr_conns(void)
{
	unsigned int n = 0;
	struct conn *c;

	for (c = S->conns; c; c = c->next)
		n++;
	return n;
}

static void release_drops_connection_watches_and_rights(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0), *g;
	char buf[64];
	unsigned int before;
	struct msg m;

	S->introduce = test_introduce;
	S->quota.nodes = 100;
	do_2(w, STORE_WATCH, "@releaseDomain", "rel");
	expect_event(w, "@releaseDomain", "rel");
	do_1(d0, STORE_MKDIR, 0, "/local/domain/6");
	set_perms(d0, "/local/domain/6", 1, "n6");
	do_write(d0, 0, "/backend/vif/6/0/state", "1");
	set_perms(d0, "/backend/vif/6/0", 2, "n0", "r6");
	before = nr_conns();
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "6", "1", "9")));
	assert_int_equal(nr_conns(), before + 1);
	g = domain_find(S, 6)->conn;
	assert_non_null(g);
	OK_REPLY(do_write(g, 0, "data/a", "1"));
	OK_REPLY(do_2(g, STORE_WATCH, "data", "t"));
	expect_event(g, "data", "t");
	txn_begin(g);
	assert_int_equal(g->nr_watches, 1);
	/* /local/domain/6 (given to it), data, data/a */
	assert_int_equal(domain_find(S, 6)->nodes, 3);

	OK_REPLY(do_1(d0, STORE_RELEASE, 0, "6"));
	expect_event(w, "@releaseDomain", "rel");
	/* Its connection, watches and transaction are gone. */
	assert_int_equal(nr_conns(), before);
	assert_null(domain_find(S, 6));
	m = do_1(d0, STORE_IS_DOMAIN_INTRODUCED, 0, "6");
	assert_string_equal(m.body, "F");
	/* Its nodes stay, now dom0's, and the rights it had are gone. */
	m = do_1(d0, STORE_GET_PERMS, 0, "/local/domain/6/data/a");
	assert_memory_equal(m.body, "n0\0", 3);
	m = do_1(d0, STORE_GET_PERMS, 0, "/backend/vif/6/0/state");
	assert_int_equal(m.h.len, 3);
	assert_memory_equal(m.body, "n0\0", 3);
	/* A new domain 6 inherits nothing. */
	g = conn(6);
	ERR_REPLY(do_1(g, STORE_READ, 0, "/backend/vif/6/0/state"), "EACCES");
	ERR_REPLY(do_1(g, STORE_READ, 0, "data/a"), "EACCES");
}

static void introduce_again_resets_watches_and_transactions(void **state)
{
	struct conn *d0 = conn(0), *g;
	char buf[64];

	S->introduce = test_introduce;
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "8", "1", "9")));
	g = domain_find(S, 8)->conn;
	do_2(g, STORE_WATCH, "/x", "t");
	txn_begin(g);
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "8", "1", "10")));
	assert_ptr_equal(domain_find(S, 8)->conn, g);
	assert_int_equal(g->nr_watches, 0);
	assert_int_equal(g->nr_txns, 0);
	assert_int_equal(domain_find(S, 8)->port, 10);
}

static enum domain_state fake_states[64];

static enum domain_state fake_state(void *priv, unsigned int domid)
{
	return domid < 64 ? fake_states[domid] : DOMAIN_GONE;
}

/*
 * Taking a gone domain's rights back is a change to the nodes: a
 * transaction of its device model that wrote there on the strength of
 * them must not commit.
 */
static void rights_taken_back_conflict_with_open_transactions(void **state)
{
	struct conn *d0 = conn(0), *dm;
	char buf[64];
	uint32_t tx;

	S->introduce = test_introduce;
	S->quota.nodes = 100;
	memset(fake_states, 0, sizeof(fake_states));
	fake_states[21] = fake_states[22] = DOMAIN_RUNNING;
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "21", "1", "9")));
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "22", "1", "9")));
	do_1(d0, STORE_MKDIR, 0, "/local/domain/22");
	set_perms(d0, "/local/domain/22", 1, "n22");
	OK_REPLY(rq(d0, STORE_SET_TARGET, 0, buf, cat(buf, 2, "21", "22")));
	dm = domain_find(S, 21)->conn;
	tx = txn_begin(dm);
	OK_REPLY(do_write(dm, tx, "/local/domain/22/dm", "x"));
	/* 22 dies: its home is dom0's now, and 21 acts for it no more. */
	fake_states[22] = DOMAIN_GONE;
	store_check_domains(S, fake_state, NULL);
	assert_null(dm->target);
	ERR_REPLY(txn_finish(dm, tx, true), "EAGAIN");
	ERR_REPLY(do_1(d0, STORE_READ, 0, "/local/domain/22/dm"), "ENOENT");
	ERR_REPLY(do_write(dm, 0, "/local/domain/22/dm", "x"), "EACCES");
}

static void dom_exc_releases_dead_domains_and_reports_shutdown(void **state)
{
	struct conn *d0 = conn(0), *w = conn(0);
	char buf[64];
	struct msg m;

	S->introduce = test_introduce;
	memset(fake_states, 0, sizeof(fake_states));
	fake_states[11] = fake_states[12] = fake_states[13] = DOMAIN_RUNNING;
	do_2(w, STORE_WATCH, "@releaseDomain", "rel");
	expect_event(w, "@releaseDomain", "rel");
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "11", "1", "9")));
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "12", "1", "9")));
	/* 13 is only named in a permission list (created, not introduced),
	 * 14 likewise but it never existed */
	do_write(d0, 0, "/shared", "");
	set_perms(d0, "/shared", 3, "n0", "r13", "r14");

	/* Nothing changed: no event. */
	store_check_domains(S, fake_state, NULL);
	expect_no_event(w);
	/* 12 shut down: one event; still introduced until it dies. */
	fake_states[12] = DOMAIN_SHUTDOWN;
	store_check_domains(S, fake_state, NULL);
	expect_event(w, "@releaseDomain", "rel");
	expect_no_event(w);
	store_check_domains(S, fake_state, NULL);
	expect_no_event(w);
	assert_true(domain_find(S, 12)->introduced);
	/* 11 dies, 12 is gone: released, one event for the scan. */
	fake_states[11] = DOMAIN_DYING;
	fake_states[12] = DOMAIN_GONE;
	store_check_domains(S, fake_state, NULL);
	expect_event(w, "@releaseDomain", "rel");
	expect_no_event(w);
	m = do_1(d0, STORE_IS_DOMAIN_INTRODUCED, 0, "11");
	assert_string_equal(m.body, "F");
	assert_null(domain_find(S, 12));
	/* 13 still exists and keeps its entry; 14's is gone. */
	m = do_1(d0, STORE_GET_PERMS, 0, "/shared");
	assert_int_equal(m.h.len, 7);
	assert_memory_equal(m.body, "n0\0r13\0", 7);
	fake_states[13] = DOMAIN_GONE;
	store_check_domains(S, fake_state, NULL);
	m = do_1(d0, STORE_GET_PERMS, 0, "/shared");
	assert_memory_equal(m.body, "n0\0", 3);
	expect_no_event(w);
}

/* --- transactions copy what they touch, not the store ------------------ */

static unsigned int txn_nodes_held(struct conn *c, uint32_t tx)
{
	return node_count(txn_tree(txn_find(c, tx))->root);
}

static void transaction_copies_only_what_it_touches(void **state)
{
	struct conn *d0 = conn(0), *d5 = conn(5);
	uint32_t tx[10];
	char path[32];
	struct msg m;
	int i;

	do_1(d0, STORE_MKDIR, 0, "/big");
	set_perms(d0, "/big", 1, "r0");
	for (i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/big/n%03d", i);
		do_write(d0, 0, path, "0123456789");
	}
	/* Ten open transactions, each reading one node: a handful of
	 * nodes each (root, /big, the node), not 400. */
	for (i = 0; i < 10; i++) {
		S->quota.txns = 10;
		tx[i] = txn_begin(d5);
		m = do_1(d5, STORE_READ, tx[i], "/big/n123");
		assert_memory_equal(m.body, "0123456789", 10);
		assert_true(txn_nodes_held(d5, tx[i]) <= 3);
	}
	/* Listing needs every child, and gets them in order. */
	m = do_1(d5, STORE_DIRECTORY, tx[0], "/big");
	assert_int_equal(m.h.type, STORE_DIRECTORY);
	assert_int_equal(m.h.len, 400 * 5);
	assert_memory_equal(m.body, "n000\0n001\0", 10);
	assert_memory_equal(m.body + 123 * 5, "n123\0", 5);
	assert_true(txn_nodes_held(d5, tx[0]) >= 402);
	for (i = 0; i < 10; i++)
		OK_REPLY(txn_finish(d5, tx[i], false));
}

static void transaction_view_keeps_its_own_changes(void **state)
{
	struct conn *d0 = conn(0), *b = conn(0);
	uint32_t tx;
	struct msg m;

	do_write(d0, 0, "/v/a", "1");
	do_write(d0, 0, "/v/b", "2");
	do_write(d0, 0, "/v/c", "3");
	tx = txn_begin(d0);
	OK_REPLY(do_1(d0, STORE_RM, tx, "/v/b"));
	/* Removed in the view: not found again in the main tree. */
	ERR_REPLY(do_1(d0, STORE_READ, tx, "/v/b"), "ENOENT");
	OK_REPLY(do_write(d0, tx, "/v/d", "4"));
	m = do_1(d0, STORE_DIRECTORY, tx, "/v");
	assert_int_equal(m.h.len, 6);
	assert_memory_equal(m.body, "a\0c\0d\0", 6);
	/* Outside, nothing changed yet. */
	m = do_1(b, STORE_DIRECTORY, 0, "/v");
	assert_memory_equal(m.body, "a\0b\0c\0", 6);
	OK_REPLY(txn_finish(d0, tx, true));
	m = do_1(b, STORE_DIRECTORY, 0, "/v");
	assert_memory_equal(m.body, "a\0c\0d\0", 6);
}

static void listing_after_a_concurrent_creation_conflicts(void **state)
{
	struct conn *a = conn(0), *b = conn(0);
	uint32_t tx;

	do_write(a, 0, "/lc/x", "1");
	tx = txn_begin(a);
	do_1(a, STORE_READ, tx, "/lc/x");
	/* Someone adds a sibling; the transaction then lists the parent,
	 * which it copied before that: it must not commit. */
	do_write(b, 0, "/lc/y", "2");
	do_1(a, STORE_DIRECTORY, tx, "/lc");
	do_write(a, tx, "/lc/z", "3");
	ERR_REPLY(txn_finish(a, tx, true), "EAGAIN");
	ERR_REPLY(do_1(b, STORE_READ, 0, "/lc/z"), "ENOENT");
}

/* --- XS_CONTROL (xenstore-control) ----------------------------------- */

/* The number after "name   :" in a control reply; -1 if missing. */
static long ctl_field(const char *body, const char *name)
{
	const char *line = body;
	char key[32], val[32];

	while (line && *line) {
		if (sscanf(line, "%31[^ :] : %31s", key, val) == 2 &&
		    !strcmp(key, name))
			return !strcmp(val, "ok") ? 1 :
			       !strcmp(val, "WRONG") ? 0 : strtol(val, NULL, 10);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

static struct msg control(struct conn *c, int n, const char *cmd,
			  const char *arg)
{
	char buf[64];

	return rq(c, STORE_CONTROL, 0, buf, n == 1 ? cat(buf, 1, cmd) :
		  cat(buf, 2, cmd, arg));
}

static void control_stats_count_what_a_domain_adds_and_release_removes(
	void **state)
{
	struct conn *d0 = conn(0), *g;
	struct msg before, during, after, q;
	char buf[64];

	S->introduce = test_introduce;
	S->quota.nodes = 100;
	do_1(d0, STORE_MKDIR, 0, "/local/domain");
	before = control(d0, 1, "stats", NULL);
	assert_int_equal(before.h.type, STORE_CONTROL);
	/* /, /local, /local/domain */
	assert_int_equal(ctl_field(before.body, "nodes"), 3);
	/* dom0 is always introduced */
	assert_int_equal(ctl_field(before.body, "introduced"), 1);
	assert_int_equal(ctl_field(before.body, "connections"), 1);
	assert_int_equal(ctl_field(before.body, "accounting"), 1);

	/* A guest's home, introduction, its own nodes, a watch, a txn. */
	do_1(d0, STORE_MKDIR, 0, "/local/domain/6");
	set_perms(d0, "/local/domain/6", 1, "n6");
	do_write(d0, 0, "/vm/6/name", "six");
	OK_REPLY(rq(d0, STORE_INTRODUCE, 0, buf, cat(buf, 3, "6", "1", "9")));
	g = domain_find(S, 6)->conn;
	OK_REPLY(do_write(g, 0, "data/a", "1"));
	OK_REPLY(do_2(g, STORE_WATCH, "data", "t"));
	expect_event(g, "data", "t");
	txn_begin(g);
	during = control(d0, 1, "stats", NULL);
	/* + /local/domain/6, data, data/a, /vm, /vm/6, /vm/6/name */
	assert_int_equal(ctl_field(during.body, "nodes"), 9);
	assert_int_equal(ctl_field(during.body, "introduced"), 2);
	assert_int_equal(ctl_field(during.body, "connections"), 2);
	assert_int_equal(ctl_field(during.body, "watches"), 1);
	assert_int_equal(ctl_field(during.body, "transactions"), 1);
	assert_int_equal(ctl_field(during.body, "accounting"), 1);
	q = control(d0, 2, "quota", "6");
	assert_int_equal(q.h.type, STORE_CONTROL);
	assert_true(!strncmp(q.body, "Domain 6:\n", 10));
	assert_int_equal(ctl_field(q.body, "nodes"), 3);
	assert_int_equal(ctl_field(q.body, "watches"), 1);
	assert_int_equal(ctl_field(q.body, "transactions"), 1);

	/* What a toolstack's destroy does: release, then remove. */
	OK_REPLY(do_1(d0, STORE_RELEASE, 0, "6"));
	OK_REPLY(do_1(d0, STORE_RM, 0, "/local/domain/6"));
	OK_REPLY(do_1(d0, STORE_RM, 0, "/vm"));
	after = control(d0, 1, "stats", NULL);
	assert_string_equal(after.body, before.body);
	ERR_REPLY(control(d0, 2, "quota", "6"), "ENOENT");
}

static void control_stats_notice_a_wrong_node_count(void **state)
{
	struct conn *d0 = conn(0);
	struct msg m;

	do_write(d0, 0, "/a", "1");
	m = control(d0, 1, "stats", NULL);
	assert_int_equal(ctl_field(m.body, "accounting"), 1);
	domain_find(S, 0)->nodes++;
	m = control(d0, 1, "stats", NULL);
	assert_int_equal(ctl_field(m.body, "accounting"), 0);
	domain_find(S, 0)->nodes--;
}

static void control_is_dom0_only_and_answers_as_xenstored(void **state)
{
	struct conn *d0 = conn(0), *g = conn(5);
	struct msg m;

	ERR_REPLY(control(g, 1, "stats", NULL), "EACCES");
	ERR_REPLY(control(g, 1, "check", NULL), "EACCES");
	OK_REPLY(control(d0, 1, "check", NULL));
	OK_REPLY(control(d0, 2, "print", "hello from the test"));
	ERR_REPLY(control(d0, 1, "frobnicate", NULL), "EINVAL");
	ERR_REPLY(control(d0, 2, "stats", "x"), "EINVAL");
	ERR_REPLY(control(d0, 2, "quota", "x"), "EINVAL");
	ERR_REPLY(control(d0, 2, "quota", "99"), "ENOENT");
	ERR_REPLY(rq(d0, STORE_CONTROL, 0, "", 0), "EINVAL");
	m = control(d0, 1, "help", NULL);
	assert_non_null(strstr(m.body, "stats"));
	assert_non_null(strstr(m.body, "quota           [<domid>]\n"));
	m = control(d0, 1, "quota", NULL);
	assert_true(!strncmp(m.body, "Quota settings:\n", 16));
	assert_int_equal(ctl_field(m.body, "nodes"), 10);
	assert_int_equal(ctl_field(m.body, "watches"), 3);
	/* dom0 itself has a record: it owns the root. */
	m = control(d0, 2, "quota", "0");
	assert_int_equal(ctl_field(m.body, "nodes"), 1);
}

/*
 * A transaction that removes a subtree and creates some of its paths
 * again (vctl create replacing a stale /local/domain/<id>) commits: what
 * it removed is not noted as absent (then it always conflicted with the
 * main tree, which still had it).  It depends on nothing below what it
 * removed: a change there by someone else meanwhile is removed at the
 * commit, as if it had come first.  A change to a node it read still
 * makes it conflict.
 */
static void rm_then_recreate_in_a_transaction_commits(void **state)
{
	struct conn *a = conn(0), *b = conn(0);
	char buf[64];
	struct msg m;
	uint32_t tx;

	do_write(a, 0, "/rr/d/name", "old");
	do_write(a, 0, "/rr/d/data/x", "old");
	tx = txn_begin(a);
	OK_REPLY(rq(a, STORE_RM, tx, "/rr/d", 6));
	do_write(a, tx, "/rr/d/name", "new");
	/* Made again, its permissions set and read: all its own. */
	OK_REPLY(do_1(a, STORE_MKDIR, tx, "/rr/d/data"));
	OK_REPLY(rq(a, STORE_SET_PERMS, tx, buf,
		    cat(buf, 3, "/rr/d/data", "n0", "r5")));
	do_1(a, STORE_GET_PERMS, tx, "/rr/d/data");
	OK_REPLY(txn_finish(a, tx, true));
	m = do_1(b, STORE_READ, 0, "/rr/d/name");
	assert_string_equal(m.body, "new");
	ERR_REPLY(do_1(b, STORE_READ, 0, "/rr/d/data/x"), "ENOENT");

	/* Someone changes a node below what the transaction removed. */
	do_write(a, 0, "/rr/d/data/x", "old");
	tx = txn_begin(a);
	OK_REPLY(rq(a, STORE_RM, tx, "/rr/d", 6));
	do_write(b, 0, "/rr/d/data/x", "changed");
	do_write(a, tx, "/rr/d/name", "newer");
	OK_REPLY(txn_finish(a, tx, true));
	ERR_REPLY(do_1(b, STORE_READ, 0, "/rr/d/data/x"), "ENOENT");
	m = do_1(b, STORE_READ, 0, "/rr/d/name");
	assert_string_equal(m.body, "newer");

	/* A node it read, changed meanwhile: it does not commit. */
	do_write(a, 0, "/rr/e", "1");
	tx = txn_begin(a);
	do_1(a, STORE_READ, tx, "/rr/e");
	OK_REPLY(rq(a, STORE_RM, tx, "/rr/d", 6));
	do_write(a, tx, "/rr/d/name", "newest");
	do_write(b, 0, "/rr/e", "2");
	ERR_REPLY(txn_finish(a, tx, true), "EAGAIN");
	m = do_1(b, STORE_READ, 0, "/rr/d/name");
	assert_string_equal(m.body, "newer");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(write_then_read_returns_value),
		T(values_may_hold_nul_bytes),
		T(read_missing_is_enoent),
		T(mkdir_creates_and_is_idempotent),
		T(directory_lists_children_in_creation_order),
		T(directory_part_pages_a_listing),
		T(rm_removes_subtree_and_tolerates_missing_leaf),
		T(relative_paths_are_under_domain_home),
		T(malformed_paths_are_einval),
		T(unknown_type_and_bad_payloads_get_errors),
		T(oversize_header_closes_connection),
		T(split_and_coalesced_input_is_framed),
		T(get_perms_reports_list),
		T(permissions_are_enforced_per_connection),
		T(unprivileged_owns_what_it_creates_and_keeps_owner),
		T(privileged_only_operations_refuse_guests),
		T(watch_fires_initial_event_then_on_change),
		T(watch_events_keep_order_and_follow_reply),
		T(rm_fires_watches_inside_removed_subtree),
		T(relative_watch_gets_relative_paths),
		T(events_skip_watchers_that_cannot_read),
		T(unwatch_stops_events_and_duplicates_are_eexist),
		T(special_watches_fire_on_introduce_and_release),
		T(transaction_is_isolated_until_commit),
		T(conflicting_commit_gets_eagain),
		T(unrelated_change_does_not_conflict),
		T(concurrent_creation_conflicts),
		T(several_creations_in_one_transaction_commit),
		T(abort_discards_changes),
		T(transaction_replays_rm_and_perms),
		T(quotas_give_protocol_errors),
		T(connection_close_drops_watches_and_transactions),
		T(permission_matrix_for_each_kind_of_caller),
		T(created_nodes_inherit_and_belong_to_their_creator),
		T(write_entry_does_not_allow_changing_permissions),
		T(missing_nodes_do_not_leak_where_reading_is_denied),
		T(special_node_permissions_decide_who_sees_events),
		T(guest_paths_are_limited_below_its_home),
		T(guest_directory_growth_counts_against_node_size),
		T(transaction_node_quota),
		T(transaction_log_is_bounded_and_can_be_ended),
		T(parallel_transactions_do_not_evade_the_node_quota),
		T(guest_that_never_reads_is_cut_off),
		T(over_long_events_are_not_sent),
		T(release_drops_connection_watches_and_rights),
		T(introduce_again_resets_watches_and_transactions),
		T(dom_exc_releases_dead_domains_and_reports_shutdown),
		T(rights_taken_back_conflict_with_open_transactions),
		T(transaction_copies_only_what_it_touches),
		T(transaction_view_keeps_its_own_changes),
		T(listing_after_a_concurrent_creation_conflicts),
		T(control_stats_count_what_a_domain_adds_and_release_removes),
		T(control_stats_notice_a_wrong_node_count),
		T(control_is_dom0_only_and_answers_as_xenstored),
		T(rm_then_recreate_in_a_transaction_commits),
	};

	return cmocka_run_group_tests_name("store_proto", tests, NULL, NULL);
}
