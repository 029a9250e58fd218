"""Design requirements the model shows: ARC.01 zoning, ARC.07 redundancy, ARC.19 DR site
(distance and redundant links), GOV.24 isolation of leased hosting."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from capdo.checks.contract import ParameterMissing, param, requirement
from capdo.compliance.results import ResultRecord
from capdo.estate_checks.registry import EstateContext
from capdo.exports.compliance_view import system_traits, zone_kinds_at
from capdo.inventory.model import Coordinates

ZONE_KINDS = {
    "internal": {"internal", "user"},
    "perimeter": {"perimeter", "wan"},
    "dmz": {"dmz"},
    "internal_servers": {"server"},
    "database_servers": {"database"},
    "wireless": {"wireless"},
    "management": {"management"},
    "device_management": {"device-management"},
}
"""Catalogue zone names → the inventory's zone kinds that provide them."""
CORE_ROLES = {"core", "firewall"}
MIN_DR_LINKS = 2
"""Redundant primary-DR connection: two links (TT12 Annex V II.1.b.xix, "dự phòng kết nối")."""
EARTH_RADIUS_KM = 6371.0


def _zone_kinds_of_system(ctx: EstateContext, system_id: str) -> set[str]:
    sites = {ctx.index.site_of(n) for n in ctx.index.members_of.get(system_id, ())}
    return zone_kinds_at(ctx.index, sites)


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _required_zones(ctx: EstateContext, level: int) -> list[str]:
    """The zones a system of ``level`` needs (none where its level does not select ARC.01)."""
    if not ctx.selected("ARC.01", level):
        return []
    return _names(param(ctx.params("device", level), "required_zones"))


@requirement("ARC.01")
def zoning(ctx: EstateContext) -> Iterator[ResultRecord]:
    """Each device's systems have the zones their level requires (wireless only where present)."""
    kinds_by_system = {s.id: _zone_kinds_of_system(ctx, s.id) for s in ctx.index.inventory.systems}
    for device in ctx.index.inventory.devices:
        level = ctx.index.level_of(device.name)
        if level is None or "ARC.01" not in ctx.host_requirements("device", level):
            continue
        try:
            required = _names(param(ctx.params("device", level), "required_zones"))
            wanted_by_system = {
                system_id: _required_zones(ctx, ctx.index.systems[system_id].level.level)
                for system_id in ctx.index.systems_of.get(device.name, ())
            }
        except ParameterMissing as missing_value:
            yield ctx.ended("ARC.01", device.name, "network", missing_value)
            continue
        missing: dict[str, list[str]] = {}
        for system_id, wanted in wanted_by_system.items():
            present = kinds_by_system.get(system_id, set())
            gaps = [
                z
                for z in wanted
                if not (ZONE_KINDS.get(z, {z}) & present)
                and not (z == "wireless" and "wireless" not in present)
            ]
            if gaps:
                missing[system_id] = gaps
        yield ctx.require(
            "ARC.01",
            device.name,
            "network",
            not missing,
            expected=required,
            actual={"missing_by_system": missing} if missing else "all present",
            detail="estate.arc01.missing-zones",
        )


@requirement("ARC.07")
def redundancy(ctx: EstateContext) -> Iterator[ResultRecord]:
    """Core switches and central firewalls come in redundancy groups of at least two."""
    groups: dict[str, list[str]] = defaultdict(list)
    for device in ctx.index.inventory.devices:
        if device.redundancy_group:
            groups[device.redundancy_group].append(device.name)
    for device in ctx.index.inventory.devices:
        level = ctx.index.level_of(device.name)
        if level is None or "ARC.07" not in ctx.host_requirements("device", level):
            continue
        if device.role not in CORE_ROLES:
            yield ctx.not_applicable("ARC.07", device.name, "network", "estate.arc07.not-core")
            continue
        peers = groups.get(device.redundancy_group or "", [])
        ok = len(peers) >= 2
        yield ctx.require(
            "ARC.07",
            device.name,
            "network",
            ok,
            expected={"redundancy_group_members": ">=2"},
            actual={"redundancy_group": device.redundancy_group, "members": sorted(peers)},
            detail="estate.arc07.single",
        )


