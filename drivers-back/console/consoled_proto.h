/* SPDX-License-Identifier: GPL-2.0 */
/*
 * consoled_proto.h - how vctl talks to the console back end (consoled):
 * one Unix stream socket, root only, one text command line per
 * connection:
 *
 *   add DOMID NAME MFN PORT   serve a new domain's console: its ring page
 *                             (grant 0, else machine frame MFN, hex or
 *                             decimal) and its unbound event channel PORT
 *   del DOMID                 stop serving it (vctl destroy)
 *   attach DOMID              become its interactive client
 *
 * The answer is one line, "ok" or "error WHY".  After "ok" to attach the
 * connection carries the console both ways: first the scrollback, then
 * what the guest prints; bytes sent go to the guest's input.
 */
#ifndef CONSOLED_PROTO_H
#define CONSOLED_PROTO_H

#define CONSOLED_SOCKET "/var/run/veneer/consoled.sock"
#define CONSOLED_LINE_MAX 256

#endif /* CONSOLED_PROTO_H */
