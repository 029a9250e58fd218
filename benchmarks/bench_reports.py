"""Benchmark of the report renderers on synthetic records: 1,000 targets × 150 requirements.

The script builds a catalogue from ``checks/catalogue/new.yml`` whose first 150 requirements
are checked on every server at every level (plus 5 manual ones per system), an estate of
1,000 servers in 20 information systems (levels 2-4) and one result record per target and
requirement (90 % pass, 5 % fail, 3 % error, 2 % manual, with evidence). It then times the
evaluation, the report data build, the history store, and each renderer.

    python benchmarks/bench_reports.py                 # 1,000 targets
    python benchmarks/bench_reports.py --targets 200 --formats html,xlsx
    python benchmarks/bench_reports.py --estate inventories/phutho --tti   # reference province

Targets (synthetic): HTML < 5 s, PDF < 60 s, XLSX < 10 s, peak memory < 1 GB. Targets (an
estate, every format): all formats together <= 30 s, peak <= 500 MB, HTML <= 5 MB; with --tti
the HTML is opened in headless Chromium and its time to interactive (the report script's
``data-ready-ms``) is printed. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.catalogue_model import Catalogue, CheckKind, RequirementStatus
from capdo.compliance.evaluate import ResultIndex, evaluate
from capdo.compliance.results import Evidence, ResultRecord, Status
from capdo.compliance.targets import SystemRef, Target
from capdo.i18n import Lang, catalogue
from capdo.reports.build import build_report
from capdo.reports.data import SystemInfo, TargetInfo
from capdo.reports.dossier import write_annual
from capdo.reports.html import write_html
from capdo.reports.inputs import ReportInputs, load_inputs
from capdo.reports.json_report import write_json
from capdo.reports.junit import write_junit
from capdo.reports.pdf import write_pdf
from capdo.reports.sarif import write_sarif
from capdo.reports.store import HistoryStore
from capdo.reports.text import Text
from capdo.reports.xlsx import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "checks" / "catalogue" / "new.yml"
TODAY = date(2026, 11, 21)
MOMENT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
HOST_REQUIREMENTS = 150
MANUAL_REQUIREMENTS = 5
SYSTEM_SIZE = 50
STATUS_POOL: tuple[Status, ...] = (
    ("pass",) * 90 + ("fail",) * 5 + ("error",) * 3 + ("not_reviewed",) * 2
)
LIMITS = {"html": 5.0, "pdf": 60.0, "xlsx": 10.0}


def synthetic_catalogue(base: Catalogue) -> Catalogue:
    """150 requirements checked on servers from level 1, and 5 manual ones."""
    chosen = []
    for req in base.requirements[:HOST_REQUIREMENTS]:
        chosen.append(
            req.model_copy(
                update={
                    "check": CheckKind.server,
                    "first_level": 1,
                    "applies_when": [],
                    "status": RequirementStatus.applies,
                    "parameters": {},
                    "evidence_validity": None,
                }
            )
        )
    manual = [r for r in base.requirements if r.check is CheckKind.manual][:MANUAL_REQUIREMENTS]
    for req in manual:
        if all(c.id != req.id for c in chosen):
            chosen.append(
                req.model_copy(
                    update={
                        "first_level": 1,
                        "applies_when": [],
                        "parameters": {},
                        "evidence_validity": None,
                        "status": RequirementStatus.applies,
                    }
                )
            )
    return base.model_copy(update={"requirements": chosen})


def synthetic_inputs(cat: Catalogue, n_targets: int, seed: int) -> ReportInputs:
    rng = random.Random(seed)
    systems: list[SystemRef] = []
    targets: list[Target] = []
    system_infos: dict[str, SystemInfo] = {}
    target_infos: dict[str, TargetInfo] = {}
    for start in range(0, n_targets, SYSTEM_SIZE):
        sid = f"he-thong-{start // SYSTEM_SIZE:03d}"
        level = 2 + (start // SYSTEM_SIZE) % 3
        members = tuple(
            f"may-chu-{i:05d}" for i in range(start, min(start + SYSTEM_SIZE, n_targets))
        )
        systems.append(SystemRef(sid, level, members))
        system_infos[sid] = SystemInfo(
            id=sid,
            name=Text(
                f"Hệ thống thông tin số {start // SYSTEM_SIZE} — Sở Thông tin và Truyền thông"
            ),
            owner=Text("Ủy ban nhân dân tỉnh Phú Thọ"),
            operator=Text("Trung tâm Dữ liệu tỉnh"),
            level=level,
            level_status="approved",
            decision=f"{start}/QĐ-UBND",
            decision_date=date(2025, 3, 1),
            members=members,
        )
        for i, name in enumerate(members):
            targets.append(Target(name, "server", systems=frozenset({sid}), site=f"xa-{i % 150}"))
            target_infos[name] = TargetInfo(
                id=name,
                kind="server",
                site=f"xa-{i % 150}",
                site_name=Text(f"Xã Thanh Sơn {i}"),
                zone="dc-server",
                address=f"198.18.{(start + i) // 250}.{(start + i) % 250 + 1}",
                description="debian 12",
                systems=(sid,),
            )
    host_ids = [r.id for r in cat.requirements if r.check is CheckKind.server]
    statuses = rng.choices(STATUS_POOL, k=len(targets) * len(host_ids))
    index = ResultIndex()
    k = 0
    for target in targets:
        for rid in host_ids:
            status = statuses[k]
            k += 1
            index.add_record(
                ResultRecord.model_construct(
                    requirement_id=rid,
                    target=target.id,
                    target_kind="server",
                    status=status,
                    evidence=Evidence.model_construct(
                        expected={"minlen": 14},
                        actual={"minlen": 14 if status == "pass" else 8},
                        detail=None if status == "pass" else "pwquality.conf minlen",
                    ),
                    checker="bench",
                    time=MOMENT,
                    run_id="bench-1",
                    waiver_id=None,
                )
            )
    started = time.perf_counter()
    evaluation = evaluate(cat, systems, targets, index, today=TODAY)
    print(f"evaluate: {time.perf_counter() - started:6.2f} s")
    return ReportInputs(
        estate_id="bench",
        organisation=Text("Ủy ban nhân dân tỉnh Phú Thọ"),
        security_unit=None,
        regimes=("new",),
        catalogues={"new": cat},
        evaluations={"new": evaluation},
        systems=system_infos,
        targets=target_infos,
        record_count=len(index),
        record_run_ids=("bench-1",),
        inputs=("bench.jsonl",),
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def estate_inputs(estate: Path, lang: Lang, folder: Path) -> ReportInputs:
    """The estate as ``capdo report`` reads it, with no checker result file (estate checks,
    registers and policy only: what the reference province yields without its hosts)."""
    empty = folder / "no-results.jsonl"
    empty.write_text("", encoding="utf-8")
    return load_inputs(estate, (empty,), lang, MOMENT)


def time_to_interactive(html: Path) -> tuple[int, float] | None:
    """(ms from navigation to the report script's end, chromium wall s); None without it."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="capdo-bench-chromium-") as profile:
        args = [
            binary,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            f"--user-data-dir={profile}",
            "--window-size=1400,1400",
            "--dump-dom",
            html.resolve().as_uri(),
        ]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
        wall = time.perf_counter() - started
    found = re.search(r'data-ready-ms="(\d+)"', done.stdout)
    return (int(found.group(1)), wall) if found else None


def run_estate(args: argparse.Namespace) -> int:
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.formats == DEFAULT_FORMATS:
        formats = [*formats, "sarif", "docx"]
    with tempfile.TemporaryDirectory(prefix="capdo-bench-reports-") as folder:
        out = Path(folder)
        started = time.perf_counter()
        cpu_start = time.process_time()
        inputs = estate_inputs(Path(args.estate), args.lang, out)
        load = time.perf_counter() - started
        started = time.perf_counter()
        report = build_report(inputs, today=TODAY, generated_at=MOMENT, run_key="bench-estate")
        build = time.perf_counter() - started
        print(
            f"estate {inputs.estate_id}: {len(report.systems)} systems, "
            f"{len(report.actions):,} actions; assess {load:.2f} s, build {build:.2f} s"
        )
        writers: dict[str, Callable[[], Path]] = {
            "html": lambda: write_html(report, args.lang, out / "r.html"),
            "pdf": lambda: write_pdf(report, args.lang, out / "r.pdf"),
            "xlsx": lambda: write_xlsx(report, args.lang, out / "r.xlsx"),
            "json": lambda: write_json(report, out / "r.json"),
            "junit": lambda: write_junit(report, args.lang, out / "r.xml"),
            "sarif": lambda: write_sarif(report, args.lang, out / "r.sarif"),
            "docx": lambda: write_annual(report, args.lang, out / "annual.docx"),
        }
        total = load + build
        sizes: dict[str, int] = {}
        for fmt in formats:
            started = time.perf_counter()
            cpu = time.process_time()
            path = writers[fmt]()
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu
            total += wall
            sizes[fmt] = path.stat().st_size
            print(
                f"{fmt:>6}: {wall:6.2f} s (CPU {cpu:5.2f} s)  {sizes[fmt] / 1e6:6.2f} MB  "
                f"peak RSS {peak_rss_mb():5.0f} MB"
            )
        peak = peak_rss_mb()
        ok = total <= 30.0 and peak <= 500.0 and sizes.get("html", 0) <= 5 * 1024 * 1024
        cpu_total = time.process_time() - cpu_start
        print(
            f"all formats incl. assessment: {total:.1f} s wall, {cpu_total:.1f} s CPU "
            f"(target 30 s); peak RSS {peak:.0f} MB "
            f"(target 500 MB); HTML {sizes.get('html', 0) / 1e6:.2f} MB (target 5 MB)"
            + (" ok" if ok else " OVER")
        )
        if args.tti and "html" in sizes:
            found = time_to_interactive(out / "r.html")
            if found is None:
                print("time to interactive: chromium not available")
            else:
                print(f"time to interactive: {found[0]} ms (chromium wall {found[1]:.1f} s)")
    print(f"load average while running: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} CPUs)")
    return 0 if ok else 1


DEFAULT_FORMATS = "html,pdf,xlsx,json,junit"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--estate", help="benchmark a real estate (e.g. inventories/phutho)")
    parser.add_argument("--tti", action="store_true", help="measure time to interactive")
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--formats", default=DEFAULT_FORMATS)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--lang", default="vi", choices=["vi", "en"])
    args = parser.parse_args(argv)
    catalogue()  # the message catalogues, loaded once per process (not a renderer's cost)
    if args.estate:
        return run_estate(args)
    cat = synthetic_catalogue(load_catalogue(CATALOGUE))
    started = time.perf_counter()
    inputs = synthetic_inputs(cat, args.targets, args.seed)
    print(
        f"generated {inputs.record_count:,} records for {args.targets} targets x "
        f"{HOST_REQUIREMENTS} requirements in {time.perf_counter() - started:.2f} s"
    )
    started = time.perf_counter()
    report = build_report(inputs, today=TODAY, generated_at=MOMENT, run_key="bench-1")
    findings = sum(len(h.findings) for g in report.regimes for h in g.hosts)
    print(
        f"build (arrange): {time.perf_counter() - started:6.2f} s  "
        f"findings={findings:,}  peak RSS {peak_rss_mb():.0f} MB"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="capdo-bench-reports-") as folder:
        out = Path(folder)
        started = time.perf_counter()
        with HistoryStore(out / "history.sqlite") as store:
            store.save(report, ("bench-1",))
        print(f"{'store':>6}: {time.perf_counter() - started:6.2f} s")
        writers = {
            "html": lambda: write_html(report, args.lang, out / "r.html"),
            "pdf": lambda: write_pdf(report, args.lang, out / "r.pdf"),
            "xlsx": lambda: write_xlsx(report, args.lang, out / "r.xlsx"),
            "json": lambda: write_json(report, out / "r.json"),
            "junit": lambda: write_junit(report, args.lang, out / "r.xml"),
        }
        for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
            started = time.perf_counter()
            cpu = time.process_time()
            path = writers[fmt]()
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu
            limit = LIMITS.get(fmt)
            verdict = "" if limit is None else (" ok" if wall < limit else f" OVER {limit:.0f} s")
            if limit is not None and wall >= limit:
                ok = False
            print(
                f"{fmt:>6}: {wall:6.2f} s (CPU {cpu:5.2f} s)  {path.stat().st_size / 1e6:6.1f} MB  "
                f"peak RSS {peak_rss_mb():6.0f} MB{verdict}"
            )
    peak = peak_rss_mb()
    print(f"peak RSS {peak:.0f} MB" + (" ok" if peak < 1024 else " OVER 1 GB"))
    print(f"load average while running: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} CPUs)")
    return 0 if ok and peak < 1024 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
