"""The network side: render intended configs, back up, diff and push devices, audit them.

- :mod:`capdo.network.render`: intended configuration per device from the estate (Jinja2).
- :mod:`capdo.network.configs`: platform knowledge read from ``network/templates/<platform>``.
- :mod:`capdo.network.remediate`: hier_config remediation and rollback, estate summary.
- :mod:`capdo.network.runner`: nornir + netmiko backup and push with per-device errors.
- :mod:`capdo.network.audit`: the config audit engine behind ``checks/network``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.network.audit import (
        error_records,
        find_checks_dir,
        load_targets,
        read_backup_dir,
        run_audit,
    )
    from capdo.network.configtext import ConfigReadError
    from capdo.network.defaults import is_default
    from capdo.network.estate import NetworkEstate, load_network_estate
    from capdo.network.remediate import EstateSummary, fortios_exits, remediation
    from capdo.network.render import Renderer, write_configs

_MODULES = frozenset({"runner"})
_WHERE = {
    "error_records": "audit",
    "find_checks_dir": "audit",
    "load_targets": "audit",
    "read_backup_dir": "audit",
    "run_audit": "audit",
    "ConfigReadError": "configtext",
    "is_default": "defaults",
    "NetworkEstate": "estate",
    "load_network_estate": "estate",
    "EstateSummary": "remediate",
    "fortios_exits": "remediate",
    "remediation": "remediate",
    "Renderer": "render",
    "write_configs": "render",
}


__getattr__ = lazy_exports(__name__, _WHERE, _MODULES)


__all__ = [
    "ConfigReadError",
    "EstateSummary",
    "NetworkEstate",
    "Renderer",
    "error_records",
    "find_checks_dir",
    "fortios_exits",
    "is_default",
    "load_network_estate",
    "load_targets",
    "read_backup_dir",
    "remediation",
    "run_audit",
    "runner",
    "write_configs",
]
