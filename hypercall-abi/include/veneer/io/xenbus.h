/* SPDX-License-Identifier: MIT */
/*
 * The state machine that front and back drivers publish in their
 * xenstore "state" nodes while they connect.
 */
#ifndef VENEER_IO_XENBUS_H
#define VENEER_IO_XENBUS_H

enum xenbus_state {
	XenbusStateUnknown      = 0, /* node missing or unreadable */
	XenbusStateInitialising = 1, /* driver is starting */
	XenbusStateInitWait     = 2, /* waiting for the peer's details */
	XenbusStateInitialised  = 3, /* details published, waiting to connect */
	XenbusStateConnected    = 4, /* ring is live */
	XenbusStateClosing      = 5, /* asked to shut down */
	XenbusStateClosed       = 6, /* shut down */
	XenbusStateReconfiguring = 7, /* back end is changing its devices */
	XenbusStateReconfigured = 8
};

typedef enum xenbus_state XenbusState;

#endif /* VENEER_IO_XENBUS_H */
