# SPDX-License-Identifier: GPL-2.0
#
# Linux's privcmd maps another domain's memory on Veneer
# (tests/system/test_privcmd.py): a static program in dom0's initramfs,
# /usr/libexec/veneer-privcmd/privcmd-foreign.  Veneer only (it creates
# the domain with Veneer's management hypercall).

PRIVCMD_OUT := $(BUILD)/tests/privcmd
PRIVCMD_BIN := $(PRIVCMD_OUT)/privcmd_foreign

$(PRIVCMD_BIN): tests/privcmd/privcmd_foreign.c tests/privcmd/privcmd.mk \
		$(wildcard hypercall-abi/include/veneer/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(HOSTCC) -D_GNU_SOURCE -std=gnu11 -O2 -g -Wall -Wextra -Werror \
		-static -Ihypercall-abi/include -o $@ $<

privcmd-tests: $(PRIVCMD_BIN)

.PHONY: privcmd-tests
ALL_TARGETS     += privcmd-tests
INITRAMFS_FILES += $(PRIVCMD_BIN)=usr/libexec/veneer-privcmd/privcmd-foreign
INITRAMFS_DEPS  += $(PRIVCMD_BIN)
