# SPDX-License-Identifier: GPL-2.0
#
# Veneer top-level Makefile.
#
#   make              build everything (hypervisor, tools, unit tests, guest
#                     kernel, dom0 initramfs)
#   make run          boot it under QEMU and leave you at dom0's shell
#   make test         test-unit + test-system
#   make test-unit    host unit tests (cmocka)
#   make test-system  QEMU-based tests (pytest + pexpect)
#   make fuzz         the hostile-guest fuzzer, as long as asked:
#                     SEED=.. CALLS=.. or FUZZ_TIME=<s> (docs/fuzzing.md;
#                     the target is in tests/pv/fuzz/fuzz.mk); runs
#                     fuzz-host first
#   make fuzz-host    the host libFuzzer harnesses (tests/fuzz-host/):
#                     FUZZ_TIME=<s> each, else FUZZ_HOST_RUNS inputs each
#   make fuzz-insn    the user-space instruction fuzzer in a dom0 on Veneer
#                     and Xen 4.17, records compared: SEED=.. CASES=..
#                     DOMU=1 (Veneer side in a Linux domU)
#                     (docs/user-tests.md)
#   make soak         1,000 create/destroy cycles of a small domU in a Veneer
#                     dom0, nothing leaked (make test runs 200): SOAK_CYCLES=..
#                     (tests/system/test_vctl_cycles.py; not in make test)
#   make guest-kernel Linux 6.1 + pv-guest/ (cached in ~/.cache/veneer)
#
# Each area adds its own targets in an <area>/<area>.mk fragment included
# below; a fragment appends to these lists:
#   ALL_TARGETS          what `make` builds
#   UNIT_TESTS           host unit test binaries run by `make test-unit`
#   SYSTEM_TEST_DEPS     what must be built before `make test-system`
#   INITRAMFS_FILES      SRC=DEST pairs packed into dom0's initramfs
#   INITRAMFS_DEPS       the SRC files of those pairs

BUILD      := build
CACHE      ?= $(HOME)/.cache/veneer
export VENEER_CACHE := $(CACHE)

HOSTCC     ?= cc
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
               -Ihypercall-abi/include
# Debian's python3 (which has python3-pytest and -pexpect), not one on PATH.
PYTHON     ?= /usr/bin/python3
PYTEST     ?= $(PYTHON) -m pytest

# Packages are installed by scripts/install-deps once per version of that
# script; every target that needs a package depends on this stamp.
DEPS_STAMP := $(BUILD)/.deps-$(shell sha256sum scripts/install-deps | cut -c1-12)

ALL_TARGETS      :=
UNIT_TESTS       :=
SYSTEM_TEST_DEPS :=
RUN_DEPS         :=
INITRAMFS_FILES  :=
INITRAMFS_DEPS   :=

.PHONY: all run test test-unit test-system guest-kernel initramfs deps clean \
        distclean

all: real-all

$(DEPS_STAMP): scripts/install-deps
	@mkdir -p $(BUILD)
	scripts/install-deps
	@rm -f $(BUILD)/.deps-*
	@touch $@

deps: $(DEPS_STAMP)

# --- guest kernel -----------------------------------------------------------
GUEST_KERNEL_DIR := $(BUILD)/guest-kernel
GUEST_VMLINUX    := $(GUEST_KERNEL_DIR)/vmlinux
GUEST_BZIMAGE    := $(GUEST_KERNEL_DIR)/bzImage

# build.sh decides from its cache key whether anything needs building, so
# it runs every time; it takes a second when the cache is warm.
guest-kernel: $(DEPS_STAMP)
	pv-guest/build.sh $(GUEST_KERNEL_DIR)

ALL_TARGETS      += guest-kernel
SYSTEM_TEST_DEPS += guest-kernel

# --- areas ------------------------------------------------------------------
-include $(sort $(wildcard */*.mk */*/*.mk))

# --- dom0 initramfs ---------------------------------------------------------
# Areas add programs to it as SRC=DEST pairs in INITRAMFS_FILES, with the
# SRC files also listed in INITRAMFS_DEPS so they are built first.
DOM0_INITRAMFS := $(BUILD)/dom0/initramfs.cpio.gz

$(DOM0_INITRAMFS): dom0/mkinitramfs scripts/fetch-xenstore-control \
                   $(wildcard dom0/initramfs/*) $(INITRAMFS_DEPS) \
                   $(DEPS_STAMP) Makefile
	dom0/mkinitramfs $@ $(INITRAMFS_FILES)

initramfs: $(DOM0_INITRAMFS)

ALL_TARGETS      += initramfs
SYSTEM_TEST_DEPS += initramfs
RUN_DEPS         += guest-kernel initramfs

# --- aggregate targets ------------------------------------------------------
real-all: $(DEPS_STAMP) $(ALL_TARGETS)

test: test-unit test-system

# cmocka binaries, then host-side Python unit tests (tests/unit/*.py).
test-unit: $(DEPS_STAMP) $(UNIT_TESTS)
	scripts/run-unit-tests $(UNIT_TESTS)
	$(PYTEST) -q tests/unit

# Every system test also has a hard limit (pytest-timeout), on top of the
# timeouts of each wait, so that nothing can hang CI. pytest exits 5 when it
# collected nothing; that is a failure here too.
SYSTEM_TEST_TIMEOUT ?= 900
test-system: $(DEPS_STAMP) $(SYSTEM_TEST_DEPS)
	$(PYTEST) -v --timeout=$(SYSTEM_TEST_TIMEOUT) tests/system

# insn_fuzz beyond make test's 20,000 cases: SEED (random) and CASES.
fuzz-insn: $(DEPS_STAMP) hypervisor guest-kernel initramfs
	SEED="$(SEED)" CASES="$(CASES)" DOMU="$(DOMU)" $(PYTHON) tests/system/fuzz_insn.py

.PHONY: fuzz-insn

# The create/destroy leak test with more cycles than make test's 200:
# about 0.2 s a cycle under TCG, so 1,000 take some 4 minutes.
SOAK_CYCLES ?= 1000
soak: $(DEPS_STAMP) $(SYSTEM_TEST_DEPS)
	VENEER_CYCLES=$(SOAK_CYCLES) $(PYTEST) -v -s \
		--timeout=$$((600 + 4 * $(SOAK_CYCLES))) \
		tests/system/test_vctl_cycles.py

.PHONY: soak

run: $(DEPS_STAMP) $(RUN_DEPS)
	scripts/run-qemu

clean:
	rm -rf $(BUILD)

# Also drops the guest-kernel cache (a cold rebuild takes 10-15 minutes).
distclean: clean
	rm -rf $(CACHE)
