# SPDX-License-Identifier: GPL-2.0
"""The domain builder reads our real Linux 6.1 guest kernel the way Xen
does: the PV entry point from the ENTRY note (startup_xen, not the ELF's
bare-metal entry) and the dom0 feature."""

import os
import re
import subprocess

import qemu

VB_INSPECT = os.path.join(qemu.BUILD, "tools", "vb-inspect")


def inspect(*args):
    return subprocess.run([VB_INSPECT] + list(args), capture_output=True,
                          text=True)


def symbol(vmlinux, name):
    out = subprocess.run(["nm", vmlinux], capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"^([0-9a-f]+) \w %s$" % name, out, re.M)
    assert m, "%s not in %s" % (name, vmlinux)
    return int(m.group(1), 16)


def test_builder_finds_linux_pv_entry_and_dom0_feature(guest_kernel):
    vmlinux = qemu.GUEST_VMLINUX
    r = inspect("--dom0", "--mem", "512", vmlinux)
    assert r.returncode == 0, r.stderr
    fields = dict(re.findall(r"(\w+)=(\S+)", r.stdout))
    assert int(fields["entry"], 16) == symbol(vmlinux, "startup_xen")
    assert int(fields["virt_base"], 16) == 0xffffffff80000000
    assert int(fields["supported_features"], 16) & (1 << 11)  # dom0
    # the whole boot region fits under one L2, as Linux requires
    start, end = (int(x, 16) for x in fields["region"].split("-"))
    assert end - start <= 1 << 30


def test_builder_refuses_bzimage_with_reason(guest_kernel):
    r = inspect("--dom0", qemu.GUEST_BZIMAGE)
    assert r.returncode == 1
    assert "not an ELF image" in r.stderr


def test_builder_refuses_too_little_memory(guest_kernel):
    r = inspect("--dom0", "--mem", "16", qemu.GUEST_VMLINUX)
    assert r.returncode == 1
    assert "layout:" in r.stderr and "the domain has only" in r.stderr
