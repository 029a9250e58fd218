"""A firewall's security policy read from its configuration tree (FortiOS and Huawei USG).

FortiOS: ``config firewall policy`` → ``edit N`` → ``set srcintf/dstintf/dstaddr/service/
action/logtraffic/ips-sensor/av-profile``; the signature updates in ``config system autoupdate
schedule``. USG: ``security-policy`` → ``rule name X`` → ``source-zone``, ``destination-zone``,
``destination-address``, ``service``, ``profile ips|av``, ``policy logging``, ``action``; the
updates in ``update schedule ips-sdb|av-sdb enable``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    name: str
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    addresses: tuple[str, ...]
    """Destination addresses; ``("all",)`` or empty means any."""
    services: tuple[str, ...]
    """``("ALL",)`` or empty means any."""
    action: str
    logged: bool
    ips: bool
    av: bool

    @property
    def any_destination(self) -> bool:
        return not self.addresses or "all" in self.addresses

    @property
    def any_service(self) -> bool:
        return not self.services or "ALL" in self.services

    @property
    def catch_all(self) -> bool:
        return (
            (not self.sources or "any" in self.sources)
            and (not self.destinations or "any" in self.destinations)
            and self.any_destination
            and self.any_service
        )


def _words(value: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(value))
    except ValueError:
        return tuple(value.split())


def _section(tree: Any, text: str) -> Any:
    return next((c for c in tree.children if c.text == text), None)


def read_rules(platform: str, tree: Any) -> list[Rule]:
    if platform == "fortinet":
        return _fortios(tree)
    return _usg(tree)


def _fortios(tree: Any) -> list[Rule]:
    section = _section(tree, "config firewall policy")
    rules: list[Rule] = []
    for entry in section.children if section is not None else ():
        values: dict[str, tuple[str, ...]] = {}
        for child in entry.children:
            words = child.text.split(maxsplit=2)
            if len(words) == 3 and words[0] == "set":
                values[words[1]] = _words(words[2])
        rules.append(
            Rule(
                name=" ".join(values.get("name", (entry.text,))),
                sources=values.get("srcintf", ()),
                destinations=values.get("dstintf", ()),
                addresses=values.get("dstaddr", ()),
                services=values.get("service", ()),
                action=(values.get("action") or ("deny",))[0],
                logged=(values.get("logtraffic") or ("utm",))[0] == "all",
                ips="ips-sensor" in values,
                av="av-profile" in values,
            )
        )
    return rules


def _usg(tree: Any) -> list[Rule]:
    section = _section(tree, "security-policy")
    rules: list[Rule] = []
    for entry in section.children if section is not None else ():
        if not entry.text.startswith("rule name "):
            continue
        kids = [c.text for c in entry.children]

        def values(key: str, kids: list[str] = kids) -> tuple[str, ...]:
            return tuple(k[len(key) + 1 :].split()[-1] for k in kids if k.startswith(key + " "))

        action = values("action")
        rules.append(
            Rule(
                name=entry.text[len("rule name ") :],
                sources=values("source-zone"),
                destinations=values("destination-zone"),
                addresses=values("destination-address"),
                services=values("service"),
                action="accept" if action[:1] == ("permit",) else "deny",
                logged="policy logging" in kids,
                ips=any(k.startswith("profile ips ") for k in kids),
                av=any(k.startswith("profile av ") for k in kids),
            )
        )
    return rules


def updates_scheduled(platform: str, tree: Any) -> list[str]:
    """What is missing for signatures to update on a schedule (empty: all scheduled)."""
    if platform == "fortinet":
        section = _section(tree, "config system autoupdate schedule")
        kids = [c.text for c in section.children] if section is not None else []
        return [] if "set status enable" in kids else ["config system autoupdate schedule"]
    lines = {c.text for c in tree.children}
    wanted = ("update schedule ips-sdb enable", "update schedule av-sdb enable")
    return [w for w in wanted if w not in lines]
