"""Writing outputs: no symlink followed inside an output tree, the mode of the user's
directory kept, atomic replacement (a crash leaves the old file or the new, never half)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from capdo.endpoints.render import Rendered, RenderedFile, write_tree
from capdo.network.render import write_configs
from capdo.network.runner import Outcome, write_backups
from capdo.safeio.write import UnsafeOutputError, atomic_open, write_atomic
from tests.conftest import LAB_ESTATE
from tests.security.conftest import run_capdo

PROVISIONING = [
    Rendered(
        "lab-vc01",
        "yealink",
        (
            RenderedFile(
                "yealink/lab-vc01.cfg", "static.security.user_password = admin:pw\n", True
            ),
            RenderedFile("yealink/y000000000000.cfg", "#!version:1.0.0.1\n", False),
        ),
    )
]


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_text("untouched\n", encoding="utf-8")
    return path


def _untouched(victim: Path) -> None:
    assert victim.read_text(encoding="utf-8") == "untouched\n"


def test_symlink_planted_at_a_provisioning_file_is_replaced_not_followed(
    tmp_path: Path, victim: Path
) -> None:
    out = tmp_path / "prov"
    (out / "yealink").mkdir(parents=True)
    (out / "yealink" / "lab-vc01.cfg").symlink_to(victim)
    write_tree(out, PROVISIONING)
    _untouched(victim)
    written = out / "yealink" / "lab-vc01.cfg"
    assert not written.is_symlink()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "admin:pw" in written.read_text(encoding="utf-8")


def test_symlinked_directory_in_the_output_tree_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "prov"
    out.mkdir()
    (out / "yealink").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafeOutputError):
        write_tree(out, PROVISIONING)
    assert list(elsewhere.iterdir()) == []


def test_mode_of_an_existing_output_directory_is_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "shared-out"
    out.mkdir()
    out.chmod(0o755)
    write_tree(out, PROVISIONING)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "yealink").stat().st_mode) == 0o700  # created by capdo


def test_parent_references_never_leave_the_output_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(UnsafeOutputError):
        write_atomic(out / ".." / "escaped.txt", "x", root=out)
    assert not (tmp_path / "escaped.txt").exists()


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("old report\n", encoding="utf-8")

    def half_write() -> None:
        with atomic_open(path) as out:
            out.write("half a new rep")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        half_write()
    assert path.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_crash_in_the_middle_of_a_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("old\n", encoding="utf-8")
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from capdo.safeio.write import atomic_open\n"
        "with atomic_open(Path(sys.argv[1])) as out:\n"
        "    out.write('new-half' * 100000)\n"
        "    out.flush()\n"
        "    os._exit(9)\n"  # killed: no clean-up, no rename
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], check=False, timeout=60)
    assert done.returncode == 9
    assert path.read_text(encoding="utf-8") == "old\n"


def test_device_configs_and_backups_never_follow_planted_symlinks(
    tmp_path: Path, victim: Path
) -> None:
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "r1.cfg").symlink_to(victim)
    write_configs({"r1": "hostname r1\n"}, configs)
    _untouched(victim)
    assert (configs / "r1.cfg").read_text(encoding="utf-8") == "hostname r1\n"
    backups = tmp_path / "backups"
    (backups / "latest").mkdir(parents=True)
    (backups / "latest" / "r1.cfg").symlink_to(victim)
    write_backups({"r1": Outcome("r1", "ok", running="hostname r1\n")}, backups, "stamp")
    _untouched(victim)
    assert not (backups / "latest" / "r1.cfg").is_symlink()


def test_export_and_evaluate_never_follow_planted_symlinks(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("hosts.yml", "records.jsonl", "evaluation-legacy.json", "oscal-ar-new.json"):
        (out / name).symlink_to(victim)
    done = run_capdo(
        "inventory", "export", "-i", str(LAB_ESTATE), "--format", "ansible", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    done = run_capdo("evaluate", "-i", str(LAB_ESTATE), "--out", str(out), "--oscal")
    assert done.returncode == 0, done.stderr
    _untouched(victim)
    for name in ("hosts.yml", "records.jsonl", "evaluation-legacy.json", "oscal-ar-new.json"):
        assert not (out / name).is_symlink()
        assert os.path.getsize(out / name) > 0
