"""The check contract: what every checker (server, network, endpoint, estate, SCAP mapping)
is written against, and the one result record they all produce.

- :func:`requirement` names the requirement ids a check decides (the registry in
  ``checks/catalogue/registry.yml`` says whether its kind decides or corroborates);
- :func:`require` records expected vs actual and fails the check (``fail``, not ``error``)
  unless the condition holds;
- :func:`param` reads a threshold of the host's resolved parameters (catalogue after the
  organisation's policy) and has **no code default**: a value nobody set is
  :class:`ParameterMissing`, which a runner reports as ``not_reviewed`` with the reason;
- :func:`not_applicable`, :func:`not_reviewed` and :func:`undecided` end a check with that
  status (``undecided`` is ``error``: the check ran and could not decide);
- :func:`outcome` is the one mapping from how a check ended to its status and evidence;
- :class:`Evidence` and :class:`ResultRecord` are the compliance layer's own types.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, NoReturn, Protocol, TypeVar, runtime_checkable

from capdo.compliance import Evidence, ParamValue, ResultRecord, Status

__all__ = [
    "CheckEnded",
    "CheckFailed",
    "Checker",
    "Evidence",
    "ParameterMissing",
    "ResultRecord",
    "evidence",
    "not_applicable",
    "not_reviewed",
    "outcome",
    "param",
    "recording",
    "require",
    "requirement",
    "requirements_of",
    "undecided",
]

REQUIREMENTS_ATTR = "__capdo_requirements__"
_RECORDED: ContextVar[list[Evidence] | None] = ContextVar("capdo_recorded", default=None)
F = TypeVar("F", bound=Callable[..., Any])


class CheckFailed(AssertionError):
    """A check's condition is false: the result is ``fail`` with this evidence."""

    def __init__(self, found: Evidence) -> None:
        super().__init__(found.detail or f"expected {found.expected!r}, found {found.actual!r}")
        self.evidence = found


Ending = Literal["not_applicable", "not_reviewed", "error"]


class CheckEnded(Exception):
    """A check ended without a finding: ``not_applicable``, ``not_reviewed`` (a person must
    decide) or ``error`` (it ran and could not decide), with the evidence it had."""

    def __init__(self, status: Ending, found: Evidence) -> None:
        super().__init__(found.detail or status)
        self.status: Ending = status
        self.evidence = found


class ParameterMissing(CheckEnded, LookupError):
    """The host's parameters have no value for a threshold (the organisation must set one):
    the check ends ``not_reviewed``."""

    def __init__(self, name: str) -> None:
        super().__init__(
            "not_reviewed",
            Evidence(
                expected={name: "a value"},
                detail=f"parameter {name} has no value at this level: the organisation sets "
                "it in policy/<regime>.yml",
            ),
        )
        self.name = name


@runtime_checkable
class Checker(Protocol):
    """A checker: given its context, the result records of the requirements it checks."""

    def __call__(self, context: Any, /) -> Iterable[ResultRecord]: ...


def _jsonable(value: object) -> Any:
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return str(value)


def evidence(expected: object = None, actual: object = None, detail: str | None = None) -> Evidence:
    """Evidence from any values (sets, tuples, paths... become their JSON form)."""
    return Evidence(expected=_jsonable(expected), actual=_jsonable(actual), detail=detail)


def require(ok: object, *, expected: object, actual: object, detail: str | None = None) -> Evidence:
    """The evidence (expected, actual) when ``ok`` holds; otherwise raise :class:`CheckFailed`
    with it and ``detail``, which says what the failure means (a message key or text)."""
    if not ok:
        raise CheckFailed(evidence(expected, actual, detail))
    found = evidence(expected, actual)
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.append(found)
    return found


@contextmanager
def recording() -> Iterator[list[Evidence]]:
    """The evidence of every ``require`` that held while the block ran (a runner whose checks
    return nothing, pytest's, keeps the last one as the evidence of a pass)."""
    found: list[Evidence] = []
    token = _RECORDED.set(found)
    try:
        yield found
    finally:
        _RECORDED.reset(token)


def not_applicable(reason: str, *, expected: object = None, actual: object = None) -> NoReturn:
    """End the check: the requirement does not apply to this target (``reason`` says why)."""
    raise CheckEnded("not_applicable", evidence(expected, actual, reason))


def not_reviewed(reason: str, *, expected: object = None, actual: object = None) -> NoReturn:
    """End the check: a machine cannot decide this here, a person must review it."""
    raise CheckEnded("not_reviewed", evidence(expected, actual, reason))


def undecided(reason: str, *, expected: object = None, actual: object = None) -> NoReturn:
    """End the check as ``error``: it ran and could not decide (unreachable, unreadable...)."""
    raise CheckEnded("error", evidence(expected, actual, reason))


def outcome(ended: BaseException | None, found: Evidence | None = None) -> tuple[Status, Evidence]:
    """The status and evidence of a check that returned (``ended`` None: ``pass`` with the
    evidence it returned) or raised: :class:`CheckFailed` → ``fail``, :class:`CheckEnded` →
    its status, anything else → ``error`` naming the exception."""
    if ended is None:
        return "pass", found if found is not None else Evidence()
    if isinstance(ended, CheckFailed):
        return "fail", ended.evidence
    if isinstance(ended, CheckEnded):
        return ended.status, ended.evidence
    message = str(ended).strip().splitlines()[0][:300] if str(ended).strip() else ""
    return "error", Evidence(detail=f"{type(ended).__name__}: {message}".rstrip(": "))


def param(params: Mapping[str, ParamValue | None], name: str) -> ParamValue:
    """The threshold ``name``; :class:`ParameterMissing` when nobody set it (no code default)."""
    value = params.get(name)
    if value is None:
        raise ParameterMissing(name)
    return value


def requirement(*ids: str) -> Callable[[F], F]:
    """Mark a check with the requirement ids it checks (also as a pytest mark for pytest
    checks, so ``checks/server`` and ``checks/network`` keep their runners)."""
    if not ids:
        raise ValueError("a check names at least one requirement id")

    def mark(function: F) -> F:
        setattr(function, REQUIREMENTS_ATTR, tuple(ids))
        import pytest  # noqa: PLC0415 (only pytest checks need the mark)

        return pytest.mark.requirement(*ids)(function)  # type: ignore[no-any-return]

    return mark


def requirements_of(function: object) -> tuple[str, ...]:
    """The requirement ids a check was marked with (empty when none)."""
    found = getattr(function, REQUIREMENTS_ATTR, ())
    return tuple(found) if isinstance(found, tuple) else ()
