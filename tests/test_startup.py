"""Start-up stays light: a command loads only what it uses (no timing assertions here;
``benchmarks/bench_startup.py`` measures the time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PHUTHO_ESTATE, REPO

# Libraries that cost tenths of a second each to import and that neither command needs.
HEAVY = ("ansible", "weasyprint", "nornir", "netmiko", "paramiko", "openpyxl", "lxml", "trestle",
         "pytest", "docx", "hier_config", "testinfra", "pyinfra", "fakenos")  # fmt: skip

_PROBE = """
import json, os, sys
sys.argv = ["capdo", *json.loads(sys.argv[1])]
from capdo.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(os.environ["PROBE_OUT"], "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def _loaded(tmp_path: Path, *argv: str) -> tuple[object, set[str]]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv)],
        cwd=REPO,
        env={"PROBE_OUT": str(out), "PATH": "/usr/bin:/bin", "CAPDO_LANG": "en"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.exists(), done.stderr
    data = json.loads(out.read_text())
    return data["code"], {m.split(".")[0] for m in data["modules"]}


@pytest.mark.parametrize(
    "argv",
    [("--version",), ("inventory", "validate", "-i", str(PHUTHO_ESTATE))],
    ids=["version", "inventory-validate"],
)
def test_command_does_not_import_heavy_libraries(tmp_path: Path, argv: tuple[str, ...]) -> None:
    code, loaded = _loaded(tmp_path, *argv)
    assert code == 0
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_version_loads_no_command_module(tmp_path: Path) -> None:
    _, loaded = _loaded(tmp_path, "--version")
    assert "pydantic" not in loaded
    assert "rich" not in loaded
    # the package faces load their names on first use: ``--max-file-size`` reads one name of
    # capdo.safeio, not the whole safe reader and its YAML parser
    assert "yaml" not in loaded


def test_the_probe_sees_heavy_imports(tmp_path: Path) -> None:
    """The probe can fail: the network commands do load nornir."""
    code, loaded = _loaded(tmp_path, "network", "--help")
    assert code == 0
    assert "nornir" in loaded
