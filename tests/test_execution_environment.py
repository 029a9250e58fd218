"""The AWX execution environment: ``ansible-builder create`` writes its build context (no
container runtime needed for that), and the context holds what a controller needs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO

DEFINITION = REPO / "execution-environment.yml"


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep:
            pins[name.strip().lower()] = version.strip()
    return pins


def _create(tmp_path: Path) -> Path:
    context = tmp_path / "context"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-builder")), "create",
         "-f", str(DEFINITION), "-c", str(context)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return context


def test_build_context_holds_capdo_roles_playbooks_and_plugin(tmp_path: Path) -> None:
    build = _create(tmp_path) / "_build" / "capdo"
    for wanted in ("pyproject.toml", "constraints.txt", "ansible.cfg", "src/capdo/cli.py",
                   "plugins/inventory/capdo.py", "playbooks/site.yml",
                   "checks/server/test_srv_sshd.py", "checks/catalogue/new.yml",
                   "network/templates/common.yml", "reports/templates"):  # fmt: skip
        assert (build / wanted).exists(), wanted
    roles = {p.name for p in (REPO / "roles").iterdir() if (p / "tasks").is_dir()}
    assert roles <= {p.name for p in (build / "roles").iterdir()}
    # nothing of this machine or of any estate: no venv, caches, lab keys or inventories
    for unwanted in (".venv", ".cache", "inventories", "src/capdo.egg-info", "tests"):
        assert not (build / unwanted).exists(), unwanted


def test_containerfile_pins_what_constraints_pin(tmp_path: Path) -> None:
    text = (_create(tmp_path) / "Dockerfile").read_text()
    pins = _pins()
    refs = re.search(r'ARG ANSIBLE_INSTALL_REFS="([^"]+)"', text)
    assert refs is not None
    assert set(refs.group(1).split()) == {
        f"ansible-core=={pins['ansible-core']}",
        f"ansible-runner=={pins['ansible-runner']}",
    }
    assert "pip install --no-cache-dir -c /usr/share/capdo/constraints.txt /usr/share/capdo" in text
    assert "ENV ANSIBLE_INVENTORY_PLUGINS=/usr/share/capdo/plugins/inventory" in text


def test_definition_is_schema_version_3() -> None:
    data = yaml.safe_load(DEFINITION.read_text())
    assert data["version"] == 3
