# SPDX-License-Identifier: GPL-2.0
# hypercall-abi: header-only, so nothing to build but its tests.
#
#   test_abi_conformance  every item of tests/unit/abi_items.h equals
#                         Xen 4.17's (libxen-dev, /usr/include/xen)
#   test_abi_coverage     abi_items.h lists every name the headers define
#
# Both depend on a stamp that compiles each header on its own, hosted and
# freestanding (-ffreestanding -nostdinc), so a header the hypervisor
# cannot include fails the build.

ABI_INC      := hypercall-abi/include
ABI_HEADERS  := $(sort $(shell find $(ABI_INC) -name '*.h'))
ABI_OUT      := $(BUILD)/tests/unit
ABI_ITEMS    := tests/unit/abi_items.h tests/unit/abi_table.h
ABI_CONFORMANCE := $(ABI_OUT)/test_abi_conformance
ABI_COVERAGE    := $(ABI_OUT)/test_abi_coverage
ABI_FREESTANDING_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -ffreestanding \
                           -nostdinc -isystem $(shell $(HOSTCC) -print-file-name=include) \
                           -I$(ABI_INC)

$(ABI_OUT)/abi_headers.stamp: $(ABI_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@set -e; for h in $(ABI_HEADERS); do \
		$(HOSTCC) $(ABI_FREESTANDING_CFLAGS) -fsyntax-only -x c $$h; \
		$(HOSTCC) $(HOST_CFLAGS) -fsyntax-only -x c $$h; \
	done
	@echo "hypercall-abi: $(words $(ABI_HEADERS)) headers compile alone, hosted and freestanding"
	@touch $@

$(ABI_OUT)/abi_ours.o: tests/unit/abi_ours.c $(ABI_ITEMS) $(ABI_HEADERS) \
                       $(ABI_OUT)/abi_headers.stamp | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

# Xen's side: tools-only parts visible, latest interface version.
$(ABI_OUT)/abi_xen.o: tests/unit/abi_xen.c $(ABI_ITEMS) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -D__XEN_TOOLS__ -c $< -o $@

$(ABI_CONFORMANCE): tests/unit/test_abi_conformance.c tests/unit/abi_table.h \
                    $(ABI_OUT)/abi_ours.o $(ABI_OUT)/abi_xen.o | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) $< $(ABI_OUT)/abi_ours.o $(ABI_OUT)/abi_xen.o \
		-lcmocka -o $@

$(ABI_OUT)/abi_defined.h: hypercall-abi/scripts/abi-names $(ABI_HEADERS) \
                          | $(DEPS_STAMP)
	@mkdir -p $(@D)
	hypercall-abi/scripts/abi-names --cc $(HOSTCC) $(ABI_INC) --c-header > $@.tmp
	@mv $@.tmp $@

$(ABI_COVERAGE): tests/unit/test_abi_coverage.c tests/unit/abi_table.h \
                 $(ABI_OUT)/abi_defined.h $(ABI_OUT)/abi_ours.o | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(ABI_OUT) $< $(ABI_OUT)/abi_ours.o \
		-lcmocka -o $@

ALL_TARGETS += $(ABI_CONFORMANCE) $(ABI_COVERAGE)
UNIT_TESTS  += $(ABI_CONFORMANCE) $(ABI_COVERAGE)
