# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests of the PV memory model: the page-type engine
# (mm/pagetype.c on top of mm/frame.c) and the decoder/emulator of the
# instructions that write pinned page tables (pv/ptwr-decode.c).  Both
# sources also compile into the hypervisor through hypervisor.mk's
# wildcards; here they are built for the host with cmocka.

PT_UNIT_DIR    := $(BUILD)/tests/unit
PT_UNIT_CFLAGS := $(HOST_CFLAGS) -Ihypervisor/include
PT_UNIT_TESTS  := $(PT_UNIT_DIR)/test_hv_pagetype $(PT_UNIT_DIR)/test_hv_ptwr

$(PT_UNIT_DIR)/test_hv_pagetype: tests/unit/test_hv_pagetype.c \
		hypervisor/mm/pagetype.c hypervisor/mm/frame.c \
		$(wildcard hypervisor/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(PT_UNIT_CFLAGS) -o $@ $< hypervisor/mm/pagetype.c \
		hypervisor/mm/frame.c -lcmocka

$(PT_UNIT_DIR)/test_hv_ptwr: tests/unit/test_hv_ptwr.c \
		hypervisor/pv/ptwr-decode.c \
		$(wildcard hypervisor/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(PT_UNIT_CFLAGS) -o $@ $< hypervisor/pv/ptwr-decode.c -lcmocka

UNIT_TESTS += $(PT_UNIT_TESTS)
