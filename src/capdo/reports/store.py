"""The history store: every report run's records and findings in one SQLite file.

A *run* is keyed by the run ids of the result records it reads (reporting the same results
twice replaces the run instead of adding a point to the trend). The store keeps the raw
result records (JSON lines as read), the evaluated findings per regime and a summary
(counts by status, score per system) for the trend chart; :meth:`HistoryStore.diff`
compares the findings of two runs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from capdo.compliance import ResultRecord
from capdo.errors import CapdoError
from capdo.reports.data import FAILING, DiffItem, ReportData, RunDiff, RunSummary

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    estate TEXT NOT NULL,
    record_run_ids TEXT NOT NULL,
    counts TEXT NOT NULL,
    scores TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    run_key TEXT NOT NULL,
    regime TEXT NOT NULL,
    requirement_id TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_run ON findings (run_key);
CREATE TABLE IF NOT EXISTS records (
    run_key TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_run ON records (run_key);
"""
MAX_KEY = 64


class StoreError(CapdoError):
    """The store cannot be opened or the run asked for does not exist."""

    handled_apart = True

    def __init__(self, detail: str) -> None:
        super().__init__("reports.error.store", detail=detail)
        self.args = (detail,)  # as before the key
        self.detail = detail


def run_key_for(record_run_ids: Sequence[str]) -> str:
    """The key of a report run: its records' run id(s), shortened with a hash when long."""
    if not record_run_ids:
        return "empty"
    joined = "+".join(sorted(record_run_ids))
    if len(joined) <= MAX_KEY:
        return joined
    digest = hashlib.sha256(joined.encode()).hexdigest()[:12]
    return f"{sorted(record_run_ids)[0][:40]}+{len(record_run_ids) - 1}-{digest}"


def summary_of(report: ReportData) -> RunSummary:
    counts: dict[str, int] = {}
    scores: dict[str, float | None] = {}
    for regime in report.regimes:
        for status, n in regime.counts().items():
            counts[status] = counts.get(status, 0) + n
        for system in regime.systems:
            scores[f"{regime.regime}/{system.info.id}"] = system.verdict.score
    return RunSummary(report.run_key, report.generated_at, counts, scores)


class HistoryStore:
    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: {exc}") from exc
        self.path = path

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def save(
        self,
        report: ReportData,
        record_run_ids: Sequence[str],
        records: Iterable[ResultRecord] = (),
    ) -> RunSummary:
        """Store ``report``'s run (replacing a run with the same key); returns its summary."""
        summary = summary_of(report)
        key = report.run_key
        with self._db:
            for table in ("runs", "findings", "records"):
                self._db.execute(f"DELETE FROM {table} WHERE run_key = ?", (key,))
            self._db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)",
                (
                    key,
                    report.generated_at.isoformat(),
                    report.estate_id,
                    json.dumps(list(record_run_ids)),
                    json.dumps(summary.counts),
                    json.dumps(summary.scores),
                ),
            )
            self._db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
                (
                    (key, regime.regime, f.requirement_id, f.target, f.status)
                    for regime in report.regimes
                    for host in regime.hosts
                    for f in host.findings
                ),
            )
            self._db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
                (
                    (key, regime.regime, row.requirement_id, f.target, f.status)
                    for regime in report.regimes
                    for system in regime.systems
                    for row in system.management
                    for f in row.findings
                ),
            )
            self._db.executemany(
                "INSERT INTO records VALUES (?, ?)",
                ((key, r.model_dump_json(exclude_none=True)) for r in records),
            )
        return summary

    def runs(self, estate: str | None = None) -> list[RunSummary]:
        """Stored runs, oldest first."""
        query = "SELECT run_key, created_at, counts, scores FROM runs"
        params: tuple[str, ...] = ()
        if estate is not None:
            query += " WHERE estate = ?"
            params = (estate,)
        rows = self._db.execute(query + " ORDER BY created_at, run_key", params).fetchall()
        return [
            RunSummary(key, datetime.fromisoformat(created), json.loads(counts), json.loads(scores))
            for key, created, counts, scores in rows
        ]

    def record_count(self, run_key: str) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM records WHERE run_key = ?", (run_key,))
        return int(row.fetchone()[0])

    def previous(self, run_key: str, estate: str | None = None) -> str | None:
        """The run stored just before ``run_key`` (by time), or None."""
        keys = [r.run_key for r in self.runs(estate)]
        if run_key not in keys:
            return keys[-1] if keys else None
        position = keys.index(run_key)
        return keys[position - 1] if position > 0 else None

    def _findings(self, run_key: str) -> dict[tuple[str, str, str], str]:
        rows = self._db.execute(
            "SELECT regime, requirement_id, target, status FROM findings WHERE run_key = ?",
            (run_key,),
        )
        return {(r, q, t): s for r, q, t, s in rows}

    def has(self, run_key: str) -> bool:
        row = self._db.execute("SELECT 1 FROM runs WHERE run_key = ?", (run_key,)).fetchone()
        return row is not None

    def diff(self, previous_key: str, current_key: str) -> RunDiff:
        """New failures, fixed and still failing between two stored runs."""
        for key in (previous_key, current_key):
            if not self.has(key):
                raise StoreError(key)
        before = self._findings(previous_key)
        after = self._findings(current_key)
        new: list[DiffItem] = []
        fixed: list[DiffItem] = []
        still: list[DiffItem] = []
        for pair, status in sorted(after.items()):
            old = before.get(pair)
            item = DiffItem(*pair, status=status, previous=old)
            if status in FAILING:
                (still if old in FAILING else new).append(item)
            elif old in FAILING:
                fixed.append(item)
        return RunDiff(previous_key, current_key, tuple(new), tuple(fixed), tuple(still))
