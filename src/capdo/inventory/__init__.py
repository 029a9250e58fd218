"""The declarative estate: the model (:mod:`~capdo.inventory.model`, frozen pydantic), the
loader, the validation rules with file:line findings and :class:`EstateIndex` (levels, members).

Other packages import from here (``from capdo.inventory import Inventory, load_estate``); the
names are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.inventory.dot import wan_graph
    from capdo.inventory.findings import Finding, Origin
    from capdo.inventory.index import EstateIndex, Target, TargetKind, TargetObject
    from capdo.inventory.levels import minimum_level
    from capdo.inventory.loader import COLLECTIONS
    from capdo.inventory.management import CENTRAL_SITE_KINDS
    from capdo.inventory.model import (
        FIREWALL_SERVICES,
        Coordinates,
        Credential,
        DeviceRole,
        Endpoint,
        Estate,
        FirewallPolicy,
        InformationSystem,
        InformationType,
        Inventory,
        LevelDecision,
        Link,
        LinkEnd,
        Localized,
        NetworkDevice,
        Platform,
        Regime,
        SecretRef,
        Server,
        Site,
        Slug,
        SystemScope,
        SystemType,
        Vlan,
    )
    from capdo.inventory.strings import banner_problem, describe_char, unsafe_char
    from capdo.inventory.validate import load_estate

_WHERE = {
    "wan_graph": "dot",
    "Finding": "findings",
    "Origin": "findings",
    "EstateIndex": "index",
    "Target": "index",
    "TargetKind": "index",
    "TargetObject": "index",
    "minimum_level": "levels",
    "COLLECTIONS": "loader",
    "CENTRAL_SITE_KINDS": "management",
    "FIREWALL_SERVICES": "model",
    "Coordinates": "model",
    "Credential": "model",
    "DeviceRole": "model",
    "Endpoint": "model",
    "Estate": "model",
    "FirewallPolicy": "model",
    "InformationSystem": "model",
    "InformationType": "model",
    "Inventory": "model",
    "LevelDecision": "model",
    "Link": "model",
    "LinkEnd": "model",
    "Localized": "model",
    "NetworkDevice": "model",
    "Platform": "model",
    "Regime": "model",
    "SecretRef": "model",
    "Server": "model",
    "Site": "model",
    "Slug": "model",
    "SystemScope": "model",
    "SystemType": "model",
    "Vlan": "model",
    "banner_problem": "strings",
    "describe_char": "strings",
    "unsafe_char": "strings",
    "load_estate": "validate",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "CENTRAL_SITE_KINDS",
    "COLLECTIONS",
    "FIREWALL_SERVICES",
    "Coordinates",
    "Credential",
    "DeviceRole",
    "Endpoint",
    "Estate",
    "EstateIndex",
    "Finding",
    "FirewallPolicy",
    "InformationSystem",
    "InformationType",
    "Inventory",
    "LevelDecision",
    "Link",
    "LinkEnd",
    "Localized",
    "NetworkDevice",
    "Origin",
    "Platform",
    "Regime",
    "SecretRef",
    "Server",
    "Site",
    "Slug",
    "SystemScope",
    "SystemType",
    "Target",
    "TargetKind",
    "TargetObject",
    "Vlan",
    "banner_problem",
    "describe_char",
    "load_estate",
    "minimum_level",
    "unsafe_char",
    "wan_graph",
]
