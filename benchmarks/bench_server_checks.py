"""Benchmark the level-3 server checks and the playbooks on 3 and 10 real lab hosts.

Run as root from the repository root::

    .venv/bin/python benchmarks/bench_server_checks.py               # 3 and 10 hosts
    .venv/bin/python benchmarks/bench_server_checks.py --hosts 3 --json out.json

Input: a copy of the lab estate with extra level-3 servers (lab-srv05...) generated under
benchmarks/generated/server-checks/, hosts brought up at the estate's addresses. Measured:
playbook converge on fresh hosts and the idempotent re-run, the check suite per host (one
host at a time) and for all hosts at once (``capdo check``'s runner, hosts in parallel),
and, on the same host in the same run, an OpenSCAP ANSSI-BP-028 intermediary scan with
``oscap-ssh`` when the content is in /var/cache/capdo/scap (skipped with a note otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from ipaddress import IPv4Interface
from pathlib import Path

import yaml

from capdo.checks.runner import RunOptions, run_checks
from capdo.checks.targets import Selection
from capdo_lab.lab import Lab, LabHostSpec
from capdo_lab.proc import become_subreaper

REPO = Path(__file__).resolve().parents[1]
GENERATED = REPO / "benchmarks" / "generated" / "server-checks"
BASE = {"lab-log01": "198.18.0.33", "lab-web01": "198.18.0.34", "lab-db01": "198.18.0.35"}
SCAP_DS = Path("/var/cache/capdo/scap/ssg/usr/share/xml/scap/ssg/content/ssg-debian12-ds.xml")
PROFILE = "xccdf_org.ssgproject.content_profile_anssi_bp28_intermediary"


def make_estate(count: int) -> tuple[Path, dict[str, str]]:
    """The lab estate plus level-3 servers up to ``count`` hosts in total."""
    estate = GENERATED / f"estate-{count}"
    if estate.exists():
        shutil.rmtree(estate)
    shutil.copytree(REPO / "inventories" / "lab", estate)
    hosts = dict(list(BASE.items())[:count])
    servers = yaml.safe_load((estate / "servers.yml").read_text())
    for index in range(len(hosts), count):
        name = f"lab-srv{index + 2:02d}"
        address = f"198.18.0.{40 + index}"
        hosts[name] = address
        servers.append(
            {
                "name": name,
                "site": "lab-dc",
                "zone": "lab-dc-server",
                "address": address,
                "roles": ["web"],
                "os": {"family": "debian", "version": "12"},
                "systems": ["lab-dvc"],
            }
        )
    (estate / "servers.yml").write_text(yaml.safe_dump(servers, sort_keys=False))
    return estate, hosts


def playbook(estate: Path, env: dict[str, str], limit: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    binary = str(Path(sys.executable).with_name("ansible-playbook"))
    done = subprocess.run(
        [binary, "-i", str(estate), "playbooks/site.yml", "-l", limit],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - start, done.returncode, done.stdout[-2000:]


def oscap_scan(lab: Lab, host: str, out: Path) -> dict[str, object]:
    if not SCAP_DS.is_file() or shutil.which("oscap-ssh") is None:
        return {"skipped": f"no SCAP content at {SCAP_DS} or no oscap-ssh"}
    install = subprocess.run(
        lab.ssh_argv(host, "apt-get install -y --no-install-recommends openscap-scanner"),
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if install.returncode != 0:
        return {"skipped": "openscap-scanner could not be installed on the host"}
    env = dict(os.environ, SSH_ADDITIONAL_OPTIONS=f"-F {lab.ssh_config}")
    start = time.perf_counter()
    argv = ["oscap-ssh", f"root@{host}", "22", "xccdf", "eval", "--profile", PROFILE]
    done = subprocess.run(
        [*argv, "--results", str(out), str(SCAP_DS)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    counts = Counter(re.findall(r"^Result\s+(\w+)", done.stdout, re.M))
    return {"seconds": round(seconds, 2), "exit": done.returncode, "results": dict(counts)}


def bench(count: int) -> dict[str, object]:
    estate, hosts = make_estate(count)
    workdir = GENERATED / f"lab-{count}"
    lab = Lab(f"b{os.getpid()}"[:8], workdir, [
        LabHostSpec(n, IPv4Interface(f"{a}/24"), False) for n, a in hosts.items()
    ])  # fmt: skip
    result: dict[str, object] = {"hosts": count, "load_before": os.getloadavg()[0]}
    started = time.perf_counter()
    lab.up()
    result["lab_up_s"] = round(time.perf_counter() - started, 2)
    try:
        overlay = GENERATED / f"connections-{count}.yml"
        overlay.write_text(
            yaml.safe_dump(
                {
                    n: {"host": a, "port": 22, "user": "root", "ssh_config": str(lab.ssh_config)}
                    for n, a in hosts.items()
                }
            )
        )
        os.environ["CAPDO_CONNECTIONS"] = str(overlay)
        env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"))
        limit = ",".join(hosts)
        seconds, code, tail = playbook(estate, env, limit)
        result["converge_s"] = round(seconds, 1)
        result["converge_rc"] = code
        if code != 0:
            result["converge_tail"] = tail
            return result
        seconds, code, _ = playbook(estate, env, limit)
        result["idempotent_s"] = round(seconds, 1)
        for host in hosts:
            subprocess.run(
                lab.ssh_argv(host, "chronyc waitsync 60 0.5 0 1 >/dev/null 2>&1"),
                capture_output=True,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        checks = REPO / "checks" / "server"
        per_host: list[float] = []
        for host in list(hosts)[:3]:
            start = time.perf_counter()
            summary = run_checks(
                RunOptions(estate, checks, GENERATED / "one.jsonl", Selection.parse(host), jobs=1)
            )
            per_host.append(time.perf_counter() - start)
        result["per_host_s"] = [round(s, 2) for s in per_host]
        result["per_host_median_s"] = round(statistics.median(per_host), 2)
        start = time.perf_counter()
        summary = run_checks(
            RunOptions(estate, checks, GENERATED / f"all-{count}.jsonl", Selection.parse(limit))
        )
        result["all_hosts_s"] = round(time.perf_counter() - start, 2)
        result["workers"] = len(summary.shard_seconds)
        result["records"] = len(summary.records)
        result["statuses"] = dict(summary.counts())
        web = [r for r in summary.records if r.target == "lab-web01"]
        result["checks_on_level3_host"] = len(
            {(r.evidence.detail or "").split(";")[0] for r in web}
        )
        result["oscap_intermediary"] = oscap_scan(lab, "lab-web01", GENERATED / "oscap.xml")
        result["load_after"] = os.getloadavg()[0]
        return result
    finally:
        os.environ.pop("CAPDO_CONNECTIONS", None)
        lab.down()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, action="append", help="3 and 10 by default")
    parser.add_argument("--json", type=Path, help="Write the figures here as JSON.")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_server_checks: needs root (lab hosts)", file=sys.stderr)
        return 2
    become_subreaper()
    GENERATED.mkdir(parents=True, exist_ok=True)
    figures = [bench(n) for n in (args.hosts or [3, 10])]
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
