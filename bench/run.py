#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench: the same kernel and workload under several configurations.

Boots our guest kernel (build/guest-kernel) with the dom0 initramfs, whose
init runs `vbench` (bench/workload/vbench.c) and powers off, in each
configuration:

  native     the kernel directly on QEMU: full virtualization by the
             emulator (TCG), or hardware-assisted with -enable-kvm when
             /dev/kvm is usable (the results say which);
  xen-pv     Debian's Xen 4.17 with the same kernel as its PV dom0;
  veneer-pv  Veneer with the same kernel as its PV dom0 (1 or 2 vCPUs,
             dom0_max_vcpus as for Xen).

Writes bench/results/<date>-<host>.{json,md,png}: every raw sample with the
QEMU and CPU settings, a Markdown table with each configuration's cost
ratio to native, and a bar chart of those ratios (gnuplot).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time

import vbresults

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.path.join(TOP, "build")
KERNEL_BZ = os.path.join(BUILD, "guest-kernel", "bzImage")
KERNEL_ELF = os.path.join(BUILD, "guest-kernel", "vmlinux")
INITRAMFS = os.path.join(BUILD, "dom0", "initramfs.cpio.gz")
VENEER_ELF = os.path.join(BUILD, "veneer.elf")
RESULTS = os.path.join(HERE, "results")
GUEST_MEM = "512M"

CONFIGS = ("native", "xen-pv", "veneer-pv")


