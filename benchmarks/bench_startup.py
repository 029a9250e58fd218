"""Benchmark capdo's start-up: whole-process wall time of light commands, and which heavy
libraries each one imports (``python -X importtime``).

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CAPDO = str(Path(sys.executable).with_name("capdo"))
COMMANDS = {
    "capdo --version": ["--version"],
    "capdo inventory validate -i inventories/phutho": [
        "inventory", "validate", "-i", "inventories/phutho"],
}  # fmt: skip
HEAVY = ("ansible", "weasyprint", "nornir", "netmiko", "openpyxl", "lxml", "trestle", "pytest")


def _wall(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([CAPDO, *argv], cwd=REPO, capture_output=True, check=False)
    return time.perf_counter() - started


def _imports(argv: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "capdo.cli", *argv],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    tops: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].strip()
            if "." not in name:
                tops[name] = int(parts[1])
    heavy = sorted(h for h in HEAVY if h in tops)
    top = sorted(tops.items(), key=lambda kv: -kv[1])[:8]
    return {"heavy_imported": heavy, "top_ms": {k: round(v / 1000, 1) for k, v in top}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, object] = {"load_before": os.getloadavg()}
    for label, argv in COMMANDS.items():
        times = [_wall(argv) for _ in range(args.repeat)]
        results[label] = {
            "median_s": round(statistics.median(times), 3),
            "min_s": round(min(times), 3),
            **_imports(argv),
        }
    results["load_after"] = os.getloadavg()
    print(json.dumps(results, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
