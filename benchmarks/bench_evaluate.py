"""Benchmark of the compliance evaluation on a synthetic estate.

For each scale the script generates targets (servers, network devices, video-conference
endpoints) in information systems of levels 2-4, and a result set with one result per
target for every requirement of the catalogue (150 per target) plus the system-level
results and a manual evidence register. It then times building the result index and
evaluating every system, streaming findings to a counter (nothing kept in memory).

    python benchmarks/bench_evaluate.py                # scales 1 and 34 (1,000 and 34,000 targets)
    python benchmarks/bench_evaluate.py --scale 1 --targets 1000
    python benchmarks/bench_evaluate.py --cli 34     # the CLI: Phú Thọ and 34 provinces
    git archive main src | tar -x -C /some/where     # before / after, in one run:
    python benchmarks/bench_evaluate.py --cli 34 --before-src /some/where/src

At scale 1 it also runs the same estate through validated ResultRecord objects and a
JSONL file (write, read with validation, evaluate keeping all findings) for comparison.

Targets: scale 1 < 2 s, scale 34 < 60 s. Peak memory is the process's maximum resident
set size (it only grows, so the scale-34 figure includes the earlier run).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.catalogue_model import Catalogue, CheckKind
from capdo.compliance.evaluate import Finding, ResultIndex, evaluate
from capdo.compliance.evidence import EvidenceEntry, EvidenceIndex
from capdo.compliance.results import (
    Evidence,
    ResultRecord,
    Status,
    read_results_jsonl,
    write_results_jsonl,
)
from capdo.compliance.targets import SystemRef, Target

CATALOGUE = Path(__file__).resolve().parents[1] / "checks" / "catalogue" / "new.yml"
TODAY = date(2026, 11, 21)
KINDS = ("server", "network", "endpoint")
STATUS_POOL: tuple[Status, ...] = (
    ("pass",) * 90 + ("fail",) * 5 + ("error",) * 3 + ("not_reviewed",) * 2
)
SYSTEM_SIZE = 50


def build_estate(n_targets: int, rng: random.Random) -> tuple[list[SystemRef], list[Target]]:
    systems: list[SystemRef] = []
    targets: list[Target] = []
    for start in range(0, n_targets, SYSTEM_SIZE):
        system_id = f"sys{start // SYSTEM_SIZE:05d}"
        members = []
        for i in range(start, min(start + SYSTEM_SIZE, n_targets)):
            target_id = f"t{i:06d}"
            kind = KINDS[i % 3]
            targets.append(
                Target(
                    target_id,
                    kind,  # type: ignore[arg-type]
                    systems=frozenset({system_id}),
                    site=f"site{i % 150}",
                    groups=frozenset({kind}),
                )
            )
            members.append(target_id)
        traits = frozenset(rng.sample(["web_application", "personal_data", "vc_system"], k=2))
        systems.append(SystemRef(system_id, 2 + len(systems) % 3, tuple(members), traits))
    return systems, targets


def build_results(
    cat: Catalogue, systems: list[SystemRef], targets: list[Target], rng: random.Random
) -> tuple[list[tuple[str, str, Status]], list[EvidenceEntry]]:
    ids = [r.id for r in cat.requirements]
    system_ids = [r.id for r in cat.requirements if r.check is CheckKind.inventory]
    manual_ids = [r.id for r in cat.requirements if r.check is CheckKind.manual]
    statuses = rng.choices(STATUS_POOL, k=len(targets) * len(ids) + len(systems) * len(system_ids))
    rows: list[tuple[str, str, Status]] = []
    k = 0
    for target in targets:
        for rid in ids:
            rows.append((rid, target.id, statuses[k]))
            k += 1
    for system in systems:
        for rid in system_ids:
            rows.append((rid, system.id, statuses[k]))
            k += 1
    evidence = [
        EvidenceEntry(
            requirement_id=rid,
            system=system.id,
            document_ref=f"QĐ {n}/QĐ-UBND",
            dated=date(2025 + rng.randint(0, 1), rng.randint(1, 12), 1),
        )
        for n, (system, rid) in enumerate((s, r) for s in systems for r in manual_ids)
        if rng.random() < 0.9
    ]
    return rows, evidence


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(cat: Catalogue, n_targets: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    systems, targets = build_estate(n_targets, rng)
    rows, evidence = build_results(cat, systems, targets, rng)
    generated = time.perf_counter() - started

    counted = 0

    def sink(_: Finding) -> None:
        nonlocal counted
        counted += 1

    started = time.perf_counter()
    cpu_started = time.process_time()
    index = ResultIndex()
    add = index.add
    for rid, target_id, status in rows:
        add(rid, target_id, status)
    indexed = time.perf_counter() - started
    result = evaluate(
        cat,
        systems,
        targets,
        index,
        today=TODAY,
        evidence=EvidenceIndex(evidence),
        keep_findings=False,
        sink=sink,
    )
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    meets = sum(1 for v in result.systems if v.meets)
    print(
        f"targets={n_targets:>6} systems={len(systems):>4} results={len(index):>9,} "
        f"findings={counted:>9,} meets={meets}/{len(systems)} | generate {generated:6.2f} s | "
        f"index {indexed:6.2f} s | index+evaluate {wall:6.2f} s ({cpu:.2f} s CPU, load "
        f"{os.getloadavg()[0]:.1f}) | peak RSS {peak_rss_mb():7.1f} MB"
    )
    return wall


def run_jsonl(cat: Catalogue, n_targets: int, seed: int) -> None:
    """The same estate through validated ResultRecord objects and a JSONL file."""
    rng = random.Random(seed)
    systems, targets = build_estate(n_targets, rng)
    rows, evidence = build_results(cat, systems, targets, rng)
    kinds = {t.id: t.kind for t in targets}
    moment = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    started = time.perf_counter()
    records = [
        ResultRecord(
            requirement_id=rid,
            target=target_id,
            target_kind=kinds.get(target_id, "system"),
            status=status,
            evidence=Evidence(expected=1, actual=1 if status == "pass" else 0),
            checker="bench",
            time=moment,
            run_id="bench",
        )
        for rid, target_id, status in rows
    ]
    built = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.jsonl"
        started = time.perf_counter()
        write_results_jsonl(path, records)
        written = time.perf_counter() - started
        del records
        size_mb = path.stat().st_size / 1e6
        started = time.perf_counter()
        loaded = read_results_jsonl(path)
        read = time.perf_counter() - started
    started = time.perf_counter()
    index = ResultIndex.from_records(loaded)
    result = evaluate(
        cat,
        systems,
        targets,
        index,
        today=TODAY,
        evidence=EvidenceIndex(evidence),
        keep_findings=True,
    )
    wall = time.perf_counter() - started
    print(
        f"  via JSONL: {len(loaded):,} records built {built:.2f} s, written {written:.2f} s "
        f"({size_mb:.1f} MB), read+validated {read:.2f} s; index+evaluate (findings kept: "
        f"{len(result.findings):,}) {wall:.2f} s | peak RSS {peak_rss_mb():.1f} MB"
    )


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, float]:
    """Wall seconds, CPU seconds, exit code and load average of one child process."""
    load = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    return wall, cpu, done.returncode, load


def _size_mb(folder: Path) -> str:
    files = sorted(folder.glob("evaluation-*.json")) if folder.is_dir() else []
    return "/".join(f"{f.stat().st_size / 1e6:.1f}" for f in files) or "-"


def run_cli(provinces: int, before_src: Path | None) -> None:
    """The whole ``capdo evaluate`` process on Phú Thọ (text, --out, --out --oscal) and on a
    national estate generated by inventories/generate_estate.py (kept under
    benchmarks/generated/, never committed).

    With ``before_src`` (the ``src`` folder of another revision, e.g. extracted with
    ``git archive main src``), each case runs first with that code then with this one, in the
    same virtualenv, and both rows are printed (before / after)."""
    repo = Path(__file__).resolve().parents[1]
    national = repo / "benchmarks" / "generated" / f"national-{provinces}"
    if not (national / "estate.yml").exists():
        subprocess.run(
            [sys.executable, str(repo / "inventories" / "generate_estate.py"),
             "--provinces", str(provinces), "--out", str(national)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    entry = [sys.executable, "-c", "from capdo.cli import main; main()"]
    sides: dict[str, dict[str, str]] = {}
    if before_src is not None:
        sides["before"] = {**os.environ, "PYTHONPATH": str(before_src.resolve())}
    sides["after"] = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "phutho": ["-i", "inventories/phutho"],
            "phutho --out": ["-i", "inventories/phutho", "--out", "{tmp}/out"],
            "phutho --out --oscal": ["-i", "inventories/phutho", "--out", "{tmp}/oscal", "--oscal"],
            f"national ({provinces} provinces) --format json": [
                "-i", str(national), "--format", "json"],
            f"national ({provinces} provinces) --out": ["-i", str(national), "--out", "{tmp}/nat"],
        }  # fmt: skip
        for label, args in cases.items():
            for side, env in sides.items():
                folder = Path(tmp) / side
                argv = [a.replace("{tmp}", str(folder)) for a in args]
                wall, cpu, code, load = _timed([*entry, "evaluate", *argv], repo, env)
                out = next((Path(a) for a in argv if a.startswith(str(folder))), None)
                sizes = f", evaluation files {_size_mb(out)} MB" if out is not None else ""
                print(f"capdo evaluate {label} [{side}]: {wall:.1f} s wall, {cpu:.1f} s CPU "
                      f"(exit {code}, load {load:.1f}{sizes})", flush=True)  # fmt: skip
                shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cli", type=int, metavar="PROVINCES", help="time the CLI on Phú Thọ and a national estate"
    )
    parser.add_argument(
        "--before-src",
        type=Path,
        metavar="SRC",
        help="with --cli: also time this src folder of another revision (before / after)",
    )
    parser.add_argument("--targets", type=int, default=1000, help="targets at scale 1")
    parser.add_argument(
        "--scale", type=int, action="append", help="scales to run (default 1 and 34)"
    )
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument(
        "--no-jsonl", action="store_true", help="skip the JSONL round trip at scale 1"
    )
    args = parser.parse_args(argv)
    if args.cli:
        run_cli(args.cli, args.before_src)
        return 0
    started = time.perf_counter()
    cat = load_catalogue(CATALOGUE)
    loaded = time.perf_counter() - started
    print(f"catalogue {cat.id}: {len(cat.requirements)} requirements, loaded in {loaded:.2f} s")
    limits = {1: 2.0, 34: 60.0}
    ok = True
    for scale in args.scale or [1, 34]:
        wall = run(cat, args.targets * scale, args.seed)
        if scale == 1 and not args.no_jsonl:
            run_jsonl(cat, args.targets, args.seed)
        limit = limits.get(scale)
        if limit is not None and wall > limit:
            print(f"  scale {scale}: {wall:.2f} s exceeds the {limit:.0f} s target")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