def kvm_usable():
    """(usable, why). /dev/kvm can exist and still not run a guest (seen
    here: nested KVM that rejects MSR 0x10a, or hangs), so boot the
    kernel once under KVM and believe only that."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False, "no usable /dev/kvm"
    argv = ["qemu-system-x86_64", "-machine", "q35", "-accel", "kvm",
            "-cpu", "host", "-m", "256M", "-nographic", "-no-reboot",
            "-monitor", "none", "-serial", "stdio", "-kernel", KERNEL_BZ,
            "-initrd", INITRAMFS, "-append",
            'console=ttyS0 panic=-1 quiet veneer.run="true"']
    try:
        out = subprocess.run(argv, capture_output=True, timeout=60,
                             stdin=subprocess.DEVNULL).stdout
    except subprocess.TimeoutExpired:
        return False, "/dev/kvm present but a KVM boot hung (60 s)"
    if b"VENEER-RUN-EXIT=0" in out:
        return True, "KVM probe boot succeeded"
    last = out.decode("utf-8", "replace").strip().splitlines()[-1:]
    return False, "/dev/kvm present but a KVM boot failed: %s" % (
        last[0] if last else "no output")


def qemu_base(args, machine_mem):
    accel = ["-accel", "kvm"] if args.kvm else ["-accel", "tcg"]
    cpu = "host" if args.kvm else "max,-smap"
    argv = ["qemu-system-x86_64", "-machine", "q35"] + accel + [
        "-cpu", cpu, "-m", machine_mem, "-smp", str(args.vcpus),
        "-nographic", "-no-reboot", "-monitor", "none", "-serial", "stdio"]
    if args.icount:
        # Virtual time from instruction counts: 2^0 ns per instruction,
        # no sleeping when idle. Deterministic, single-threaded TCG.
        argv += ["-icount", "shift=0,sleep=off"]
    return argv


def vbench_cmd(args):
    cmd = "/bin/vbench -r %d -s %g" % (args.runs, args.scale)
    if args.bench:
        cmd += " " + " ".join(args.bench)
    return cmd


def native_argv(args):
    append = 'console=ttyS0 panic=-1 quiet veneer.run="%s"' % vbench_cmd(args)
    return qemu_base(args, GUEST_MEM) + [
        "-kernel", KERNEL_BZ, "-initrd", INITRAMFS, "-append", append]


def xen_argv(args):
    xen = subprocess.run([os.path.join(TOP, "scripts", "fetch-xen")],
                         check=True, capture_output=True,
                         text=True).stdout.strip()
    # QEMU splits -initrd modules at ',' (a literal comma is ',,').
    dom0_cmd = ('console=hvc0 panic=-1 quiet veneer.run="%s"' %
                vbench_cmd(args)).replace(",", ",,")
    xen_cmd = ("console=com1 com1=115200,8n1 dom0_mem=%s,max:%s "
               "dom0_max_vcpus=%d noreboot" %
               (GUEST_MEM, GUEST_MEM, args.vcpus))
    return qemu_base(args, "1G") + [
        "-kernel", xen, "-append", xen_cmd,
        "-initrd", "%s %s,%s" % (KERNEL_ELF, dom0_cmd, INITRAMFS)]


def veneer_argv(args):
    # Veneer's exit status comes through isa-debug-exit (33 = dom0 off).
    dom0_cmd = ('console=hvc0 panic=-1 quiet veneer.run="%s"' %
                vbench_cmd(args)).replace(",", ",,")
    return qemu_base(args, "1G") + [
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-kernel", VENEER_ELF, "-append", "dom0_mem=%s" % GUEST_MEM,
        "-initrd", "%s %s,%s" % (KERNEL_ELF, dom0_cmd, INITRAMFS)]


def unavailable_reason(name, args):
    """Why a configuration cannot run here, or None: no number is
    reported rather than a fake one."""
    if name == "veneer-pv":
        if not os.path.exists(VENEER_ELF):
            return "build/veneer.elf is missing (make hypervisor)"
        if args.kvm:
            return ("Veneer cannot run under KVM here; use --no-kvm to "
                    "compare everything under TCG")
    return None


ARGV = {"native": native_argv, "xen-pv": xen_argv, "veneer-pv": veneer_argv}


def collect_counters(name, bench):
    """Hypervisor counters (hypercalls, traps, page-table updates) for
    one benchmark. Veneer will expose per-domain counters through its
    management interface (scheduling issue); until then there is nothing
    to read and the JSON records null."""
    return None


def run_config(name, argv, args, total):
    """Boot one configuration; returns (results, console text)."""
    log_path = os.path.join(args.log_dir, "%s.log" % name)
    deadline = time.monotonic() + args.timeout
    seen = 0
    with open(log_path, "w") as log:
        log.write("# " + " ".join(argv) + "\n")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        text = []
        os.set_blocking(proc.stdout.fileno(), False)
        buf = b""
        try:
            while time.monotonic() < deadline:
                chunk = proc.stdout.read()
                if chunk:
                    buf += chunk
                    log.write(chunk.decode("utf-8", "replace"))
                    log.flush()
                    *lines, buf = buf.split(b"\n")
                    for raw in lines:
                        line = raw.decode("utf-8", "replace")
                        text.append(line)
                        r = vbresults.parse_line(line)
                        if r:
                            seen += 1
                            progress("[%s] %d/%d %s median %.4g %s" %
                                     (name, seen, total, r["name"],
                                      r["median"], r["unit"]))
                    if any("VENEER-RUN-EXIT=" in t for t in text[-5:]):
                        # Xen halts instead of exiting after dom0 powers
                        # off: give QEMU a moment, then end it.
                        try:
                            proc.wait(timeout=20)
                        except subprocess.TimeoutExpired:
                            pass
                        break
                elif proc.poll() is not None:
                    break
                else:
                    time.sleep(0.2)
            else:
                raise RuntimeError("%s: no result within %ds (log: %s)" %
                                   (name, args.timeout, log_path))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    console = "\n".join(text)
    results, done = vbresults.parse_output(console)
    if not done:
        raise RuntimeError("%s: vbench did not finish (log: %s)" %
                           (name, log_path))
    return results


def progress(msg):
    sys.stderr.write("\rbench: %-70s" % msg[:70])
    sys.stderr.flush()


def plot(configs, order, png_path):
    """Bar chart of cost ratios with gnuplot; returns False without it."""
    rat = vbresults.ratios(configs)
    names = [n for n in configs if n in rat and n != "native"]
    if not names or not shutil.which("gnuplot"):
        return False
    data = png_path[:-4] + ".dat"
    with open(data, "w") as f:
        f.write("bench " + " ".join(names) + "\n")
        for b in order:
            if all(b in rat[n] for n in names):
                f.write(b + " " + " ".join("%.4f" % rat[n][b]
                                           for n in names) + "\n")
    script = """
