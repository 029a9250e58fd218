"""The model joined with levels (and resolved parameters), for Ansible, nornir and pyinfra."""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.exports.ansible import build_view, group_name
    from capdo.exports.baseline import Baseline, catalogue_dir_for
    from capdo.exports.compliance_view import (
        compliance_systems,
        compliance_targets,
        system_traits,
        zone_kinds_at,
    )
    from capdo.exports.connections import connection_for, overlay_path, read_overlay
    from capdo.exports.nornir import simple_inventory
    from capdo.exports.policy import EstatePolicy, load_estate_policy, policy_issues
    from capdo.exports.write import ExportFormat, export, model_json

_WHERE = {
    "build_view": "ansible",
    "group_name": "ansible",
    "Baseline": "baseline",
    "catalogue_dir_for": "baseline",
    "compliance_systems": "compliance_view",
    "compliance_targets": "compliance_view",
    "system_traits": "compliance_view",
    "zone_kinds_at": "compliance_view",
    "connection_for": "connections",
    "overlay_path": "connections",
    "read_overlay": "connections",
    "simple_inventory": "nornir",
    "EstatePolicy": "policy",
    "load_estate_policy": "policy",
    "policy_issues": "policy",
    "ExportFormat": "write",
    "export": "write",
    "model_json": "write",
}


__getattr__ = lazy_exports(__name__, _WHERE)


# Names that are also the names of submodules are imported now (last, once the lazy
# names above work): a submodule, once loaded, would otherwise shadow them.
from capdo.exports.baseline import baseline  # noqa: E402

__all__ = [
    "Baseline",
    "EstatePolicy",
    "ExportFormat",
    "baseline",
    "build_view",
    "catalogue_dir_for",
    "compliance_systems",
    "compliance_targets",
    "connection_for",
    "export",
    "group_name",
    "load_estate_policy",
    "model_json",
    "overlay_path",
    "policy_issues",
    "read_overlay",
    "simple_inventory",
    "system_traits",
    "zone_kinds_at",
]
