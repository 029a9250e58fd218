"""Level decisions and registers: DOS.01, PDP.03, VC.01.

AUD.01 is decided by the evidence register in the evaluation (see the registry)."""

from __future__ import annotations

from collections.abc import Iterator

from capdo.checks.contract import requirement
from capdo.compliance.results import ResultRecord
from capdo.estate_checks.registry import EstateContext
from capdo.exports.compliance_view import system_traits


@requirement("DOS.01")
def level_decision(ctx: EstateContext) -> Iterator[ResultRecord]:
    """Every system has an approved level with its decision number and date."""
    for system in ctx.index.inventory.systems:
        if not ctx.selected("DOS.01", system.level.level):
            continue
        decision = system.level
        actual = {
            "status": decision.status,
            "level": decision.level,
            "decision": decision.decision,
            "date": str(decision.date) if decision.date else None,
        }
        ok = decision.status == "approved"
        yield ctx.require(
            "DOS.01",
            system.id,
            "system",
            ok,
            expected={"status": "approved"},
            actual=actual,
            detail="estate.dos01.not-approved",
        )


@requirement("PDP.03")
def personal_data_subjects(ctx: EstateContext) -> Iterator[ResultRecord]:
    """Systems that process personal data state how many data subjects they hold."""
    for system in ctx.index.inventory.systems:
        if "personal_data" not in system_traits(ctx.index, system):
            continue
        if not ctx.selected("PDP.03", system.level.level):
            continue
        ok = system.data_subjects > 0
        yield ctx.require(
            "PDP.03",
            system.id,
            "system",
            ok,
            expected="data_subjects > 0",
            actual=system.data_subjects,
            detail="estate.pdp03.no-count",
        )


@requirement("VC.01")
def vc_inventory(ctx: EstateContext) -> Iterator[ResultRecord]:
    """The VC system lists its endpoints, each with model, firmware and the MCU it uses."""
    for system in ctx.index.inventory.systems:
        if "vc_system" not in system_traits(ctx.index, system):
            continue
        if not ctx.selected("VC.01", system.level.level):
            continue
        members = ctx.index.members_of.get(system.id, ())
        endpoints = [ctx.index.endpoints[n] for n in members if n in ctx.index.endpoints]
        mcus = {
            n for n in members if n in ctx.index.servers and "mcu" in ctx.index.servers[n].roles
        }
        missing = sorted(e.name for e in endpoints if not e.mcu)
        ok = bool(endpoints) and bool(mcus) and not missing
        yield ctx.require(
            "VC.01",
            system.id,
            "system",
            ok,
            expected={"endpoints": ">0", "mcu_servers": ">0", "endpoints_without_mcu": []},
            actual={
                "endpoints": len(endpoints),
                "mcu_servers": sorted(mcus),
                "endpoints_without_mcu": missing[:20],
            },
            detail="estate.vc01.incomplete",
        )


@requirement("WAN.01")
def tslcd_systems_have_a_level(ctx: EstateContext) -> Iterator[ResultRecord]:
    """Every device on the dedicated government network (TSLCD) serves a system with an
    approved level; systems with such devices get the result."""
    on_tslcd = sorted(
        {
            end.device
            for link in ctx.index.inventory.links
            if link.network == "tslcd"
            for end in (link.a, link.z)
            if end.device
        }
    )
    unassigned = [d for d in on_tslcd if not ctx.index.systems_of.get(d)]
    for system in ctx.index.inventory.systems:
        if "tslcd_connected" not in system_traits(ctx.index, system):
            continue
        if not ctx.selected("WAN.01", system.level.level):
            continue
        devices = [d for d in on_tslcd if system.id in ctx.index.systems_of.get(d, ())]
        approved = system.level.status == "approved"
        ok = approved and not unassigned
        yield ctx.require(
            "WAN.01",
            system.id,
            "system",
            ok,
            expected={"level": "approved", "tslcd_devices_without_system": []},
            actual={
                "level": system.level.level,
                "level_status": system.level.status,
                "tslcd_devices": devices,
                "tslcd_devices_without_system": unassigned,
            },
            detail="estate.wan01.unassigned",
        )
