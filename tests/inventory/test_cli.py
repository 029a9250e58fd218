"""``capdo inventory``: exit codes, stable JSON, both languages, inventory discovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LAB_ESTATE, REPO

CAPDO = [sys.executable, "-m", "capdo.cli"]


def capdo(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CAPDO_")}
    full_env.update(env or {})
    return subprocess.run(
        [*CAPDO, *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=120
    )


def test_validate_ok_exit_0_in_both_languages() -> None:
    vi = capdo("inventory", "validate", "-i", str(LAB_ESTATE))
    en = capdo("inventory", "validate", "-i", str(LAB_ESTATE), "--lang", "en")
    assert (vi.returncode, en.returncode) == (0, 0)
    assert "Hợp lệ" in vi.stdout
    assert "Valid" in en.stdout


def test_validate_findings_exit_1_with_location_and_hint(lab_copy: Path) -> None:
    servers = lab_copy / "servers.yml"
    servers.write_text(servers.read_text().replace("address: 198.18.0.35", "address: 198.18.0.34"))
    run = capdo("inventory", "validate", "-i", str(lab_copy), "--lang", "en")
    assert run.returncode == 1
    assert "servers.yml:11:3" in run.stdout
    assert "duplicate-address" in run.stdout
    assert "Hint:" in run.stdout
    assert "Traceback" not in run.stderr


def test_validate_json_is_stable(lab_copy: Path) -> None:
    (lab_copy / "links.yml").write_text("- id: x\n  kind: wan\n")
    run = capdo("inventory", "validate", "-i", str(lab_copy), "--format", "json")
    assert run.returncode == 1
    payload = json.loads(run.stdout)
    assert set(payload) == {"inventory", "ok", "objects", "errors", "warnings", "findings"}
    first = payload["findings"][0]
    assert set(first) == {"rule", "severity", "file", "line", "column", "path", "message", "hint"}
    assert first["file"] == "links.yml"
    assert isinstance(first["line"], int)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert capdo("inventory", "validate", "-i", str(tmp_path / "missing")).returncode == 2
    assert capdo("inventory", "validate", "--lang", "fr", "-i", str(LAB_ESTATE)).returncode == 2
    assert capdo("inventory", "frobnicate").returncode == 2
    outside = capdo("inventory", "validate", cwd=tmp_path)
    assert outside.returncode == 2
    assert "CAPDO_INVENTORY" in outside.stderr


def test_inventory_found_from_env_and_ansible_cfg(tmp_path: Path) -> None:
    from_env = capdo(
        "inventory",
        "show",
        "--format",
        "json",
        cwd=tmp_path,
        env={"CAPDO_INVENTORY": str(LAB_ESTATE)},
    )
    assert json.loads(from_env.stdout)["estate"] == "lab"
    from_cfg = capdo("inventory", "show", "--format", "json")  # repo ansible.cfg: phutho
    assert json.loads(from_cfg.stdout)["estate"] == "phutho"


def test_show_graph_and_export(tmp_path: Path) -> None:
    show = capdo("inventory", "show", "-i", str(LAB_ESTATE), "--lang", "en")
    assert show.returncode == 0
    assert "Video-conference endpoints" in show.stdout
    graph = capdo("inventory", "graph", "-i", str(LAB_ESTATE), "--format", "json")
    links = json.loads(graph.stdout)["links"]
    assert links == [
        {
            "link": "lab-wan-xa",
            "a": "lab-dc",
            "z": "lab-xa",
            "role": "primary",
            "bandwidth_mbps": 100,
        }
    ]
    tree = capdo("inventory", "graph", "-i", str(LAB_ESTATE))
    assert "Xã Thanh Ba" in tree.stdout
    dot = capdo("inventory", "graph", "-i", str(LAB_ESTATE), "--format", "dot")
    assert '"lab-dc" -- "lab-xa"' in dot.stdout
    for fmt, name in (
        ("ansible", "hosts.yml"),
        ("nornir", "hosts.yaml"),
        ("pyinfra", "inventory.py"),
        ("json", "estate.json"),
    ):
        out = tmp_path / fmt
        run = capdo(
            "inventory", "export", "-i", str(LAB_ESTATE), "--format", fmt, "--out", str(out)
        )
        assert run.returncode == 0, run.stderr
        assert (out / name).is_file()
    data = json.loads((tmp_path / "json" / "estate.json").read_text())
    assert data["targets"]["lab-log01"] == {"kind": "server", "systems": ["lab-hatang"], "level": 3}


@pytest.mark.parametrize("command", ["show", "graph", "export"])
def test_commands_refuse_an_invalid_estate(lab_copy: Path, command: str) -> None:
    (lab_copy / "servers.yml").write_text("- name: x\n")
    run = capdo("inventory", command, "-i", str(lab_copy))
    assert run.returncode == 1
    assert "capdo inventory validate" in run.stderr
