# SPDX-License-Identifier: GPL-2.0
"""Boot things under QEMU for system tests, with timeouts and a log.

Every system test boots QEMU through `Machine`: it spawns
qemu-system-x86_64 under pexpect with -nographic (serial on stdio), tees
everything the machine prints into a log file under build/test-logs/, and
kills QEMU when the test ends, so no test can leave a VM behind or hang CI.
"""

import os
import re
import shlex
import subprocess
import time

import pexpect

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(TOP, "build")
LOG_DIR = os.path.join(BUILD, "test-logs")

GUEST_VMLINUX = os.path.join(BUILD, "guest-kernel", "vmlinux")
GUEST_BZIMAGE = os.path.join(BUILD, "guest-kernel", "bzImage")
DOM0_INITRAMFS = os.path.join(BUILD, "dom0", "initramfs.cpio.gz")
VENEER_ELF = os.path.join(BUILD, "veneer.elf")

# Printed by dom0/initramfs/init once user space is up.
READY_MARKER = "VENEER-DOM0-READY"
# Printed by init after a veneer.run= command, with its exit status.
RUN_EXIT_RE = r"VENEER-RUN-EXIT=(\d+)"

QEMU = "qemu-system-x86_64"
# SMAP is off because QEMU 7.2's TCG mis-checks it on iret to ring 3.
BASE_ARGS = ["-machine", "q35", "-accel", "tcg", "-cpu", "max,-smap",
             "-nographic", "-no-reboot", "-monitor", "none",
             "-serial", "stdio"]


class Machine:
    """One QEMU process whose serial console is driven with pexpect."""

    def __init__(self, name, args, timeout=120):
        os.makedirs(LOG_DIR, exist_ok=True)
        self.log_path = os.path.join(LOG_DIR, name + ".log")
        self.logfile = open(self.log_path, "w", encoding="utf-8",
                            errors="replace")
        self.argv = [QEMU] + BASE_ARGS + list(args)
        self.logfile.write("# " + " ".join(shlex.quote(a)
                                           for a in self.argv) + "\n")
        self.logfile.flush()
        self.started = time.monotonic()
        self.child = pexpect.spawn(self.argv[0], self.argv[1:],
                                   encoding="utf-8", codec_errors="replace",
                                   timeout=timeout, logfile=self.logfile,
                                   dimensions=(50, 200))

    def elapsed(self):
        return time.monotonic() - self.started

    def expect(self, pattern, timeout=-1):
        """Wait for a regex on the console; on timeout or exit, fail with
        the tail of the console so the reason is in the test report.
        timeout=-1 is the Machine's default (pexpect's None would mean
        "forever", which no test may do)."""
        if timeout is None:
            raise ValueError("a system test must not wait forever")
        try:
            self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("timed out waiting for %r (%.0fs since "
                                 "boot); console tail:\n%s" %
                                 (pattern, self.elapsed(), self.tail()))
        except pexpect.EOF:
            raise AssertionError("QEMU exited while waiting for %r; "
                                 "console tail:\n%s" %
                                 (pattern, self.tail()))
        return self.child.match

    def sendline(self, line):
        self.child.sendline(line)

    def wait_exit(self, timeout=60):
        """Wait for QEMU to exit by itself; returns its exit status."""
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("QEMU still running %ds after the guest "
                                 "should have powered off; console tail:\n%s"
                                 % (timeout, self.tail()))
        self.child.close()
        return self.child.exitstatus

    def tail(self, lines=40):
        self.logfile.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.logfile.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def kernel_append(*params, run=None):
    """A kernel command line; `run` becomes veneer.run="..." for init."""
    parts = list(params)
    if run is not None:
        if '"' in run:
            raise ValueError("veneer.run cannot contain a double quote")
        parts.append('veneer.run="%s"' % run)
    return " ".join(parts)


