# SPDX-License-Identifier: GPL-2.0
"""The life of a domain after `vctl create`: `vctl shutdown`, `vctl
reboot` and the monitor that applies on_poweroff/on_reboot/on_crash
(dom0/vctl/cmd_shutdown.c, cmd_monitor.c; docs/vctl.md "Restart
policies"), in a Veneer dom0 under QEMU.

One machine: our kernel and initramfs as dom0, with our vmlinux and that
initramfs added to it for the domUs (console=hvc0: their output goes to
/var/log/veneer/console/<name>.log).  dom0's init starts `vctl monitor`.
At dom0's shell the test:

  - creates the PV test kernel domu_vctl (it powers off at once) with the
    default policy: the monitor destroys it and forgets its name and
    saved configuration;
  - creates it again with on_poweroff="restart": the monitor restarts it
    VCTL_RESTART_MAX times, then leaves it shut down and logs why (the
    rate limit: a guest that ends at once is not rebuilt forever);
  - stops the monitor, lets a test kernel power off and spoils its saved
    configuration: once running again the monitor logs it and leaves the
    domain shut down (and goes on); a second monitor is refused;
  - creates a Linux domU and pauses it at once, before its xenbus is up:
    shutdown is refused, one line (the guest has not set
    control/feature-poweroff: no PV drivers); with its control node
    removed, refused for having no store connection (what a boot-time
    domU has);
  - creates a Linux domU and waits for its ready marker; `reboot -w`
    (on_reboot defaults to restart) comes back under the same name with
    a new id, whose ready marker comes again in the console log; then
    `shutdown -w`: Linux powers off through its shutdown watcher (the
    console log shows the request taken and Linux's last line) and,
    under on_poweroff=destroy, the domain is gone;
  - dom0 is refused.

Pause and unpause are in tests/system/test_vctl.py.  The times of
`reboot -w`, the reboot to the ready marker and `shutdown -w` are
printed, not asserted.
"""

import os
import re
import time

import pytest

import qemu
from test_domu import read_log
from test_vctl import SHELL_HELPER, refused
from test_vctl_create import Shell, domains, newc_cpio

TIMEOUT = 300
LINUX_MIB = 96
TINY_MIB = 16
RESTART_MAX = 3   # VCTL_RESTART_MAX, dom0/vctl/restart_limit.h
TINY = ['kernel = "/usr/lib/veneer/domu_vctl.elf"',
        "memory = %d" % TINY_MIB, 'extra = "vctlpages=%d"' % (TINY_MIB << 8)]
LINUX = ["memory = %d" % LINUX_MIB, 'kernel = "/usr/lib/veneer/vmlinux"',
         'ramdisk = "/usr/lib/veneer/initramfs.gz"', 'extra = "console=hvc0"']
CONFIGS = {
    "tinyd": ['name = "tinyd"'] + TINY,
    "loop": ['name = "loop"', 'on_poweroff = "restart"'] + TINY,
    "tinyb": ['name = "tinyb"'] + TINY,
    "early": ['name = "early"'] + LINUX,
    "lin": ['name = "lin"'] + LINUX,
}
MONLOG = "/run/veneer-monitor.log"


def domain(sh, name):
    doms = [d for d in domains(sh) if d["name"] == name]
    return doms[0] if doms else None


def wait_for(sh, check, tries):
    """check() once a second until it returns something true."""
    got = None
    for _ in range(tries):
        got = check()
        if got:
            break
        sh.sleep(1)
    return got


