"""One check run over an estate's endpoints: plans, probes, verdicts, result records."""

from __future__ import annotations

import datetime as dt
import fnmatch
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from capdo.compliance import ResultRecord
from capdo.endpoints.checks import CheckContext, evaluate, find_checks_dir
from capdo.endpoints.intended import EndpointPlan, Planner
from capdo.endpoints.policy import load_firmware_policy
from capdo.endpoints.probe import ProbeFacts, ProbeSettings, probe_targets, run_probes
from capdo.endpoints.secrets import endpoint_credential
from capdo.endpoints.trust import ca_file_for
from capdo.errors import CapdoError
from capdo.inventory import Endpoint, Inventory
from capdo.secrets import SecretError


def select(planner: Planner, limit: str | None) -> list[EndpointPlan]:
    """Plans of the endpoints matching ``limit`` (comma-separated names or shell patterns)."""
    if not limit:
        return planner.plans()
    patterns = [p.strip() for p in limit.split(",") if p.strip()]
    names = [
        e.name
        for e in planner.inventory.endpoints
        if any(fnmatch.fnmatchcase(e.name, p) for p in patterns)
    ]
    if not names:
        raise CapdoError("endpoints.error.no-match", limit=limit)
    return planner.plans(names)


@dataclass
class RunOutcome:
    run_id: str
    plans: list[EndpointPlan]
    facts: list[ProbeFacts]
    records: list[ResultRecord]
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    """(message key, params) for things that did not stop the run."""


def _credentials(
    planner: Planner, warnings: list[tuple[str, dict[str, object]]]
) -> dict[str, tuple[str, str | None]]:
    cache: dict[str, tuple[str, str | None]] = {}

    def lookup(endpoint: Endpoint) -> tuple[str, str | None]:
        key = endpoint.credential or ""
        if key not in cache:
            user, _ = endpoint_credential(planner.inventory.estate, endpoint.credential)
            try:
                cache[key] = (user, planner.admin_password(endpoint))
            except SecretError as exc:
                warnings.append((exc.key, dict(exc.params)))
                cache[key] = (user, None)
        return cache[key]

    for plan in planner.plans():
        lookup(plan.endpoint)
    return cache


def probe_plans(
    planner: Planner,
    plans: list[EndpointPlan],
    settings: ProbeSettings,
    warnings: list[tuple[str, dict[str, object]]],
) -> list[ProbeFacts]:
    if settings.ca_file is None:  # no --ca: the estate's CA (None: the system trust store)
        ca_file, readable = ca_file_for(planner.inventory.estate, planner.root, None)
        if not readable:
            warnings.append(("endpoints.warning.ca-missing", {"path": ca_file}))
        settings = replace(settings, ca_file=ca_file)
    if settings.insecure:
        warnings.append(("endpoints.warning.insecure", {}))
    creds = _credentials(planner, warnings)
    targets = probe_targets(
        (p.endpoint for p in plans),
        planner.inventory.estate,
        planner.root,
        lambda e: creds[e.credential or ""],
    )
    return run_probes(targets, settings)


def check_estate(
    inventory: Inventory,
    root: Path,
    *,
    limit: str | None = None,
    settings: ProbeSettings | None = None,
    run_id: str | None = None,
    now: dt.datetime | None = None,
) -> RunOutcome:
    """Probe and check the selected endpoints. Raises CapdoError for bad
    input (an unusable CA file too); network trouble becomes ``error`` records."""
    planner = Planner(inventory, root)
    plans = select(planner, limit)
    firmware = load_firmware_policy(root)
    warnings: list[tuple[str, dict[str, object]]] = []
    if not firmware.minimums:
        warnings.append(("endpoints.policy.missing", {"path": root / "policy"}))
    facts = probe_plans(planner, plans, settings or ProbeSettings(), warnings)
    run = run_id or f"endpoints-{uuid.uuid4().hex[:12]}"
    moment = now or dt.datetime.now(dt.UTC)
    checks_dir = find_checks_dir(planner.catalogue_dir)
    records: list[ResultRecord] = []
    for plan, fact in zip(plans, facts, strict=True):
        if plan.level is None:
            warnings.append(("endpoints.warning.no-level", {"name": plan.name}))
            continue
        context = CheckContext(plan, fact, planner.index, firmware, moment, checks_dir)
        records.extend(evaluate(context, run))
    return RunOutcome(run, plans, facts, records, warnings)
