"""Which servers a check run covers, and what each one must meet.

Everything comes from the estate through the same code as the Ansible inventory
(:func:`capdo.exports.ansible.build_view`): level, requirement ids, resolved parameters,
roles, log and time servers, management prefixes and how to connect (with the connection
overlay, e.g. the lab's). Nothing here parses YAML itself.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capdo.errors import CapdoError
from capdo.exports import build_view, group_name
from capdo.inventory import load_estate


@dataclass(frozen=True)
class ServerTarget:
    """One server as the checks see it."""

    name: str
    host: str
    port: int
    user: str
    level: int | None
    site: str
    systems: tuple[str, ...]
    roles: tuple[str, ...]
    requirements: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    private_key_file: str | None = None
    ssh_config: str | None = None
    log_servers: tuple[dict[str, str], ...] = ()
    ntp_servers: tuple[str, ...] = ()
    management_prefixes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "level": self.level,
            "site": self.site,
            "systems": list(self.systems),
            "roles": list(self.roles),
            "requirements": list(self.requirements),
            "params": self.params,
            "private_key_file": self.private_key_file,
            "ssh_config": self.ssh_config,
            "log_servers": list(self.log_servers),
            "ntp_servers": list(self.ntp_servers),
            "management_prefixes": list(self.management_prefixes),
            "groups": list(self.groups),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerTarget:
        return cls(
            name=str(data["name"]),
            host=str(data["host"]),
            port=int(data["port"]),
            user=str(data["user"]),
            level=None if data.get("level") is None else int(data["level"]),
            site=str(data.get("site", "")),
            systems=tuple(data.get("systems", ())),
            roles=tuple(data.get("roles", ())),
            requirements=tuple(data.get("requirements", ())),
            params=dict(data.get("params", {})),
            private_key_file=data.get("private_key_file"),
            ssh_config=data.get("ssh_config"),
            log_servers=tuple(dict(s) for s in data.get("log_servers", ())),
            ntp_servers=tuple(data.get("ntp_servers", ())),
            management_prefixes=tuple(data.get("management_prefixes", ())),
            groups=tuple(data.get("groups", ())),
        )


@dataclass(frozen=True)
class Selection:
    """--limit (names, globs or groups, comma separated; '!x' excludes), site, system, level."""

    limit: tuple[str, ...] = ()
    site: str | None = None
    system: str | None = None
    level: int | None = None

    @classmethod
    def parse(
        cls,
        limit: str | None = None,
        site: str | None = None,
        system: str | None = None,
        level: int | None = None,
    ) -> Selection:
        parts = tuple(p.strip() for p in (limit or "").replace(":", ",").split(",") if p.strip())
        if level is not None and not 1 <= level <= 5:
            raise CapdoError("checks.error.bad-level", level=level)
        return cls(parts, site, system, level)


def _matches(pattern: str, target: ServerTarget) -> bool:
    return fnmatch.fnmatchcase(target.name, pattern) or pattern in target.groups


def _selected(target: ServerTarget, sel: Selection) -> bool:
    if sel.site is not None and group_name("site", sel.site) not in target.groups:
        return False
    if sel.system is not None and sel.system not in target.systems:
        return False
    if sel.level is not None and target.level != sel.level:
        return False
    include = [p for p in sel.limit if not p.startswith("!")]
    exclude = [p[1:] for p in sel.limit if p.startswith("!")]
    if include and not any(_matches(p, target) for p in include):
        return False
    return not any(_matches(p, target) for p in exclude)


def _all_groups(groups: dict[str, set[str]], children: dict[str, set[str]]) -> dict[str, set[str]]:
    """Host → every group it is in, through nested groups (sites)."""
    parents: dict[str, set[str]] = {}
    for parent, kids in children.items():
        for kid in kids:
            parents.setdefault(kid, set()).add(parent)
    memberships: dict[str, set[str]] = {}
    for group, hosts in groups.items():
        todo, seen = [group], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(parents.get(current, ()))
        for host in hosts:
            memberships.setdefault(host, set()).update(seen)
    return memberships


def _params(hostvars: dict[str, Any], groupvars: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """capdo_params as Ansible sees it: the level group's values, overridden by the host's."""
    level = hostvars.get("capdo_level")
    merged: dict[str, Any] = {}
    if level is not None:
        merged.update(groupvars.get(group_name("level", level), {}).get("capdo_params", {}))
    merged.update(hostvars.get("capdo_params", {}) or {})
    result: dict[str, Any] = json.loads(json.dumps(merged, default=str))
    return result


def load_servers(estate_dir: Path, selection: Selection | None = None) -> list[ServerTarget]:
    """The selected servers of the estate in ``estate_dir``, sorted by name."""
    result = load_estate(estate_dir)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors or result.inventory is None:
        raise CapdoError("checks.error.estate", path=str(estate_dir), count=max(len(errors), 1))
    view = build_view(result.inventory, estate_dir)
    common = view.groupvars.get("all", {})
    memberships = _all_groups(view.groups, view.children)
    sel = selection or Selection()
    servers: list[ServerTarget] = []
    for name, hv in sorted(view.hostvars.items()):
        if hv.get("capdo_kind") != "server":
            continue
        ssh_config = None
        args = str(hv.get("ansible_ssh_common_args", ""))
        if args.startswith("-F "):
            ssh_config = args[3:].strip().strip("'\"")
        target = ServerTarget(
            name=name,
            host=str(hv["ansible_host"]),
            port=int(hv.get("ansible_port", 22)),
            user=str(hv.get("ansible_user", "root")),
            level=hv.get("capdo_level"),
            site=str(hv.get("capdo_site", "")),
            systems=tuple(hv.get("capdo_systems", ())),
            roles=tuple(hv.get("capdo_roles", ())),
            requirements=tuple(hv.get("capdo_requirements", ())),
            params=_params(hv, view.groupvars),
            private_key_file=hv.get("ansible_ssh_private_key_file"),
            ssh_config=ssh_config,
            log_servers=tuple(dict(s) for s in common.get("capdo_log_servers", ())),
            ntp_servers=tuple(str(s) for s in common.get("capdo_ntp_servers", ())),
            management_prefixes=tuple(hv.get("capdo_management_prefixes", ())),
            groups=tuple(sorted(memberships.get(name, set()))),
        )
        if _selected(target, sel):
            servers.append(target)
    return servers
