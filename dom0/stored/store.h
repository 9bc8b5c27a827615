// SPDX-License-Identifier: GPL-2.0
/*
 * store.h - the store daemon's internal interfaces.
 *
 * The daemon is split by concern:
 *
 *	tree.c     the node tree: paths, values, permissions, generations
 *	perms.c    parsing and checking node permissions
 *	store.c    the store: connections, message framing and dispatch
 *	ops.c      one handler per request type
 *	watch.c    watch registration and event delivery
 *	txn.c      transactions: snapshot, access log, conflict check, replay
 *	domain.c   introduced domains and their quotas
 *	control.c  XS_CONTROL: xenstore-control's commands
 *	io_sock.c  the Unix socket transport (dom0 tools)
 *	io_ring.c  the shared-page transport (domains; host stand-in here)
 *	io_domexc.c VIRQ_DOM_EXC: noticing domains that went away
 *	main.c     options and the poll loop
 *
 * Everything above io_*.c is transport-free: a connection is bytes in,
 * bytes out, and a domain id.  That is what the unit tests and the fuzzer
 * drive directly.
 */
#ifndef STORED_STORE_H
#define STORED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store_wire.h"

#define STORE_DOMID_SELF_MAX	0x7fef	/* DOMID_FIRST_RESERVED - 1 */
#define STORE_MAX_PERMS		64

/* --- permissions ------------------------------------------------------ */

enum {
	PERM_NONE = 0,
	PERM_READ = 1,
	PERM_WRITE = 2,
	PERM_BOTH = 3,
	PERM_OWNER = 4,		/* internal: may change the permissions */
};

struct store_perm {
	unsigned int domid;
	unsigned int mode;	/* PERM_* */
};

/* perms[0] is the owner; its mode is what everyone not listed gets. */
struct store_perms {
	unsigned int nr;
	struct store_perm *p;
};

int perms_parse(struct store_perms *out, const char *text, size_t len,
		unsigned int count);
size_t perms_format(const struct store_perms *ps, char *buf, size_t size);
int perms_copy(struct store_perms *dst, const struct store_perms *src);
void perms_free(struct store_perms *ps);
bool perms_equal(const struct store_perms *a, const struct store_perms *b);

/* --- tree ------------------------------------------------------------- */

struct node {
	char *name;			/* last path component, "" for root */
	struct node *parent;
	char *value;
	unsigned int vlen;
	struct store_perms perms;
	uint64_t gen;			/* bumped on every change */
	struct node **child;
	unsigned int nchild, capchild;
	bool partial;			/* transaction copy: children not all
					 * copied from the base yet */
};

struct tree {
	struct node *root;
	uint64_t *gen_counter;		/* shared by all trees of a store */
	struct tree *base;		/* a transaction's: the main tree */
	bool broken;			/* out of memory copying from base */
};

bool path_is_valid(const char *path);
struct tree *tree_new(uint64_t *gen_counter);
struct tree *tree_clone(struct tree *t);
int node_complete(struct tree *t, struct node *n);
void tree_free(struct tree *t);
struct node *tree_lookup(struct tree *t, const char *path);
struct node *tree_nearest(struct tree *t, const char *path);
struct node *node_add_child(struct tree *t, struct node *parent,
			    const char *name, size_t nlen);
void node_unlink(struct tree *t, struct node *n);
void node_free(struct node *n);
int node_set_value(struct tree *t, struct node *n, const char *v,
		   unsigned int len);
void node_touch(struct tree *t, struct node *n);
size_t node_size(const struct node *n);
size_t node_path(const struct node *n, char *buf, size_t size);
unsigned int node_count(const struct node *n);

/* --- store ------------------------------------------------------------ */

/*
 * Limits on what an unprivileged domain may make the store hold.  The
 * defaults (store_default_quota()) are Xen 4.17 xenstored's.
 */
struct store_quota {
	unsigned int nodes;		/* nodes a domain may own: ENOSPC */
	unsigned int watches;		/* watches per connection: E2BIG */
	unsigned int txns;		/* open transactions: ENOSPC */
	unsigned int node_size;		/* one node's record (node_size()):
					 * ENOSPC */
	unsigned int perms;		/* entries in one permission list:
					 * ENOSPC */
	unsigned int path_len;		/* path bytes below /local/domain/N/,
					 * or of any other path: EINVAL */
	unsigned int txn_nodes;		/* nodes one transaction may touch:
					 * ENOSPC */
};

struct conn;
struct watch;
struct txn;
struct domain;

/* What a transport provides to the store for one connection. */
struct conn_ops {
	/* New output is queued; push what fits to the peer. */
	void (*kick)(struct conn *c);
	/*
	 * The domain was released: the transport frees the connection
	 * (store_conn_free()) and what it holds (page, event channel).
	 */
	void (*release)(struct conn *c);
};

struct conn {
	struct store *store;
	unsigned int domid;
	bool privileged;
	bool dead;			/* protocol violation: close it */
	const struct conn_ops *ops;
	void *priv;			/* the transport's */

	/* input: one message being assembled */
	struct store_msg_hdr in_hdr;
	unsigned int in_have;
	char in_buf[sizeof(struct store_msg_hdr) + STORE_PAYLOAD_MAX];

	/* output: whole messages, written out in order */
	char *out;
	size_t out_len, out_off, out_cap;

	struct watch *watches;
	unsigned int nr_watches;
	struct txn *txns;
	unsigned int nr_txns;
	struct domain *target;		/* SET_TARGET: acts for this domain */
	unsigned int refusals_logged;	/* a guest's errors, logged so far */

