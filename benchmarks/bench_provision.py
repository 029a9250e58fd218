"""Benchmark provisioning side by side: plain ``ansible-playbook`` with Ansible's default
settings vs capdo's configuration (vs capdo's with the Mitogen strategy), each on the same number
of fresh lab hosts, converge then idempotent re-run, ratio reported.

Run as root from the repository root (builds real lab hosts; one mode at a time)::

    .venv/bin/python benchmarks/bench_provision.py --hosts 10 --json out/bench-provision.json
    .venv/bin/python benchmarks/bench_provision.py --hosts 4 --modes capdo,mitogen
    .venv/bin/python benchmarks/bench_provision.py --hosts 10 --modes capdo --profile out/prof

After the re-run, ``capdo check`` (the whole process) runs on the lab estate's own hosts among
them (up to 4), and its time is reported as ``check``; ``--compare-src OTHER/src`` runs it a
second time with another checkout's code on the same hosts (before/after at the same load).

``--profile DIR`` writes, per mode and phase, the seconds each task took on each host (summed and
maximised per task; ``benchmarks/callback_plugins/capdo_task_times.py``, the equivalent of
``ansible.posix.profile_tasks``) and prints the slowest tasks. Each phase also reports the load
average, the controller's CPU seconds (ansible-playbook and its workers), and the apt bytes the
hosts received: ``apt_bytes_per_host`` (the .deb files in each host's apt archive, read from its
overlay upper dir) and, with the lab's caching apt relay, ``mirror_bytes`` (what the relay itself
fetched from the mirror during the phase; the rest came from its cache).

The estate is a copy of ``inventories/lab`` moved to a free /24, with level-3 application
servers added next to its servers until there are ``--hosts`` of them (generated here, never
committed). Every mode gets fresh hosts. "plain" uses an ansible.cfg that only points at the
inventory plugin and the roles (no pipelining, no ControlPersist, 5 forks: Ansible's defaults);
"capdo" uses the repository's ansible.cfg; "mitogen" adds the Mitogen strategy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from ipaddress import IPv4Interface
from pathlib import Path

import yaml

from capdo.provisioning import run_environment
from capdo_lab.alloc import free_network
from capdo_lab.lab import Lab, LabHostSpec
from capdo_lab.proc import become_subreaper

REPO = Path(__file__).resolve().parents[1]
LAB_ESTATE = REPO / "inventories" / "lab"
ESTATE_PREFIXES = {"198.18.0", "198.18.1", "198.18.2", "198.18.255"}
BASE_HOSTS = {"lab-log01": 33, "lab-web01": 34, "lab-db01": 35, "lab-mcu01": 36}
PLAIN_CFG = """[defaults]
inventory_plugins = {repo}/plugins/inventory
roles_path = {repo}/roles
host_key_checking = False

