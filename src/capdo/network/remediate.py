"""Remediation and rollback per device (hier_config v3), and a summary across the estate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hier_config import Platform, WorkflowRemediation, get_hconfig

from capdo.network.platforms import PlatformInfo


@dataclass(frozen=True)
class Remediation:
    lines: tuple[str, ...]
    """Commands that take the running configuration to the intended one (indented)."""
    rollback: tuple[str, ...]
    """Commands that take it back."""

    @property
    def empty(self) -> bool:
        return not self.lines


# what a physical interface shows once defaulted (nothing else configured on it)
DEFAULTED_INTERFACE = frozenset(
    {"no ip address", "shutdown", "no shutdown", "undo shutdown", "negotiation auto"}
)


def remediation(info: PlatformInfo, running: str, intended: str) -> Remediation:
    """Both sides read as the device prints them, with unmanaged lines and the platform's
    default lines dropped; physical interfaces are defaulted, never removed."""
    platform = Platform[info.hier_config.upper()]
    current = get_hconfig(platform, info.managed(running))
    wanted = get_hconfig(platform, info.managed(intended))
    _forget_defaulted_ports(info, current, wanted)
    flow = WorkflowRemediation(current, wanted)
    lines = _default_ports(info, flow.remediation_config.dump_simple())
    rollback = _default_ports(info, flow.rollback_config.dump_simple())
    if info.name == "fortinet":
        lines, rollback = fortios_exits(lines), fortios_exits(rollback)
    return Remediation(lines=lines, rollback=rollback)


def fortios_exits(lines: Iterable[str]) -> tuple[str, ...]:
    """FortiOS closes every ``config`` section with ``end`` and every ``edit`` entry with
    ``next`` (the reader drops them; a push must type them, at the section's indentation)."""
    out: list[str] = []
    open_sections: list[tuple[int, str]] = []

    def close(depth: int) -> None:
        while open_sections and open_sections[-1][0] >= depth:
            indent, head = open_sections.pop()
            out.append(" " * indent + ("next" if head.startswith("edit ") else "end"))

    for line in lines:
        depth = len(line) - len(line.lstrip(" "))
        close(depth)
        out.append(line)
        head = line.strip()
        if head.startswith(("config ", "edit ")):
            open_sections.append((depth, head))
    close(0)
    return tuple(out)


def _forget_defaulted_ports(info: PlatformInfo, current: Any, wanted: Any) -> None:
    """A physical port the intended config does not name is left alone when it is already
    at its defaults: the hardware keeps it, so "removing" it would never converge."""
    if info.physical is None:
        return
    for child in list(current.children):
        if not info.physical.search(child.text) or wanted.get_child(equals=child.text):
            continue
        if all(k.text in DEFAULTED_INTERFACE for k in child.children):
            child.delete()


def _default_ports(info: PlatformInfo, lines: Iterable[str]) -> tuple[str, ...]:
    """``no interface Gi0/0`` (which a device rejects for hardware) → ``default interface``
    (IOS) / ``clear configuration interface`` (VRP)."""
    negation = "undo " if info.name.startswith("huawei") else "no "
    reset = "clear configuration " if info.name.startswith("huawei") else "default "
    out: list[str] = []
    for line in lines:
        target = line[len(negation) :] if line.startswith(negation) else None
        if info.physical is not None and target and info.physical.search(target):
            out.append(reset + target)
        else:
            out.append(line)
    return tuple(out)


def changes(lines: Iterable[str]) -> list[str]:
    """Each leaf change with its sections: ``line vty 0 4 > transport input ssh``."""
    stack: list[tuple[int, str]] = []
    leaves: list[str] = []
    pending: list[str] = []
    for line in lines:
        depth = len(line) - len(line.lstrip(" "))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        text = " > ".join([*(s for _, s in stack), line.strip()])
        if pending and pending[-1] == " > ".join(s for _, s in stack):
            pending.pop()
        pending.append(text)
        stack.append((depth, line.strip()))
        leaves.extend(pending[:-1])
        pending = pending[-1:]
    leaves.extend(pending)
    return leaves


@dataclass
class EstateSummary:
    """Which change applies to how many devices."""

    counts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, device: str, remediation_lines: Iterable[str]) -> None:
        for change in dict.fromkeys(changes(remediation_lines)):
            self.counts[change].append(device)

    def rows(self) -> list[tuple[str, int, list[str]]]:
        ordered = sorted(self.counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [(change, len(devices), sorted(devices)) for change, devices in ordered]
