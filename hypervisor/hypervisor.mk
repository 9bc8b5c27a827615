# SPDX-License-Identifier: GPL-2.0
#
# Builds the hypervisor image build/veneer.elf (`make hypervisor`) and the
# host unit tests of its pure parts (buddy allocator, frame-table
# bookkeeping, printf, command-line parser).
#
# The image is linked twice: once with an empty symbol table, then with
# the table generated from that first image by tools/gensyms.sh (for
# symbolized backtraces).  The table sits after all code and data, so the
# text addresses of both links are identical; the recipe checks that.

HV_DIR   := hypervisor
HV_BUILD := $(BUILD)/hypervisor
HV_ELF   := $(BUILD)/veneer.elf

HV_CC    ?= gcc
HV_LD    ?= ld
HV_NM    ?= nm

HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-pic -fno-pie -mcmodel=large -mno-red-zone \
	-mgeneral-regs-only -mno-sse -mno-mmx -mno-avx \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-optimize-sibling-calls \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-common \
	-fcf-protection=none -nostdinc \
	-isystem $(shell $(HV_CC) -print-file-name=include) \
	-I$(HV_DIR)/include -I$(HV_DIR)/arch/x86/include -Ihypercall-abi/include \
	-Ibuilder -MMD -MP
HV_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T $(HV_BUILD)/veneer.lds

HV_C_SRCS := $(sort $(wildcard $(HV_DIR)/common/*.c $(HV_DIR)/mm/*.c \
	$(HV_DIR)/pv/*.c $(HV_DIR)/arch/x86/*.c))
HV_S_SRCS := $(filter-out %.lds.S,$(sort $(wildcard $(HV_DIR)/arch/x86/*.S \
	$(HV_DIR)/arch/x86/boot/*.S)))
HV_OBJS   := $(patsubst $(HV_DIR)/%.c,$(HV_BUILD)/%.o,$(HV_C_SRCS)) \
	$(patsubst $(HV_DIR)/%.S,$(HV_BUILD)/%.o,$(HV_S_SRCS)) \
	$(patsubst builder/%.c,$(HV_BUILD)/builder/%.o,$(BUILDER_SRCS)) # builder.mk is included first

.PHONY: hypervisor
hypervisor: $(HV_ELF)

$(HV_BUILD)/%.o: $(HV_DIR)/%.c $(HV_DIR)/hypervisor.mk $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_CFLAGS) -c $< -o $@

# The domain builder library (builder/) is shared with the dom0 tools; the
# hypervisor compiles it with its own flags to build dom0.
$(HV_BUILD)/builder/%.o: builder/%.c $(HV_DIR)/hypervisor.mk $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_CFLAGS) -Ibuilder -c $< -o $@

$(HV_BUILD)/%.o: $(HV_DIR)/%.S $(HV_DIR)/hypervisor.mk $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(HV_BUILD)/veneer.lds: $(HV_DIR)/arch/x86/veneer.lds.S $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HV_CC) -E -P -D__ASSEMBLY__ -I$(HV_DIR)/include -x c $< -o $@

$(HV_BUILD)/ksyms-empty.o: $(HV_DIR)/tools/gensyms.sh
	@mkdir -p $(dir $@)
	$(HV_DIR)/tools/gensyms.sh < /dev/null > $(HV_BUILD)/ksyms-empty.S
	$(HV_CC) -c $(HV_BUILD)/ksyms-empty.S -o $@

$(HV_BUILD)/veneer.pass1: $(HV_OBJS) $(HV_BUILD)/ksyms-empty.o $(HV_BUILD)/veneer.lds
	$(HV_LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(HV_BUILD)/ksyms-empty.o

$(HV_BUILD)/ksyms.o: $(HV_BUILD)/veneer.pass1 $(HV_DIR)/tools/gensyms.sh
	$(HV_NM) -n $< | $(HV_DIR)/tools/gensyms.sh > $(HV_BUILD)/ksyms.S
	$(HV_CC) -c $(HV_BUILD)/ksyms.S -o $@

$(HV_ELF): $(HV_OBJS) $(HV_BUILD)/ksyms.o $(HV_BUILD)/veneer.lds
	$(HV_LD) $(HV_LDFLAGS) -o $@.tmp $(HV_OBJS) $(HV_BUILD)/ksyms.o
	$(HV_NM) -n $(HV_BUILD)/veneer.pass1 | grep ' [tT] ' > $(HV_BUILD)/syms.pass1
	$(HV_NM) -n $@.tmp | grep ' [tT] ' > $(HV_BUILD)/syms.final
	cmp -s $(HV_BUILD)/syms.pass1 $(HV_BUILD)/syms.final || \
		{ echo "hypervisor: text moved between link passes" >&2; exit 1; }
	mv $@.tmp $@

-include $(HV_OBJS:.o=.d)

ALL_TARGETS      += hypervisor
SYSTEM_TEST_DEPS += hypervisor
RUN_DEPS         += hypervisor

# --- host unit tests ---------------------------------------------------------
HV_UNIT_DIR    := $(BUILD)/tests/unit
HV_UNIT_CFLAGS := $(HOST_CFLAGS) -I$(HV_DIR)/include
HV_UNIT_TESTS  := $(HV_UNIT_DIR)/test_hv_buddy $(HV_UNIT_DIR)/test_hv_frame \
	$(HV_UNIT_DIR)/test_hv_vsprintf $(HV_UNIT_DIR)/test_hv_cmdline

$(HV_UNIT_DIR)/test_hv_buddy: tests/unit/test_hv_buddy.c $(HV_DIR)/mm/buddy.c \
		$(wildcard $(HV_DIR)/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HV_UNIT_CFLAGS) -o $@ $< $(HV_DIR)/mm/buddy.c -lcmocka

$(HV_UNIT_DIR)/test_hv_frame: tests/unit/test_hv_frame.c $(HV_DIR)/mm/frame.c \
		$(wildcard $(HV_DIR)/include/hv/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HV_UNIT_CFLAGS) -o $@ $< $(HV_DIR)/mm/frame.c -lcmocka

# The hypervisor's vsnprintf is renamed so it does not replace libc's,
# which the test uses as the reference.
$(HV_UNIT_DIR)/test_hv_vsprintf: tests/unit/test_hv_vsprintf.c \
		$(HV_DIR)/common/vsprintf.c $(wildcard $(HV_DIR)/include/hv/*.h) \
		$(DEPS_STAMP)
	@mkdir -p $(dir $@) $(HV_BUILD)/host
	$(HOSTCC) $(HV_UNIT_CFLAGS) -Dvsnprintf=hv_vsnprintf \
		-Dsnprintf=hv_snprintf -c $(HV_DIR)/common/vsprintf.c \
		-o $(HV_BUILD)/host/vsprintf.o
	$(HOSTCC) $(HV_UNIT_CFLAGS) -o $@ $< $(HV_BUILD)/host/vsprintf.o -lcmocka

$(HV_UNIT_DIR)/test_hv_cmdline: tests/unit/test_hv_cmdline.c \
		$(HV_DIR)/common/cmdline.c $(wildcard $(HV_DIR)/include/hv/*.h) \
		$(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HV_UNIT_CFLAGS) -o $@ $< $(HV_DIR)/common/cmdline.c -lcmocka

UNIT_TESTS += $(HV_UNIT_TESTS)
