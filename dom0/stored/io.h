// SPDX-License-Identifier: GPL-2.0
/*
 * io.h - the store daemon's transports, as main.c's poll loop sees them.
 *
 * Each transport owns some file descriptors.  The loop asks every
 * transport to add what it waits on to one pollfd array, polls, and then
 * lets each handle what became ready.  Connections a transport finds dead
 * (peer gone, protocol violation, domain released) are freed by it.
 */
#ifndef STORED_IO_H
#define STORED_IO_H

#include <poll.h>
#include <stdint.h>

#include "store.h"

struct pollset {
	struct pollfd *fds;
	unsigned int nr, cap;
};

int pollset_add(struct pollset *ps, int fd, short events);

/*
 * Unix socket for dom0's tools: every connection is domain 0 (@domid 0),
 * or, on a test socket, the unprivileged domain @domid.
 */
struct sock_server;
struct sock_server *sock_open(struct store *s, const char *path,
			      unsigned int domid);
void sock_close(struct sock_server *ss);
void sock_poll_add(struct sock_server *ss, struct pollset *ps);
void sock_handle(struct sock_server *ss, const struct pollset *ps);

/*
 * Shared-page connections.  A ring needs the page and a way to notify
 * and be notified: on the host an eventfd each way (the stand-in for an
 * event channel); in dom0 /dev/xen/evtchn.
 */
struct ring_server;
struct ring_server *ring_server_new(struct store *s);
void ring_server_free(struct ring_server *rs);
/* Pre-arranged host ring for @domid, used when the domain is introduced. */
int ring_server_host_ring(struct ring_server *rs, unsigned int domid,
			  int page_fd, int kick_fd, int notify_fd);
/* dom0's own kernel over /proc/xen/xsd_kva and /dev/xen/evtchn; then
 * guests by grant. */
int ring_server_dom0_ring(struct ring_server *rs);
/* Returns the poll timeout the rings need: 0 if input is left over. */
int ring_poll_add(struct ring_server *rs, struct pollset *ps);
void ring_handle(struct ring_server *rs, const struct pollset *ps);
void ring_after(struct ring_server *rs);

/* VIRQ_DOM_EXC (io_domexc.c): in dom0, or the host stand-in. */
struct dom_exc;
struct dom_exc *dom_exc_open(struct store *s);
struct dom_exc *dom_exc_host(struct store *s, const char *path, int virq_fd);
void dom_exc_close(struct dom_exc *de);
void dom_exc_poll_add(struct dom_exc *de, struct pollset *ps);
void dom_exc_handle(struct dom_exc *de, const struct pollset *ps);

#endif /* STORED_IO_H */
