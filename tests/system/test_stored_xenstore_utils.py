# SPDX-License-Identifier: GPL-2.0
"""Debian's xenstore-utils against our store daemon, over its Unix socket.

The real clients (libxenstore underneath) find the daemon through
XENSTORED_PATH.  Each test starts build/dom0/stored/stored on a private
socket and checks what xenstore-write, -read, -ls, -list, -exists, -rm,
-chmod and -watch see.  No QEMU is involved.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STORED = os.path.join(TOP, "build", "dom0", "stored", "stored")

pytestmark = pytest.mark.skipif(
    shutil.which("xenstore-read") is None,
    reason="xenstore-utils is not installed (apt-get install xenstore-utils)")


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "socket")
    proc = subprocess.Popen([STORED, "--socket", path],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(path)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("stored did not start: " + proc.stderr.read())
            time.sleep(0.05)
    env = dict(os.environ, XENSTORED_PATH=path)

    def xs(*args, check=True):
        r = subprocess.run(list(args), env=env, capture_output=True,
                           text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError(f"{args}: rc={r.returncode} {r.stderr}")
        return r

    xs.env = env
    yield xs
    proc.terminate()
    proc.wait(timeout=10)
    assert proc.returncode == 0


def test_write_then_read(store):
    store("xenstore-write", "/vm/name", "guest1", "/vm/mem", "512")
    assert store("xenstore-read", "/vm/name").stdout == "guest1\n"
    assert store("xenstore-read", "/vm/mem").stdout == "512\n"


def test_read_missing_fails(store):
    r = store("xenstore-read", "/nope", check=False)
    assert r.returncode != 0


def test_ls_shows_tree(store):
    store("xenstore-write", "/a/b", "1", "/a/c/d", "2")
    out = store("xenstore-ls", "/a").stdout
    assert 'b = "1"' in out
    assert 'c = ""' in out
    assert 'd = "2"' in out
    assert store("xenstore-list", "/a").stdout.split() == ["b", "c"]


def test_exists_and_rm(store):
    store("xenstore-write", "/gone/x", "1")
    assert store("xenstore-exists", "/gone/x", check=False).returncode == 0
    store("xenstore-rm", "/gone")
    assert store("xenstore-exists", "/gone/x", check=False).returncode != 0
    assert store("xenstore-exists", "/gone", check=False).returncode != 0


def test_chmod_and_ls_p_show_permissions(store):
    store("xenstore-write", "/perm/node", "v")
    store("xenstore-chmod", "/perm/node", "n3", "r5", "w7")
    out = store("xenstore-ls", "-p", "/perm").stdout
    assert "n3" in out and "r5" in out and "w7" in out
    store("xenstore-chmod", "-r", "/perm", "b0")
    out = store("xenstore-ls", "-p", "/perm").stdout
    assert "n3" not in out


def test_watch_sees_initial_event_and_changes(store):
    store("xenstore-write", "/w/x", "0")
    watch = subprocess.Popen(["xenstore-watch", "-n", "3", "/w"],
                             env=store.env, stdout=subprocess.PIPE,
                             text=True)
    try:
        first = watch.stdout.readline()
        assert first.startswith("/w")
        store("xenstore-write", "/w/x", "1")
        store("xenstore-rm", "/w/x")
        out, _ = watch.communicate(timeout=30)
    finally:
        watch.kill()
    lines = [first.strip()] + out.split()
    assert lines == ["/w", "/w/x", "/w/x"]


def test_many_writes_in_one_transaction(store):
    args = []
    for i in range(50):
        args += [f"/bulk/k{i}", str(i)]
    store("xenstore-write", *args)
    out = store("xenstore-list", "/bulk").stdout.split()
    assert len(out) == 50
    assert store("xenstore-read", "/bulk/k49").stdout == "49\n"


def test_large_directory_is_listed_completely(store):
    # Over 4096 bytes of names: libxenstore falls back to DIRECTORY_PART.
    names = [f"entry-with-a-long-name-{i:04d}" for i in range(300)]
    for start in range(0, 300, 100):
        args = []
        for n in names[start:start + 100]:
            args += [f"/big/{n}", "x"]
        store("xenstore-write", *args)
    out = store("xenstore-list", "/big").stdout.split()
    assert out == names