set terminal pngcairo size 1100,550 font "sans,10" noenhanced
set output '%s'
set title "Cost relative to native QEMU (1 = same, higher = slower; log scale)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -40
set ylabel "cost ratio"
set grid ytics
set key top left
set logscale y 2
set yrange [0.5:*]
plot %s, 1 with lines lc rgb "black" dt 2 notitle
""" % (png_path, ", ".join(
        "'%s' using %d:xtic(1) title columnheader(%d)" % (data, i + 2, i + 2)
        for i in range(len(names))))
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(data)
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--configs", default=",".join(CONFIGS),
                   help="comma-separated subset of %s" % ",".join(CONFIGS))
    p.add_argument("--vcpus", type=int, default=1, choices=(1, 2))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--scale", type=float, default=None,
                   help="vbench work multiplier (default 1 with KVM, "
                   "0.1 under TCG)")
    p.add_argument("--icount", action="store_true",
                   help="QEMU -icount: deterministic virtual time")
    p.add_argument("--no-kvm", action="store_true",
                   help="use TCG even if KVM works")
    p.add_argument("--timeout", type=int, default=1800,
                   help="seconds per configuration")
    p.add_argument("--out", default=RESULTS)
    p.add_argument("bench", nargs="*", help="benchmarks (default: all)")
    args = p.parse_args()
    if args.icount:
        args.kvm, args.kvm_why = False, "-icount needs TCG"
    elif args.no_kvm:
        args.kvm, args.kvm_why = False, "--no-kvm given"
    else:
        progress("probing KVM")
        args.kvm, args.kvm_why = kvm_usable()
        progress("accel: %s (%s)" % ("kvm" if args.kvm else "tcg",
                                     args.kvm_why))
    if args.scale is None:
        args.scale = 1.0 if args.kvm else 0.1
    if args.icount and args.vcpus > 1:
        # Seen here: Linux hangs bringing up its second CPU under -icount.
        p.error("--icount supports 1 vCPU only (Linux's SMP bring-up "
                "hangs under QEMU 7.2's -icount)")
    wanted = args.configs.split(",")
    for c in wanted:
        if c not in CONFIGS:
            p.error("unknown configuration %r" % c)
    for f in (KERNEL_BZ, KERNEL_ELF, INITRAMFS):
        if not os.path.exists(f):
            p.error("%s is missing; run 'make' first" % f)

    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    base = os.path.join(args.out, "%s-%s" % (stamp, socket.gethostname()))
    os.makedirs(args.out, exist_ok=True)
    args.log_dir = base + "-logs"
    os.makedirs(args.log_dir, exist_ok=True)

    order = subprocess.run(["/bin/sh", "-c", "%s -l" % os.path.join(
        BUILD, "bench", "vbench")], capture_output=True, text=True,
        check=True).stdout.split()
    if args.bench:
        order = [b for b in order if b in args.bench]

    configs = {}
    for name in wanted:
        reason = unavailable_reason(name, args)
        entry = {"available": reason is None, "reason": reason}
        configs[name] = entry
        if reason:
            progress("[%s] not available" % name)
            continue
        argv = ARGV[name](args)
        entry["argv"] = argv
        entry["accel"] = "kvm" if args.kvm else "tcg"
        started = time.monotonic()
        entry["results"] = run_config(name, argv, args, len(order))
        entry["wall_s"] = round(time.monotonic() - started, 1)
        entry["hypervisor_counters"] = {
            b: collect_counters(name, b) for b in entry["results"]}
    sys.stderr.write("\n")

    qemu_version = subprocess.run(["qemu-system-x86_64", "--version"],
                                  capture_output=True,
                                  text=True).stdout.splitlines()[0]
    cpu_model = next((l.split(":", 1)[1].strip() for l in
                      open("/proc/cpuinfo") if l.startswith("model name")),
                     platform.processor())
    doc = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "host_cpu": cpu_model,
        "host_cpus": os.cpu_count(),
        "qemu": qemu_version,
        "settings": {"vcpus": args.vcpus, "runs": args.runs,
                     "scale": args.scale, "icount": args.icount,
                     "kvm": args.kvm, "kvm_why": args.kvm_why,
                     "guest_mem": GUEST_MEM},
        "kernel_key": open(os.path.join(BUILD, "guest-kernel",
                                        "key")).read().strip(),
        "ratio_definition": "cost ratio to native: time/time_native for "
                            "us, bandwidth_native/bandwidth for MB/s",
        "configs": configs,
        "ratios": vbresults.ratios(configs),
    }
    with open(base + ".json", "w") as f:
        json.dump(doc, f, indent=1)
    table = vbresults.markdown_table(configs, order)
    with open(base + ".md", "w") as f:
        f.write("# vbench, %s, %s\n\n" % (doc["date"], doc["host"]))
        f.write("%s; %d vCPU; accel %s%s; runs %d, scale %g. Cells: median "
                "(cost ratio to native; higher = slower).\n\n" %
                (qemu_version, args.vcpus, "kvm" if args.kvm else "tcg",
                 ", -icount" if args.icount else "", args.runs, args.scale))
        f.write(table)
        for n, c in configs.items():
            if not c["available"]:
                f.write("\n%s: not available: %s.\n" % (n, c["reason"]))
    have_plot = plot(configs, order, base + ".png")
    print(table)
    print("bench: wrote %s.json, %s.md%s" %
          (base, base, ", %s.png" % base if have_plot else
           " (no chart: gnuplot missing or only native ran)"))


if __name__ == "__main__":
    main()
