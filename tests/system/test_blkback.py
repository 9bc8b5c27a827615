# SPDX-License-Identifier: GPL-2.0
"""The block back end (drivers-back/block, docs/drivers.md) serving Linux's
unmodified xen-blkfront, in a Veneer dom0 under QEMU.

dom0 makes two images in its tmpfs (16 MiB of zeros, read-write, and
4 MiB of random bytes, read-only) and creates a Linux domU with

    disk = [ '/tmp/d.img,raw,xvda,rw', '/tmp/ro.img,raw,xvdb,r' ]

Then:
  - the handshake reached Connected on both sides, with the store
    permissions libxl gives (backend: dom0's, the domU reads; frontend:
    the domU's, dom0 reads);
  - blkfront took the indirect descriptors offered (64 KiB requests);
  - in the guest /dev/xvda and /dev/xvdb have the images' sizes, xvdb is
    read-only; 1 MiB of random bytes written to xvda at 1 MiB (with
    fsync: a flush) reads back with the same sha256 after the page cache
    is dropped, and dom0 finds the same bytes in the image file;
  - blkdiscard of 8 MiB in the guest punches a hole of that size in the
    image (dom0's du);
  - writing to xvdb fails in the guest and the image is unchanged; what
    the guest reads from it is what dom0 wrote;
  - `vctl reboot -w`: the monitor makes the domain again (a new id),
    both disks connect again with new back ends, the old ones ended;
  - destroy ends both blkback processes (each logged its connection) and
    the hypervisor's free pages come back to what they were before the
    create, save the pages dom0's own balloon gave the hypervisor to map
    the rings (counted from dom0's current_kb): no grant mapping of the
    guest's pages stays.
"""

import os
import re

import pytest

import qemu
from test_vctl import SHELL_HELPER
from test_vctl_create import Shell, domains, newc_cpio, wait_free_pages
from test_vctl_cycles import settle_free_pages

TIMEOUT = 300
LINUX_MIB = 96
XVDA = 51712
XVDB = 51712 + 16
SHA = r"([0-9a-f]{64})"
# dom0's own pages (Linux's xen-balloon): a grant map through gntdev
# takes a page of dom0's out of its reservation (ballooned out, handed
# to the hypervisor) to map the granted page in its place; dom0's
# balloon keeps it for the next map after the unmap.
DOM0_CURRENT_KB = "/sys/devices/system/xen_memory/xen_memory0/info/current_kb"


