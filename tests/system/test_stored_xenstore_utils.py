# SPDX-License-Identifier: GPL-2.0
"""Debian's xenstore-utils against our store daemon, over its Unix socket.

The real clients (libxenstore underneath) find the daemon through
XENSTORED_PATH.  Each test starts build/dom0/stored/stored on a private
socket and checks what xenstore-write, -read, -ls, -list, -exists, -rm,
-chmod and -watch see.  A second socket (--guest-socket) makes its
clients act as the unprivileged domain GUEST, so the same tools show
what a guest sees of the permissions.  No QEMU is involved.
"""

import os
import re
import shutil
import socket
import subprocess
import time

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STORED = os.path.join(TOP, "build", "dom0", "stored", "stored")
GUEST = 7

pytestmark = pytest.mark.skipif(
    shutil.which("xenstore-read") is None,
    reason="xenstore-utils is not installed (apt-get install xenstore-utils)")


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "socket")
    guest_path = str(tmp_path / "guest")
    proc = subprocess.Popen([STORED, "--socket", path, "--guest-socket",
                             "%d:%s" % (GUEST, guest_path)],
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
    guest_env = dict(os.environ, XENSTORED_PATH=guest_path)

    def run(env, args, check):
        r = subprocess.run(list(args), env=env, capture_output=True,
                           text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError(f"{args}: rc={r.returncode} {r.stderr}")
        return r

    def xs(*args, check=True):
        return run(env, args, check)

    def guest(*args, check=True):
        return run(guest_env, args, check)

    xs.env = env
    xs.guest = guest
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


def perms_of(ls_p_output, name):
    """The permission list xenstore-ls -p prints for the entry `name`."""
    for line in ls_p_output.splitlines():
        m = re.match(r'\s*(\S+) = ".*"[ .]*\((.*)\)\s*$', line)
        if m and m.group(1) == name:
            return m.group(2).split(",")
    raise AssertionError(f"{name} not in:\n{ls_p_output}")


def test_ls_p_shows_what_chmod_set_and_inheritance(store):
    store("xenstore-write", "/local/domain/%d/name" % GUEST, "g")
    store("xenstore-chmod", "/local/domain/%d" % GUEST, "n%d" % GUEST,
          "r0")
    store("xenstore-write", "/local/domain/%d/device/vif" % GUEST, "")
    out = store("xenstore-ls", "-p", "/local/domain").stdout
    assert perms_of(out, str(GUEST)) == ["n%d" % GUEST, "r0"]
    # created after the chmod: inherited from the parent
    assert perms_of(out, "device") == ["n%d" % GUEST, "r0"]
    # chmod without -r changed only the node itself
    assert perms_of(out, "name") == ["n0"]


def test_guest_reads_and_writes_only_where_permitted(store):
    home = "/local/domain/%d" % GUEST
    store("xenstore-write", "/local/domain/0/secret", "s", home + "/x", "")
    store("xenstore-chmod", home, "n%d" % GUEST)
    # its own home, by absolute and relative path
    store.guest("xenstore-write", home + "/data/a", "1", "data/b", "2")
    assert store.guest("xenstore-read", "data/a").stdout == "1\n"
    assert store.guest("xenstore-ls", home + "/data").stdout.split() == \
        ['a', '=', '"1"', 'b', '=', '"2"']
    # what it created is its own
    out = store("xenstore-ls", "-p", home).stdout
    assert perms_of(out, "a") == ["n%d" % GUEST]
    # elsewhere: refused (xenstore-ls says why), and a missing node it
    # may not see looks the same; dom0 sees the truth
    for path in ("/local/domain/0/secret", "/local/domain/0/missing"):
        assert store.guest("xenstore-read", path, check=False).returncode
        r = store.guest("xenstore-ls", path, check=False)
        assert r.returncode != 0 and "Permission denied" in r.stderr
    r = store("xenstore-ls", "/local/domain/0/missing", check=False)
    assert r.returncode != 0 and "No such file" in r.stderr
    assert store.guest("xenstore-write", "/vm/x", "1", check=False).returncode
    assert store.guest("xenstore-rm", "/local/domain/0/secret",
                       check=False).returncode
    assert store("xenstore-read", "/local/domain/0/secret").stdout == "s\n"
    # x was created by dom0 before the chmod: still dom0's, unreadable
    r = store.guest("xenstore-read", home + "/x", check=False)
    assert r.returncode != 0


def test_guest_may_share_but_not_give_away_its_nodes(store):
    home = "/local/domain/%d" % GUEST
    store("xenstore-write", home + "/x", "")
    store("xenstore-chmod", "-r", home, "n%d" % GUEST)
    store.guest("xenstore-write", "shared", "v")
    store.guest("xenstore-chmod", "shared", "n%d" % GUEST, "r3")
    out = store("xenstore-ls", "-p", home).stdout
    assert perms_of(out, "shared") == ["n%d" % GUEST, "r3"]
    r = store.guest("xenstore-chmod", "shared", "n3", check=False)
    assert r.returncode != 0
    # a node it may write but does not own: no chmod
    store("xenstore-write", "/w", "")
    store("xenstore-chmod", "/w", "n0", "b%d" % GUEST)
    store.guest("xenstore-write", "/w", "written")
    r = store.guest("xenstore-chmod", "/w", "b0", check=False)
    assert r.returncode != 0 and "Permission denied" in r.stderr


def xenstore_control():
    """Debian's xenstore-control, fetched into the cache (it is not in
    xenstore-utils: scripts/fetch-xenstore-control says why)."""
    r = subprocess.run([os.path.join(TOP, "scripts",
                                     "fetch-xenstore-control")],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        pytest.fail("scripts/fetch-xenstore-control: " + r.stderr)
    return r.stdout.strip()


def control_fields(text):
    return dict(re.findall(r"^(\S+)\s*:\s*(\S+)", text, re.M))


def test_xenstore_control_reads_the_store_counts(store):
    ctl = xenstore_control()
    before = control_fields(store(ctl, "stats").stdout)
    assert before["accounting"] == "ok"
    store("xenstore-write", "/local/domain/9/name", "nine")
    after = control_fields(store(ctl, "stats").stdout)
    # /local, /local/domain, /local/domain/9, its name
    assert int(after["nodes"]) == int(before["nodes"]) + 4
    listed = store("xenstore-ls", "/").stdout.splitlines()
    assert len(listed) == int(after["nodes"]) - 1
    q = store(ctl, "quota", "0").stdout
    assert q.startswith("Domain 0:\n")
    assert int(control_fields(q)["nodes"]) == int(after["nodes"])
    store("xenstore-rm", "/local")
    assert control_fields(store(ctl, "stats").stdout) == before
    assert store(ctl, "check").stdout == "OK\n"


def test_xenstore_control_is_dom0_only_and_lists_commands(store):
    ctl = xenstore_control()
    r = store(ctl, "frobnicate", check=False)
    assert r.returncode == 3
    assert "Command not supported" in r.stderr
    assert re.search(r"^stats\s*$", r.stderr, re.M), r.stderr
    r = store.guest(ctl, "stats", check=False)
    assert r.returncode == 3
    assert "Error 13" in r.stderr    # EACCES
