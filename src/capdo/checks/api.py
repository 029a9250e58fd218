"""What a server check receives: the target, its thresholds, a probe, and evidence recording.

A check is a pytest function marked with the requirement ids it verifies::

    @pytest.mark.requirement("SRV.08")
    def test_tmout(check: Check) -> None:
        limit = check.param("idle_timeout_minutes", 5) * 60
        actual = ...
        check.require(0 < actual <= limit, expected=f"<= {limit}", actual=actual)

``require`` records expected vs actual (kept in the result record) and fails the check when
the condition is false. ``not_applicable`` and ``manual`` end the check with that status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

import pytest

from capdo.checks.probe import Probe
from capdo.checks.targets import ServerTarget

NOT_APPLICABLE = "capdo:not_applicable:"
MANUAL = "capdo:manual:"


class CheckFailed(AssertionError):
    """A check's condition is false (the result is ``fail``, not ``error``)."""


@dataclass
class Evidence:
    expected: Any = None
    actual: Any = None
    detail: str | None = None


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

    def param(self, name: str, default: Any) -> Any:
        """The resolved catalogue parameter, or ``default`` when the organisation sets it."""
        value = self.target.params.get(name)
        return default if value is None else value

    def record(self, expected: Any, actual: Any, detail: str | None = None) -> None:
        self.evidence = Evidence(expected, actual, detail)

    def require(self, ok: bool, expected: Any, actual: Any, detail: str | None = None) -> None:
        """Record the evidence; fail the check unless ``ok``."""
        self.record(expected, actual, detail)
        if not ok:
            raise CheckFailed(f"expected {expected!r}, found {actual!r}")

    def not_applicable(self, reason: str) -> NoReturn:
        self.evidence = Evidence(self.evidence.expected, self.evidence.actual, reason)
        pytest.skip(NOT_APPLICABLE + reason)

    def manual(self, reason: str, expected: Any = None, actual: Any = None) -> NoReturn:
        self.evidence = Evidence(expected, actual, reason)
        pytest.skip(MANUAL + reason)

    def has_role(self, role: str) -> bool:
        return role in self.target.roles
