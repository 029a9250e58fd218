"""The inventory's description of systems and hosts, as the report shows them.

Levels, members and traits for the evaluation come from the shared pipeline
(:mod:`capdo.exports.compliance_view`, used by :func:`capdo.assessment.assess`); this module
only turns the model into the report's :class:`SystemInfo` and :class:`TargetInfo`.
"""

from __future__ import annotations

from capdo.inventory import (
    Endpoint,
    EstateIndex,
    Inventory,
    Localized,
    NetworkDevice,
    Server,
    TargetObject,
)
from capdo.reports.data import SystemInfo, TargetInfo
from capdo.reports.text import Text

HOST_KIND = {"server": "server", "device": "network", "endpoint": "endpoint"}


def text(value: Localized | None) -> Text | None:
    return None if value is None else Text(value.vi, value.en)


def _text(value: Localized) -> Text:
    return Text(value.vi, value.en)


def describe(obj: TargetObject) -> str:
    """Operating system; platform and model; or vendor, model and firmware."""
    if isinstance(obj, Server):
        return f"{obj.os.family} {obj.os.version}"
    if isinstance(obj, NetworkDevice):
        return " ".join(x for x in (obj.platform, obj.model or "") if x)
    assert isinstance(obj, Endpoint)
    return f"{obj.vendor} {obj.model} {obj.firmware}"


def system_infos(inventory: Inventory, index: EstateIndex) -> dict[str, SystemInfo]:
    members = index.members_of
    return {
        system.id: SystemInfo(
            id=system.id,
            name=_text(system.name),
            owner=_text(system.owner),
            operator=_text(system.operator),
            level=system.level.level,
            level_status=system.level.status,
            decision=system.level.decision,
            decision_date=system.level.date,
            type=system.type,
            scope=system.scope,
            information=tuple(system.information),
            users=system.users,
            data_subjects=system.data_subjects,
            description=text(system.description),
            members=members.get(system.id, ()),
        )
        for system in inventory.systems
    }


def target_infos(index: EstateIndex) -> dict[str, TargetInfo]:
    infos: dict[str, TargetInfo] = {}
    for item in index.targets():
        obj = item.obj
        site = index.sites.get(obj.site)
        infos[obj.name] = TargetInfo(
            id=obj.name,
            kind=HOST_KIND[item.kind],
            site=obj.site,
            site_name=_text(site.name) if site else None,
            zone=obj.zone,
            address=str(obj.address),
            description=describe(obj),
            systems=index.systems_of.get(obj.name, ()),
        )
    return infos
