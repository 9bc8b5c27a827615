# SPDX-License-Identifier: GPL-2.0
#
# make test-pv: boot every PV test kernel (build/tests/pv/*.elf) as dom0
# on build/veneer.elf under QEMU and expect "Test result: SUCCESS" from
# each (tests/system/test_pv_on_veneer.py).  The same file also runs as
# part of `make test-system`.

test-pv: $(DEPS_STAMP) $(HV_ELF) pv-kernels
	$(PYTEST) -v tests/system/test_pv_on_veneer.py

.PHONY: test-pv
