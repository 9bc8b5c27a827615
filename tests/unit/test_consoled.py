# SPDX-License-Identifier: GPL-2.0
"""The console back end (drivers-back/console/consoled) as a process on
the host, with stand-in rings (--host-ring: a shared page file and two
eventfds per console instead of gntdev and evtchn): output reaches the
log and an attached `vctl console`, typed input reaches the guest's
input ring, a flooding guest is rate limited and its log capped and
rotated while another console is still served, and a guest that writes
bad ring indices loses its console and nothing else; commands, and a
domain deleted in the same turn it kicks.  CONSOLED_WRAPPER="valgrind
-q --error-exitcode=9" runs the daemon under valgrind (an error fails
the teardown's exit-status check)."""

import mmap
import os
import struct
import subprocess
import time

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONSOLED = os.path.join(TOP, "build", "drivers-back", "console", "consoled")
VCTL = os.path.join(TOP, "build", "dom0", "vctl", "vctl")

# struct xencons_interface (hypercall-abi/include/veneer/io/console.h)
IN, OUT = 0, 1024
IN_SIZE, OUT_SIZE = 1024, 2048
IN_CONS, IN_PROD, OUT_CONS, OUT_PROD = 3072, 3076, 3080, 3084

LOG_MAX = 16384
RATE = 8192
BURST = 8192


class Guest:
    """One stand-in guest: its console page and its two event channels."""

    def __init__(self, domid, name):
        self.domid, self.name = domid, name
        self.page_fd = os.memfd_create("console%d" % domid, 0)
        os.ftruncate(self.page_fd, 4096)
        self.page = mmap.mmap(self.page_fd, 4096)
        self.kick = os.eventfd(0, os.EFD_CLOEXEC)      # guest -> daemon
        self.notify = os.eventfd(0, os.EFD_CLOEXEC | os.EFD_NONBLOCK)

    def spec(self):
        return "%d:%s:%d:%d:%d" % (self.domid, self.name, self.page_fd,
                                   self.kick, self.notify)

    def fds(self):
        return (self.page_fd, self.kick, self.notify)

    def idx(self, off):
        return struct.unpack_from("<I", self.page, off)[0]

    def set_idx(self, off, v):
        struct.pack_into("<I", self.page, off, v & 0xffffffff)

    def print(self, data):
        """Write as much of data as fits in out[]; returns how much."""
        prod, cons = self.idx(OUT_PROD), self.idx(OUT_CONS)
        room = OUT_SIZE - ((prod - cons) & 0xffffffff)
        n = min(room, len(data))
        for i in range(n):
            self.page[OUT + (prod + i) % OUT_SIZE] = data[i]
        self.set_idx(OUT_PROD, prod + n)
        os.eventfd_write(self.kick, 1)
        return n

    def read_input(self):
        cons, prod = self.idx(IN_CONS), self.idx(IN_PROD)
        data = bytes(self.page[IN + (i % IN_SIZE)]
                     for i in range(cons, prod))
        self.set_idx(IN_CONS, prod)
        os.eventfd_write(self.kick, 1)
        return data


def command(sock, line):
    """One command on consoled's socket; its one-line answer."""
    import socket
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sock)
        s.sendall(line.encode() + b"\n")
        return s.makefile("rb").readline().decode().rstrip("\n")