def native_linux_args(append, memory="1G", smp=1):
    """Our guest kernel booted directly by QEMU: full virtualization by
    the emulator. Also the baseline the benchmark harness uses."""
    return ["-m", memory, "-smp", str(smp),
            "-kernel", GUEST_BZIMAGE, "-initrd", DOM0_INITRAMFS,
            "-append", append]


def run_exit_status(machine, timeout):
    """Wait for init's report of a veneer.run command and return its exit
    status."""
    m = machine.expect(RUN_EXIT_RE, timeout=timeout)
    return int(m.group(1))


def strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def fetch_xen():
    """Debian's Xen 4.17 hypervisor image (scripts/fetch-xen caches it)."""
    script = os.path.join(TOP, "scripts", "fetch-xen")
    return subprocess.run([script], check=True, capture_output=True,
                          text=True).stdout.strip()


def fetch_debian_kernel():
    """The stock Debian 12 kernel's vmlinuz (scripts/fetch-debian-kernel)."""
    script = os.path.join(TOP, "scripts", "fetch-debian-kernel")
    return subprocess.run([script], check=True, capture_output=True,
                          text=True).stdout.strip()


def xen_dom0_args(kernel, cmdline, initrd=None, memory="1G",
                  dom0_mem="512M", vcpus=1):
    """Real Xen 4.17 booting `kernel` as its PV dom0. QEMU passes each
    -initrd module as "file args"; Xen gives dom0 the args. Modules are
    separated by commas, so a comma inside the command line is doubled."""
    modules = "%s %s" % (kernel, cmdline.replace(",", ",,"))
    if initrd:
        modules += "," + initrd
    return ["-m", memory, "-smp", str(vcpus), "-kernel", fetch_xen(),
            "-append", "console=com1 com1=115200,8n1 dom0_mem=%s,max:%s "
            "dom0_max_vcpus=%d noreboot" % (dom0_mem, dom0_mem, vcpus),
            "-initrd", modules]


def elf_kernel(kernel):
    """`kernel` itself if it is an ELF; for a bzImage (the stock Debian
    vmlinuz, whose payload is XZ) the ELF inside it, extracted once with
    the xz tools into build/kernels/. Veneer's builder loads ELF only."""
    with open(kernel, "rb") as f:
        data = f.read()
    if data[:4] == b"\x7fELF":
        return kernel
    out = os.path.join(BUILD, "kernels",
                       os.path.basename(os.path.dirname(kernel)) + "-" +
                       os.path.basename(kernel) + ".elf")
    if os.path.exists(out):
        return out
    start = data.find(b"\xfd7zXZ\x00")
    if start < 0:
        raise ValueError("%s: neither an ELF nor a bzImage with an XZ "
                         "payload" % kernel)
    # xz stops with an error at the bzImage's trailing data; the stream
    # before it is whole, so judge by what came out.
    elf = subprocess.run(["xz", "-dc"], input=data[start:],
                         capture_output=True).stdout
    if elf[:4] != b"\x7fELF":
        raise ValueError("%s: the XZ payload is not an ELF" % kernel)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".tmp", "wb") as f:
        f.write(elf)
    os.rename(out + ".tmp", out)
    return out


def veneer_dom0_args(kernel, cmdline, initrd=None, memory="1G",
                     dom0_mem="512M", vcpus=1):
    """Veneer booting `kernel` as its PV dom0, modules as for Xen. The
    isa-debug-exit device carries Veneer's exit status: 33 when dom0
    powers off, 35 when it crashes."""
    if not os.path.exists(VENEER_ELF):
        raise FileNotFoundError("build/veneer.elf is missing: run "
                                "'make hypervisor'")
    modules = "%s %s" % (elf_kernel(kernel), cmdline.replace(",", ",,"))
    if initrd:
        modules += "," + initrd
    return ["-m", memory, "-smp", str(vcpus), "-kernel", VENEER_ELF,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-append", "dom0_mem=%s dom0_max_vcpus=%d" % (dom0_mem, vcpus),
            "-initrd", modules]
