"""A converged host that drifted is put back by the next run. The roles decide from the host
facts gathered once at the start of a run (capdo_host_facts): a service that is enabled and
running is not touched again, so a stopped and disabled one must still be seen and repaired,
and an account that was given a password must get its ageing. That account's password hash
must not reach the run's output or artifacts (``getent shadow`` used to put every hash of the
host in the job events)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server.conftest import REPO, ServerLab

pytestmark = pytest.mark.lab

HOST = "lab-web01"
ACCOUNT = "capdodrift"
HASH = "$6$capdodriftsalt$" + "d" * 86  # hash-shaped, not a real password

BREAK = (
    f"useradd -M {ACCOUNT} && usermod -p '{HASH}' {ACCOUNT} && chage -M 99999 -I -1 {ACCOUNT}"
    " && service chrony stop >/dev/null && update-rc.d chrony disable >/dev/null 2>&1"
)
RESTORE = (
    f"userdel {ACCOUNT}; update-rc.d chrony enable >/dev/null 2>&1;"
    " service chrony start >/dev/null 2>&1; true"
)


def _provision(lab: ServerLab, out: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    done = subprocess.run(
        [sys.executable, "-m", "capdo.cli", "provision", "-i", str(lab.estate), "-l", HOST,
         "--out", str(out), "--lang", "en"],
        cwd=REPO, env=lab.env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    (run,) = out.iterdir()
    return done, run


def _shadow_fields(lab: ServerLab) -> list[str]:
    return lab.ssh(HOST, f"getent shadow {ACCOUNT}").stdout.strip().split(":")


def _chrony_task_lines(run: Path) -> list[str]:
    lines = (run / "stdout").read_text(errors="replace").splitlines()
    start = next(i for i, line in enumerate(lines) if "chrony enabled and running" in line)
    return lines[start + 1 : start + 3]


def test_drift_is_repaired_from_the_host_facts_and_no_hash_leaves_the_host(
    converged: ServerLab, tmp_path: Path
) -> None:
    broken = converged.ssh(HOST, BREAK)
    assert broken.returncode == 0, broken.stderr
    try:
        assert converged.ssh(HOST, "service chrony status").returncode != 0
        first, first_run = _provision(converged, tmp_path / "first")
        assert f"{HOST}: ok " in first.stdout
        assert ", failed 0" in first.stdout

        # the stopped, disabled service is running and enabled again
        assert converged.ssh(HOST, "service chrony status").returncode == 0
        assert converged.ssh(HOST, "ls /etc/rc2.d/S??chrony").returncode == 0
        assert any("changed" in line for line in _chrony_task_lines(first_run))
        # the account that got a password got the level's ageing
        fields = _shadow_fields(converged)
        assert fields[4] not in ("", "99999"), fields[2:]
        assert fields[6] != "", fields[2:]
        # its hash is nowhere in what the run showed or kept
        assert HASH not in first.stdout + first.stderr
        for path in first_run.rglob("*"):
            if path.is_file():
                assert "capdodriftsalt" not in path.read_text(errors="replace"), path

        # repaired: the next run changes nothing and leaves the running service alone
        second, second_run = _provision(converged, tmp_path / "second")
        assert ", changed 0, failed 0" in second.stdout, second.stdout
        assert _chrony_task_lines(second_run)[0].startswith(f"skipping: [{HOST}]")
        assert json.loads((second_run / "hosts.json").read_text())["hosts"][HOST]["changed"] == 0
    finally:
        converged.ssh(HOST, RESTORE)


def test_password_logins_stay_on_while_the_admin_has_no_key(converged: ServerLab) -> None:
    """Lockout safety from the host facts: the admin's key count decides PasswordAuthentication."""

    def password_logins() -> str:
        return converged.ssh(HOST, "sshd -T | grep -i '^passwordauthentication'").stdout.split()[-1]

    assert password_logins() == "no"  # converged: root, the admin, has a key
    assert converged.ssh(HOST, "useradd -m capdonokey").returncode == 0
    try:
        keyless = converged.playbook(
            "playbooks/hardening.yml", "-l", HOST, "-e", "capdo_admin_user=capdonokey"
        )
        assert keyless.returncode == 0, keyless.output[-3000:]
        assert "Password logins stay on, no authorized key for: capdonokey" in keyless.output
        assert password_logins() == "yes"
    finally:
        again = converged.playbook("playbooks/hardening.yml", "-l", HOST)
        converged.ssh(HOST, "userdel -r capdonokey >/dev/null 2>&1")
    assert again.returncode == 0, again.output[-3000:]
    assert password_logins() == "no"
