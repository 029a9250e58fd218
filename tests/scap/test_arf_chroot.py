"""ARFs produced in the test by a real ``oscap-chroot`` scan of a small root filesystem.

The root is made here with the few files the checked rules read, so one file rule
(``file_permissions_etc_shadow``) passes and fails on purpose. These tests need root
(``oscap-chroot`` calls chroot) and the SSG content, not the lab.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scap_testlib import CHECKS_SCAP

from capdo.compliance.results import ResultRecord
from capdo.scap import runner
from capdo.scap.arf import ScanResults, parse_results
from capdo.scap.fix import write_fix_playbook
from capdo.scap.mapping import ScanContext, load_mapping, map_results, summary_record
from capdo.scap.tailoring import tailored_profile_id, write_tailoring

PROFILE = "anssi_bp28_intermediary"
WALKERS = ("file_permissions_ungroupowned", "no_files_unowned_by_user")

pytestmark = [pytest.mark.lab, pytest.mark.usefixtures("root_user")]  # oscap-chroot: chroot


def make_root(root: Path, shadow_mode: int) -> Path:
    for sub in ("etc/ssh", "etc/profile.d", "proc", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name in ("os-release", "debian_version"):
        shutil.copy(Path("/etc") / name, root / "etc" / name)
    if not (root / "etc" / "mtab").is_symlink():
        (root / "etc" / "mtab").symlink_to("../proc/self/mounts")
    (root / "etc" / "ssh" / "sshd_config").write_text("PermitRootLogin no\n")
    shadow = root / "etc" / "shadow"
    shadow.write_text("root:*:19000:0:99999:7:::\n")
    shadow.chmod(shadow_mode)
    return root


def chroot_scan(root: Path, out: Path, ds: Path) -> tuple[ScanResults, Path, runner.OscapRun]:
    tailoring = write_tailoring(out / "t.xml", PROFILE, WALKERS, datastream=ds.name)
    arf = out / "arf.xml"
    args = runner.eval_args(tailored_profile_id(PROFILE), arf, ds, tailoring)
    done = runner.run_oscap("chroot", args, arf, chroot=root, timeout=240)
    return parse_results(arf), tailoring, done


@pytest.fixture(scope="module")
def bad_scan(
    tmp_path_factory: pytest.TempPathFactory, debian12_ds: Path, oscap_tools: None
) -> tuple[ScanResults, Path, runner.OscapRun]:
    if os.geteuid() != 0:  # module fixtures run before the tests' root_user
        pytest.fail("oscap-chroot needs root (chroot)", pytrace=False)
    base = tmp_path_factory.mktemp("chroot-bad")
    return chroot_scan(make_root(base / "root", 0o666), base, debian12_ds)


def _result(scan: ScanResults, rule: str) -> str:
    return next(r.result for r in scan.rules if r.rule_id == rule)


def test_arf_parses_into_rule_results(bad_scan: tuple[ScanResults, Path, runner.OscapRun]) -> None:
    scan, _, done = bad_scan
    assert done.returncode == 2  # some rule failed
    assert scan.profile == PROFILE + "_capdo"
    assert scan.test_result_id.startswith("xccdf_org.open-scap_testresult_")
    assert scan.score is not None
    assert 0 <= scan.score <= 100
    counts = scan.counts()
    assert counts["fail"] >= 1
    assert counts["pass"] >= 1
    assert counts["notselected"] > 100
    rule = next(r for r in scan.rules if r.rule_id == "file_permissions_etc_shadow")
    assert rule.result == "fail"
    assert rule.severity == "medium"
    assert "shadow" in rule.title
    # the tailoring file unselected the walkers
    assert _result(scan, "file_permissions_ungroupowned") == "notselected"
    assert done.warnings == [runner.CHROOT_WARNING]


def test_fixed_file_passes(
    tmp_path: Path, debian12_ds: Path, bad_scan: tuple[ScanResults, Path, runner.OscapRun]
) -> None:
    scan, _, _ = chroot_scan(make_root(tmp_path / "root", 0o640), tmp_path, debian12_ds)
    assert _result(scan, "file_permissions_etc_shadow") == "pass"
    assert _result(bad_scan[0], "file_permissions_etc_shadow") == "fail"


def test_records_from_a_real_arf(bad_scan: tuple[ScanResults, Path, runner.OscapRun]) -> None:
    scan, _, _ = bad_scan
    mapping = load_mapping(CHECKS_SCAP / "ssg-debian-anssi.yml")
    ctx = ScanContext("lab-web01", "run-1", datetime.now(UTC), str(scan.path), PROFILE)
    records, info = map_results(scan.rules, mapping, ctx)
    assert records, "mapped rules with a verdict give records"
    for record in records:
        ResultRecord.model_validate_json(record.model_dump_json())
        assert record.checker == "capdo.scap"
        assert record.target_kind == "server"
        assert isinstance(record.evidence.actual, dict)
        assert record.evidence.actual["rule"] in mapping.rules
        assert record.evidence.actual["arf"] == str(scan.path)
    mapped_ids = {r.evidence.actual["rule"] for r in records if isinstance(r.evidence.actual, dict)}
    assert "file_permissions_etc_shadow" not in mapped_ids
    shadow = next(i for i in info if i.rule_id == "file_permissions_etc_shadow")
    assert shadow.result == "fail"
    assert not shadow.mapped
    assert all(i.result != "notselected" for i in info)
    summary = summary_record(scan, "SRV.14", 101.0, ctx)
    assert summary.status == "fail"
    assert summary.requirement_id == "SRV.14"
    assert summary_record(scan, "SRV.14", 0.0, ctx).status == "pass"


def test_fix_playbook_covers_the_failures_only(
    tmp_path: Path, bad_scan: tuple[ScanResults, Path, runner.OscapRun]
) -> None:
    scan, tailoring, _ = bad_scan
    playbook = write_fix_playbook(scan, tmp_path / "fix.yml", tailoring)
    assert playbook is not None
    text = playbook.read_text()
    assert text.startswith("# Generated by capdo")
    assert "never applies it" in text
    assert "file_permissions_etc_shadow" in text
    passed = [r.rule_id for r in scan.rules if r.result == "pass"]
    assert not any(f"- {rule}\n" in text for rule in passed)
    clean = ScanResults(scan.path, rules=[r for r in scan.rules if r.result != "fail"])
    assert write_fix_playbook(clean, tmp_path / "none.yml", tailoring) is None
    assert not (tmp_path / "none.yml").exists()
