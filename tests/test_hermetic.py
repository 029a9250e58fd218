"""The suite's own rules: skips fail the run unless allowed, and no test sees a user's lab."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import NO_OVERLAY, REPO

SAMPLE = """
import pytest

def test_skips():
    pytest.skip("nothing to run against")

def test_passes():
    pass
"""


def _pytest(tmp_path: Path, allowlist: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != "CAPDO_SKIP_ALLOWLIST"}
    if allowlist is not None:
        (tmp_path / "allow.txt").write_text(allowlist)
        env["CAPDO_SKIP_ALLOWLIST"] = str(tmp_path / "allow.txt")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-q", str(tmp_path / "test_sample.py")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_skip_fails_the_run(tmp_path: Path) -> None:
    run = _pytest(tmp_path, None)
    assert run.returncode == 1, run.stdout
    assert "SKIPPED test_sample.py::test_skips: Skipped: nothing to run against" in run.stdout


def test_an_allowed_skip_with_a_reason_passes(tmp_path: Path) -> None:
    run = _pytest(tmp_path, "test_sample.py::test_skips  # needs hardware this machine lacks\n")
    assert run.returncode == 0, run.stdout


def test_an_allowed_skip_without_a_reason_is_refused(tmp_path: Path) -> None:
    run = _pytest(tmp_path, "test_sample.py::test_skips\n")
    assert run.returncode != 0
    assert "has no reason" in run.stdout + run.stderr


def test_the_repository_allow_list_is_empty() -> None:
    lines = (REPO / "tests" / "skip-allowlist.txt").read_text().splitlines()
    assert [line for line in lines if line.strip() and not line.startswith("#")] == []


def test_no_test_reads_the_overlay_a_user_lab_left() -> None:
    # the session's default: an overlay that does not exist, outside the repository
    assert not NO_OVERLAY.exists()
    assert not NO_OVERLAY.is_relative_to(REPO)
    # a lab fixture of this session (tests/server) may point it at its own lab's overlay for a
    # while, never at the one a user's `capdo lab up` leaves in the repository
    assert not Path(os.environ["CAPDO_CONNECTIONS"]).is_relative_to(REPO)


LAB_SAMPLE = """
import pytest

@pytest.mark.lab
def test_marked(root_user):
    pass

def test_unmarked(root_user):
    pass
"""


def test_a_test_using_a_lab_fixture_must_be_marked_lab(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(LAB_SAMPLE)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-q", "--collect-only", str(tmp_path / "test_sample.py")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "must be marked lab: test_sample.py::test_unmarked\n" in output, output
    assert "test_marked" not in output.split("must be marked lab:")[1], output
