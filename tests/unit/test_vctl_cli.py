# SPDX-License-Identifier: GPL-2.0
"""Host tests of the vctl binary (dom0/vctl) where no hypervisor is
needed: the verb table and help, usage errors (exit 2), unknown verbs
(one line, exit 1), domain arguments
refused before any hypercall, check-config on real files, and the one
line a host without privcmd gets.  The verbs themselves are in
tests/system/test_vctl.py."""

import json
import os
import subprocess

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VCTL = os.path.join(TOP, "build", "dom0", "vctl", "vctl")


def vctl(*args):
    if not os.path.exists(VCTL):
        pytest.fail("%s is missing: run 'make vctl'" % VCTL)
    return subprocess.run([VCTL] + list(args), capture_output=True,
                          text=True, timeout=30)


def one_line_error(r, status=1):
    assert r.returncode == status, r
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1, r.stderr
    return r.stderr.rstrip("\n")


def test_help_lists_every_verb():
    r = vctl("help")
    assert r.returncode == 0
    for verb in ("list", "info", "dmesg", "pause", "unpause", "destroy",
                 "vcpu-list", "vcpu-pin", "sched-credit", "mem-max",
                 "counters", "check-config", "create", "console", "help",
                 "shutdown", "reboot", "monitor"):
        assert "\n  %s " % verb in r.stdout, verb
    assert "Not available yet" not in r.stdout
    assert vctl("--help").stdout == r.stdout
    # no verb at all: the same on stderr, a usage error
    r = vctl()
    assert r.returncode == 2 and "usage: vctl VERB" in r.stderr


def test_help_for_one_verb():
    r = vctl("help", "mem-max")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: vctl mem-max DOMAIN SIZE\n")
    assert vctl("mem-max", "--help").stdout == r.stdout
    assert one_line_error(vctl("help", "nope")) == \
        "vctl: help: unknown verb 'nope'"
    r = vctl("help", "reboot")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: vctl reboot [-w] DOMAIN\n")


def test_unknown_verb():
    assert one_line_error(vctl("frobnicate")) == \
        "vctl: frobnicate: unknown verb (try 'vctl help')"


@pytest.mark.parametrize("args", [
    ["pause"], ["pause", "1", "2"], ["list", "-x"], ["list", "1", "2"],
    ["vcpu-pin", "1", "0"], ["mem-max", "1"], ["counters"],
    ["sched-credit", "extra"], ["dmesg", "-x"], ["info", "more"],
    ["check-config"], ["create"], ["create", "a", "b"], ["console"],
    ["console", "1", "2"], ["console", "-x"],
    ["shutdown"], ["shutdown", "-x", "1"], ["shutdown", "1", "2"],
    ["reboot"], ["reboot", "-w"], ["monitor", "extra"],
])
def test_usage_errors_exit_2(args):
    r = vctl(*args)
    assert r.returncode == 2, r
    assert "usage: vctl %s " % args[0] in r.stderr


@pytest.mark.parametrize("args,error", [
    (["pause", "web"], "vctl: pause: no domain named 'web'"),
    (["destroy", "99999"],
     "vctl: destroy: '99999' is not a domain id (0 to 32751)"),
    (["destroy", "Domain-0"],
     "vctl: destroy: Domain-0: dom0 cannot be destroyed"),
    (["pause", "0"],
     "vctl: pause: Domain-0: dom0 cannot be paused: vctl runs there"),
    (["shutdown", "-w", "Domain-0"],
     "vctl: shutdown: Domain-0: dom0 cannot be shut down from vctl (run "
     "'poweroff' in dom0)"),
    (["reboot", "0"],
     "vctl: reboot: Domain-0: dom0 cannot be rebooted from vctl (run "
     "'reboot' in dom0)"),
    (["mem-max", "1", "12q"],
     "vctl: mem-max: '12q': unknown unit 'q' (b, k, m, g or t)"),
    (["mem-max", "1", "100b"],
     "vctl: mem-max: '100b' is less than one 4 KiB page"),
    (["sched-credit", "-w", "5"],
     "vctl: sched-credit: -w and -c need -d DOMAIN"),
    (["sched-credit", "-d", "1", "-w", "0"],
     "vctl: sched-credit: weight '0': a number from 1 to 65535"),
])
def test_bad_arguments_are_refused_before_any_hypercall(args, error):
    r = vctl(*args)
    assert r.returncode != 0
    assert r.stderr.rstrip("\n") == error


@pytest.mark.skipif(os.path.exists("/dev/xen/privcmd"),
                    reason="this host has privcmd")
def test_without_privcmd_one_line_says_why():
    assert one_line_error(vctl("list")) == \
        "vctl: /dev/xen/privcmd: No such file or directory (vctl runs " \
        "in a Veneer dom0 with xenfs and privcmd)"


def test_check_config_prints_the_checked_file(tmp_path):
    cfg = tmp_path / "web1.cfg"
    cfg.write_text('name = "web1"\nmemory = 256\nkernel = "/boot/k"\n'
                   'extra = "console=hvc0"\n')
    r = vctl("check-config", str(cfg))
    assert r.returncode == 0, r.stderr
    assert "memory      = 256 MiB\n" in r.stdout
    assert "cmdline     = console=hvc0\n" in r.stdout
    r = vctl("check-config", "--json", str(cfg))
    assert r.returncode == 0
    doc = json.loads(r.stdout)
    assert doc["name"] == "web1" and doc["maxmem_mib"] == 256
    assert doc["on_reboot"] == "restart"


def test_check_config_error_is_one_line_with_file_and_line(tmp_path):
    cfg = tmp_path / "bad.cfg"
    cfg.write_text('name = "a"\nmemory = 64\nkernel = "/k"\nmemory = 128\n')
    assert one_line_error(vctl("check-config", str(cfg))) == \
        "vctl: check-config: %s:4: memory given twice (first on line 2)" \
        % cfg
    assert one_line_error(vctl("check-config", str(tmp_path / "none"))) \
        == "vctl: check-config: %s: No such file or directory" \
        % (tmp_path / "none")
