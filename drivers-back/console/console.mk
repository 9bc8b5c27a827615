# SPDX-License-Identifier: GPL-2.0
#
# drivers-back/console: the console back end (docs/console.md).
#
#   build/drivers-back/console/consoled          for the host
#   build/drivers-back/console/consoled-static   dom0's initramfs
#                                                (/usr/sbin/consoled)
#   build/tests/unit/test_console_backend        cmocka (make test-unit):
#                                                hostile ring indices,
#                                                flood limits, scrollback

CONSOLE_DIR  := drivers-back/console
CONSOLE_OUT  := $(BUILD)/drivers-back/console
CONSOLE_HDRS := $(wildcard $(CONSOLE_DIR)/*.h) drivers-back/common/xendev.h \
                hypercall-abi/include/veneer/io/console.h
CONSOLE_PURE := $(CONSOLE_OUT)/cons_ring.o $(CONSOLE_OUT)/cons_buf.o
CONSOLE_OBJS := $(CONSOLE_PURE) $(CONSOLE_OUT)/consoled.o \
                $(BUILD)/drivers-back/common/xendev.o
CONSOLED     := $(CONSOLE_OUT)/consoled

$(CONSOLE_OUT)/%.o: $(CONSOLE_DIR)/%.c $(CONSOLE_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(BUILD)/drivers-back/common/%.o: drivers-back/common/%.c \
		drivers-back/common/%.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(CONSOLED): $(CONSOLE_OBJS)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

# dom0 has no shared libraries: the initramfs gets a static build.
$(CONSOLED)-static: $(CONSOLE_OBJS)
	$(HOSTCC) $(HOST_CFLAGS) -static -o $@ $^

.PHONY: consoled
consoled: $(CONSOLED) $(CONSOLED)-static

INITRAMFS_FILES += $(CONSOLED)-static=usr/sbin/consoled
INITRAMFS_DEPS  += $(CONSOLED)-static

CONSOLE_TESTS := $(BUILD)/tests/unit/test_console_backend

$(CONSOLE_TESTS): tests/unit/test_console_backend.c $(CONSOLE_PURE) \
		$(CONSOLE_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(CONSOLE_DIR) -o $@ $< $(CONSOLE_PURE) \
		-lcmocka

# tests/unit/test_consoled.py (pytest, in make test-unit) runs the daemon
# and vctl on the host: building the cmocka test builds them too.
$(CONSOLE_TESTS): | $(CONSOLED) $(BUILD)/dom0/vctl/vctl

# consoled.c itself with /dev/xen stubbed: the real event-channel path.
CONSOLE_EVTCHN_TEST := $(BUILD)/tests/unit/test_consoled_evtchn

$(CONSOLE_EVTCHN_TEST): tests/unit/test_consoled_evtchn.c \
		$(CONSOLE_DIR)/consoled.c $(CONSOLE_PURE) $(CONSOLE_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(CONSOLE_DIR) -o $@ $< $(CONSOLE_PURE) \
		-lcmocka

UNIT_TESTS  += $(CONSOLE_TESTS) $(CONSOLE_EVTCHN_TEST)
ALL_TARGETS += $(CONSOLED) $(CONSOLE_TESTS) $(CONSOLE_EVTCHN_TEST)