def marker_count(sh, name):
    status, out, _ = sh.run("grep", "-c", "VENEER-DOMU-READY",
                            "/var/log/veneer/console/%s.log" % name)
    return int(out) if status in (0, 1) and out.strip().isdigit() else 0


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
    initrd = tmp_path_factory.mktemp("lifecycle") / "initrd.gz"
    initrd.write_bytes(initramfs + newc_cpio([
        ("usr/lib/veneer/vmlinux", vmlinux),
        ("usr/lib/veneer/initramfs.gz", initramfs)]))
    args = qemu.veneer_dom0_args(qemu.GUEST_VMLINUX, "console=hvc0 " +
                                 qemu.kernel_append(), str(initrd),
                                 memory="1G", dom0_mem="512M")
    out = {}
    with qemu.Machine("vctl_lifecycle", args, timeout=TIMEOUT) as m:
        m.expect(r"Quit QEMU with Ctrl-A X", timeout=TIMEOUT)
        m.sendline(SHELL_HELPER)
        for name, lines in CONFIGS.items():
            m.sendline("cat > /tmp/%s.cfg <<'EOF'" % name)
            for line in lines + ["EOF"]:
                m.sendline(line)
        sh = Shell(m)
        out["monitor_started"] = sh.run("grep", "-c", "'monitor: started'",
                                        MONLOG)

        # The default on_poweroff: destroy.
        out["tinyd_create"] = sh.run("vctl", "create", "/tmp/tinyd.cfg")
        out["tinyd_gone"] = wait_for(
            sh, lambda: domain(sh, "tinyd") is None, 60)
        out["run_dir_after_tinyd"] = sh.run("ls", "/var/run/veneer")

        # on_poweroff = "restart" of a guest that ends at once.
        out["loop_create"] = sh.run("vctl", "create", "/tmp/loop.cfg")
        out["loop_limited"] = wait_for(
            sh, lambda: sh.run("grep", "'loop (id [0-9]*): restarted [0-9]* times'",
                               MONLOG)[0] == 0, 120)
        out["loop_state"] = domain(sh, "loop")
        out["loop_destroy"] = sh.run("vctl", "destroy", "loop")

        # Bad input for the monitor: a saved configuration that no longer
        # parses (written while the monitor is stopped), and a second
        # monitor.
        out["second_monitor"] = sh.run("vctl", "monitor")
        out["stop_monitor"] = sh.run("sh", "-c", "'kill -STOP $(pidof vctl)'")
        out["tinyb_create"] = sh.run("vctl", "create", "/tmp/tinyb.cfg")
        wait_for(sh, lambda: (domain(sh, "tinyb") or {}).get("shutdown"), 60)
        out["tinyb_spoil"] = sh.run(
            "sh", "-c", "'echo \"memory = lots\" > "
            "/var/run/veneer/tinyb.cfg'")
        out["cont_monitor"] = sh.run("sh", "-c", "'kill -CONT $(pidof vctl)'")
        out["tinyb_logged"] = wait_for(
            sh, lambda: sh.run("grep", "'tinyb (id [0-9]*) shut down "
                               "(poweroff); no usable saved'", MONLOG)[0]
            == 0, 30)
        out["tinyb_state"] = domain(sh, "tinyb")
        out["tinyb_destroy"] = sh.run("vctl", "destroy", "tinyb")

        # Refusals: no PV drivers yet, no store connection, dom0.
        out["early_create"] = sh.run(
            "sh", "-c", "'vctl create /tmp/early.cfg && vctl pause early'")
        out["early_shutdown"] = sh.run("vctl", "shutdown", "early")
        early = domain(sh, "early")
        out["early_id"] = early and early["domid"]
        out["early_rm"] = sh.run("xenstore-rm", "/local/domain/%s/control"
                                 % out["early_id"])
        out["early_reboot"] = sh.run("vctl", "reboot", "-w", "early")
        out["early_destroy"] = sh.run("vctl", "destroy", "early")
        out["dom0_shutdown"] = sh.run("vctl", "shutdown", "Domain-0")

        # A Linux domU: reboot, then shut down.
        out["lin_create"] = sh.run("vctl", "create", "/tmp/lin.cfg")
        out["lin_first"] = domain(sh, "lin")
        out["lin_ready"] = wait_for(sh, lambda: marker_count(sh, "lin"),
                                    180)
        out["lin_feature"] = wait_for(
            sh, lambda: sh.run("xenstore-read", "/local/domain/%d/control/"
                               "feature-poweroff"
                               % out["lin_first"]["domid"])[1].strip()
            == "1", 60)
        t0 = time.time()
        out["reboot"] = sh.run("vctl", "reboot", "-w", "lin", timeout=400)
        t1 = time.time()
        out["lin_second"] = domain(sh, "lin")
        out["lin_ready_again"] = wait_for(
            sh, lambda: marker_count(sh, "lin") >= 2, 240)
        t2 = time.time()
        wait_for(sh, lambda: sh.run(
            "xenstore-read", "/local/domain/%d/control/feature-poweroff"
            % out["lin_second"]["domid"])[1].strip() == "1", 60)
        t3 = time.time()
        out["shutdown"] = sh.run("vctl", "shutdown", "-w", "lin",
                                 timeout=400)
        t4 = time.time()
        out["lin_gone"] = wait_for(sh, lambda: domain(sh, "lin") is None,
                                   30)
        out["lin_log"] = sh.run("cat", "/var/log/veneer/console/lin.log")
        out["monitor_log"] = sh.run("cat", MONLOG)
        out["run_dir_end"] = sh.run("ls", "/var/run/veneer")
        out["after"] = domains(sh)
        out["times"] = {"reboot -w": t1 - t0, "reboot to ready": t2 - t0,
                        "shutdown -w": t4 - t3}
        m.sendline("poweroff")
        out["status"] = m.wait_exit(timeout=120)
        out["log"] = read_log(m)
    print("\n".join("$ %s -> %d\n%s%s" % r for r in sh.results))
    print("times:", out["times"])
    return out


