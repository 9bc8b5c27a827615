// SPDX-License-Identifier: GPL-2.0
/*
 * The store daemon's wire definitions (dom0/stored/store_wire.h) checked
 * against Xen's own (/usr/include/xen/io/xs_wire.h from libxen-dev): the
 * message type numbers, the header and shared-page layouts, the limits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "store_wire.h"
#include <xen/io/xs_wire.h>

static void message_types_match_xen(void **state)
{
	assert_int_equal(STORE_CONTROL, XS_CONTROL);
	assert_int_equal(STORE_DIRECTORY, XS_DIRECTORY);
	assert_int_equal(STORE_READ, XS_READ);
	assert_int_equal(STORE_GET_PERMS, XS_GET_PERMS);
	assert_int_equal(STORE_WATCH, XS_WATCH);
	assert_int_equal(STORE_UNWATCH, XS_UNWATCH);
	assert_int_equal(STORE_TRANSACTION_START, XS_TRANSACTION_START);
	assert_int_equal(STORE_TRANSACTION_END, XS_TRANSACTION_END);
	assert_int_equal(STORE_INTRODUCE, XS_INTRODUCE);
	assert_int_equal(STORE_RELEASE, XS_RELEASE);
	assert_int_equal(STORE_GET_DOMAIN_PATH, XS_GET_DOMAIN_PATH);
	assert_int_equal(STORE_WRITE, XS_WRITE);
	assert_int_equal(STORE_MKDIR, XS_MKDIR);
	assert_int_equal(STORE_RM, XS_RM);
	assert_int_equal(STORE_SET_PERMS, XS_SET_PERMS);
	assert_int_equal(STORE_WATCH_EVENT, XS_WATCH_EVENT);
	assert_int_equal(STORE_ERROR, XS_ERROR);
	assert_int_equal(STORE_IS_DOMAIN_INTRODUCED, XS_IS_DOMAIN_INTRODUCED);
	assert_int_equal(STORE_RESUME, XS_RESUME);
	assert_int_equal(STORE_SET_TARGET, XS_SET_TARGET);
	assert_int_equal(STORE_RESET_WATCHES, XS_RESET_WATCHES);
	assert_int_equal(STORE_DIRECTORY_PART, XS_DIRECTORY_PART);
	assert_int_equal(STORE_TYPE_COUNT, XS_TYPE_COUNT);
}

static void layouts_and_limits_match_xen(void **state)
{
	assert_int_equal(sizeof(struct store_msg_hdr), sizeof(struct xsd_sockmsg));
	assert_int_equal(offsetof(struct store_msg_hdr, req_id),
			 offsetof(struct xsd_sockmsg, req_id));
	assert_int_equal(offsetof(struct store_msg_hdr, tx_id),
			 offsetof(struct xsd_sockmsg, tx_id));
	assert_int_equal(offsetof(struct store_msg_hdr, len),
			 offsetof(struct xsd_sockmsg, len));
#define SAME(f) assert_int_equal(offsetof(struct store_domain_interface, f), \
				 offsetof(struct xenstore_domain_interface, f))
	SAME(req); SAME(rsp); SAME(req_cons); SAME(req_prod);
	SAME(rsp_cons); SAME(rsp_prod); SAME(server_features);
	SAME(connection); SAME(error);
	assert_int_equal(sizeof(struct store_domain_interface),
			 sizeof(struct xenstore_domain_interface));
	assert_int_equal(STORE_RING_SIZE, XENSTORE_RING_SIZE);
	assert_int_equal(STORE_PAYLOAD_MAX, XENSTORE_PAYLOAD_MAX);
	assert_int_equal(STORE_ABS_PATH_MAX, XENSTORE_ABS_PATH_MAX);
	assert_int_equal(STORE_REL_PATH_MAX, XENSTORE_REL_PATH_MAX);
	assert_int_equal(STORE_FEATURE_RECONNECTION,
			 XENSTORE_SERVER_FEATURE_RECONNECTION);
	assert_int_equal(STORE_FEATURE_ERROR, XENSTORE_SERVER_FEATURE_ERROR);
	assert_int_equal(STORE_RECONNECT, XENSTORE_RECONNECT);
	assert_int_equal(STORE_ERROR_PROTO, XENSTORE_ERROR_PROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_types_match_xen),
		cmocka_unit_test(layouts_and_limits_match_xen),
	};

	return cmocka_run_group_tests_name("store_wire", tests, NULL, NULL);
}
