# SPDX-License-Identifier: GPL-2.0
"""Shared fixtures for system tests. The build artifacts are made by
`make test-system` before pytest starts; a missing one is a failure that
says how to build it, never a skip."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import qemu  # noqa: E402


def _require(path, target):
    if not os.path.exists(path):
        pytest.fail("%s is missing: run 'make %s' (make test-system builds "
                    "it)" % (os.path.relpath(path, qemu.TOP), target))
    return path


@pytest.fixture
def guest_kernel():
    return _require(qemu.GUEST_BZIMAGE, "guest-kernel")


@pytest.fixture
def dom0_initramfs():
    return _require(qemu.DOM0_INITRAMFS, "initramfs")
