#!/usr/bin/env python3
"""Benchmark: render every Phú Thọ device; backup + diff of N emulated devices with nornir's
threaded runner against one worker, in the same run.

    python benchmarks/bench_network.py              # 30 devices
    python benchmarks/bench_network.py --devices 60

The emulated devices run in their own process (``python -m capdo_lab.devices``) on loopback
ports; the estate reaches them through a generated connections overlay, and the device
credential is the estate's own vault reference, resolved from a vault generated here (in
benchmarks/generated/, with its password file). Targets: render about 400 devices in under
2 s; render + audit of every device (firewalls included, none skipped) under 5 s; 30 devices
backup + diff in under 10 s and at least 10 times faster than one worker.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATED = HERE / "generated" / "network"
RESULTS = HERE / "results"
sys.path.insert(0, str(REPO / "src"))

from capdo.network import runner  # noqa: E402
from capdo.network.audit import find_checks_dir, load_targets, run_audit  # noqa: E402
from capdo.network.estate import load_network_estate  # noqa: E402
from capdo.network.render import Renderer  # noqa: E402
from capdo_lab.devices import DeviceProcess, DeviceSpec  # noqa: E402


def bench_render(estate_dir: Path) -> dict[str, float]:
    start = time.perf_counter()
    estate = load_network_estate(estate_dir)
    loaded = time.perf_counter()
    renderer = Renderer(estate.templates_dir)
    result = renderer.render_many(estate.context, estate.select(None))
    done = time.perf_counter()
    return {
        "devices": len(result.configs),
        "skipped": len(result.skipped),
        "load_s": round(loaded - start, 3),
        "render_s": round(done - loaded, 3),
        "per_device_ms": round(1000 * (done - loaded) / max(1, len(result.configs)), 3),
    }


def bench_render_audit(estate_dir: Path) -> dict[str, float]:
    """Render every device (firewalls included) and audit every rendered config, in process."""
    start = time.perf_counter()
    estate = load_network_estate(estate_dir)
    devices = estate.select(None)
    configs = Renderer(estate.templates_dir).render_many(estate.context, devices)
    rendered = time.perf_counter()
    targets, missing = load_targets(estate, devices, configs.configs)
    _code, records = run_audit(targets, find_checks_dir(estate))
    done = time.perf_counter()
    return {
        "devices": len(targets),
        "skipped": len(configs.skipped) + len(missing),
        "records": len(records),
        "load_render_s": round(rendered - start, 3),
        "audit_s": round(done - rendered, 3),
        "total_s": round(done - start, 3),
    }


def make_vault(password: str) -> tuple[Path, Path]:
    """A vault with the Phú Thọ device credential's two variables (random values)."""
    GENERATED.mkdir(parents=True, exist_ok=True)
    key_file = GENERATED / "vault-password"
    key_file.write_text(secrets.token_hex(16) + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    vault = GENERATED / "vault.yml"
    vault.write_text(
        f"vault_network_admin_password: {password}\n"
        f"vault_network_enable_secret: {secrets.token_hex(8)}\n",
        encoding="utf-8",
    )
    subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-vault"),
            "encrypt",
            "--vault-password-file",
            str(key_file),
            str(vault),
        ],
        check=True,
        capture_output=True,
    )
    return vault, key_file


def bench_fleet(estate_dir: Path, count: int) -> dict[str, float]:
    estate = load_network_estate(estate_dir)
    devices = [d for d in estate.inventory.devices if d.platform in ("cisco_ios", "huawei_vrp")]
    ios = [d for d in devices if d.platform == "cisco_ios"][: count // 3]
    picked = ios + [d for d in devices if d.platform == "huawei_vrp"][: count - len(ios)]
    password = secrets.token_hex(12)
    vault, key_file = make_vault(password)
    overlay = GENERATED / "connections.yml"
    overlay.unlink(missing_ok=True)
    env = {**os.environ, "CAPDO_BENCH_DEVICE_PASSWORD": password}
    specs = [DeviceSpec(d.name, d.platform) for d in picked]
    started = time.perf_counter()
    with DeviceProcess(
        specs, overlay=overlay, password_env="CAPDO_BENCH_DEVICE_PASSWORD", env=env
    ) as _lab:
        ready = time.perf_counter() - started
        os.environ["CAPDO_CONNECTIONS"] = str(overlay)
        os.environ["CAPDO_VAULT_FILE"] = str(vault)
        os.environ["CAPDO_VAULT_PASSWORD_FILE"] = str(key_file)
        estate = load_network_estate(estate_dir)
        chosen = estate.select([d.name for d in picked])
        timings: dict[str, float] = {}
        for label, workers in (("threaded", len(chosen)), ("one_worker", 1)):
            t0 = time.perf_counter()
            intended = Renderer(estate.templates_dir).render_many(estate.context, chosen).configs
            jobs, skipped = runner.jobs_for(estate, chosen, intended)
            outcomes = runner.run_jobs(estate, jobs, runner.diff_work, workers)
            runner.write_backups(outcomes, GENERATED / "backup", label)
            timings[label] = round(time.perf_counter() - t0, 3)
            bad = [o for o in outcomes.values() if o.status not in ("pending", "in-sync")]
            if bad or skipped:
                raise SystemExit(f"devices failed: {bad[:3]} {skipped}")
            timings[f"{label}_changes"] = sum(len(o.remediation) for o in outcomes.values())
    return {
        "devices": len(specs),
        "lab_ready_s": round(ready, 3),
        **timings,
        "speedup": round(timings["one_worker"] / timings["threaded"], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=30)
    parser.add_argument("--estate", type=Path, default=REPO / "inventories" / "phutho")
    args = parser.parse_args()
    report = {
        "render": bench_render(args.estate),
        "render_audit": bench_render_audit(args.estate),
        "backup_diff": bench_fleet(args.estate, args.devices),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "network.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    render_ok = report["render"]["render_s"] < 2 and report["render_audit"]["total_s"] < 5
    fleet = report["backup_diff"]
    fleet_ok = fleet["threaded"] < 10 and fleet["speedup"] >= 10
    print(
        f"render target {'met' if render_ok else 'MISSED'}; backup+diff target "
        f"{'met' if fleet_ok else 'MISSED'}"
    )
    return 0 if render_ok and fleet_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
