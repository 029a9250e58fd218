"""Central services the estate must run at level 3 and above: log collection (SRV.18, NET.05),
monitoring (ARC.12), SIEM (ARC.13), central backup (ARC.14)."""

from __future__ import annotations

from collections.abc import Iterator

from capdo.checks.contract import requirement
from capdo.compliance.results import ResultRecord
from capdo.estate_checks.registry import EstateContext

SERVICE_ROLES = {"ARC.12": "monitoring", "ARC.13": "siem", "ARC.14": "backup"}


def _log_servers(ctx: EstateContext) -> list[str]:
    servers = ctx.index.servers
    return [
        n
        for n in ctx.index.inventory.estate.defaults.log_servers
        if n in servers and "logserver" in servers[n].roles
    ]


@requirement("SRV.18", "NET.05")
def central_log_server(ctx: EstateContext) -> Iterator[ResultRecord]:
    """Servers and devices have a central log server declared (forwarding itself is checked on
    the hosts and in the device configs)."""
    declared = _log_servers(ctx)
    for target in ctx.index.targets():
        if target.kind == "endpoint":
            continue
        requirement = "SRV.18" if target.kind == "server" else "NET.05"
        level = ctx.index.level_of(target.name)
        if level is None or requirement not in ctx.host_requirements(target.kind, level):
            continue
        yield ctx.require(
            requirement,
            target.name,
            "server" if target.kind == "server" else "network",
            declared,
            expected={"log_servers": "a server with role logserver"},
            actual={"log_servers": declared},
            detail="estate.log.no-log-server",
        )


@requirement(*SERVICE_ROLES)
def central_services(ctx: EstateContext) -> Iterator[ResultRecord]:
    """Systems at the levels that need them are covered by the estate's central services."""
    roles = {r for s in ctx.index.inventory.servers for r in s.roles}
    providers = {
        role: sorted(s.name for s in ctx.index.inventory.servers if role in s.roles)
        for role in SERVICE_ROLES.values()
    }
    for system in ctx.index.inventory.systems:
        for rid, role in SERVICE_ROLES.items():
            if not ctx.selected(rid, system.level.level):
                continue
            ok = role in roles
            yield ctx.require(
                rid,
                system.id,
                "system",
                ok,
                expected={"role": role},
                actual={"servers": providers[role]},
                detail="estate.service.missing",
            )
