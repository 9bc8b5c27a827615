# SPDX-License-Identifier: GPL-2.0
#
# dom0/stored: the xenstore-protocol store daemon, its tests and its fuzzer.
#
#   build/dom0/stored/stored            the daemon
#   build/tests/unit/test_store_*       cmocka tests (make test-unit)
#   make stored-fuzz                    libFuzzer harness (clang), not in
#                                       make test; run it by hand:
#     build/dom0/stored/fuzz_store -max_total_time=600 \
#         build/dom0/stored/fuzz-corpus

STORED_DIR   := dom0/stored
STORED_OUT   := $(BUILD)/dom0/stored
STORED_CORE  := store ops tree perms watch txn domain control
STORED_IO    := io_sock io_ring io_domexc main
STORED_HDRS  := $(wildcard $(STORED_DIR)/*.h)
STORED_CORE_OBJS := $(STORED_CORE:%=$(STORED_OUT)/%.o)
STORED_BIN   := $(STORED_OUT)/stored


STORED_TESTS := $(BUILD)/tests/unit/test_store_wire \
                $(BUILD)/tests/unit/test_store_proto \
                $(BUILD)/tests/unit/test_store_daemon \
                $(BUILD)/tests/unit/test_store_ring_evtchn

$(STORED_OUT)/%.o: $(STORED_DIR)/%.c $(STORED_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(STORED_BIN): $(STORED_CORE_OBJS) $(STORED_IO:%=$(STORED_OUT)/%.o)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

# dom0 has no shared libraries: the initramfs gets a static build.
$(STORED_BIN)-static: $(STORED_CORE_OBJS) $(STORED_IO:%=$(STORED_OUT)/%.o)
	$(HOSTCC) $(HOST_CFLAGS) -static -o $@ $^

# vstore: a small client (socket, or the kernel's xenbus device).
VSTORE := $(STORED_OUT)/vstore
$(VSTORE): $(STORED_DIR)/vstore.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -static -o $@ $<

INITRAMFS_FILES += $(STORED_BIN)-static=sbin/stored $(VSTORE)=bin/vstore
INITRAMFS_DEPS  += $(STORED_BIN)-static $(VSTORE)

# In-process tests link the transport-free core.
$(BUILD)/tests/unit/test_store_wire: tests/unit/test_store_wire.c $(STORED_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(STORED_DIR) -o $@ $< -lcmocka

$(BUILD)/tests/unit/test_store_proto: tests/unit/test_store_proto.c $(STORED_CORE_OBJS) $(STORED_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(STORED_DIR) -o $@ $< $(STORED_CORE_OBJS) -lcmocka

# The daemon as a process: socket, host ring transport, load.
$(BUILD)/tests/unit/test_store_daemon: tests/unit/test_store_daemon.c $(STORED_HDRS) $(STORED_BIN)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(STORED_DIR) -DSTORED_BIN='"$(abspath $(STORED_BIN))"' \
		-pthread -o $@ $< -lcmocka

# io_ring.c itself with /dev/xen stubbed: a guest's real event-channel path.
$(BUILD)/tests/unit/test_store_ring_evtchn: tests/unit/test_store_ring_evtchn.c \
		$(STORED_DIR)/io_ring.c $(STORED_CORE_OBJS) $(STORED_OUT)/io_sock.o $(STORED_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(STORED_DIR) -o $@ $< $(STORED_CORE_OBJS) \
		$(STORED_OUT)/io_sock.o -lcmocka

# libFuzzer: message parsing and dispatch on the in-process store.
STORED_FUZZ := $(STORED_OUT)/fuzz_store
$(STORED_FUZZ): $(STORED_DIR)/fuzz_store.c $(STORED_CORE:%=$(STORED_DIR)/%.c) $(STORED_HDRS)
	@mkdir -p $(@D)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined \
		-Ihypercall-abi/include -o $@ $(STORED_DIR)/fuzz_store.c \
		$(STORED_CORE:%=$(STORED_DIR)/%.c)

.PHONY: stored-fuzz
stored-fuzz: $(STORED_FUZZ)

UNIT_TESTS       += $(STORED_TESTS)
ALL_TARGETS      += $(STORED_BIN) $(STORED_TESTS) $(VSTORE)
SYSTEM_TEST_DEPS += $(STORED_BIN)