def ok(res):
    status, out, err = res
    assert status == 0, (out, err)
    return out


def test_dom0_starts_the_monitor(session):
    assert ok(session["monitor_started"]).strip() == "1"


def test_default_on_poweroff_destroys_and_forgets_the_domain(session):
    ok(session["tinyd_create"])
    assert session["tinyd_gone"], "tinyd still listed after 60 s"
    files = ok(session["run_dir_after_tinyd"]).split()
    assert "tinyd.cfg" not in files, files
    assert not [f for f in files if f.endswith(".name")], files
    log = ok(session["monitor_log"])
    assert re.search(r"monitor: tinyd \(id \d+\) shut down \(poweroff\): "
                     r"on_poweroff = destroy\n.*monitor: tinyd \(id \d+\): "
                     r"destroyed\n", log), log


def test_a_guest_that_ends_at_once_is_restarted_a_few_times_only(session):
    ok(session["loop_create"])
    assert session["loop_limited"], "the restart limit never came"
    log = ok(session["monitor_log"])
    restarts = re.findall(r"monitor: loop: restarted as id (\d+)", log)
    assert len(restarts) == RESTART_MAX, log
    assert len(set(restarts)) == RESTART_MAX, restarts
    assert re.search(r"monitor: loop \(id %s\): restarted %d times in 60 s: "
                     r"not again; left shut down" % (restarts[-1],
                                                     RESTART_MAX), log), log
    state = session["loop_state"]
    assert state and state["shutdown"] and \
        state["shutdown_reason"] == "poweroff", state
    assert state["domid"] == int(restarts[-1])
    ok(session["loop_destroy"])


def test_the_monitor_survives_a_spoilt_configuration(session):
    assert refused(session["second_monitor"]) == \
        "vctl: monitor: another monitor runs already"
    for key in ("stop_monitor", "tinyb_create", "tinyb_spoil",
                "cont_monitor", "tinyb_destroy"):
        ok(session[key])
    assert session["tinyb_logged"], ok(session["monitor_log"])
    state = session["tinyb_state"]
    assert state and state["shutdown"], state
    log = ok(session["monitor_log"])
    assert re.search(r"monitor: tinyb \(id \d+\) shut down \(poweroff\); no "
                     r"usable saved configuration \(/var/run/veneer/tinyb\."
                     r"cfg:1: [^\n]*\): left shut down\n", log), log
    # and it went on: the Linux domU below was handled after it
    assert log.index("tinyb") < log.index("monitor: lin (id")


