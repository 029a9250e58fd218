"""Scan an estate's servers with OpenSCAP and turn the results into result records.

For each server: pick the level (its systems' highest, or ``--level``), the profile for that
level, the data stream for its OS; write a tailoring file; run ``oscap``; keep the ARF as
evidence; map the rule results to requirement records; write a playbook of the failures for
review. A server that cannot be scanned gets an ``error`` record and the run goes on.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from capdo.compliance import ResultRecord
from capdo.exports import connection_for, overlay_path, read_overlay
from capdo.inventory import Estate, EstateIndex, Target
from capdo.scap import content, runner
from capdo.scap.arf import ScanResults, datastream_profiles, parse_results
from capdo.scap.errors import ScapError
from capdo.scap.fix import write_fix_playbook
from capdo.scap.mapping import (
    Informational,
    MappingFile,
    ScanContext,
    error_record,
    map_results,
    summary_record,
)
from capdo.scap.profiles import ScapSettings
from capdo.scap.tailoring import tailored_profile_id, write_tailoring


@dataclass(frozen=True)
class ScanOptions:
    mode: runner.Mode = "ssh"
    level: int | None = None
    install_scanner: bool = False
    include_walkers: bool = False
    fix: bool = True
    chroot: Path | None = None
    content_dir: Path | None = None
    timeout: float = 1800


@dataclass
class TargetScan:
    """What happened on one target."""

    target: str
    level: int | None
    profile: str = ""
    datastream: str = ""
    arf: Path | None = None
    fix_playbook: Path | None = None
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    score: float | None = None
    records: list[ResultRecord] = field(default_factory=list)
    informational: list[Informational] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: ScapError | None = None
    installed_scanner: bool = False
    # rule → reason for every rule the tailoring left out (checks/scap/profiles.yml)
    excluded: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "level": self.level,
            "profile": self.profile,
            "datastream": self.datastream,
            "arf": str(self.arf) if self.arf else None,
            "fix_playbook": str(self.fix_playbook) if self.fix_playbook else None,
            "seconds": round(self.seconds, 2),
            "counts": self.counts,
            "score": self.score,
            "records": len(self.records),
            "informational": len(self.informational),
            "warnings": self.warnings,
            "error": self.error.message("en") if self.error else None,
            "installed_scanner": self.installed_scanner,
            "excluded": self.excluded,
        }


def select_servers(index: EstateIndex, limit: Sequence[str]) -> list[Target]:
    """Servers named (or matched by a glob, or served systems) in ``limit``; all when empty."""
    servers = [Target("server", s) for s in index.servers.values()]
    if not limit:
        return servers
    chosen: list[Target] = []
    unmatched: list[str] = []
    for pattern in limit:
        hits = [
            t
            for t in servers
            if fnmatch.fnmatchcase(t.name, pattern) or pattern in index.systems_of.get(t.name, ())
        ]
        if not hits:
            unmatched.append(pattern)
        chosen.extend(h for h in hits if h not in chosen)
    if unmatched:
        raise ScapError("scap.error.limit-no-match", patterns=", ".join(unmatched))
    return chosen


def _ssh_target(target: Target, estate: Estate, estate_dir: Path) -> runner.SshTarget:
    conn = connection_for(target, estate, read_overlay(overlay_path(estate, estate_dir)))
    return runner.SshTarget(
        host=conn.host,
        port=conn.port,
        user=conn.user,
        private_key_file=conn.private_key_file,
        ssh_config=conn.ssh_config,
    )


class Scanner:
    """Runs the scans of one ``capdo scan`` invocation; writes everything under ``out_dir``."""

    def __init__(
        self,
        estate: Estate,
        estate_dir: Path,
        index: EstateIndex,
        settings: ScapSettings,
        mapping: MappingFile,
        out_dir: Path,
        run_id: str,
        options: ScanOptions,
        params: Callable[[int], Mapping[str, object]] | None = None,
    ) -> None:
        self.params = params
        """The host parameters (capdo_params) at a level, for the tailoring's XCCDF values."""
        self.estate = estate
        self.estate_dir = estate_dir
        self.index = index
        self.settings = settings
        self.mapping = mapping
        self.out_dir = out_dir
        self.run_id = run_id
        self.options = options
        self._profiles: dict[Path, dict[str, str]] = {}

    def _os_release(self, ssh: runner.SshTarget | None) -> dict[str, str]:
        if self.options.mode == "ssh" and ssh is not None:
            return content.parse_os_release(runner.remote_os_release(ssh))
        root = self.options.chroot if self.options.mode == "chroot" else Path("/")
        path = (root or Path("/")) / "etc" / "os-release"
        try:
            return content.parse_os_release(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ScapError("scap.error.no-os-release", path=str(path)) from exc

    def _check_profile(self, datastream: Path, profile: str) -> None:
        if datastream not in self._profiles:
            self._profiles[datastream] = datastream_profiles(datastream)
        if profile not in self._profiles[datastream]:
            raise ScapError(
                "scap.error.profile-missing",
                profile=profile,
                datastream=datastream.name,
                available=", ".join(sorted(self._profiles[datastream])),
            )

    def scan(self, target: Target) -> TargetScan:
        level = self.options.level or self.index.level_of(target.name)
        outcome = TargetScan(target.name, level)
        ctx = ScanContext(target.name, self.run_id, datetime.now(UTC), "", "")
        try:
            if level is None:
                raise ScapError("scap.error.no-level", target=target.name)
            outcome.profile = self.settings.profile_for(level)
            ctx = ScanContext(target.name, self.run_id, ctx.time, "", outcome.profile)
            self._run(target, outcome, ctx)
        except ScapError as exc:
            outcome.error = exc
            outcome.records = [
                error_record(self.settings.summary.requirement, ctx, exc.message("en"))
            ]
        return outcome

    def _run(self, target: Target, outcome: TargetScan, ctx: ScanContext) -> None:
        ssh = None
        if self.options.mode == "ssh":
            ssh = _ssh_target(target, self.estate, self.estate_dir)
            outcome.installed_scanner = runner.ensure_remote_scanner(
                ssh, self.options.install_scanner
            )
        datastream = content.datastream_for(self._os_release(ssh), self.options.content_dir)
        outcome.datastream = datastream.name
        self._check_profile(datastream, outcome.profile)
        excluded = self.settings.excluded_rules(include_walkers=self.options.include_walkers)
        outcome.excluded = excluded
        stem = self.out_dir / target.name
        values = (
            self.settings.xccdf_values(self.params(outcome.level))
            if self.params is not None and outcome.level is not None
            else {}
        )
        tailoring = write_tailoring(
            stem.with_suffix(".tailoring.xml"),
            outcome.profile,
            excluded,
            datastream=datastream.name,
            values=values,
        )
        arf = stem.with_suffix(".arf.xml")
        args = runner.eval_args(tailored_profile_id(outcome.profile), arf, datastream, tailoring)
        done = runner.run_oscap(
            self.options.mode,
            args,
            arf,
            target=ssh,
            chroot=self.options.chroot,
            timeout=self.options.timeout,
        )
        outcome.seconds = done.seconds
        outcome.warnings.extend(done.warnings)
        outcome.arf = arf
        results = parse_results(arf)
        self._record(results, outcome, ctx, tailoring)

    def _record(
        self, results: ScanResults, outcome: TargetScan, ctx: ScanContext, tailoring: Path
    ) -> None:
        arf = outcome.arf
        assert arf is not None
        ctx = ScanContext(ctx.target, ctx.run_id, ctx.time, str(arf), outcome.profile)
        outcome.counts = results.counts()
        outcome.score = results.score
        records, info = map_results(results.rules, self.mapping, ctx)
        summary = self.settings.summary
        records.append(
            summary_record(
                results, summary.requirement, summary.min_score, ctx, excluded=len(outcome.excluded)
            )
        )
        outcome.records = records
        outcome.informational = info
        if self.options.fix:
            outcome.fix_playbook = write_fix_playbook(
                results, arf.with_name(f"{outcome.target}.fix.yml"), tailoring
            )
