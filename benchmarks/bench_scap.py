"""OpenSCAP benchmark on real lab hosts (root; SSG content fetched; openscap-scanner installed).

1. Scan time per lab host per ANSSI profile (oscap-ssh; filesystem walkers skipped), plus the
   intermediary profile with the walkers included.
2. ARF parse: the intermediary ARF produced in step 1 (about 14 MB) parsed in a fresh
   process; wall time and peak RSS (and the RSS of the same process without the parse).
3. The same host checked by capdo's own level-3 server suite (checks/server, testinfra) and
   by OpenSCAP in one run, compared requirement by requirement: fresh, then again after
   ``playbooks/hardening.yml`` has converged it.

    python benchmarks/bench_scap.py [--hosts 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from capdo.checks.runner import RunOptions, run_checks
from capdo.checks.targets import Selection
from capdo.compliance.results import ResultRecord, Status, worst
from capdo.scap import content, runner
from capdo.scap.arf import parse_results
from capdo.scap.scan import Scanner, ScanOptions, select_servers
from capdo.scap.setup import prepare
from capdo.scap.tailoring import tailored_profile_id, write_tailoring
from capdo_lab.alloc import start_lab
from capdo_lab.lab import Lab
from capdo_lab.proc import become_subreaper

REPO = Path(__file__).resolve().parents[1]
ESTATE = REPO / "inventories" / "lab"
PROFILES = (
    "anssi_bp28_minimal",
    "anssi_bp28_intermediary",
    "anssi_bp28_enhanced",
    "anssi_bp28_high",
)
WALKERS = (
    "file_permissions_ungroupowned",
    "file_permissions_unauthorized_world_writable",
    "dir_perms_world_writable_root_owned",
    "dir_perms_world_writable_sticky_bits",
    "no_files_unowned_by_user",
)
HOSTS = ("lab-web01", "lab-mcu01", "lab-db01", "lab-log01")

PARSE_CHILD = """
import resource, sys, time
from pathlib import Path
from capdo.scap.arf import parse_results
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "parse":
    t = time.perf_counter(); r = parse_results(Path(sys.argv[1])); dt = time.perf_counter() - t
    n = len(r.rules)
else:
    dt, n = 0.0, 0
