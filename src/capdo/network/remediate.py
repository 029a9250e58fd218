"""Remediation and rollback per device (hier_config v3), and a summary across the estate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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


def remediation(info: PlatformInfo, running: str, intended: str) -> Remediation:
    """Both sides read with unmanaged lines and display noise dropped."""
    platform = Platform[info.hier_config.upper()]
    current = get_hconfig(platform, info.managed(running))
    wanted = get_hconfig(platform, info.managed(intended))
    flow = WorkflowRemediation(current, wanted)
    return Remediation(
        lines=tuple(flow.remediation_config.dump_simple()),
        rollback=tuple(flow.rollback_config.dump_simple()),
    )


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
