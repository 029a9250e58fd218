"""The check contract: what every checker (server, network, endpoint, estate, SCAP mapping)
is written against, and the one result record they all produce.

- :func:`requirement` names the requirement ids a check decides (the registry in
  ``checks/catalogue/registry.yml`` says whether its kind decides or corroborates);
- :func:`require` records expected vs actual and fails the check (``fail``, not ``error``)
  unless the condition holds;
- :func:`param` reads a threshold of the host's resolved parameters (catalogue after the
  organisation's policy) and has **no code default**: a value nobody set is
  :class:`ParameterMissing`, which a runner reports as ``not_reviewed`` with the reason;
- :class:`Evidence` and :class:`ResultRecord` are the compliance layer's own types.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

from capdo.compliance.catalogue_model import ParamValue
from capdo.compliance.results import Evidence, ResultRecord

__all__ = [
    "CheckFailed",
    "Checker",
    "Evidence",
    "ParameterMissing",
    "ResultRecord",
    "evidence",
    "param",
    "require",
    "requirement",
    "requirements_of",
]

REQUIREMENTS_ATTR = "__capdo_requirements__"
F = TypeVar("F", bound=Callable[..., Any])


class CheckFailed(AssertionError):
    """A check's condition is false: the result is ``fail`` with this evidence."""

    def __init__(self, found: Evidence) -> None:
        super().__init__(found.detail or f"expected {found.expected!r}, found {found.actual!r}")
        self.evidence = found


class ParameterMissing(LookupError):
    """The host's parameters have no value for a threshold (the organisation must set one)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
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
    """The evidence when ``ok`` holds; otherwise raise :class:`CheckFailed` with it."""
    found = evidence(expected, actual, detail)
    if not ok:
        raise CheckFailed(found)
    return found


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
