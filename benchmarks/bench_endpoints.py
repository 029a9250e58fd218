"""Benchmark: probe and check 302 emulated video-conference endpoints.

The script generates an estate (the lab estate plus a video-conference zone with N endpoints,
Yealink, Poly and Cisco, one in ten broken on purpose), starts the emulations in a child
process (``python -m capdo_lab.endpoints``, the way the lab runs them), then times
``check_estate`` (all probes: SIP OPTIONS over UDP, TCP and TLS, management TLS, insecure
ports, default login, configuration export, then the verdicts) in this process.

    python benchmarks/bench_endpoints.py [--endpoints 302] [--concurrency 128]

Target: under 10 s on 2 cores. Peak memory: maximum resident set size of the probing process
and of the emulation process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from capdo.endpoints.probe import ProbeSettings
from capdo.endpoints.runner import check_estate
from capdo.inventory.validate import load_estate

REPO = Path(__file__).resolve().parent.parent
VENDORS = [
    ("yealink", "VC200", "63.345.0.10", "80:5e:c0"),
    ("poly", "G7500", "4.1.2", "00:e0:db"),
    ("yealink", "MeetingBar A20", "133.321.0.3", "80:5e:c0"),
    ("cisco", "Webex Room Kit", "11.14.2.3", "00:50:60"),
]
FAULTS = ["http-open", "old-firmware", "no-tls", "telnet-open", "default-password"]


def generate(root: Path, count: int) -> list[str]:
    """Write the estate; returns the --fault arguments for the emulation process."""
    shutil.copytree(REPO / "inventories" / "lab", root)
    estate = (root / "estate.yml").read_text(encoding="utf-8")
    (root / "estate.yml").write_text(
        estate.replace("connection_overlay: ../../.cache/lab/connections.yml", ""),
        encoding="utf-8",
    )
    zones = yaml.safe_load((root / "zones.yml").read_text(encoding="utf-8"))
    zones.append(
        {
            "id": "bench-vc",
            "site": "lab-xa",
            "kind": "video-conference",
            "prefixes": ["198.19.0.0/22"],
        }
    )
    (root / "zones.yml").write_text(yaml.safe_dump(zones), encoding="utf-8")
    endpoints = []
    faults = []
    for i in range(count):
        vendor, model, firmware, oui = VENDORS[i % len(VENDORS)]
        name = f"bench-vc-{i:03d}"
        endpoints.append(
            {
                "name": name,
                "site": "lab-xa",
                "zone": "bench-vc",
                "vendor": vendor,
                "model": model,
                "firmware": firmware,
                "mac": f"{oui}:10:{i // 256:02x}:{i % 256:02x}",
                "address": f"198.19.{i // 250}.{i % 250 + 2}",
                "sip_uri": f"sip:{name}@vc.lab.capdo.test",
                "mcu": "lab-mcu01",
                "systems": ["lab-hntt"],
            }
        )
        if i % 10 == 5:
            faults.append(f"{name}={FAULTS[(i // 10) % len(FAULTS)]}")
    (root / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return faults


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoints", type=int, default=302)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="capdo-bench-vc-"))
    root = work / "estate"
    faults = generate(root, args.endpoints)
    overlay = work / "connections.yml"
    env = {
        **os.environ,
        "CAPDO_LAB_ENDPOINT_PASSWORD": "bench-" + os.urandom(8).hex(),
        "CAPDO_CONNECTIONS": str(overlay),
    }
    os.environ.update(env)
    command = [
        sys.executable,
        "-m",
        "capdo_lab.endpoints",
        "-i",
        str(root),
        "--overlay",
        str(overlay),
    ]
    for fault in faults:
        command += ["--fault", fault]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            print("emulation did not start", file=sys.stderr)
            return 2
        emulation_start = time.perf_counter() - started
        inventory = load_estate(root).inventory
        assert inventory is not None
        t0 = time.perf_counter()
        outcome = check_estate(
            inventory, root, settings=ProbeSettings(timeout=args.timeout, limit=args.concurrency)
        )
        elapsed = time.perf_counter() - t0
        child_peak_kb = 0
        with open(f"/proc/{child.pid}/status", encoding="ascii") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    child_peak_kb = int(row.split()[1])
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    counts = Counter(r.status for r in outcome.records)
    report = {
        "endpoints": len(outcome.plans),
        "reachable": sum(f.reachable for f in outcome.facts),
        "records": len(outcome.records),
        "statuses": dict(counts),
        "concurrency": args.concurrency,
        "cores": os.cpu_count(),
        "emulation_start_s": round(emulation_start, 2),
        "probe_and_check_s": round(elapsed, 2),
        "peak_rss_probe_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_emulation_mb": round(child_peak_kb / 1024, 1),
        "target_s": 10,
    }
    print(json.dumps(report, indent=2))
    return 0 if elapsed < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
