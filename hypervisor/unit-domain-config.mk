# SPDX-License-Identifier: GPL-2.0
#
# Host unit test of the domain options parser (common/domain-config.c),
# part of `make test-unit`.

$(HV_UNIT_DIR)/test_hv_domain_config: tests/unit/test_hv_domain_config.c \
		$(HV_DIR)/common/domain-config.c $(HV_DIR)/common/cmdline.c \
		$(wildcard $(HV_DIR)/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HV_UNIT_CFLAGS) -o $@ $< $(HV_DIR)/common/domain-config.c \
		$(HV_DIR)/common/cmdline.c -lcmocka

UNIT_TESTS += $(HV_UNIT_DIR)/test_hv_domain_config
