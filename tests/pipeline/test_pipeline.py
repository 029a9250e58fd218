"""The main job's plan: steps in order, skips, result files fed to the report, lab passwords."""

from __future__ import annotations

from pathlib import Path

from capdo.pipeline import STEPS, Step, _only_existing_results, lab_environment, plan


def test_plan_runs_every_step_in_order(tmp_path: Path) -> None:
    steps = plan(Path("inventories/lab"), tmp_path, "en", lab_workdir=tmp_path / "lab")
    assert [s.name for s in steps] == list(STEPS)
    assert steps[0].args[:4] == ("lab", "up", "-i", "inventories/lab")
    assert "--workdir" in steps[0].args
    report = steps[-1]
    fed = [report.args[i + 1] for i, a in enumerate(report.args) if a == "-r"]
    assert fed == [str(s.results) for s in steps if s.results is not None]
    assert all(s.args[-2:] == ("--lang", "en") for s in steps)


def test_skips_and_scanner_install(tmp_path: Path) -> None:
    steps = plan(Path("e"), tmp_path, "vi", skip=["lab", "scan", "network-push"])
    assert [s.name for s in steps] == ["provision", "check", "network-audit", "endpoints", "report"]
    scan = next(
        s for s in plan(Path("e"), tmp_path, "vi", install_scanner=True) if s.name == "scan"
    )
    assert "--install-scanner" in scan.args


def test_report_reads_only_result_files_that_exist(tmp_path: Path) -> None:
    present = tmp_path / "a.jsonl"
    present.write_text("")
    step = Step(
        "report",
        ("report", "-r", str(present), "-r", str(tmp_path / "missing.jsonl"), "--format", "all"),
    )
    assert _only_existing_results(step).args == ("report", "-r", str(present), "--format", "all")


def test_lab_environment_reads_the_generated_passwords(tmp_path: Path) -> None:
    assert lab_environment(tmp_path) == {}
    (tmp_path / "lab.env").write_text("export CAPDO_LAB_DEVICE_PASSWORD=abc=1\nnoise\n")
    assert lab_environment(tmp_path) == {"CAPDO_LAB_DEVICE_PASSWORD": "abc=1"}