print(dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, base / 1024, n)
"""


def overlay(lab: Lab, path: Path) -> Path:
    data = {
        s.name: {"host": str(s.address.ip), "port": 22, "user": "root",
                 "private_key_file": str(lab.private_key), "ssh_config": str(lab.ssh_config)}
        for s in lab.hosts
    }  # fmt: skip
    path.write_text(yaml.safe_dump(data))
    return path


def scan_profiles(lab: Lab, out: Path, ds: Path) -> tuple[list[dict[str, object]], Path]:
    rows: list[dict[str, object]] = []
    arf_for_parse = out / "none"
    for spec in lab.hosts:
        target = runner.SshTarget(str(spec.address.ip), 22, "root", str(lab.private_key),
                                  str(lab.ssh_config))  # fmt: skip
        started = time.monotonic()
        runner.ensure_remote_scanner(target, install=True)
        rows.append({"host": spec.name, "step": "install openscap-scanner",
                     "seconds": round(time.monotonic() - started, 2)})  # fmt: skip
        plans = [(p, True) for p in PROFILES] + [("anssi_bp28_intermediary", False)]
        for profile, skip in plans:
            tag = f"{profile}{'' if skip else '+walkers'}"
            tailoring = write_tailoring(out / f"{spec.name}.{tag}.t.xml", profile,
                                        WALKERS if skip else (), datastream=ds.name)  # fmt: skip
            arf = out / f"{spec.name}.{tag}.arf.xml"
            args = runner.eval_args(tailored_profile_id(profile), arf, ds, tailoring)
            done = runner.run_oscap("ssh", args, arf, target=target, timeout=600)
            counts = parse_results(arf).counts()
            counts.pop("notselected", None)
            rows.append({"host": spec.name, "step": tag, "seconds": round(done.seconds, 2),
                         "arf_mb": round(arf.stat().st_size / 1e6, 1), **counts})  # fmt: skip
            if profile == "anssi_bp28_intermediary" and skip and not arf_for_parse.exists():
                arf_for_parse = arf
    return rows, arf_for_parse


def parse_benchmark(arf: Path, repeat: int = 5) -> dict[str, object]:
    def child(mode: str) -> list[float]:
        out = subprocess.run([sys.executable, "-c", PARSE_CHILD, str(arf), mode],
                             capture_output=True, text=True, check=True)  # fmt: skip
        return [float(x) for x in out.stdout.split()]

    runs = [child("parse") for _ in range(repeat)]
    idle = child("idle")
    return {
        "arf_mb": round(arf.stat().st_size / 1e6, 2),
        "rules": int(runs[0][3]),
        "parse_s_median": round(statistics.median(r[0] for r in runs), 3),
        "parse_s_max": round(max(r[0] for r in runs), 3),
        "peak_rss_mb_max": round(max(r[1] for r in runs), 1),
        "rss_mb_without_parse": round(idle[1], 1),
    }


def _by_requirement(records: list[ResultRecord]) -> dict[str, Status]:
    out: dict[str, Status] = {}
    for r in records:
        out[r.requirement_id] = (
            worst(out[r.requirement_id], r.status) if r.requirement_id in out else r.status
        )
    return out


def converge(name: str) -> float:
    started = time.monotonic()
    subprocess.run([str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(ESTATE),
                    str(REPO / "playbooks" / "hardening.yml"), "--limit", name],
                   cwd=REPO, check=True, capture_output=True, start_new_session=True)  # fmt: skip
    return round(time.monotonic() - started, 1)


def compare(lab: Lab, out: Path, tag: str) -> dict[str, object]:
    name = lab.hosts[0].name
    out = out / tag
    out.mkdir()
    started = time.monotonic()
    own = run_checks(RunOptions(inventory=ESTATE, checks_dir=REPO / "checks" / "server",
                                results=out / "own.jsonl",
                                selection=Selection(limit=(name,), level=None)))  # fmt: skip
    own_seconds = time.monotonic() - started
    setup = prepare(ESTATE)
    scanner = Scanner(setup.estate, ESTATE, setup.index, setup.settings, setup.mapping, out,
                      "bench", ScanOptions(level=3, fix=False, timeout=600))  # fmt: skip
    target = next(t for t in select_servers(setup.index, [name]))
    started = time.monotonic()
    scap = scanner.scan(target)
    scap_seconds = time.monotonic() - started
    mine, theirs = _by_requirement(own.records), _by_requirement(scap.records)
    table = []
    for req in sorted(set(mine) | set(theirs)):
        a, b = mine.get(req, "-"), theirs.get(req, "-")
        table.append({"requirement": req, "capdo": a, "openscap": b,
                      "agree": a == b if "-" not in (a, b) else None})  # fmt: skip
    both = [row for row in table if row["agree"] is not None]
    return {
        "host": name,
        "state": tag,
        "capdo_seconds": round(own_seconds, 2),
        "capdo_records": len(own.records),
        "capdo_requirements": len(mine),
        "openscap_seconds": round(scap_seconds, 2),
        "openscap_records": len(scap.records),
        "openscap_requirements": len(theirs),
        "requirements_both": len(both),
        "agree": sum(1 for row in both if row["agree"]),
        "table": table,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("needs root (lab hosts)", file=sys.stderr)
        return 2
    ds = content.datastream_for({"ID": "debian", "VERSION_ID": "12"})
    become_subreaper()
    with tempfile.TemporaryDirectory(prefix="bench-scap-") as tmp:
        work = Path(tmp)
        lab = start_lab(
            f"b{os.getpid()}"[:8], work / "lab", [(h, False) for h in HOSTS[: args.hosts]]
        )
        try:
            overlay_file = overlay(lab, work / "overlay.yml")
            os.environ["CAPDO_CONNECTIONS"] = str(overlay_file)
            out = work / "out"
            out.mkdir()
            rows, arf = scan_profiles(lab, out, ds)
            parse = parse_benchmark(arf)
            comparisons = [compare(lab, out, "fresh")]
            seconds = converge(lab.hosts[0].name)
            comparisons.append({**compare(lab, out, "converged"), "converge_seconds": seconds})
        finally:
            lab.down()
    result = {"scans": rows, "parse": parse, "compare": comparisons}
    for row in rows:
        print(json.dumps(row))
    print(json.dumps(parse))
    for comparison in comparisons:
        print(json.dumps({k: v for k, v in comparison.items() if k != "table"}))
        for row in comparison["table"]:  # type: ignore[attr-defined]
            req, mine, theirs = row["requirement"], row["capdo"], row["openscap"]
            print(f"  {req:7} capdo={mine:15} openscap={theirs:15} agree={row['agree']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
