"""The estate as the compliance layer sees it: systems and targets with levels and traits.

Traits switch conditional requirements on (``applies_when`` in the catalogue); here they are
derived from what the model says, so nobody tags a system by hand.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from capdo.compliance import SystemRef, Target
from capdo.inventory import EstateIndex, InformationSystem, TargetKind

COMPLIANCE_KIND: dict[TargetKind, str] = {
    "server": "server",
    "device": "network",
    "endpoint": "endpoint",
}
WEB_ROLES = frozenset({"web", "api-gateway", "sso", "portal"})
MAIL_ROLES = frozenset({"mail", "mail-gateway"})
MASS_USERS = 10_000


@dataclass(frozen=True)
class _EstateFacts:
    """What every system's traits look up, computed once per index (not once per system:
    that made the national estate quadratic)."""

    zone_kinds_by_site: dict[str, frozenset[str]]
    tslcd_devices: frozenset[str]


_FACTS: weakref.WeakKeyDictionary[EstateIndex, _EstateFacts] = weakref.WeakKeyDictionary()


def _facts(index: EstateIndex) -> _EstateFacts:
    facts = _FACTS.get(index)
    if facts is None:
        kinds: defaultdict[str, set[str]] = defaultdict(set)
        for zone in index.inventory.zones:
            kinds[zone.site].add(zone.kind)
        facts = _EstateFacts(
            zone_kinds_by_site={site: frozenset(k) for site, k in kinds.items()},
            tslcd_devices=frozenset(
                end.device
                for link in index.inventory.links
                if link.network == "tslcd"
                for end in (link.a, link.z)
                if end.device
            ),
        )
        _FACTS[index] = facts
    return facts


def zone_kinds_at(index: EstateIndex, sites: Iterable[str | None]) -> set[str]:
    """The kinds of the zones of ``sites`` (a lookup per site, not a scan of every zone)."""
    by_site = _facts(index).zone_kinds_by_site
    return {kind for site in sites if site is not None for kind in by_site.get(site, ())}


def _member_sites(index: EstateIndex, system_id: str) -> set[str]:
    sites = set()
    for name in index.members_of.get(system_id, ()):
        target = index.target(name)
        if target is not None:
            sites.add(target.obj.site)
    return sites


def system_traits(index: EstateIndex, system: InformationSystem) -> frozenset[str]:
    members = [index.target(n) for n in index.members_of.get(system.id, ())]
    server_roles = {
        r for t in members if t and t.kind == "server" for r in index.servers[t.name].roles
    }
    facts = _facts(index)
    if system.type == "shared-infrastructure":  # it owns the networks of its sites
        zone_kinds = zone_kinds_at(index, _member_sites(index, system.id))
    else:  # only the zones its own members sit in
        zone_kinds = {
            index.zones[t.obj.zone].kind for t in members if t and t.obj.zone in index.zones
        }
    info = set(system.information)
    traits = set()
    if server_roles & WEB_ROLES or system.type == "citizen-service":
        traits.add("web_application")
    if server_roles & MAIL_ROLES:
        traits.add("email_system")
    if "wireless" in zone_kinds:
        traits.add("wireless")
    if system.type == "shared-infrastructure":
        traits.add("shared_infrastructure")
        if "database" in server_roles:
            traits.add("central_database")
    if "state-secret" in info:
        traits.add("state_secret")
    if info & {"personal", "sensitive-personal"}:
        traits.add("personal_data")
        if max(system.users, system.data_subjects) >= MASS_USERS:
            traits.add("mass_personal_data")
    if system.type == "citizen-service" or "dmz" in zone_kinds:
        traits.add("internet_service")
    if system.hosting != "own":
        traits.add("leased_hosting")
    if "mcu" in server_roles or any(t and t.kind == "endpoint" for t in members):
        traits.add("vc_system")
    if any(t and t.kind == "device" and t.name in facts.tslcd_devices for t in members):
        traits.add("tslcd_connected")
    return frozenset(traits)


def compliance_systems(index: EstateIndex) -> list[SystemRef]:
    refs = []
    for system in index.inventory.systems:
        sites = sorted(_member_sites(index, system.id))
        refs.append(
            SystemRef(
                id=system.id,
                level=system.level.level,
                members=index.members_of.get(system.id, ()),
                traits=system_traits(index, system),
                site=sites[0] if len(sites) == 1 else None,
                owner=system.owner.vi,
            )
        )
    return refs


def tslcd_gateways(index: EstateIndex) -> frozenset[str]:
    """Devices at a data centre that end a TSLCD link: the province's gateway to the
    dedicated network, where WAN.02's two diverse channels apply (trait ``tslcd_backbone``)."""
    found = set()
    for link in index.inventory.links:
        if link.network != "tslcd":
            continue
        for end in (link.a, link.z):
            device = index.devices.get(end.device or "")
            site = index.sites.get(device.site) if device is not None else None
            if device is not None and site is not None and site.kind == "datacentre":
                found.add(device.name)
    return frozenset(found)


def _target_traits(
    index: EstateIndex, kind: TargetKind, name: str, gateways: frozenset[str]
) -> frozenset[str]:
    """Traits of one target: the TSLCD gateway (WAN.02), the central log store (SRV.19: the
    other servers forward their logs, SRV.18, and keep none long)."""
    traits = set()
    if name in gateways:
        traits.add("tslcd_backbone")
    if kind == "server" and "logserver" in index.servers[name].roles:
        traits.add("log_store")
    return frozenset(traits)


def compliance_targets(index: EstateIndex) -> list[Target]:
    targets = []
    gateways = tslcd_gateways(index)
    for target in index.targets():
        groups: Iterable[str] = ()
        if target.kind == "server":
            groups = index.servers[target.name].roles
        elif target.kind == "device":
            groups = (index.devices[target.name].role,)
        site = index.sites.get(target.obj.site)
        if site is not None:
            groups = (*groups, site.kind)  # waivers can name e.g. every commune at once
        targets.append(
            Target(
                id=target.name,
                kind=COMPLIANCE_KIND[target.kind],  # type: ignore[arg-type]
                level=index.level_of(target.name),
                systems=frozenset(index.systems_of.get(target.name, ())),
                site=target.obj.site,
                groups=frozenset(groups),
                traits=_target_traits(index, target.kind, target.name, gateways),
            )
        )
    return targets
