"""Access control between zones and from outside, intrusion prevention and anti-malware,
signature updates: read from the firewall's policy (FortiOS, Huawei USG).

A router or switch does not decide these: its record is ``not_applicable`` naming the
firewalls that do; with no firewall in the estate it is ``fail``."""

from __future__ import annotations

from capdo.checks.contract import not_applicable, require, requirement
from capdo.network.audit import AuditTarget
from capdo.network.firewall import INTERNET, WAN
from capdo.network.policy_read import Rule, read_rules, updates_scheduled

FIREWALLS = frozenset({"fortinet", "huawei_usg"})


def _rules(device: AuditTarget) -> list[Rule]:
    if device.platform not in FIREWALLS:
        firewalls = sorted(
            d.name
            for d in device.estate.inventory.devices
            if d.role == "firewall" and d.platform in FIREWALLS
        )
        require(
            firewalls,
            expected="a firewall (FortiOS or USG) with a zone policy",
            actual=None,
            detail="no firewall in the estate enforces this",
        )
        not_applicable(f"decided on the firewall: {', '.join(firewalls)}")
    return read_rules(device.platform, device.config)


def _default_deny(rules: list[Rule]) -> list[str]:
    last = rules[-1] if rules else None
    if last is None or last.action != "deny" or not last.catch_all:
        return ["a last rule that denies everything"]
    if not last.logged:
        return ["logging on the default deny"]
    return []


@requirement("NET.01")
def test_outside_access_default_deny_published_only(device: AuditTarget) -> None:
    rules = _rules(device)
    published = {
        (f["destination"], tuple(a["name"] for a in f["addresses"]), tuple(f["services"]))
        for f in device.view["firewall"]["flows"]
        if f["source"] == INTERNET
    }
    bad = [
        r.name
        for r in rules
        if r.action == "accept"
        and INTERNET in r.sources
        and (
            r.any_destination
            or r.any_service
            or (*r.destinations[:1], r.addresses, r.services) not in published
        )
    ]
    missing = _default_deny(rules)
    require(
        not bad and not missing,
        expected=missing or [f"{d} {list(a)} {list(s)}" for d, a, s in sorted(published)],
        actual=bad,
        detail="access from the Internet not limited to the published services",
    )


@requirement("NET.02")
def test_zones_separated_egress_controlled(device: AuditTarget) -> None:
    rules = _rules(device)
    any_any = [
        r.name for r in rules if r.action == "accept" and r.any_destination and r.any_service
    ]
    open_egress = [
        r.name
        for r in rules
        if r.action == "accept" and INTERNET in r.destinations and r.any_service
    ]
    unlogged = [r.name for r in rules if not r.logged]
    missing = _default_deny(rules)
    require(
        not any_any and not open_egress and not unlogged and not missing,
        expected=missing,
        actual={"any-any": any_any, "open egress": open_egress, "not logged": unlogged},
        detail="traffic between zones or to the Internet not restricted",
    )


def _exposed(device: AuditTarget, rules: list[Rule]) -> list[Rule]:
    """Accepting rules that carry traffic from outside the site's trust: from the Internet,
    the WAN or a user zone, or towards the Internet (a firewall that admits none, behind its
    default deny, has nothing to inspect)."""
    users = {z["id"] for z in device.view["firewall"]["zones"] if z["kind"] == "user"}
    untrusted = {INTERNET, WAN} | users
    return [
        r
        for r in rules
        if r.action == "accept" and (untrusted & set(r.sources) or INTERNET in r.destinations)
    ]


@requirement("NET.07")
def test_intrusion_prevention_on_exposed_flows(device: AuditTarget) -> None:
    exposed = _exposed(device, _rules(device))
    bare = [r.name for r in exposed if not r.ips]
    require(
        not bare,
        expected="an IPS profile on every rule from the Internet, the WAN or users",
        actual=bare,
        detail="flows from outside not inspected by intrusion prevention",
    )


@requirement("NET.08")
def test_anti_malware_on_exposed_flows(device: AuditTarget) -> None:
    exposed = _exposed(device, _rules(device))
    bare = [r.name for r in exposed if not r.av]
    require(
        not bare,
        expected="an anti-malware profile on every rule from the Internet, the WAN or users",
        actual=bare,
        detail="flows from outside not scanned for malware",
    )


@requirement("NET.18")
def test_signatures_update_on_schedule(device: AuditTarget) -> None:
    _rules(device)
    missing = updates_scheduled(device.platform, device.config)
    require(
        not missing,
        expected=missing,
        actual=None,
        detail="IPS and anti-malware signatures do not update on a schedule",
    )
