"""Runs the endpoint checks (content: ``checks/endpoints/*.py``, on the check contract) from
probe facts to result records: one record per requirement id the endpoint's level asks for
(the catalogue baseline of kind ``endpoint``) that a check decides. An endpoint that answers
nothing gets an ``error`` record per requirement (except those decided from the inventory);
the run goes on."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from capdo.checks import content_dir, load_checks, outcome, requirements_of
from capdo.compliance import CatalogueNotFoundError, Evidence, ResultRecord, find_catalogue_dir
from capdo.endpoints.intended import EndpointPlan
from capdo.endpoints.policy import FirmwarePolicy
from capdo.endpoints.probe import ProbeFacts
from capdo.inventory import EstateIndex

CHECKER = "capdo.endpoints"
KIND = "endpoints"
FROM_INVENTORY_ATTR = "__capdo_from_inventory__"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CheckContext:
    plan: EndpointPlan
    facts: ProbeFacts
    index: EstateIndex
    firmware: FirmwarePolicy
    now: dt.datetime
    checks_dir: Path | None = None
    """The content folder (``checks/endpoints``); None: the one beside the catalogue."""


def from_inventory(function: F) -> F:
    """Mark a check decided from the inventory alone (it runs on an unreachable endpoint)."""
    setattr(function, FROM_INVENTORY_ATTR, True)
    return function


def find_checks_dir(catalogue_dir: Path | None = None) -> Path:
    """``checks/endpoints`` beside the catalogue (given, or $CAPDO_CATALOGUE_DIR or the one
    above the working directory), else the one that comes with capdo."""
    if catalogue_dir is None:
        with contextlib.suppress(CatalogueNotFoundError):
            catalogue_dir = find_catalogue_dir()
    return content_dir(catalogue_dir, KIND)


def endpoint_checks(checks_dir: Path | None = None) -> dict[str, Callable[..., Any]]:
    """Requirement id → the check that decides it."""
    return {
        rid: check
        for check in load_checks(checks_dir or find_checks_dir())
        for rid in requirements_of(check)
    }


def _insecure(found: Evidence) -> Evidence:
    """The evidence of a run made with ``--insecure``: it says that credentials went over TLS
    whose peer was not verified."""
    actual = found.actual
    marked = (
        {**actual, "insecure_tls": True}
        if isinstance(actual, dict)
        else {"observed": actual, "insecure_tls": True}
    )
    return found.model_copy(update={"actual": marked})


def evaluate(ctx: CheckContext, run_id: str) -> list[ResultRecord]:
    """One record per requirement of the endpoint's baseline that has a check."""
    checks = endpoint_checks(ctx.checks_dir)
    records = []
    for requirement in ctx.plan.baseline.requirements:
        check = checks.get(requirement)
        if check is None:
            continue
        probed = not getattr(check, FROM_INVENTORY_ATTR, False)
        if not ctx.facts.reachable and probed:
            status, found = (
                "error",
                Evidence(
                    detail="endpoints.check.unreachable",
                    actual={
                        "host": ctx.facts.host,
                        "sip": {k: f.error for k, f in ctx.facts.sip.items()},
                        "https": ctx.facts.mgmt_tls.error,
                    },
                ),
            )
        else:
            try:
                status, found = outcome(None, check(ctx))
            except Exception as ended:  # the contract maps how a check ended
                status, found = outcome(ended)
        if ctx.facts.insecure and probed:
            found = _insecure(found)
        records.append(
            ResultRecord(
                requirement_id=requirement,
                target=ctx.plan.name,
                target_kind="endpoint",
                status=status,
                evidence=found,
                checker=CHECKER,
                time=ctx.now,
                run_id=run_id,
            )
        )
    return records
