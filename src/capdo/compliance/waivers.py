"""Waivers: an approved, time-limited exception for one requirement on a scope.

A waiver applies to a (requirement, target) when the requirement id matches, the target
is in its scope (host id, system id, site id or group id), and ``today`` is between the
approval date and the expiry date (both inclusive). Expired waivers stop applying and
are reported as expired; a waiver that matches no evaluated target is reported too.
A waiver is *invalid* (never applies, reported) without a real approver (a name, not a
placeholder such as ``-``) or when it runs longer than the policy's maximum (default 36
months from approval). A parameter waiver excuses an organisation-wide value only when its
scope is the whole estate (``scope: {estate: true}``).
Waived results keep their original status next to the waiver id, so nothing is dropped.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from capdo.compliance.catalogue_model import RequirementId, Token
from capdo.compliance.problems import Problem

NonEmpty = Annotated[str, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WaiverScope(_Frozen):
    """Ids the waiver covers; a target matches if any list names it (at least one is needed)."""

    estate: bool = False
    systems: list[NonEmpty] = Field(default_factory=list)
    sites: list[NonEmpty] = Field(default_factory=list)
    hosts: list[NonEmpty] = Field(default_factory=list)
    groups: list[NonEmpty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> WaiverScope:
        if not (self.estate or self.systems or self.sites or self.hosts or self.groups):
            raise ValueError("scope needs estate: true or one of systems, sites, hosts, groups")
        return self

    def matches(
        self, target_id: str, systems: Iterable[str], site: str | None, groups: Iterable[str]
    ) -> bool:
        if self.estate or target_id in self.hosts or (site is not None and site in self.sites):
            return True
        if self.systems and not set(self.systems).isdisjoint(systems):
            return True
        return bool(self.groups) and not set(self.groups).isdisjoint(groups)


class Waiver(_Frozen):
    id: NonEmpty
    requirement_id: RequirementId
    parameter: Token | None = None
    scope: WaiverScope
    reason: NonEmpty
    approver: NonEmpty
    approved_on: date
    expires_on: date
    compensating_control: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> Waiver:
        if self.expires_on < self.approved_on:
            raise ValueError("expires_on is before approved_on")
        return self

    def state(self, today: date, max_months: int | None = None) -> WaiverState:
        if not real_approver(self.approver):
            return WaiverState.invalid
        if (
            max_months is not None
            and _months_between(self.approved_on, self.expires_on) > max_months
        ):
            return WaiverState.invalid
        if today < self.approved_on:
            return WaiverState.not_yet_valid
        if today > self.expires_on:
            return WaiverState.expired
        return WaiverState.active


class WaiverState(enum.StrEnum):
    active = "active"
    expired = "expired"
    not_yet_valid = "not_yet_valid"
    invalid = "invalid"


def _months_between(start: date, end: date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 31


def real_approver(name: str) -> bool:
    """A person or office, not a placeholder: at least two letters."""
    return sum(ch.isalpha() for ch in name) >= 2


class WaiverFile(_Frozen):
    """The waiver register file (``waivers:`` list)."""

    waivers: list[Waiver] = Field(default_factory=list)


def check_waiver_file(data: WaiverFile) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, waiver in enumerate(data.waivers):
        if waiver.id in seen:
            problems.append(
                Problem(("waivers", index, "id"), "compliance.waiver.dup", {"id": waiver.id})
            )
        seen.add(waiver.id)
    return problems


@dataclass(frozen=True, slots=True)
class WaiverUse:
    """How a waiver was used in one evaluation."""

    waiver: Waiver
    state: WaiverState
    matched: int
    applied: int

    @property
    def unmatched(self) -> bool:
        return self.matched == 0

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.waiver.id,
            "requirement_id": self.waiver.requirement_id,
            "state": self.state.value,
            "matched": self.matched,
            "applied": self.applied,
            "unmatched": self.unmatched,
            "approver": self.waiver.approver,
            "approved_on": self.waiver.approved_on.isoformat(),
            "expires_on": self.waiver.expires_on.isoformat(),
            "reason": self.waiver.reason,
            "compensating_control": self.waiver.compensating_control,
        }


@dataclass(frozen=True, slots=True)
class WaiverMatch:
    """The waiver that applies (active), and an expired one that would have applied."""

    active: Waiver | None
    expired: Waiver | None


_NO_MATCH = WaiverMatch(None, None)


@dataclass
class WaiverBook:
    """Waivers indexed by requirement id, counting matches for the report."""

    waivers: tuple[Waiver, ...]
    today: date
    max_months: int | None = None
    _by_requirement: dict[str, list[Waiver]] = field(init=False)
    _states: dict[str, WaiverState] = field(init=False)
    _matched: dict[str, int] = field(init=False)
    _applied: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self._by_requirement = defaultdict(list)
        for waiver in self.waivers:
            self._by_requirement[waiver.requirement_id].append(waiver)
        self._states = {w.id: w.state(self.today, self.max_months) for w in self.waivers}
        self._matched = dict.fromkeys((w.id for w in self.waivers), 0)
        self._applied = dict.fromkeys((w.id for w in self.waivers), 0)

    def has_any(self, requirement_id: str) -> bool:
        return requirement_id in self._by_requirement

    def match(
        self,
        requirement_id: str,
        target_id: str,
        systems: Iterable[str],
        site: str | None,
        groups: Iterable[str],
    ) -> WaiverMatch:
        candidates = self._by_requirement.get(requirement_id)
        if not candidates:
            return _NO_MATCH
        active: Waiver | None = None
        expired: Waiver | None = None
        for waiver in candidates:
            if waiver.parameter is not None:
                continue  # parameter waivers cover policy overrides, not check results
            if not waiver.scope.matches(target_id, systems, site, groups):
                continue
            self._matched[waiver.id] += 1
            state = self._states[waiver.id]
            if state is WaiverState.active and active is None:
                active = waiver
            elif state is WaiverState.expired and expired is None:
                expired = waiver
        return WaiverMatch(active, expired)

    def mark_applied(self, waiver: Waiver) -> None:
        self._applied[waiver.id] += 1

    def covering_parameter(self, requirement_id: str, parameter: str) -> Waiver | None:
        """An active estate-wide waiver for a weaker organisation value of ``parameter``.

        An organisation value applies to every system, so a waiver scoped to some hosts or
        systems cannot excuse it."""
        for waiver in self._by_requirement.get(requirement_id, []):
            if (
                waiver.parameter in (None, parameter)
                and waiver.scope.estate
                and self._states[waiver.id] is WaiverState.active
            ):
                self._matched[waiver.id] += 1
                self._applied[waiver.id] += 1
                return waiver
        return None

    def report(self) -> list[WaiverUse]:
        return [
            WaiverUse(w, self._states[w.id], self._matched[w.id], self._applied[w.id])
            for w in self.waivers
        ]
