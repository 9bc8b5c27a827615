/* SPDX-License-Identifier: GPL-2.0 */
/*
 * store_client.c: vctl's connection to dom0's store daemon.  Each call
 * returns 0 or a negative errno (the daemon's XS_ERROR as an errno, or
 * the socket's); strings returned are malloc'd.
 */
#ifndef VCTL_STORE_CLIENT_H
#define VCTL_STORE_CLIENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Where stored listens (libxenstore's default, /var/run is /run). */
#define VCTL_XS_SOCKET "/run/xenstored/socket"

/* A connection, or -1 with why filled in. $XENSTORED_PATH overrides. */
int vctl_xs_open(char *why, size_t size);

int vctl_xs_request(int fd, uint32_t type, uint32_t tx, const void *payload,
		    size_t len, char **reply, size_t *reply_len);
int vctl_xs_write(int fd, uint32_t tx, const char *path, const char *value);
int vctl_xs_printf(int fd, uint32_t tx, const char *path, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));
int vctl_xs_read(int fd, uint32_t tx, const char *path, char **value);
int vctl_xs_mkdir(int fd, uint32_t tx, const char *path);
int vctl_xs_rm(int fd, uint32_t tx, const char *path);
/* perm1 may be NULL: "n0" alone, or "n0" and "r5" (owner 0, domain 5 reads) */
int vctl_xs_set_perms(int fd, uint32_t tx, const char *path,
		      const char *perm0, const char *perm1);
int vctl_xs_tx_start(int fd, uint32_t *tx);
int vctl_xs_tx_end(int fd, uint32_t tx, bool commit);
int vctl_xs_introduce(int fd, unsigned int domid, uint64_t mfn,
		      unsigned int port);
int vctl_xs_release(int fd, unsigned int domid);
int vctl_xs_watch(int fd, const char *path, const char *token);
/* The next watch event (waits for one); *path is malloc'd, token in it. */
int vctl_xs_next_event(int fd, char **path, char **token);
/* The same, waiting at most timeout_ms (-ETIMEDOUT if none came).  Once
 * the socket is readable it reads a whole message. */
int vctl_xs_wait_event(int fd, int timeout_ms, char **path, char **token);
/* Whether an event that came during a request is kept for next_event
 * (poll() on the socket does not see those). */
bool vctl_xs_event_kept(void);

#endif /* VCTL_STORE_CLIENT_H */
