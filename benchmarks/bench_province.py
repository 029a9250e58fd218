#!/usr/bin/env python3
"""Benchmark: estates from descriptions and spreadsheet import.

    python benchmarks/bench_province.py

1. ``capdo estate new`` for a 34-province national set, two ways: one national estate (the
   Phú Thọ description copied 34 times, ``--provinces 34``) and 34 separate province estates
   (the reference and example descriptions in turn, one process each). Target: ≤ 60 s.
2. ``capdo inventory import`` of a workbook of ≥ 5,000 rows: the workbook is written by
   ``capdo inventory template -i`` from a generated 5-province estate, then imported into a
   copy of it. Target: ≤ 10 s.

Inputs are generated into benchmarks/generated/ (not committed). Each step runs in a fresh
process; wall time and the load average are printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATED = HERE / "generated" / "province"
CAPDO = [sys.executable, "-m", "capdo.cli"]
DESCRIPTIONS = [
    REPO / "inventories" / "phutho.description.yml",
    *sorted((REPO / "inventories" / "examples").glob("*.description.yml")),
]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, cwd=REPO)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(args[2:5])} failed: {proc.stdout[-1500:]}{proc.stderr[-1500:]}"
        )
    return wall


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    shutil.rmtree(GENERATED, ignore_errors=True)
    GENERATED.mkdir(parents=True)
    national = GENERATED / "national"
    wall = timed(
        [*CAPDO, "estate", "new", str(DESCRIPTIONS[0]), "--out", str(national), "--provinces", "34"]
    )
    print(f"estate new, one national estate of 34 provinces: {wall:.1f} s (load {load()})")
    start = time.perf_counter()
    for n in range(34):
        description = DESCRIPTIONS[n % len(DESCRIPTIONS)]
        timed([*CAPDO, "estate", "new", str(description), "--out", str(GENERATED / f"p{n:02d}")])
    wall = time.perf_counter() - start
    print(f"estate new, 34 separate province estates, a process each: {wall:.1f} s (load {load()})")
    job = (
        "import sys; from pathlib import Path\n"
        "from capdo.estate_gen.description import load_description\n"
        "from capdo.estate_gen.write import generate\n"
        "paths = [Path(p) for p in sys.argv[2:]]\n"
        "for n in range(34):\n"
        "    path = paths[n % len(paths)]\n"
        "    generate(load_description(path), Path(sys.argv[1]) / f'q{n:02d}', path.name)\n"
    )
    wall = timed([sys.executable, "-c", job, str(GENERATED), *map(str, DESCRIPTIONS)])
    print(f"estate new, 34 separate province estates, one process: {wall:.1f} s (load {load()})")

    five = GENERATED / "five"
    timed([*CAPDO, "estate", "new", str(DESCRIPTIONS[0]), "--out", str(five), "--provinces", "5"])
    workbook = GENERATED / "five.xlsx"
    wall = timed([*CAPDO, "inventory", "template", "-i", str(five), "--out", str(workbook)])
    from openpyxl import load_workbook  # noqa: PLC0415

    book = load_workbook(workbook, read_only=True)
    rows = sum(max(0, (ws.max_row or 1) - 1) for ws in book.worksheets if ws.title != "huong-dan")
    print(f"template (export) of {rows} rows: {wall:.1f} s (load {load()})")
    target = GENERATED / "five-import"
    shutil.copytree(five, target)
    wall = timed([*CAPDO, "inventory", "import", str(workbook), "--into", str(target)])
    print(f"import of a {rows}-row workbook: {wall:.1f} s (load {load()})")


if __name__ == "__main__":
    main()
