"""What a server check receives: the target, its thresholds, a probe, and evidence recording.

A check is a pytest function marked with the requirement ids it verifies (the check contract,
:mod:`capdo.checks.contract`)::

    @requirement("SRV.08")
    def test_tmout(check: Check) -> None:
        limit = int(check.param("idle_timeout_minutes")) * 60
        actual = ...
        check.require(0 < actual <= limit, expected=f"<= {limit}", actual=actual)

``require`` records expected vs actual (kept in the result record) and fails the check when
the condition is false. ``param`` has no code default: a threshold nobody set ends the check
as ``not_reviewed`` with the reason. ``not_applicable`` and ``manual`` (→ ``not_reviewed``)
end the check with that status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest

from capdo.checks import contract
from capdo.checks.contract import CheckFailed, Evidence
from capdo.checks.probe import Probe
from capdo.checks.targets import ServerTarget

__all__ = ["MANUAL", "NOT_APPLICABLE", "Check", "CheckFailed", "Evidence"]

NOT_APPLICABLE = "capdo:not_applicable:"
MANUAL = "capdo:manual:"


@dataclass
class Check:
    target: ServerTarget
    host: Any
    """The testinfra host (``check.host.file(...)``, ``check.host.run(...)``...)."""
    probe: Probe
    evidence: Evidence = field(default_factory=Evidence)

    @property
    def name(self) -> str:
        return self.target.name

    def param(self, name: str) -> Any:
        """The host's resolved parameter; a value nobody set ends the check as not_reviewed."""
        try:
            return contract.param(self.target.params, name)
        except contract.ParameterMissing as missing:
            self.manual(missing.evidence.detail or name, expected=missing.evidence.expected)

    def record(self, expected: Any, actual: Any, detail: str | None = None) -> None:
        self.evidence = contract.evidence(expected, actual, detail)

    def require(self, ok: object, *, expected: Any, actual: Any, detail: str | None = None) -> None:
        """Record the evidence; fail the check unless ``ok`` (:func:`contract.require`)."""
        self.record(expected, actual, detail)
        contract.require(ok, expected=expected, actual=actual, detail=detail)

    def not_applicable(self, reason: str) -> NoReturn:
        self.evidence = contract.evidence(self.evidence.expected, self.evidence.actual, reason)
        pytest.skip(NOT_APPLICABLE + reason)

    def manual(self, reason: str, expected: Any = None, actual: Any = None) -> NoReturn:
        self.evidence = contract.evidence(expected, actual, reason)
        pytest.skip(MANUAL + reason)

    def has_role(self, role: str) -> bool:
        return role in self.target.roles
