# SPDX-License-Identifier: GPL-2.0
"""The dom0 initramfs recipe is reproducible and complete."""

import gzip
import os
import subprocess

import qemu

MKINITRAMFS = os.path.join(qemu.TOP, "dom0", "mkinitramfs")


def pack(path, *extra):
    subprocess.run([MKINITRAMFS, str(path)] + list(extra), check=True,
                   stdout=subprocess.DEVNULL)
    return path.read_bytes()


def test_initramfs_same_inputs_give_same_bytes(tmp_path):
    assert pack(tmp_path / "a.cpio.gz") == pack(tmp_path / "b.cpio.gz")


def test_initramfs_holds_init_busybox_and_extra_files(tmp_path):
    extra = tmp_path / "hello"
    extra.write_text("#!/bin/sh\necho hello\n")
    image = pack(tmp_path / "c.cpio.gz", "%s=usr/bin/hello" % extra)
    listing = subprocess.run(["cpio", "-t", "--quiet"],
                             input=gzip.decompress(image),
                             capture_output=True, check=True).stdout.decode()
    names = set(listing.split())
    for want in ("init", "bin/busybox", "usr/bin/hello", "dev/console"):
        assert want in names, "%s missing from initramfs" % want


def test_initramfs_rejects_missing_extra_file(tmp_path):
    result = subprocess.run([MKINITRAMFS, str(tmp_path / "d.cpio.gz"),
                             "/nonexistent=usr/bin/x"],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "/nonexistent: no such file" in result.stderr
    assert not (tmp_path / "d.cpio.gz").exists()
