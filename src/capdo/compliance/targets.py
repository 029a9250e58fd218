"""Input types the inventory side feeds to the evaluation (no import of capdo.inventory).

A :class:`Target` is one checked thing (a server, a network device, a video-conference
endpoint); a :class:`SystemRef` is an information system with its approved level and
member target ids. Requirements checked by a person or against the inventory/dossier
are evaluated on the system itself (target kind ``system``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from capdo.compliance.catalogue_model import CheckKind

TargetKind = Literal["server", "network", "endpoint", "system"]
TARGET_KINDS: Final[tuple[TargetKind, ...]] = ("server", "network", "endpoint", "system")

#: Which kind of target produces the result of a requirement's check.
CHECK_TARGET_KIND: Final[dict[CheckKind, TargetKind]] = {
    CheckKind.server: "server",
    CheckKind.scap: "server",
    CheckKind.network: "network",
    CheckKind.endpoint: "endpoint",
    CheckKind.inventory: "system",
    CheckKind.manual: "system",
}


@dataclass(frozen=True, slots=True)
class Target:
    """A host-like target.

    ``level`` is optional: the effective level is the highest of ``level`` and the levels
    of the systems the target belongs to (the highest level applies, ND85 Art. 5.2).
    ``traits`` are added to the traits of its systems when a requirement has
    ``applies_when``.
    """

    id: str
    kind: Literal["server", "network", "endpoint"]
    level: int | None = None
    systems: frozenset[str] = field(default_factory=frozenset)
    site: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    traits: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class SystemRef:
    """An information system at its (approved or proposed) level, with member target ids."""

    id: str
    level: int
    members: tuple[str, ...] = ()
    traits: frozenset[str] = field(default_factory=frozenset)
    site: str | None = None
    owner: str | None = None
    """The owner's name, for evidence that covers every system of one owner."""
