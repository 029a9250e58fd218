"""The Ansible view of an estate: groups, their nesting and host variables.

Used by the inventory plugin (``plugins/inventory/capdo.py``) and by the static export, so
both produce the same inventory. Groups: ``servers``, ``network_devices``, ``endpoints``;
``site_<id>`` nested along the site tree; ``zone_<id>``, ``role_<role>``, ``system_<id>``,
``level_<n>``, ``platform_<platform>``.
"""

from __future__ import annotations

import re
import shlex
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capdo.exports.baseline import baseline, catalogue_dir_for
from capdo.exports.connections import connection_for, overlay_path, read_overlay
from capdo.exports.policy import EstatePolicy, load_estate_policy
from capdo.inventory import EstateIndex, Inventory, Target

KIND_GROUP = {"server": "servers", "device": "network_devices", "endpoint": "endpoints"}
NETWORK_OS = {
    "cisco_ios": "cisco.ios.ios",
    "huawei_vrp": "community.network.ce",
    "cisco_nxos": "cisco.nxos.nxos",
    "juniper_junos": "junipernetworks.junos.junos",
    "fortinet": "fortinet.fortios.fortios",
}


def group_name(prefix: str, value: str | int) -> str:
    """A valid Ansible group name: 'site_xa-ha-hoa' -> 'site_xa_ha_hoa'."""
    return re.sub(r"[^A-Za-z0-9_]", "_", f"{prefix}_{value}")


@dataclass
class AnsibleView:
    groups: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Group → host names directly in it."""
    children: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Group → child groups."""
    hostvars: dict[str, dict[str, Any]] = field(default_factory=dict)
    groupvars: dict[str, dict[str, Any]] = field(default_factory=dict)


def host_variables(
    target: Target,
    index: EstateIndex,
    conn_overlay: dict[str, Any],
    inventory: Inventory,
    catalogue_dir: Path | None = None,
) -> dict[str, Any]:
    obj = target.obj
    conn = connection_for(target, inventory.estate, conn_overlay)
    level = index.level_of(target.name)
    variables: dict[str, Any] = {
        "ansible_host": conn.host,
        "ansible_port": conn.port,
        "ansible_user": conn.user,
        "capdo_kind": target.kind,
        "capdo_site": obj.site,
        "capdo_zone": obj.zone,
        "capdo_systems": list(index.systems_of.get(target.name, ())),
        "capdo_level": level,
        "capdo_management_prefixes": [str(p) for p in index.management.for_site(obj.site)],
    }
    if target.kind == "server" and level is not None and catalogue_dir is not None:
        wanted = baseline("server", level, inventory.estate.regimes, catalogue_dir)
        variables["capdo_requirements"] = list(wanted.requirements)
    if conn.private_key_file:
        variables["ansible_ssh_private_key_file"] = conn.private_key_file
    if conn.ssh_config:
        # one argument, whatever the path holds: Ansible splits this value like a shell
        variables["ansible_ssh_common_args"] = f"-F {shlex.quote(conn.ssh_config)}"
    if target.kind == "server":
        server = index.servers[target.name]
        variables["ansible_python_interpreter"] = inventory.estate.defaults.python_interpreter
        variables["capdo_roles"] = list(server.roles)
        variables["capdo_os"] = {"family": server.os.family, "version": server.os.version}
    elif target.kind == "device":
        device = index.devices[target.name]
        variables["capdo_platform"] = device.platform
        variables["capdo_device_role"] = device.role
        if device.platform in NETWORK_OS:
            variables["ansible_network_os"] = NETWORK_OS[device.platform]
        if device.redundancy_group:
            variables["capdo_redundancy_group"] = device.redundancy_group
    else:
        endpoint = index.endpoints[target.name]
        variables["capdo_vendor"] = endpoint.vendor
        variables["capdo_model"] = endpoint.model
        variables["capdo_firmware"] = endpoint.firmware
    return variables


def level_variables(
    level: int, inventory: Inventory, catalogue_dir: Path, policy: EstatePolicy | None = None
) -> dict[str, Any]:
    """Variables of the ``level_N`` group: the thresholds of the level after the estate's
    policy (the same for every kind of target) and the requirement ids checked per kind."""
    regimes = inventory.estate.regimes
    return {
        "capdo_params": dict(baseline("server", level, regimes, catalogue_dir, policy).params),
        "capdo_requirements_by_kind": {
            kind: list(baseline(kind, level, regimes, catalogue_dir, policy).requirements)
            for kind in ("server", "device", "endpoint")
        },
    }


def build_view(inventory: Inventory, root: Path, index: EstateIndex | None = None) -> AnsibleView:
    index = index or EstateIndex(inventory)
    overlay = read_overlay(overlay_path(inventory.estate, root))
    catalogue_dir = catalogue_dir_for(root)
    policy = load_estate_policy(root)
    view = AnsibleView()
    for site in inventory.sites:
        if site.parent is not None:
            view.children[group_name("site", site.parent)].add(group_name("site", site.id))
        else:
            view.children.setdefault(group_name("site", site.id), set())
    defaults = inventory.estate.defaults
    view.groupvars["all"] = {
        "capdo_estate": inventory.estate.id,
        "capdo_regimes": list(inventory.estate.regimes),
        "capdo_timezone": defaults.timezone,
        "capdo_ntp_servers": list(defaults.ntp_servers),
        "capdo_dns_servers": [str(a) for a in defaults.dns_servers],
        "capdo_log_servers": [
            {"name": name, "address": str(index.servers[name].address)}
            for name in defaults.log_servers
            if name in index.servers
        ],
    }
    for target in index.targets():
        name = target.name
        variables = host_variables(target, index, overlay, inventory, catalogue_dir)
        view.hostvars[name] = variables
        memberships = [
            KIND_GROUP[target.kind],
            group_name("site", target.obj.site),
            group_name("zone", target.obj.zone),
            *(group_name("system", s) for s in variables["capdo_systems"]),
        ]
        level = variables["capdo_level"]
        if level is not None:
            memberships.append(group_name("level", level))
            if catalogue_dir is not None and group_name("level", level) not in view.groupvars:
                view.groupvars[group_name("level", level)] = level_variables(
                    level, inventory, catalogue_dir, policy
                )
        if target.kind == "server":
            memberships.extend(group_name("role", r) for r in variables["capdo_roles"])
        elif target.kind == "device":
            memberships.append(group_name("platform", variables["capdo_platform"]))
            memberships.append(group_name("role", variables["capdo_device_role"]))
        else:
            memberships.append(group_name("vendor", variables["capdo_vendor"]))
        for group in memberships:
            view.groups[group].add(name)
    return view


def static_inventory(view: AnsibleView) -> dict[str, Any]:
    """The view as Ansible's YAML inventory format (host variables on first mention)."""
    all_groups = set(view.groups) | set(view.children)
    for kids in view.children.values():
        all_groups |= kids
    nested = {kid for kids in view.children.values() for kid in kids}
    placed: set[str] = set()

    def group_entry(name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        hosts = sorted(view.groups.get(name, ()))
        if hosts:
            entry["hosts"] = {}
            for host in hosts:
                entry["hosts"][host] = None if host in placed else view.hostvars[host]
                placed.add(host)
        kids = sorted(view.children.get(name, ()))
        if kids:
            entry["children"] = {kid: group_entry(kid) for kid in kids}
        if name in view.groupvars:
            entry["vars"] = view.groupvars[name]
        return entry

    top = sorted(g for g in all_groups if g not in nested)
    return {
        "all": {"vars": view.groupvars.get("all", {}), "children": {g: group_entry(g) for g in top}}
    }
