"""Break each requirement on purpose on a converged lab host: exactly that check must fail.

Breaks are applied in rounds (one per host, on different hosts at once), the checks run on
those hosts through the same runner as ``capdo check``, and every break is restored before
the next round (a restore that leaves something behind makes a later round fail).
"""

from __future__ import annotations

import ast
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from capdo.checks.runner import RunOptions, find_checks_dir, run_checks
from capdo.checks.targets import Selection
from tests.server.breaks import BREAKS, Break, rounds
from tests.server.conftest import ServerLab
from tests.server.test_sequence import EXPECTED_LAB_FAILURES, _check_name

pytestmark = pytest.mark.lab

CHECKS = find_checks_dir(Path(__file__).resolve().parents[2])
ROUNDS = rounds()


def _declared_checks() -> set[str]:
    assert CHECKS is not None
    names: set[str] = set()
    for path in CHECKS.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {
            node.name.removeprefix("test_")
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        }
    return names


def test_every_check_has_a_break() -> None:
    assert {b.check for b in BREAKS} == _declared_checks() - {"antimalware_definitions_fresh"}


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A CA that did not sign the log server's certificate (made with openssl, thrown away)."""
    where = tmp_path_factory.mktemp("other-ca")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", str(where / "k.pem"), "-out", str(where / "ca.pem"),
         "-days", "1", "-subj", "/CN=not the estate CA"],
        check=True, capture_output=True,
    )  # fmt: skip
    return (where / "ca.pem").read_text()


def _apply(lab: ServerLab, plan: dict[str, Break], attr: str) -> None:
    for host, brk in plan.items():
        done = lab.ssh(host, getattr(brk, attr))
        assert done.returncode == 0, f"{attr} {brk.check} on {host}: {done.stderr}"


@pytest.mark.parametrize(
    "plan", ROUNDS, ids=["+".join(b.check for b in r.values()) for r in ROUNDS]
)
def test_broken_requirement_fails_exactly_its_check(
    converged: ServerLab, plan: dict[str, Break], other_ca: str, tmp_path: Path
) -> None:
    assert CHECKS is not None
    for host in plan:
        converged.ssh(host, f"cat > /root/capdo-other-ca.pem <<'EOF'\n{other_ca}EOF")
    _apply(converged, plan, "brk")
    try:
        summary = run_checks(
            RunOptions(
                converged.estate,
                CHECKS,
                tmp_path / "r.jsonl",
                Selection.parse(",".join(plan)),
                jobs=1,
            )
        )
    finally:
        _apply(converged, plan, "fix")
    failing: dict[str, set[str]] = defaultdict(set)
    for record in summary.records:
        if record.status in ("fail", "error"):
            failing[record.target].add(_check_name(record.evidence.detail))
    for host, brk in plan.items():
        assert failing[host] - EXPECTED_LAB_FAILURES == {brk.check}, (host, dict(failing))
