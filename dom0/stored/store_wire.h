// SPDX-License-Identifier: GPL-2.0
/*
 * store_wire.h - the xenstore wire protocol as the store daemon sees it.
 *
 * Message type numbers, the 16-byte message header, the error names sent
 * back in XS_ERROR replies, and the layout of the shared page a domain
 * speaks the protocol through.  These are the values Linux's xenbus and
 * Xen's libxenstore use (checked against /usr/include/xen/io/xs_wire.h by
 * tests/unit/test_store_wire.c).  Prefixed store_/STORE_ so they do not
 * clash with hypercall-abi/include/veneer/io/xs_wire.h, which will become
 * the single contract; this file can then include it instead.
 */
#ifndef STORED_STORE_WIRE_H
#define STORED_STORE_WIRE_H

#include <stdint.h>

enum store_msg_type {
	STORE_CONTROL = 0,
	STORE_DIRECTORY = 1,
	STORE_READ = 2,
	STORE_GET_PERMS = 3,
	STORE_WATCH = 4,
	STORE_UNWATCH = 5,
	STORE_TRANSACTION_START = 6,
	STORE_TRANSACTION_END = 7,
	STORE_INTRODUCE = 8,
	STORE_RELEASE = 9,
	STORE_GET_DOMAIN_PATH = 10,
	STORE_WRITE = 11,
	STORE_MKDIR = 12,
	STORE_RM = 13,
	STORE_SET_PERMS = 14,
	STORE_WATCH_EVENT = 15,
	STORE_ERROR = 16,
	STORE_IS_DOMAIN_INTRODUCED = 17,
	STORE_RESUME = 18,
	STORE_SET_TARGET = 19,
	/* 20 was XS_RESTRICT, removed from the protocol */
	STORE_RESET_WATCHES = 21,
	STORE_DIRECTORY_PART = 22,
	STORE_TYPE_COUNT
};

/* Every message, both ways: this header, then len bytes of payload. */
struct store_msg_hdr {
	uint32_t type;
	uint32_t req_id;	/* echoed in the reply */
	uint32_t tx_id;		/* transaction, 0 for none */
	uint32_t len;		/* payload bytes that follow */
};

#define STORE_PAYLOAD_MAX	4096
#define STORE_ABS_PATH_MAX	3072
#define STORE_REL_PATH_MAX	2048

/* The shared page of a domain's store connection. */
#define STORE_RING_SIZE		1024

struct store_domain_interface {
	char req[STORE_RING_SIZE];	/* domain -> store */
	char rsp[STORE_RING_SIZE];	/* store -> domain, replies and events */
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;
	uint32_t error;
};

#define STORE_FEATURE_RECONNECTION	1
#define STORE_FEATURE_ERROR		2
#define STORE_CONNECTED			0
#define STORE_RECONNECT			1
#define STORE_ERROR_NONE		0
#define STORE_ERROR_COMM		1
#define STORE_ERROR_RINGIDX		2
#define STORE_ERROR_PROTO		3

#endif /* STORED_STORE_WIRE_H */