def wait_for(what, cond, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    pytest.fail("timed out waiting for " + what)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


@pytest.fixture
def daemon(tmp_path):
    if not os.path.exists(CONSOLED) or not os.path.exists(VCTL):
        pytest.fail("run 'make consoled vctl' first")
    guests = [Guest(5, "flood"), Guest(6, "quiet")]
    sock = str(tmp_path / "consoled.sock")
    logdir = tmp_path / "log"
    args = [CONSOLED, "--socket", sock, "--log-dir", str(logdir),
            "--log-max", str(LOG_MAX), "--rate", str(RATE),
            "--burst", str(BURST)]
    for g in guests:
        args += ["--host-ring", g.spec()]
    args = os.environ.get("CONSOLED_WRAPPER", "").split() + args
    p = subprocess.Popen(args, pass_fds=[fd for g in guests for fd in g.fds()],
                         stderr=open(tmp_path / "consoled.err", "wb"))
    wait_for("the socket", lambda: os.path.exists(sock))
    yield guests, sock, logdir, p
    p.terminate()
    assert p.wait(timeout=10) == 0, read(tmp_path / "consoled.err")


def test_output_goes_to_log_and_attached_console_and_input_to_guest(daemon):
    (_, quiet), sock, logdir, _ = daemon
    quiet.print(b"MARKER-BEFORE-ATTACH\r\n")
    wait_for("the log", lambda: b"MARKER-BEFORE-ATTACH" in
             read(logdir / "quiet.log"))
    env = dict(os.environ, VCTL_CONSOLED_SOCKET=sock)
    v = subprocess.Popen([VCTL, "console", "6"], env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    os.set_blocking(v.stdout.fileno(), False)
    seen = bytearray()

    def shown(marker):
        chunk = v.stdout.read()
        if chunk:
            seen.extend(chunk)
        return marker in seen
    # The scrollback first, then what is printed while attached.
    wait_for("the scrollback", lambda: shown(b"MARKER-BEFORE-ATTACH"))
    quiet.print(b"MARKER-ATTACHED\r\n")
    wait_for("live output", lambda: shown(b"MARKER-ATTACHED"))
    v.stdin.write(b"echo typed\r")
    v.stdin.flush()
    got = bytearray()
    wait_for("input in the guest's ring",
             lambda: got.extend(quiet.read_input()) or
             got == b"echo typed\r")
    # Ctrl-] detaches: vctl ends, nothing after it reaches the guest.
    v.stdin.write(b"\x1dafter")
    v.stdin.flush()
    assert v.wait(timeout=30) == 0
    assert quiet.read_input() == b""
    # A second client may attach once the first has gone.
    r = subprocess.run([VCTL, "console", "6"], env=env, input=b"\x1d",
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r
    r = subprocess.run([VCTL, "console", "9"], env=env, input=b"",
                       capture_output=True, timeout=30)
    assert r.returncode == 1
    assert r.stderr == b"vctl: console: domain 9 has no console here\n"


def test_flooding_guest_is_limited_and_capped_while_others_are_served(daemon):
    (flood, quiet), sock, logdir, _ = daemon
    line = b"flood flood flood flood flood flood flood flood flood!\r\n"
    start = time.monotonic()
    # Keep flood's ring full for a while; quiet prints now and then and
    # must be served in between.
    for i in range(20):
        end = time.monotonic() + 0.25
        while time.monotonic() < end:
            flood.print(line * 40)
            time.sleep(0.01)
        quiet.print(b"QUIET-%d\r\n" % i)
        wait_for("quiet line %d" % i, lambda: b"QUIET-%d\r\n" % i in
                 read(logdir / "quiet.log"))
    elapsed = time.monotonic() - start
    taken = flood.idx(OUT_CONS)
    # What the daemon took from the flooding guest is bounded by its
    # bucket: the burst and the rate over the time it ran (and it did
    # take something).
    assert 0 < taken <= BURST + RATE * (elapsed + 1)
    # Its log was rotated at the cap: neither file passes it.
    wait_for("rotation", lambda: os.path.exists(logdir / "flood.log.1"))
    assert os.path.getsize(logdir / "flood.log") <= LOG_MAX
    assert os.path.getsize(logdir / "flood.log.1") <= LOG_MAX


def test_bad_indices_end_that_console_only(daemon):
    (flood, quiet), sock, logdir, p = daemon
    quiet.print(b"BEFORE\r\n")
    wait_for("BEFORE", lambda: b"BEFORE" in read(logdir / "quiet.log"))
    cons = quiet.idx(OUT_CONS)
    quiet.set_idx(OUT_PROD, cons + OUT_SIZE + 1)   # more than a ring
    os.eventfd_write(quiet.kick, 1)
    wait_for("the refusal", lambda: b"bad output ring indices" in
             read(logdir / "quiet.log"))
    assert quiet.idx(OUT_CONS) == cons             # nothing consumed
    # The other console and the daemon carry on.
    flood.print(b"STILL-SERVED\r\n")
    wait_for("flood", lambda: b"STILL-SERVED" in read(logdir / "flood.log"))
    assert p.poll() is None
    # A bad input consumer index is caught when input is written.
    flood.set_idx(IN_CONS, flood.idx(IN_PROD) + 5)
    env = dict(os.environ, VCTL_CONSOLED_SOCKET=sock)
    r = subprocess.run([VCTL, "console", "5"], env=env, input=b"x",
                       capture_output=True, timeout=30)
    assert b"bad input ring indices" in read(logdir / "flood.log")
    assert b"bad input ring indices" in r.stdout   # and the client let go
    assert p.poll() is None
    r = subprocess.run([VCTL, "console", "6"], env=env, input=b"",
                       capture_output=True, timeout=30)
    assert r.returncode == 1
    assert r.stderr == (b"vctl: console: the console of quiet is not "
                        b"served: its guest wrote bad ring indices\n")


def test_commands_and_del_while_the_guest_prints(daemon):
    (flood, quiet), sock, logdir, p = daemon
    assert command(sock, "frob") == "error unknown command"
    assert command(sock, "del 99") == "error domain 99 has no console here"
    assert command(sock, "attach 0x8000") == "error bad domain id"
    assert command(sock, "add 7 ../x 1 1") == "error bad add arguments"
    assert command(sock, "x" * 400) == "error line too long"
    # The host has no gntdev or privcmd: an add says why it cannot map.
    assert command(sock, "add 7 seven 0x1234 3").startswith(
        "error domain 7: map its ring: grant 0: ")
    # Kicked and deleted in the same turn of the loop.
    quiet.print(b"LAST\r\n")
    assert command(sock, "del 6") == "ok"
    wait_for("the note", lambda: b"[consoled: domain destroyed]" in
             read(logdir / "quiet.log"))
    assert command(sock, "attach 6") == "error domain 6 has no console here"
    flood.print(b"FLOOD-STILL-SERVED\r\n")
    wait_for("flood", lambda: b"FLOOD-STILL-SERVED" in
             read(logdir / "flood.log"))
    assert p.poll() is None