def guest(m, command, pattern, timeout=120):
    """Type command in the guest's console; the groups of pattern."""
    m.sendline(command)
    m.expect(pattern, timeout=timeout)
    return m.child.match.groups()


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    for path, target in ((qemu.GUEST_VMLINUX, "guest-kernel"),
                         (qemu.DOM0_INITRAMFS, "initramfs")):
        if not os.path.exists(path):
            pytest.fail("%s is missing: run 'make %s'" % (path, target))
    with open(qemu.DOM0_INITRAMFS, "rb") as f:
        initramfs = f.read()
    with open(qemu.GUEST_VMLINUX, "rb") as f:
        vmlinux = f.read()
    initrd = tmp_path_factory.mktemp("blkback") / "initrd.gz"
    initrd.write_bytes(initramfs + newc_cpio([
        ("usr/lib/veneer/vmlinux", vmlinux),
        ("usr/lib/veneer/initramfs.gz", initramfs)]))
    args = qemu.veneer_dom0_args(qemu.GUEST_VMLINUX, "console=hvc0 " +
                                 qemu.kernel_append(), str(initrd),
                                 memory="1G", dom0_mem="512M")
    out = {}
    with qemu.Machine("blkback", args, timeout=TIMEOUT) as m:
        m.expect(r"Quit QEMU with Ctrl-A X", timeout=TIMEOUT)
        m.sendline(SHELL_HELPER)
        m.sendline("cat > /tmp/blk1.cfg <<'EOF'")
        for line in ['name = "blk1"', "memory = %d" % LINUX_MIB,
                     'kernel = "/usr/lib/veneer/vmlinux"',
                     'ramdisk = "/usr/lib/veneer/initramfs.gz"',
                     'extra = "console=hvc0"',
                     "disk = [ '/tmp/d.img,raw,xvda,rw',",
                     "         '/tmp/ro.img,raw,xvdb,r' ]", "EOF"]:
            m.sendline(line)
        sh = Shell(m)
        out["mk"] = sh.run("sh", "-c", "'dd if=/dev/zero of=/tmp/d.img "
                           "bs=1048576 count=16 && dd if=/dev/urandom "
                           "of=/tmp/ro.img bs=1048576 count=4'")
        out["ro_sha_before"] = sh.run("sha256sum", "/tmp/ro.img")
        # A first domain changes the hypervisor's free count for good
        # (test_vctl_cycles warms up the same way): one created and
        # destroyed at once, its back ends told to go while the guest
        # still boots, makes the baseline.
        out["warmup"] = sh.run("vctl", "create", "/tmp/blk1.cfg")
        out["warmup_destroy"] = sh.run("vctl", "destroy", "blk1")
        for _ in range(20):
            if sh.run("pidof", "blkback")[0] != 0:
                break
            sh.sleep(1)
        out["du_before"] = sh.run("du", "-k", "/tmp/d.img")
        out["free_before"] = settle_free_pages(sh)
        out["dom0_kb_before"] = sh.run("cat", DOM0_CURRENT_KB)
        out["create"] = sh.run("vctl", "create", "/tmp/blk1.cfg")
        domid = next(d["domid"] for d in domains(sh) if d["name"] == "blk1")
        out["domid"] = domid
        m.sendline("vctl console blk1; echo CONSOLE-EXIT=$?")
        m.expect(r"VENEER-DOMU-READY", timeout=180)
        m.expect(r"# ", timeout=60)
        sh.m.child.delaybeforesend = 0.05
        # Let busybox's line editing settle before typing.
        m.sendline("")
        m.expect(r"# ", timeout=30)
        out["sizes"] = guest(m, "echo SZ-$(cat /sys/block/xvda/size)-"
                             "$(cat /sys/block/xvdb/size)-"
                             "$(cat /sys/block/xvdb/ro)-END",
                             r"SZ-(\d+)-(\d+)-(\d+)-END")
        out["pattern"] = guest(m, "dd if=/dev/urandom of=/tmp/p bs=65536 "
                               "count=16 2>/dev/null; "
                               "echo PSHA=$(sha256sum < /tmp/p)",
                               r"PSHA=" + SHA)
        out["write_rc"] = guest(m, "dd if=/tmp/p of=/dev/xvda bs=65536 "
                                "seek=16 conv=fsync 2>/dev/null; "
                                "echo WRC=$?Z", r"WRC=(\d+)Z")
        m.sendline("sync; echo 3 > /proc/sys/vm/drop_caches")
        out["read_back"] = guest(m, "echo GSHA=$(dd if=/dev/xvda bs=65536 "
                                 "skip=16 count=16 2>/dev/null | sha256sum)",
                                 r"GSHA=" + SHA)
        out["discard_rc"] = guest(m, "blkdiscard -o 4194304 -l 8388608 "
                                  "/dev/xvda; echo DRC=$?Z", r"DRC=(\d+)Z")
        out["ro_write_rc"] = guest(m, "dd if=/tmp/p of=/dev/xvdb bs=4096 "
                                   "count=1 conv=fsync 2>/dev/null; "
                                   "echo ROW=$?Z", r"ROW=(\d+)Z")
        out["ro_read"] = guest(m, "echo RSHA=$(dd if=/dev/xvdb bs=65536 "
                               "2>/dev/null | sha256sum)", r"RSHA=" + SHA)
        m.child.send("\x1d")
        m.expect(r"CONSOLE-EXIT=(\d+)", timeout=60)
        out["be_ls"] = sh.run("xenstore-ls", "-p",
                              "/local/domain/0/backend/vbd/%d" % domid)
        out["fe_ls"] = sh.run("xenstore-ls", "-p",
                              "/local/domain/%d/device/vbd" % domid)
        out["dom0_sha"] = sh.run("sh", "-c", "'dd if=/tmp/d.img bs=65536 "
                                 "skip=16 count=16 2>/dev/null | sha256sum'")
        out["ro_sha_after"] = sh.run("sha256sum", "/tmp/ro.img")
        out["du_after"] = sh.run("du", "-k", "/tmp/d.img")
        out["pids"] = sh.run("pidof", "blkback")
        # A reboot: the monitor destroys it and creates it again (a new
        # id); its disks come back with new back ends, the old ones end.
        out["reboot"] = sh.run("vctl", "reboot", "-w", "blk1", timeout=240)
        m2 = re.search(r"restarted \(id (\d+)\)", out["reboot"][1])
        out["domid2"] = int(m2.group(1)) if m2 else None
        if m2:
            out["states2"] = sh.run("sh", "-c", "'for i in $(seq 120); do "
                                    "a=$(xenstore-read /local/domain/0/"
                                    "backend/vbd/%d/%d/state); b=$("
                                    "xenstore-read /local/domain/0/backend/"
                                    "vbd/%d/%d/state); [ \"$a$b\" = 44 ] "
                                    "&& break; sleep 1; done; echo $a$b'"
                                    % (out["domid2"], XVDA, out["domid2"],
                                       XVDB), timeout=180)
        for _ in range(20):
            out["pids2"] = sh.run("pidof", "blkback")
            if len(out["pids2"][1].split()) == 2:
                break
            sh.sleep(1)
        out["destroy"] = sh.run("vctl", "destroy", "blk1")
        for _ in range(20):
            out["pids_after"] = sh.run("pidof", "blkback")
            if out["pids_after"][0] != 0:
                break
            sh.sleep(1)
        out["dom0_kb_after"] = sh.run("cat", DOM0_CURRENT_KB)
        ballooned = (int(out["dom0_kb_before"][1]) -
                     int(out["dom0_kb_after"][1])) // 4
        out["free_after"] = wait_free_pages(sh, out["free_before"] +
                                            ballooned)
        out["logs"] = sh.run("sh", "-c", "'cat /var/log/veneer/blkback/*'")
        out["be_gone"] = sh.run("xenstore-ls",
                                "/local/domain/0/backend/vbd/%d" % domid)
        out["vbd_left"] = sh.run("xenstore-ls", "/local/domain/0/backend/vbd")
        m.sendline("poweroff")
        out["status"] = m.wait_exit(timeout=120)
    print("\n".join("$ %s -> %d\n%s%s" % r for r in sh.results))
    return out


