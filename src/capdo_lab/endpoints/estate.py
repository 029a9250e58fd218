"""Emulated endpoints for an estate: specs from the inventory, and the connections overlay."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from capdo.endpoints import Planner, render_plan
from capdo.inventory import Inventory
from capdo_lab.endpoints.server import HOST, Ports
from capdo_lab.endpoints.spec import EmulatedSpec


def specs_for_estate(
    inventory: Inventory,
    root: Path,
    faults: Mapping[str, frozenset[str]] | None = None,
    *,
    password: str | None = None,
    provisioned: bool = True,
) -> list[EmulatedSpec]:
    """One spec per inventory endpoint, provisioned with its rendered file (as if it had
    fetched it from the provisioning server). ``password``: the admin password to provision;
    by default the estate credential is resolved (its secret must be available)."""
    planner = Planner(inventory, root)
    faults = faults or {}
    specs = []
    for plan in planner.plans():
        text = None
        if provisioned:
            secret = password if password is not None else planner.admin_password(plan.endpoint)
            rendered = render_plan(plan, secret)
            text = rendered.files[-1].text if rendered is not None else None
        endpoint = plan.endpoint
        specs.append(
            EmulatedSpec(
                endpoint.name,
                endpoint.vendor,
                endpoint.model,
                endpoint.firmware,
                text,
                frozenset(faults.get(endpoint.name, frozenset())),
            )
        )
    return specs


def overlay_entries(ports: Mapping[str, Ports]) -> dict[str, dict[str, object]]:
    """``{name: {host, sip_udp, sip_tcp, sip_tls?, https?, http?, telnet?}}``."""
    return {name: {"host": HOST, **dict(sorted(p.items()))} for name, p in ports.items()}


def write_overlay(path: Path, ports: Mapping[str, Ports], *, merge: bool = True) -> Path:
    """Write (or update, keeping other targets' entries) a connections overlay file."""
    data: dict[str, object] = {}
    if merge and path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(loaded, dict):
            data = {str(k): v for k, v in loaded.items()}
    data.update(overlay_entries(ports))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    return path