def test_shutdown_of_a_guest_without_pv_drivers_is_one_line(session):
    ok(session["early_create"])
    assert refused(session["early_shutdown"]) == (
        "vctl: shutdown: early: the guest has no PV drivers to act on it "
        "(control/feature-poweroff is not 1: a kernel without xenbus, or "
        "one still booting); 'vctl destroy' ends it")
    ok(session["early_rm"])
    assert refused(session["early_reboot"]) == (
        "vctl: reboot: early: no store connection (no /local/domain/%d/"
        "control/shutdown): not a domain vctl created, e.g. a boot-time "
        "domU; 'vctl destroy' ends it" % session["early_id"])
    ok(session["early_destroy"])


def test_dom0_cannot_be_shut_down_from_vctl(session):
    assert refused(session["dom0_shutdown"]) == (
        "vctl: shutdown: Domain-0: dom0 cannot be shut down from vctl (run "
        "'poweroff' in dom0)")


def test_reboot_brings_the_guest_back_under_its_name(session):
    first = session["lin_first"]
    assert first and session["lin_ready"], "lin never became ready"
    assert session["lin_feature"], "Linux never set feature-poweroff"
    out = ok(session["reboot"])
    old = first["domid"]
    second = session["lin_second"]
    assert second and second["domid"] != old, second
    assert out.splitlines() == [
        "Rebooting domain lin (id %d)" % old,
        "Domain lin (id %d) has been %s" % (old, out.splitlines()[1].split(
            "has been ")[1]),
        "Domain lin restarted (id %d)" % second["domid"]], out
    assert re.fullmatch(r"destroyed|shut down, reason reboot",
                        out.splitlines()[1].split("has been ")[1])
    assert session["lin_ready_again"], "no second ready marker"
    log = ok(session["monitor_log"])
    assert re.search(r"monitor: lin \(id %d\) shut down \(reboot\): "
                     r"on_reboot = restart\n" % old, log), log
    assert "monitor: lin: restarted as id %d\n" % second["domid"] in log
    # the kernel restarted: Linux's last words, then a new boot
    lin_log = ok(session["lin_log"])
    first_boot = lin_log.split("reboot: Restarting system", 1)
    assert len(first_boot) == 2, lin_log[-3000:]
    assert "VENEER-DOMU-READY" in first_boot[0]
    assert "VENEER-DOMU-READY" in first_boot[1]


def test_shutdown_w_powers_linux_off_and_the_domain_is_destroyed(session):
    second = session["lin_second"]
    out = ok(session["shutdown"])
    lines = out.splitlines()
    assert lines[0] == "Shutting down domain lin (id %d)" % second["domid"]
    assert re.fullmatch(r"Domain lin \(id %d\) has been (destroyed|shut "
                        r"down, reason poweroff)" % second["domid"],
                        lines[1]), out
    assert len(lines) == 2
    assert session["lin_gone"]
    assert "lin" not in [d["name"] for d in session["after"]]
    # Linux's orderly power off, in the console log of the second boot:
    # the request taken (poweroff_cmd), then the kernel's last line (a PV
    # domU has no pm_power_off: Linux says "System halted" and its halt
    # is SCHEDOP_shutdown with reason poweroff)
    lin_log = ok(session["lin_log"]).split("reboot: Restarting system")[-1]
    taken = lin_log.find("init: powering off (shutdown request)")
    down = re.search(r"reboot: (Power down|System halted)", lin_log)
    assert taken >= 0 and down and taken < down.start(), lin_log[-3000:]
    log = ok(session["monitor_log"])
    assert re.search(r"monitor: lin \(id %d\) shut down \(poweroff\): "
                     r"on_poweroff = destroy\n" % second["domid"], log), log
    files = ok(session["run_dir_end"]).split()
    assert "lin.cfg" not in files and "loop.cfg" not in files, files


def test_dom0_powers_off_cleanly(session):
    assert session["status"] == 33