def test_domu_with_disks_is_created(session):
    assert session["mk"][0] == 0, session["mk"]
    status, out, err = session["create"]
    assert status == 0, err
    assert re.fullmatch(r"Domain blk1 created \(id \d+\)\n", out), out


def test_destroy_while_booting_ends_the_back_ends(session):
    assert session["warmup"][0] == 0, session["warmup"]
    assert session["warmup_destroy"][0] == 0, session["warmup_destroy"]
    # The measured domain's back ends were the only ones left.
    status, pids, _ = session["pids"]
    assert status == 0 and len(pids.split()) == 2, pids


def test_handshake_connects_with_libxl_permissions(session):
    domid = session["domid"]
    status, be, err = session["be_ls"]
    assert status == 0, err
    # Two devices, both Connected, dom0's directory the domU reads.
    assert len(re.findall(r'^ state = "4"', be, re.M)) == 2, be
    assert re.search(r'^%d = ""[ .]+\(n0,r%d\)$' % (XVDA, domid), be,
                     re.M), be
    assert re.search(r'^ sectors = "32768"', be, re.M), be
    assert re.search(r'^ mode = "r"', be, re.M), be
    status, fe, err = session["fe_ls"]
    assert status == 0, err
    assert len(re.findall(r'^ state = "4"', fe, re.M)) == 2, fe
    assert re.search(r'^%d = ""[ .]+\(n%d,r0\)$' % (XVDA, domid), fe,
                     re.M), fe
    assert re.search(r'^ ring-ref = "\d+"', fe, re.M), fe


