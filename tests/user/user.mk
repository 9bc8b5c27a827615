# SPDX-License-Identifier: GPL-2.0
#
# User-space conformance programs (tests/system/test_user_conformance.py):
# small static programs that check, from a guest's user space, what a
# native kernel on a real CPU would give them.  They run in a Linux dom0 on
# Veneer and on Xen 4.17; the verdicts must be the same.  Each is packed
# into dom0's initramfs as /usr/libexec/veneer-tests/<name>; `veneer-user-
# tests` (run-user-tests) runs them all.

UT_DIR     := tests/user
UT_OUT     := $(BUILD)/tests/user
UT_SRCS    := $(wildcard $(UT_DIR)/*.c)
UT_NAMES   := $(basename $(notdir $(filter-out $(UT_DIR)/ut.c,$(UT_SRCS))))
UT_BINS    := $(patsubst %,$(UT_OUT)/%,$(UT_NAMES))
UT_CFLAGS  := -D_GNU_SOURCE -std=gnu11 -O2 -g -Wall -Wextra -Werror -static

$(UT_OUT)/%: $(UT_DIR)/%.c $(UT_DIR)/ut.c $(UT_DIR)/ut.h $(UT_DIR)/user.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(HOSTCC) $(UT_CFLAGS) -o $@ $< $(UT_DIR)/ut.c

# *_m32.c: 32-bit programs (gcc-multilib), run under the 64-bit kernel.
$(UT_OUT)/%_m32: $(UT_DIR)/%_m32.c $(UT_DIR)/ut.c $(UT_DIR)/ut.h $(UT_DIR)/user.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(HOSTCC) -m32 $(UT_CFLAGS) -o $@ $< $(UT_DIR)/ut.c

user-tests: $(UT_BINS)

.PHONY: user-tests
ALL_TARGETS     += user-tests
INITRAMFS_FILES += $(foreach n,$(UT_NAMES),$(UT_OUT)/$(n)=usr/libexec/veneer-tests/$(n)) \
                   $(UT_DIR)/run-user-tests=bin/veneer-user-tests
INITRAMFS_DEPS  += $(UT_BINS) $(UT_DIR)/run-user-tests
