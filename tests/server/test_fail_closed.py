"""Roles fail closed: without the estate's level, requirements and parameters they stop before
any task, instead of hardening to a made-up level or silently skipping a part (log forwarding,
AIDE)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

ESTATE_VARS = ("capdo_level", "capdo_requirements", "capdo_params")
# Every role that hardens a server at the host's level (capdo_pki runs on the controller,
# capdo_common gathers host facts and holds modules, vc_provisioning serves files; none depends on
# the level).
NOT_LEVEL_ROLES = {"capdo_pki", "capdo_common"}
LEVEL_ROLES = sorted(
    p.name for p in (REPO / "roles").glob("capdo_*") if p.name not in NOT_LEVEL_ROLES
)
GOOD = {"capdo_level": 3, "capdo_requirements": ["SRV.18", "DAT.03"], "capdo_params": {}}


@pytest.mark.parametrize("role", LEVEL_ROLES)
def test_estate_variables_are_required_and_have_no_default(role: str) -> None:
    specs = yaml.safe_load((REPO / "roles" / role / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    for name in ESTATE_VARS:
        assert options[name]["required"] is True, (role, name)
        assert "default" not in options[name], (role, name)
    defaults = REPO / "roles" / role / "defaults" / "main.yml"
    if defaults.exists():
        assert not set(ESTATE_VARS) & set(yaml.safe_load(defaults.read_text()) or {})


def _play(tmp_path: Path, role: str, variables: dict[str, object]) -> str:
    """Run ``role`` on this machine with ``variables``; it must stop at argument validation
    (capdo_logging first runs its dependency capdo_pki, which writes a CA under tmp_path)."""
    variables = {**variables, "capdo_pki_dir": str(tmp_path / "pki")}
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        yaml.safe_dump(
            [{"name": "fail closed", "hosts": "localhost", "gather_facts": False,
              "vars": variables, "roles": [role]}]
        )
    )  # fmt: skip
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "localhost,",
         "-c", "local", str(playbook)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "ANSIBLE_NOCOLOR": "1",
             "ANSIBLE_ROLES_PATH": str(REPO / "roles"), "HOME": str(tmp_path),
             "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp")},
    )  # fmt: skip
    assert done.returncode != 0, done.stdout[-2000:]
    return done.stdout


@pytest.mark.parametrize(
    ("role", "missing"),
    [("capdo_logging", "capdo_requirements"), ("capdo_integrity", "capdo_requirements"),
     ("capdo_sshd", "capdo_params"), ("capdo_accounts", "capdo_level")],
)  # fmt: skip
def test_a_role_without_an_estate_variable_stops_before_any_task(
    tmp_path: Path, role: str, missing: str
) -> None:
    out = _play(tmp_path, role, {k: v for k, v in GOOD.items() if k != missing})
    assert f"missing required arguments: {missing}" in out
    assert _role_tasks(out, role) == ["Validating arguments against"]


def test_a_host_without_a_level_stops(tmp_path: Path) -> None:
    out = _play(tmp_path, "capdo_logging", {**GOOD, "capdo_level": None})
    assert "argument 'capdo_level' is of type NoneType" in out
    assert _role_tasks(out, "capdo_logging") == ["Validating arguments against"]


def _role_tasks(out: str, role: str) -> list[str]:
    tasks = re.findall(rf"^TASK \[{role} : (.*?)\] \*+$", out, re.M)
    return [t.split(" '", 1)[0].replace("arg spec", "").strip() for t in tasks]


def test_forwarding_required_without_log_servers_stops(tmp_path: Path) -> None:
    out = _play(tmp_path, "capdo_logging", {**GOOD, "capdo_log_servers": []})
    assert "the estate names no log server" in out
    assert "SRV.18 | The level asks for log forwarding" in out
