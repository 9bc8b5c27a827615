/* SPDX-License-Identifier: MIT */
/*
 * The xenstore wire protocol: a 16-byte header (xsd_sockmsg) followed by
 * len bytes of payload, carried over a socket or over the shared ring
 * page xenstore_domain_interface.  Strings in the payload are NUL
 * separated; an XS_ERROR reply carries an errno name such as "ENOENT".
 */
#ifndef VENEER_IO_XS_WIRE_H
#define VENEER_IO_XS_WIRE_H

#include <veneer/types.h>

/* Message types (xsd_sockmsg.type). */
enum xsd_sockmsg_type {
	XS_CONTROL,               /* implementation-defined control command */
	XS_DIRECTORY,             /* list children of a path */
	XS_READ,
	XS_GET_PERMS,
	XS_WATCH,                 /* path, token */
	XS_UNWATCH,
	XS_TRANSACTION_START,
	XS_TRANSACTION_END,       /* "T" to commit, "F" to abort */
	XS_INTRODUCE,             /* domid, mfn, port: a new domain's ring */
	XS_RELEASE,
	XS_GET_DOMAIN_PATH,
	XS_WRITE,
	XS_MKDIR,
	XS_RM,
	XS_SET_PERMS,
	XS_WATCH_EVENT,           /* server -> client: a watch fired */
	XS_ERROR,                 /* reply carrying an errno name */
	XS_IS_DOMAIN_INTRODUCED,
	XS_RESUME,
	XS_SET_TARGET,
	XS_RESET_WATCHES = XS_SET_TARGET + 2, /* 20 is unused */
	XS_DIRECTORY_PART,        /* directory listing in chunks */
	XS_TYPE_COUNT,            /* number of types defined */
	XS_INVALID = 0xffff       /* never sent */
};

/* Old name of XS_CONTROL. */
#define XS_DEBUG XS_CONTROL

/* Old XS_WRITE mode strings. */
#define XS_WRITE_NONE        "NONE"
#define XS_WRITE_CREATE      "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/* Header of every request and reply. */
struct xsd_sockmsg {
	uint32_t type;    /* enum xsd_sockmsg_type */
	uint32_t req_id;  /* echoed in the reply */
	uint32_t tx_id;   /* transaction id, 0 for none */
	uint32_t len;     /* payload bytes that follow */
};

/* Fields of an XS_WATCH_EVENT payload. */
enum xs_watch_type {
	XS_WATCH_PATH = 0,
	XS_WATCH_TOKEN
};

/* Size of each ring in xenstore_domain_interface. */
#define XENSTORE_RING_SIZE 1024

/* A free-running ring index. */
typedef uint32_t XENSTORE_RING_IDX;

/* The shared xenstore ring page. */
struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];  /* client -> server */
	char rsp[XENSTORE_RING_SIZE];  /* server -> client */
	XENSTORE_RING_IDX req_cons;    /* server has consumed up to here */
	XENSTORE_RING_IDX req_prod;    /* client has produced up to here */
	XENSTORE_RING_IDX rsp_cons;    /* client has consumed up to here */
	XENSTORE_RING_IDX rsp_prod;    /* server has produced up to here */
	uint32_t server_features;      /* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;           /* XENSTORE_CONNECTED / _RECONNECT */
	uint32_t error;                /* XENSTORE_ERROR_* */
};

/* Largest payload of one message. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longest paths, absolute and relative, in bytes. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1 /* connection field works */
#define XENSTORE_SERVER_FEATURE_ERROR        2 /* error field works */

/* connection values. */
#define XENSTORE_CONNECTED 0 /* normal operation */
#define XENSTORE_RECONNECT 1 /* client asks the server to reset the ring */

/* error values. */
#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1 /* communication problem */
#define XENSTORE_ERROR_RINGIDX 2 /* bad ring index */
#define XENSTORE_ERROR_PROTO   3 /* protocol violation */

#endif /* VENEER_IO_XS_WIRE_H */
