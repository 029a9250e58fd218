"""Who may log in to a device: the ACL on its vty lines, read by keyword.

Shared by the NET.11/ARC.02 audit and by the push guard that refuses a config whose
management ACL would lock the controller out. IOS: ``access-class NAME in`` on ``line vty``
(named standard/extended or numbered ACL); VRP: ``acl N inbound`` on ``user-interface vty``
(``acl number N`` / ``acl N`` / ``acl name X N``, basic or advanced rules). ``out`` /
``outbound`` filter sessions started *from* the device and do not limit who logs in.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

PROTOCOLS = frozenset(
    {"ip", "tcp", "udp", "icmp", "gre", "esp", "ahp", "ospf", "pim", "igmp", "eigrp"}
)
ANY = ipaddress.IPv4Network("0.0.0.0/0")


@dataclass(frozen=True)
class VtyAccess:
    vtys: tuple[str, ...]
    unguarded: tuple[str, ...]
    rules: tuple[str, ...]
    """Rules of the inbound ACLs, in order."""


def _sections(tree: Any, pattern: str) -> dict[str, list[str]]:
    return {
        c.text: [k.text for k in c.children] for c in tree.children if re.search(pattern, c.text)
    }


def _inbound(line: str, guard: str, direction: str) -> bool:
    words = line.split()
    return line.startswith(guard) and len(words) > 2 and words[2] == direction


def vty_access(platform: str, tree: Any) -> VtyAccess:
    if platform == "cisco_ios":
        vtys, guard, direction = _sections(tree, r"^line vty"), "access-class ", "in"
    else:
        vtys, guard, direction = _sections(tree, r"^user-interface vty"), "acl ", "inbound"
    names: list[str] = []
    unguarded: list[str] = []
    for vty, kids in vtys.items():
        found = [k.split()[1] for k in kids if _inbound(k, guard, direction)]
        names += [n for n in found if n not in names]
        if not found:
            unguarded.append(vty)
    rules = [r for name in names for r in acl_rules(platform, tree, name)]
    return VtyAccess(tuple(vtys), tuple(unguarded), tuple(rules))


def acl_rules(platform: str, tree: Any, name: str) -> list[str]:
    """Rules of a named or numbered ACL, in the order the device applies them."""
    if platform == "cisco_ios":
        rules: list[str] = []
        for kind in ("standard", "extended"):
            rules += _sections(tree, f"^ip access-list {kind} {re.escape(name)}$").get(
                f"ip access-list {kind} {name}", []
            )
        rules += [
            " ".join(c.text.split()[2:])
            for c in tree.children
            if c.text.startswith(f"access-list {name} ")
        ]
        return rules
    found: list[tuple[int, str]] = []
    for head, kids in _sections(tree, r"^acl ").items():
        if name in head.split()[1:]:
            found += [(_rule_number(k), k) for k in kids if k.startswith("rule ")]
    return [rule for _, rule in sorted(found, key=lambda item: item[0])]


def _rule_number(rule: str) -> int:
    words = rule.split()
    return int(words[1]) if len(words) > 1 and words[1].isdigit() else 0


def rule_match(rule: str) -> tuple[str, ipaddress.IPv4Network] | None:
    """(``permit``/``deny``, source network) of one rule, read by keyword: ``[10] permit A W``
    (standard), ``permit tcp A W any eq 22`` (extended), ``rule 5 permit [tcp] source A W``
    (VRP), ``host A``, ``any``; None for a remark or an unreadable rule."""
    words = rule.split()
    action = next((w for w in words if w in ("permit", "deny")), None)
    if action is None:
        return None
    rest = words[words.index(action) + 1 :]
    if "source" in rest:
        rest = rest[rest.index("source") + 1 :]
    elif action == "deny" and len(words) > 2 and words[0] == "rule" and not rest:
        return action, ANY
    elif rest and (rest[0] in PROTOCOLS or rest[0].isdigit()):
        rest = rest[1:]  # extended ACL: the protocol comes before the source
    if not rest or rest[0] in ("any", "destination", "log", "vpn-instance", "time-range"):
        return action, ANY
    if rest[0] == "host" and len(rest) > 1:
        return action, ipaddress.IPv4Network(f"{rest[1]}/32")
    try:
        address = ipaddress.IPv4Address(rest[0])
    except ValueError:
        return None  # an object group: not read here
    if len(rest) > 1 and re.fullmatch(r"[\d.]+", rest[1]) and rest[1] != "0":
        return action, ipaddress.IPv4Network(f"{address}/{rest[1]}", strict=False)
    return action, ipaddress.IPv4Network(f"{address}/32")


def permitted_sources(rules: tuple[str, ...] | list[str]) -> list[ipaddress.IPv4Network]:
    out: list[ipaddress.IPv4Network] = []
    for rule in rules:
        match = rule_match(rule)
        if match is not None and match[0] == "permit":
            out.append(match[1])
    return out


def admits(platform: str, tree: Any, address: ipaddress.IPv4Address) -> bool:
    """True when every vty lets ``address`` log in (first matching rule decides; an ACL ends
    with an implicit deny; a vty with no inbound ACL admits everyone)."""
    access = vty_access(platform, tree)
    if not access.vtys:
        return True
    if access.unguarded:
        return True
    for rule in access.rules:
        match = rule_match(rule)
        if match is not None and address in match[1]:
            return match[0] == "permit"
    return False