def _distance_km(a: Coordinates, b: Coordinates) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _site_of_device(ctx: EstateContext, name: str | None) -> str | None:
    device = ctx.index.devices.get(name or "")
    return device.site if device is not None else None


def _links_between(ctx: EstateContext, one: set[str], other: set[str]) -> list[str]:
    """Ids of the links with one end at a site of ``one`` and the other at a site of ``other``."""
    found = []
    for link in ctx.index.inventory.links:
        ends = {_site_of_device(ctx, link.a.device), _site_of_device(ctx, link.z.device)}
        if ends & one and ends & other:
            found.append(link.id)
    return sorted(found)


@requirement("ARC.19")
def dr_site(ctx: EstateContext) -> Iterator[ResultRecord]:
    """At the levels that need it: a DR site at least the required distance from the data
    centre (first half) and at least two links between them (second half)."""
    sites = ctx.index.inventory.sites
    centres = [s for s in sites if s.kind == "datacentre" and s.status == "active"]
    dr_sites = [s for s in sites if s.kind == "dr-site" and s.status == "active"]
    for system in ctx.index.inventory.systems:
        level = system.level.level
        if not ctx.selected("ARC.19", level):
            continue
        try:
            minimum = param(ctx.params("server", level), "dr_site_distance_km")
        except ParameterMissing as missing_value:
            yield ctx.ended("ARC.19", system.id, "system", missing_value)
            continue
        expected = {"dr_site_distance_km": minimum, "primary_dr_links": MIN_DR_LINKS}
        if not dr_sites:
            yield ctx.require(
                "ARC.19",
                system.id,
                "system",
                False,
                expected=expected,
                actual={"dr_sites": []},
                detail="estate.arc19.no-dr-site",
            )
            continue
        best: float | None = None
        for centre in centres:
            for dr in dr_sites:
                if centre.coordinates and dr.coordinates:
                    d = _distance_km(centre.coordinates, dr.coordinates)
                    best = d if best is None else max(best, d)
        links = _links_between(ctx, {c.id for c in centres}, {d.id for d in dr_sites})
        far_enough = best is not None and isinstance(minimum, int | float) and best >= minimum
        linked = len(links) >= MIN_DR_LINKS
        detail = None
        if best is None:
            detail = "estate.arc19.no-dr-coordinates"
        elif not far_enough:
            detail = "estate.arc19.too-close"
        elif not linked:
            detail = "estate.arc19.links"
        yield ctx.require(
            "ARC.19",
            system.id,
            "system",
            far_enough and linked,
            expected=expected,
            actual={
                "dr_sites": sorted(d.id for d in dr_sites),
                "dr_site_distance_km": None if best is None else round(best, 1),
                "primary_dr_links": links,
            },
            detail=detail,
        )


@requirement("GOV.24")
def leased_isolation(ctx: EstateContext) -> Iterator[ResultRecord]:
    """A system in a leased data centre or cloud has zones of its own (logical separation)."""
    for system in ctx.index.inventory.systems:
        if "leased_hosting" not in system_traits(ctx.index, system):
            continue
        if not ctx.selected("GOV.24", system.level.level):
            continue
        members = ctx.index.members_of.get(system.id, ())
        zones = {ctx.index.zone_of(n) for n in members}
        others = {
            ctx.index.zone_of(n)
            for other, names in ctx.index.members_of.items()
            if other != system.id
            for n in names
        }
        shared = sorted(z for z in zones & others if z is not None)
        yield ctx.require(
            "GOV.24",
            system.id,
            "system",
            not shared,
            expected={"zones_shared_with_other_systems": []},
            actual={"zones_shared_with_other_systems": shared},
            detail="estate.gov24.shared-zones",
        )
