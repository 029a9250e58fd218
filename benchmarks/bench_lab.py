"""Benchmark the lab hosts: golden image build (cold / warm) and up + down of N hosts.

Run as root from the repository root::

    .venv/bin/python benchmarks/bench_lab.py                 # cold build + 3 and 10 hosts
    .venv/bin/python benchmarks/bench_lab.py --no-cold --hosts 3 --repeat 5 --json out.json

The cold build uses a throw-away cache directory next to the real one (debootstrap downloads
the packages again) and removes it afterwards; up/down use the normal cache.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from capdo.aptmirror import default_suite
from capdo_lab import Lab
from capdo_lab.alloc import start_lab
from capdo_lab.image import GoldenImage, cache_dir, detect_mirror, ensure_rootfs
from capdo_lab.proc import become_subreaper


def _timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def bench_golden(results: dict[str, object], cold: bool) -> None:
    image = GoldenImage.base(default_suite())
    mirror = detect_mirror(image.suite)
    if cold:
        parent = cache_dir().parent
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix="bench-cold-", dir=parent))
        try:
            results["golden_cold_s"] = _timed(lambda: ensure_rootfs(image, mirror, scratch))
            tarball = image.tarball(scratch)
            results["golden_tarball_mb"] = round(tarball.stat().st_size / 1e6, 1)
            shutil.rmtree(image.rootfs(scratch))
            results["golden_warm_extract_s"] = _timed(lambda: ensure_rootfs(image, mirror, scratch))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    results["golden_warm_cached_s"] = _timed(lambda: ensure_rootfs(image, mirror))


def _leftovers(lab: Lab) -> list[str]:
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    found = [n for n in netns.split() if n.startswith(f"capdo-{lab.lab_id}-")]
    found += [w for w in links.split() if w.startswith(f"cl{lab.lab_id}")]
    found += [m for m in Path("/proc/mounts").read_text().splitlines() if str(lab.workdir) in m]
    if lab.workdir.exists():
        found.append(str(lab.workdir))
    return found


def bench_hosts(results: dict[str, object], count: int, repeat: int, base: Path) -> None:
    ups: list[float] = []
    first_ssh: list[float] = []
    downs: list[float] = []
    for run in range(repeat):
        hosts = [(f"h{i}", False) for i in range(1, count + 1)]
        start = time.perf_counter()
        lab = start_lab(f"b{os.getpid() % 10000}{run}", base / f"n{count}-{run}", hosts)
        ups.append(time.perf_counter() - start)
        try:
            start = time.perf_counter()
            for spec in lab.hosts:
                subprocess.run(lab.ssh_argv(spec.name, "true"), check=True, capture_output=True)
            first_ssh.append((time.perf_counter() - start) / count)
        finally:
            downs.append(_timed(lab.down))
        left = _leftovers(lab)
        if left:
            raise SystemExit(f"leftovers after down: {left}")
    results[f"up_{count}_hosts_s"] = _summary(ups)
    results[f"ssh_first_per_host_{count}_s"] = _summary(first_ssh)
    results[f"down_{count}_hosts_s"] = _summary(downs)


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cold", action="store_true", help="skip the cold golden build")
    parser.add_argument("--hosts", default="3,10", help="comma-separated host counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_lab needs root", file=sys.stderr)
        return 2
    become_subreaper()
    results: dict[str, object] = {"cpus": os.cpu_count(), "repeat": args.repeat}
    bench_golden(results, cold=not args.no_cold)
    with tempfile.TemporaryDirectory(prefix="capdo-bench-") as tmp:
        for count in (int(c) for c in args.hosts.split(",") if c):
            bench_hosts(results, count, args.repeat, Path(tmp))
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