def test_guest_sees_disks_of_the_right_size(session):
    assert session["sizes"] == ("32768", "8192", "1")


def test_written_data_reads_back_and_reaches_the_image(session):
    (pattern,) = session["pattern"]
    assert session["write_rc"] == ("0",)
    assert session["read_back"] == (pattern,)
    status, out, err = session["dom0_sha"]
    assert status == 0, err
    assert out.split()[0] == pattern


def test_discard_punches_holes_in_the_image(session):
    assert session["discard_rc"] == ("0",)
    before = int(session["du_before"][1].split()[0])
    after = int(session["du_after"][1].split()[0])
    # 8 MiB of the 16 MiB image given back; the written 1 MiB at 1 MiB
    # is intact (test_written_data_reads_back_and_reaches_the_image).
    assert before == 16384 and after <= before - 8192, (before, after)


def test_read_only_disk_refuses_writes(session):
    assert session["ro_write_rc"] != ("0",)
    before, after = session["ro_sha_before"], session["ro_sha_after"]
    assert before[0] == 0 and after[1] == before[1]
    assert session["ro_read"] == (before[1].split()[0],)


def test_a_rebooted_domain_gets_its_disks_again(session):
    status, out, err = session["reboot"]
    assert status == 0, (out, err)
    assert session["domid2"] not in (None, session["domid"]), out
    assert session["states2"][1].strip() == "44", session["states2"]
    # The first domain's back ends ended; the new domain's two run.
    status, pids, _ = session["pids2"]
    assert status == 0 and len(pids.split()) == 2, pids
    assert set(pids.split()).isdisjoint(session["pids"][1].split())


def test_destroy_ends_the_back_ends_and_frees_every_page(session):
    status, pids, _ = session["pids"]
    assert status == 0 and len(pids.split()) == 2, pids
    assert session["destroy"][0] == 0
    assert session["pids_after"][0] != 0, session["pids_after"]
    assert session["be_gone"][0] != 0, session["be_gone"]
    # Neither domain's back ends left a node behind (the first was
    # destroyed while its front end was still coming up).
    status, out, _ = session["vbd_left"]
    assert status != 0 or out == "", out
    # Every page of the guest's is back; the hypervisor holds exactly
    # what it held before plus the pages dom0 ballooned out for the ring
    # mappings (none of them the guest's).
    before = int(session["dom0_kb_before"][1])
    after = int(session["dom0_kb_after"][1])
    ballooned = (before - after) // 4
    assert 0 <= ballooned <= 4, (before, after)
    assert session["free_after"] == session["free_before"] + ballooned
    status, logs, _ = session["logs"]
    mine = r"^blkback: d%d/\d+: " % session["domid"]
    assert len(re.findall(mine + r"connected: ring grant", logs,
                          re.M)) == 2, logs
    assert len(re.findall(mine + r"exiting", logs, re.M)) == 2, logs
    # blkfront used indirect descriptors for the 64 KiB requests, and
    # none of its requests was refused or failed.
    m = re.search(r"^blkback: d%d/%d: disconnected after (\d+) requests "
                  r"\((\d+) indirect, (\d+) refused, (\d+) failed\)"
                  % (session["domid"], XVDA), logs, re.M)
    assert m, logs
    assert int(m.group(2)) > 0 and m.group(3) == m.group(4) == "0", logs
    assert session["status"] == 33