[inventory]
enable_plugins = capdo, host_list, yaml, ini, auto
"""


def _network() -> str:
    for attempt in range(64):
        prefix = str(free_network(24, skip=31 + attempt).network_address).rsplit(".", 1)[0]
        if prefix not in ESTATE_PREFIXES:
            return prefix
    raise SystemExit("no free /24")


def make_estate(target: Path, network: str, hosts: int) -> dict[str, str]:
    """The lab estate moved to ``network`` with ``hosts`` servers; returns name → address."""
    shutil.copytree(LAB_ESTATE, target)
    for path in target.rglob("*.yml"):
        text = path.read_text(encoding="utf-8").replace("198.18.0.", f"{network}.")
        text = text.replace("../../.cache/lab/connections.yml", "../connections.yml")
        path.write_text(text, encoding="utf-8")
    servers = yaml.safe_load((target / "servers.yml").read_text())
    addresses = {n: f"{network}.{h}" for n, h in BASE_HOSTS.items()}
    for i in range(max(0, hosts - len(BASE_HOSTS))):
        name = f"lab-app{i + 1:02d}"
        addresses[name] = f"{network}.{40 + i}"
        servers.append(
            {"name": name, "site": "lab-dc", "zone": "lab-dc-server",
             "address": addresses[name], "roles": ["web"],
             "os": {"family": "debian", "version": "12"}, "systems": ["lab-dvc"]}
        )  # fmt: skip
    (target / "servers.yml").write_text(yaml.safe_dump(servers, sort_keys=False))
    return dict(list(addresses.items())[:hosts])


def _recap(output: str) -> dict[str, dict[str, int]]:
    stats: dict[str, dict[str, int]] = {}
    for host, rest in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.M):
        stats[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", rest)}
    return stats


def _apt_bytes(lab: Lab, names: list[str]) -> dict[str, int]:
    """Bytes of .deb files each host downloaded (its apt archive, in the overlay upper dir)."""
    sizes: dict[str, int] = {}
    for name in names:
        archive = lab.layout.host_dir(name) / "upper" / "var" / "cache" / "apt" / "archives"
        sizes[name] = sum(p.stat().st_size for p in archive.glob("*.deb"))
    return sizes


def _mirror_bytes(lab: Lab) -> int | None:
    """Bytes the lab's apt relay fetched from the mirror (None: a relay without statistics)."""
    stats = lab.layout.run_dir / "aptcache-stats.json"
    try:
        return int(json.loads(stats.read_text())["upstream_bytes"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _profile(path: Path, top: int = 12) -> list[dict[str, object]]:
    try:
        tasks: list[dict[str, object]] = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    for entry in tasks[:top]:
        print(f"    {entry['total_s']:7.1f} s  max {entry['max_s']:5.1f}  {entry['task']}")
    return tasks


def _check(estate: Path, names: list[str], env: dict[str, str], base: Path) -> dict[str, object]:
    """``capdo check`` on the converged lab hosts of the lab estate, as a whole process."""
    capdo = Path(sys.executable).with_name("capdo")
    argv = [str(capdo), "check", "-i", str(estate), "-l", ",".join(names),
            "-o", str(base / "check.jsonl"), "--format", "json"]  # fmt: skip
    load = os.getloadavg()
    cpu_before = os.times()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    cpu = os.times()
    try:
        counts = json.loads(done.stdout).get("counts", {})
    except ValueError:
        counts = {"output": done.stdout[-300:] + done.stderr[-300:]}
    return {
        "hosts": len(names),
        "seconds": round(seconds, 2),
        "load_before": [round(x, 2) for x in load],
        "controller_cpu_s": round(
            cpu.children_user
            + cpu.children_system
            - cpu_before.children_user
            - cpu_before.children_system,
            1,
        ),
        "rc": done.returncode,
        "counts": counts,
    }


def run_mode(
    mode: str, hosts: int, base: Path, profile: Path | None = None, compare_src: Path | None = None
) -> dict[str, object]:
    network = _network()
    estate = base / mode / "estate"
    addresses = make_estate(estate, network, hosts)
    specs = [LabHostSpec(n, IPv4Interface(f"{a}/24"), False) for n, a in addresses.items()]
    lab = Lab(f"b{os.getpid() % 100000}{mode[0]}"[:8], base / mode / "lab", specs)
    lab.up()
    try:
        (base / mode / "connections.yml").write_text(
            yaml.safe_dump(
                {n: {"host": a, "port": 22, "user": "root",
                     "private_key_file": str(lab.private_key), "ssh_config": str(lab.ssh_config)}
                 for n, a in addresses.items()}
            )
        )  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "CAPDO_"))}
        env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
        env["ANSIBLE_NOCOLOR"] = "1"
        env["CAPDO_LAB_SSH_KEY"] = str(lab.private_key)
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
            env["ANSIBLE_CALLBACK_PLUGINS"] = str(REPO / "benchmarks" / "callback_plugins")
            env["ANSIBLE_CALLBACKS_ENABLED"] = "capdo_task_times"
        if mode == "plain":
            cfg = base / mode / "ansible.cfg"
            cfg.write_text(PLAIN_CFG.format(repo=REPO))
            env["ANSIBLE_CONFIG"] = str(cfg)
        else:
            env.update(run_environment({}, REPO, mitogen=mode == "mitogen"))
        limit = ",".join(addresses)
        argv = [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(estate),
                "playbooks/site.yml", "-l", limit]  # fmt: skip
        result: dict[str, object] = {"mode": mode, "hosts": hosts, "network": network}
        for phase in ("converge", "rerun"):
            if profile is not None:
                env["CAPDO_TASK_TIMES"] = str(profile / f"{mode}-{phase}.json")
            debs_before = _apt_bytes(lab, list(addresses))
            mirror_before = _mirror_bytes(lab)
            load = os.getloadavg()
            cpu_before = os.times()
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL, check=False)  # fmt: skip
            seconds = time.perf_counter() - started
            cpu = os.times()
            debs = _apt_bytes(lab, list(addresses))
            mirror_after = _mirror_bytes(lab)
            recap = _recap(done.stdout)
            result[phase] = {
                "seconds": round(seconds, 1),
                "load_before": [round(x, 2) for x in load],
                "load_after": [round(x, 2) for x in os.getloadavg()],
                "controller_cpu_s": round(
                    cpu.children_user
                    + cpu.children_system
                    - cpu_before.children_user
                    - cpu_before.children_system,
                    1,
                ),
                "apt_bytes_per_host": round(
                    sum(debs[n] - debs_before[n] for n in debs) / max(1, len(debs))
                ),
                "mirror_bytes": None
                if mirror_after is None or mirror_before is None
                else mirror_after - mirror_before,
                "rc": done.returncode,
                "changed": sum(s.get("changed", 0) for s in recap.values()),
                "failed": sum(s.get("failed", 0) + s.get("unreachable", 0) for s in recap.values()),
                "tasks_per_host": max((s.get("ok", 0) for s in recap.values()), default=0),
            }
            if done.returncode != 0:
                (base / f"{mode}-{phase}.log").write_text(done.stdout + done.stderr)
                result[phase]["log"] = str(base / f"{mode}-{phase}.log")  # type: ignore[index]
            print(f"{mode:8} {phase:9} {hosts} hosts: {result[phase]}", flush=True)
            if profile is not None:
                _profile(profile / f"{mode}-{phase}.json")
        checked = [n for n in addresses if n in BASE_HOSTS]
        result["check"] = _check(estate, checked, env, base)
        print(f"{mode:8} check     {result['check']}", flush=True)
        if compare_src is not None:  # the same hosts, checked by another checkout's code
            other = {**env, "PYTHONPATH": str(compare_src)}
            result["check_compare"] = _check(estate, checked, other, base)
            print(f"{mode:8} check (compare) {result['check_compare']}", flush=True)
            result["check_again"] = _check(estate, checked, env, base)  # masters warm for both
            print(f"{mode:8} check (again) {result['check_again']}", flush=True)
        return result
    finally:
        lab.down()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--modes", default="plain,capdo,mitogen")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--profile", type=Path, help="folder for per-task timings (JSON)")
    parser.add_argument(
        "--compare-src",
        type=Path,
        help="also run capdo check with this src/ (e.g. the previous commit's)",
    )
    args = parser.parse_args()
    become_subreaper()
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="capdo-bench-prov-") as tmp:
        for mode in args.modes.split(","):
            results.append(run_mode(mode, args.hosts, Path(tmp), args.profile, args.compare_src))
    summary: dict[str, object] = {
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "results": results,
    }
    by_mode = {r["mode"]: r for r in results}
    if "plain" in by_mode:
        for mode in ("capdo", "mitogen"):
            if mode in by_mode:
                for phase in ("converge", "rerun"):
                    plain = by_mode["plain"][phase]["seconds"]  # type: ignore[index]
                    mine = by_mode[mode][phase]["seconds"]  # type: ignore[index]
                    summary[f"ratio_{mode}_{phase}"] = round(plain / mine, 2)
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
