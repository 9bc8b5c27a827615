# SPDX-License-Identifier: GPL-2.0
#
# drivers-back/block: the block back end (docs/drivers.md).
#
#   build/drivers-back/block/blkback          for the host
#   build/drivers-back/block/blkback-static   dom0's initramfs
#                                             (/usr/sbin/blkback)
#   build/tests/unit/test_blkback             cmocka (make test-unit):
#                                             hostile requests and indices

BLOCK_DIR  := drivers-back/block
BLOCK_OUT  := $(BUILD)/drivers-back/block
BLOCK_HDRS := $(wildcard $(BLOCK_DIR)/*.h) drivers-back/common/xendev.h \
              dom0/vctl/store_client.h ring/include/veneer/ring.h \
              hypercall-abi/include/veneer/io/blkif.h
BLOCK_PURE := $(BLOCK_OUT)/blk_req.o
BLOCK_OBJS := $(BLOCK_PURE) $(BLOCK_OUT)/blkback.o \
              $(BLOCK_OUT)/store_client.o \
              $(BUILD)/drivers-back/common/xendev.o
BLKBACK    := $(BLOCK_OUT)/blkback

$(BLOCK_OUT)/%.o: $(BLOCK_DIR)/%.c $(BLOCK_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -Iring/include -c -o $@ $<

# vctl's store client, built again here (its objects belong to vctl).
$(BLOCK_OUT)/store_client.o: dom0/vctl/store_client.c \
		dom0/vctl/store_client.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(BLKBACK): $(BLOCK_OBJS)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

$(BLKBACK)-static: $(BLOCK_OBJS)
	$(HOSTCC) $(HOST_CFLAGS) -static -o $@ $^

.PHONY: blkback
blkback: $(BLKBACK) $(BLKBACK)-static

INITRAMFS_FILES += $(BLKBACK)-static=usr/sbin/blkback
INITRAMFS_DEPS  += $(BLKBACK)-static

BLOCK_TESTS := $(BUILD)/tests/unit/test_blkback

$(BLOCK_TESTS): tests/unit/test_blkback.c $(BLOCK_PURE) $(BLOCK_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -Iring/include -I$(BLOCK_DIR) -o $@ $< \
		$(BLOCK_PURE) -lcmocka

UNIT_TESTS  += $(BLOCK_TESTS)
ALL_TARGETS += $(BLKBACK) $(BLOCK_TESTS)