	struct conn *next;
};

struct domain {
	unsigned int domid;
	bool introduced;
	bool shutdown;			/* seen shut down (VIRQ_DOM_EXC) */
	uint64_t mfn;
	unsigned int port;
	unsigned int nodes;		/* nodes owned, for the quota */
	struct conn *conn;		/* its ring connection, if any */
	struct domain *target;
	struct domain *next;
};

/*
 * A transport hook for XS_INTRODUCE: set up the ring connection (map
 * the page, bind the event channel).  Called again for a domain already
 * introduced (a resumed guest): the transport rebinds the channel and
 * returns the same connection, reset.  NULL with errno set on failure.
 */
typedef struct conn *(*store_introduce_fn)(struct store *s,
					    struct domain *d);

/* What the hypervisor says about a domain (store_check_domains()). */
enum domain_state {
	DOMAIN_GONE,			/* no such domain */
	DOMAIN_DYING,			/* being destroyed */
	DOMAIN_SHUTDOWN,		/* shut down or crashed, not dying */
	DOMAIN_RUNNING,			/* anything else */
};

typedef enum domain_state (*domain_state_fn)(void *priv,
					     unsigned int domid);

/* The special nodes: watchable and with permissions, never in the tree. */
enum {
	SPECIAL_INTRODUCE,		/* "@introduceDomain" */
	SPECIAL_RELEASE,		/* "@releaseDomain" */
	SPECIAL_COUNT
};

struct store {
	struct tree *tree;
	uint64_t gen_counter;
	struct conn *conns;
	struct domain *domains;
	struct store_quota quota;
	uint32_t next_txn_id;
	store_introduce_fn introduce;
	void *introduce_priv;
	struct store_perms special[SPECIAL_COUNT];
	bool verbose;
};

struct store *store_new(const struct store_quota *q);
void store_free(struct store *s);
struct conn *store_conn_new(struct store *s, unsigned int domid,
			    const struct conn_ops *ops, void *priv);
void store_conn_free(struct conn *c);
int store_input(struct conn *c, const void *data, size_t len);
int store_queue(struct conn *c, uint32_t type, uint32_t req_id,
		uint32_t tx_id, const void *body, size_t len);
const void *store_output(struct conn *c, size_t *len);
bool store_conn_busy(const struct conn *c);
void store_output_done(struct conn *c, size_t n);
const char *store_errno_name(int err);
unsigned int store_conn_perm(const struct conn *c,
			     const struct store_perms *ps);
bool store_conn_can(const struct conn *c, const struct store_perms *ps,
		    unsigned int want);
void store_default_quota(struct store_quota *q);

/* --- ops, watches, transactions, domains ------------------------------ */

/* A change to report once the reply has gone out. */
struct fire {
	char *path;
	struct store_perms perms;
	struct store_perms old;		/* before a SET_PERMS, else empty */
	bool recurse;			/* also watches below path (rm) */
	struct fire *next;
};

/* Where a request runs: the main tree, or a transaction's copy. */
struct ctx {
	struct store *s;
	struct conn *c;
	struct tree *t;
	struct txn *txn;
	bool replay;			/* committing: skip checks and logs */
	struct fire *fires, **fires_tail;
};

void ops_dispatch(struct conn *c, const struct store_msg_hdr *h,
		  const char *body);
int ops_write(struct ctx *x, const char *path, const char *val,
	      unsigned int vlen);
int ops_mkdir(struct ctx *x, const char *path);
int ops_rm(struct ctx *x, const char *path);
int ops_set_perms(struct ctx *x, const char *path,
		  const struct store_perms *ps);
void ctx_fire(struct ctx *x, const char *path,
	      const struct store_perms *ps, bool recurse);
void ctx_fire_perms(struct ctx *x, const char *path,
		    const struct store_perms *ps,
		    const struct store_perms *old);

int watch_add(struct conn *c, const char *path, const char *token);
int watch_remove(struct conn *c, const char *path, const char *token);
void watch_remove_all(struct conn *c);
void watch_fire(struct store *s, const struct fire *f);
void watch_fire_special(struct store *s, unsigned int which);
int special_index(const char *name);

int txn_start(struct conn *c, uint32_t *id);
struct txn *txn_find(struct conn *c, uint32_t id);
void txn_note(struct txn *t, const char *path, const struct node *n);
int txn_log(struct txn *t, uint32_t type, const char *path,
	    const char *val, unsigned int vlen,
	    const struct store_perms *ps);
struct tree *txn_tree(struct txn *t);
int txn_end(struct ctx *x, struct txn *t, bool commit);
void txn_abort_all(struct conn *c);
int txn_nodes_delta(struct txn *t);
unsigned int txn_nodes_touched(const struct txn *t);
void txn_add_nodes(struct txn *t, int delta);

struct domain *domain_find(struct store *s, unsigned int domid);
struct domain *domain_get(struct store *s, unsigned int domid);
int domain_introduce(struct store *s, unsigned int domid, uint64_t mfn,
		     unsigned int port);
int domain_release(struct store *s, unsigned int domid);
void domain_forget(struct store *s, unsigned int domid);
void store_check_domains(struct store *s, domain_state_fn state,
			 void *priv);
void domain_account(struct store *s, unsigned int domid, int delta);
bool domain_over_quota(struct ctx *x, unsigned int add);

int parse_domid(const char *s, unsigned int *out);
int store_control(struct store *s, const char **v, unsigned int n,
		  char *buf, size_t size);

#endif /* STORED_STORE_H */
