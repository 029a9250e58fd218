"""A report from a real checker's records: ``capdo network audit`` on rendered configurations.

The network audit runs for real (capdo's own templates render the intended configurations of
the lab devices, the audit parses them); one configuration is then broken on purpose
(central logging removed) and the second report's diff shows that new failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from capdo.cli import app

from .conftest import LAB

runner = CliRunner()


def _capdo(*args: str, codes: tuple[int, ...] = (0,)) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code in codes, result.stdout + result.stderr
    return result.stdout


def _audit(configs: Path, out: Path) -> None:
    """The audit exits 1 when it finds something: both are fine here."""
    _capdo(
        "network",
        "audit",
        "-i",
        str(LAB),
        "--from-backup",
        str(configs),
        "--out",
        str(out),
        codes=(0, 1),
    )


def test_network_audit_records_make_a_report_and_a_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    configs = tmp_path / "configs"
    _capdo("network", "render", "-i", str(LAB), "--out", str(configs))
    first = tmp_path / "audit-1.jsonl"
    _audit(configs, first)
    common = ["report", "-i", str(LAB), "--store", "h.sqlite", "--out", "out", "-f", "html,json"]
    _capdo(*common, "-r", str(first))

    core = configs / "lab-core01.cfg"
    lines = core.read_text(encoding="utf-8").splitlines()
    core.write_text(
        "\n".join(x for x in lines if not x.startswith("logging host")) + "\n", encoding="utf-8"
    )
    second = tmp_path / "audit-2.jsonl"
    _audit(configs, second)
    out = _capdo(*common, "-r", str(second), "--diff", "previous")
    assert out.strip().splitlines()[-1].endswith("capdo-report-lab.vi.html")

    import json

    data = json.loads((tmp_path / "out" / "capdo-report-lab.json").read_text(encoding="utf-8"))
    new = {(d["requirement_id"], d["target"]) for d in data["diff"]["new_failures"]}
    assert new == {("NET.05", "lab-core01")}  # central logging (in both regimes)
    assert not data["diff"]["fixed"]
