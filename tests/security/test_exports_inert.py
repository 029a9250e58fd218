"""Exports stay inert: the static Ansible export marks every string ``!unsafe``, so a template
in the estate is printed, not run, by a real ``ansible-playbook``; the pyinfra module holds data
only (string literals that cannot break out); nornir and JSON exports are data files."""

from __future__ import annotations

import ast
import json
import shlex
from pathlib import Path

import pytest
import yaml

from capdo.exports import write as export_write
from capdo.exports.write import export
from capdo.inventory.model import Inventory
from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE
from tests.security.ansible_play import run_debug_play


def _lab() -> Inventory:
    result = load_estate(LAB_ESTATE)
    assert result.inventory is not None
    return result.inventory


def _hostile(payload: str) -> Inventory:
    """The lab estate with ``payload`` in strings that reach Ansible variables, set without
    validation (``model_copy`` does not validate): as if the first wall had a hole."""
    inventory = _lab()
    endpoints = tuple(
        e.model_copy(update={"model": payload, "firmware": payload}) for e in inventory.endpoints
    )
    servers = tuple(
        s.model_copy(update={"os": s.os.model_copy(update={"version": payload})})
        for s in inventory.servers
    )
    defaults = inventory.estate.defaults.model_copy(
        update={"timezone": payload, "ntp_servers": (payload,)}
    )
    estate = inventory.estate.model_copy(update={"defaults": defaults})
    devices = tuple(d.model_copy(update={"redundancy_group": payload}) for d in inventory.devices)
    return inventory.model_copy(
        update={"endpoints": endpoints, "servers": servers, "devices": devices, "estate": estate}
    )


@pytest.fixture
def payload(tmp_path: Path) -> tuple[str, Path]:
    marker = tmp_path / "pwned"
    return "{{ lookup('pipe', 'touch " + str(marker) + "') }}", marker


EXPRESSIONS = [
    "capdo_model | default('-')",
    "capdo_os.version | default('-')",
    "capdo_timezone",
    "capdo_ntp_servers[0]",
]


def test_static_ansible_export_prints_templates_without_running_them(
    tmp_path: Path, payload: tuple[str, Path]
) -> None:
    text, marker = payload
    out = tmp_path / "export"
    (hosts,) = export(_hostile(text), LAB_ESTATE, "ansible", out)
    assert "!unsafe" in hosts.read_text(encoding="utf-8")
    printed = run_debug_play(hosts, tmp_path, EXPRESSIONS)
    assert not marker.exists(), "a template in the estate ran on the controller"
    assert printed["lab-vc-xa1"][0] == text
    assert printed["lab-log01"][1] == text
    assert all(values[2] == text and values[3] == text for values in printed.values())


def test_without_unsafe_the_same_export_runs_the_template(
    tmp_path: Path, payload: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: the attack is real (this is what main did), so the test above can fail."""
    text, marker = payload
    # Why a patch: the old exporter no longer exists; removing the marking reproduces it, so
    # that the real ansible-playbook run shows the attack the marked export prevents.
    monkeypatch.setattr(export_write, "mark_unsafe", lambda data: data)
    (hosts,) = export(_hostile(text), LAB_ESTATE, "ansible", tmp_path / "export")
    run_debug_play(hosts, tmp_path, EXPRESSIONS[2:3])
    assert marker.exists()


BREAKOUTS = [
    "x'] ; import os; os.system('touch PWNED') ; ['",
    'x"""\nimport os\nos.system("touch PWNED")\n"""',
    "x\\' + __import__('os').system('touch PWNED') + '",
    "\u202e'; touch PWNED",
]


@pytest.mark.parametrize("text", BREAKOUTS)
def test_pyinfra_module_is_data_only(tmp_path: Path, text: str) -> None:
    inventory = _lab()
    servers = tuple(s.model_copy(update={"roles": (*s.roles, text)}) for s in inventory.servers)
    (module,) = export(
        inventory.model_copy(update={"servers": servers}), LAB_ESTATE, "pyinfra", tmp_path
    )
    tree = ast.parse(module.read_text(encoding="utf-8"))
    body = tree.body[1:]  # after the docstring
    assert body
    for statement in body:  # only `name = <literal>`: no call, no import, no expression
        assert isinstance(statement, ast.Assign)
        assert len(statement.targets) == 1
        assert isinstance(statement.targets[0], ast.Name)
        ast.literal_eval(statement.value)  # raises on anything but a literal
    values = {
        name.targets[0].id: ast.literal_eval(name.value)  # type: ignore[union-attr]
        for name in body
        if isinstance(name, ast.Assign)
    }
    assert any(text in data["capdo_roles"] for _, data in values["servers"])


def test_nornir_and_json_exports_are_plain_data(tmp_path: Path, payload: tuple[str, Path]) -> None:
    text, _ = payload
    hostile = _hostile(text)
    files = export(hostile, LAB_ESTATE, "nornir", tmp_path / "nornir")
    for path in files:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))  # plain YAML, no tags
        assert isinstance(loaded, dict)
    hosts = yaml.safe_load((tmp_path / "nornir" / "hosts.yaml").read_text(encoding="utf-8"))
    assert text in json.dumps(hosts)
    (estate,) = export(hostile, LAB_ESTATE, "json", tmp_path / "json")
    assert text in json.dumps(json.loads(estate.read_text(encoding="utf-8")))


def test_ssh_config_from_the_overlay_stays_one_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ansible_ssh_common_args`` is split like a shell line by Ansible: a path from the
    connection overlay cannot add an ssh option (``ProxyCommand`` runs a command)."""
    path = "cfg -o ProxyCommand=touch " + str(tmp_path / "pwned")
    overlay = tmp_path / "overlay.yml"
    overlay.write_text(yaml.safe_dump({"lab-log01": {"ssh_config": path}}), encoding="utf-8")
    monkeypatch.setenv("CAPDO_CONNECTIONS", str(overlay))
    (hosts,) = export(_lab(), LAB_ESTATE, "ansible", tmp_path / "export")
    text = hosts.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "ansible_ssh_common_args" in ln)
    value = yaml.safe_load(line.split("!unsafe", 1)[1])
    assert shlex.split(value) == ["-F", path]
