"""Running capdo's playbooks through ansible-runner (the library AWX uses).

One run keeps its artifacts (ansible-runner's job events, stdout, rc and status, plus
``hosts.json`` with the per-host recap) in ``<artifacts>/<ident>/``, shows per-host progress with
rich while it runs, and ends with the changed/failed counts per host. The Mitogen strategy is
switched on with ``mitogen=True`` (``capdo provision --mitogen`` or $CAPDO_MITOGEN=1).
"""

from __future__ import annotations

import json
import os
import shlex
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from capdo.i18n import Lang, t

ENV_MITOGEN = "CAPDO_MITOGEN"
_COUNTED = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_unreachable": "unreachable",
    "runner_on_skipped": "skipped",
}


@dataclass
class HostProgress:
    ok: int = 0
    changed: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    task: str = ""


@dataclass
class ProvisionRun:
    rc: int
    status: str
    seconds: float
    artifacts: Path
    hosts: dict[str, HostProgress] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.rc == 0


def mitogen_strategy_dir() -> Path | None:
    """The folder of Mitogen's strategy plugins, or None when Mitogen is not installed."""
    try:
        import ansible_mitogen  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError:
        return None
    return Path(ansible_mitogen.__file__).parent / "plugins" / "strategy"


def mitogen_wanted(option: bool | None) -> bool:
    if option is not None:
        return option
    return os.environ.get(ENV_MITOGEN, "").strip().lower() in ("1", "true", "yes", "on")


def run_environment(base: Mapping[str, str], repo: Path, mitogen: bool) -> dict[str, str]:
    """The variables ansible-playbook gets: the repository's ansible.cfg, and Mitogen's
    strategy (mitogen_free: the free strategy of ansible.cfg, over Mitogen) when asked for."""
    env: dict[str, str] = {}
    if (repo / "ansible.cfg").is_file() and "ANSIBLE_CONFIG" not in base:
        env["ANSIBLE_CONFIG"] = str(repo / "ansible.cfg")
    if mitogen:
        plugins = mitogen_strategy_dir()
        if plugins is None:
            raise RuntimeError("mitogen")
        env["ANSIBLE_STRATEGY_PLUGINS"] = str(plugins)
        env["ANSIBLE_STRATEGY"] = "mitogen_free"
    return env


class _Progress:
    """Per-host counters fed by ansible-runner's events, drawn as a rich table."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.hosts: dict[str, HostProgress] = {}

    def __call__(self, event: dict[str, Any]) -> bool:
        data = event.get("event_data") or {}
        host = data.get("host")
        name = event.get("event", "")
        if not host:
            return True
        progress = self.hosts.setdefault(str(host), HostProgress())
        if name == "runner_on_start":
            progress.task = str(data.get("task", ""))
        elif name in _COUNTED:
            key = _COUNTED[name]  # as in Ansible's recap, ok counts the changed tasks too
            setattr(progress, key, getattr(progress, key) + 1)
            if key == "ok" and (data.get("res") or {}).get("changed"):
                progress.changed += 1
        return True

    def finish(self, stats: dict[str, Any]) -> None:
        """Counters from Ansible's recap, which the events only approximate (handlers, loops),
        and every host marked done."""
        for key, attr in (
            ("ok", "ok"),
            ("changed", "changed"),
            ("failures", "failed"),
            ("dark", "unreachable"),
            ("skipped", "skipped"),
        ):
            for host, count in (stats.get(key) or {}).items():
                setattr(self.hosts.setdefault(host, HostProgress()), attr, int(count))
        for progress in self.hosts.values():
            progress.task = t("provision.progress.done", self.lang)

    def table(self) -> Table:
        table = Table(title=t("provision.progress.title", self.lang), expand=False)
        for column in ("host", "ok", "changed", "failed", "unreachable", "task"):
            table.add_column(t(f"provision.column.{column}", self.lang))
        for host in sorted(self.hosts):
            p = self.hosts[host]
            table.add_row(
                host,
                str(p.ok),
                str(p.changed),
                str(p.failed),
                str(p.unreachable),
                p.task[:60],
            )
        return table


def _scrub_command_file(artifacts: Path) -> None:
    """ansible-runner's ``command`` artifact records the whole environment, secrets included
    (the lab's passwords, vault variables): keep the command and the variable names only."""
    path = artifacts / "command"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    data["env"] = dict.fromkeys(sorted(data.get("env") or {}), "***")
    path.write_text(json.dumps(data), encoding="utf-8")


def run_playbook(
    *,
    binary: str,
    repo: Path,
    inventory: Path,
    playbook: Path,
    artifacts: Path,
    check: bool,
    limit: str | None,
    lang: Lang,
    mitogen: bool = False,
    console: Console | None = None,
) -> ProvisionRun:
    """Run ``playbook`` on ``inventory`` with ansible-runner; artifacts go to ``artifacts``."""
    import ansible_runner  # type: ignore[import-untyped]  # noqa: PLC0415  (heavy: only here)

    console = console or Console(stderr=True)
    cmdline = ["--check", "--diff"] if check else []
    if limit:
        cmdline += ["--limit", limit]
    ident = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
    artifacts.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = run_environment(os.environ, repo, mitogen)
    bindir = str(Path(binary).parent)  # ansible-runner finds ansible-playbook on PATH
    env["PATH"] = f"{bindir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
    progress = _Progress(lang)
    started = time.monotonic()
    with Live(progress.table(), console=console, refresh_per_second=2, transient=False) as live:

        def on_event(event: dict[str, Any]) -> bool:
            progress(event)
            live.update(progress.table())
            return True

        runner = ansible_runner.run(
            private_data_dir=str(artifacts),
            artifact_dir=str(artifacts),
            project_dir=str(repo),
            playbook=str(playbook),
            inventory=str(inventory),
            cmdline=shlex.join(cmdline) if cmdline else None,
            envvars=env,
            ident=ident,
            quiet=True,
            suppress_env_files=True,
            event_handler=on_event,
        )
        progress.finish(runner.stats or {})  # the recap is the truth: the last table shows it
        live.update(progress.table())
    if not console.is_terminal:  # rich ends a non-terminal Live without a line break
        console.line()
    seconds = time.monotonic() - started
    _scrub_command_file(artifacts / ident)
    run = ProvisionRun(
        rc=int(runner.rc if runner.rc is not None else 1),
        status=str(runner.status),
        seconds=seconds,
        artifacts=artifacts / ident,
        hosts=progress.hosts,
    )
    (run.artifacts / "hosts.json").write_text(
        json.dumps(
            {
                "rc": run.rc,
                "status": run.status,
                "seconds": round(seconds, 1),
                "mitogen": mitogen,
                "hosts": {h: asdict(p) for h, p in sorted(run.hosts.items())},
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return run


def print_summary(run: ProvisionRun, lang: Lang, console: Console) -> None:
    for host in sorted(run.hosts):
        p = run.hosts[host]
        console.print(
            t(
                "provision.summary.host",
                lang,
                host=host,
                ok=p.ok,
                changed=p.changed,
                failed=p.failed,
                unreachable=p.unreachable,
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        t(
            "provision.summary.total",
            lang,
            hosts=len(run.hosts),
            changed=sum(p.changed for p in run.hosts.values()),
            failed=sum(1 for p in run.hosts.values() if p.failed or p.unreachable),
            seconds=f"{run.seconds:.1f}",
            path=str(run.artifacts),
        ),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
