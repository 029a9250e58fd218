"""Run the server checks on many hosts in parallel and merge their result records.

The selected servers are split into shards; each shard runs in its own pytest process
(``-p capdo.checks.plugin``) so hosts are checked in parallel while each host's checks share
one multiplexed SSH connection. A shard that crashes leaves ``error`` records for its hosts;
the other shards go on.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from capdo.checks.plugin import CHECKER
from capdo.checks.targets import Selection, ServerTarget, load_servers
from capdo.compliance import (
    DataFileError,
    Evidence,
    ResultRecord,
    read_results_jsonl,
    write_results_jsonl,
)
from capdo.errors import CapdoError

FAIL_ON = ("never", "fail", "error")
_MARKER = re.compile(r"@(?:pytest\.mark\.)?requirement\(([^)]*)\)")


@dataclass
class RunOptions:
    inventory: Path
    checks_dir: Path
    results: Path
    selection: Selection = field(default_factory=Selection)
    jobs: int | None = None
    run_id: str | None = None
    extra_pytest_args: tuple[str, ...] = ()


@dataclass
class RunSummary:
    run_id: str
    targets: list[ServerTarget]
    records: list[ResultRecord]
    seconds: float
    shard_seconds: list[float]
    crashed_shards: int = 0

    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.records)

    def by_host(self) -> dict[str, Counter[str]]:
        hosts: dict[str, Counter[str]] = {t.name: Counter() for t in self.targets}
        for record in self.records:
            hosts.setdefault(record.target, Counter())[record.status] += 1
        return hosts

    def exit_code(self, fail_on: str) -> int:
        counts = self.counts()
        if fail_on == "fail" and counts["fail"]:
            return 1
        if fail_on == "error" and (counts["fail"] or counts["error"]):
            return 1
        return 0


def find_checks_dir(start: Path) -> Path | None:
    """checks/server in ``start`` or one of its parents."""
    for base in (start, *start.parents):
        candidate = base / "checks" / "server"
        if candidate.is_dir():
            return candidate
    return None


def marked_requirements(checks_dir: Path) -> set[str]:
    """Requirement ids the check files declare (read statically, for error records)."""
    ids: set[str] = set()
    for path in checks_dir.glob("test_*.py"):
        for args in _MARKER.findall(path.read_text(encoding="utf-8")):
            ids.update(re.findall(r"[A-Z]{2,5}\.\d{2}", args))
    return ids


def default_jobs(count: int) -> int:
    """Worker processes: hosts are already read in parallel (threads) inside each worker,
    so one per core is enough; more only adds pytest start-up time."""
    return max(1, min(count, os.cpu_count() or 1))


def worker_environment(base: Mapping[str, str]) -> dict[str, str]:
    """A check worker loads only capdo's plugin (``-p``): pytest plugins that happen to be
    installed (hypothesis alone imports for 1.5 s) are not auto-loaded in every worker."""
    return {**base, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def _shards(targets: list[ServerTarget], jobs: int) -> list[list[ServerTarget]]:
    shards: list[list[ServerTarget]] = [[] for _ in range(jobs)]
    for index, target in enumerate(targets):
        shards[index % jobs].append(target)
    return [s for s in shards if s]


def _error_records(
    targets: list[ServerTarget], ids: set[str], run_id: str, detail: str
) -> list[ResultRecord]:
    now = datetime.now(UTC)
    return [
        ResultRecord(
            requirement_id=rid,
            target=t.name,
            target_kind="server",
            status="error",
            evidence=Evidence(detail=detail),
            checker=CHECKER,
            time=now,
            run_id=run_id,
        )
        for t in targets
        for rid in sorted(ids & set(t.requirements))
    ]


def run_checks(options: RunOptions) -> RunSummary:
    started = time.monotonic()
    if not options.checks_dir.is_dir():
        raise CapdoError("checks.error.no-checks", path=str(options.checks_dir))
    targets = load_servers(options.inventory, options.selection)
    if not targets:
        raise CapdoError("checks.error.no-servers")
    run_id = options.run_id or uuid.uuid4().hex[:12]
    jobs = options.jobs or default_jobs(len(targets))
    ids = marked_requirements(options.checks_dir)
    records: list[ResultRecord] = []
    crashed = 0
    shard_seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="capdo-check-") as tmp:
        work = Path(tmp)
        procs: list[tuple[subprocess.Popen[bytes], list[ServerTarget], Path, Path, float]] = []
        for index, shard in enumerate(_shards(targets, jobs)):
            targets_file = work / f"targets-{index}.json"
            targets_file.write_text(json.dumps([t.to_json() for t in shard]), encoding="utf-8")
            out = work / f"results-{index}.jsonl"
            log = work / f"pytest-{index}.log"
            argv = [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "capdo.checks.plugin",
                "-p",
                "no:cacheprovider",
                "-q",
                "--no-header",
                "-rN",
                "--capdo-targets",
                str(targets_file),
                "--capdo-results",
                str(out),
                "--capdo-run-id",
                run_id,
                "--capdo-ssh-dir",
                str(work / f"ssh-{index}"),
                *options.extra_pytest_args,
                str(options.checks_dir),
            ]
            with log.open("wb") as sink:
                proc = subprocess.Popen(
                    argv,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=worker_environment(os.environ),
                )
            procs.append((proc, shard, out, log, time.monotonic()))
        for proc, shard, out, log, began in procs:
            code = proc.wait()
            shard_seconds.append(time.monotonic() - began)
            shard_records: list[ResultRecord] = []
            if out.is_file():
                try:
                    shard_records = read_results_jsonl(out)
                except DataFileError:
                    shard_records = []
            if code not in (0, 1) or not out.is_file():
                crashed += 1
                tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                detail = f"check worker exit {code}: " + (tail[-1][:200] if tail else "")
                seen = {r.target for r in shard_records}
                missing = [t for t in shard if t.name not in seen]
                shard_records += _error_records(missing, ids, run_id, detail)
            records.extend(shard_records)
    write_results_jsonl(options.results, records)
    return RunSummary(run_id, targets, records, time.monotonic() - started, shard_seconds, crashed)
