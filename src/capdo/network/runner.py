"""Reach devices with nornir + netmiko: read running configs, push remediations safely.

Every device gets an outcome, never an exception: an unreachable device, a wrong password or
a missing secret is that device's error while the others go on. Passwords come from the
estate's credential references (resolved here, at run time), never from the inventory data.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nornir.core import Nornir
from nornir.core.configuration import Config
from nornir.core.inventory import ConnectionOptions, Defaults, Groups, Host, Hosts, Inventory
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import Task
from nornir.plugins.runners import SerialRunner, ThreadedRunner

from capdo.exports import simple_inventory
from capdo.inventory import NetworkDevice
from capdo.network.configtext import ConfigReadError
from capdo.network.estate import NetworkEstate
from capdo.network.firewall_guard import firewall_lockout
from capdo.network.lock import DeviceLocked, device_lock
from capdo.network.platforms import PlatformInfo, platform_info
from capdo.network.remediate import Remediation, remediation
from capdo.network.safety import account_first, controller_addresses, lockout
from capdo.safeio import write_atomic
from capdo.secrets import SecretError, login_for

CONNECT_TIMEOUT = 10


@dataclass
class Outcome:
    """What happened on one device."""

    device: str
    status: str
    """in-sync | pending | applied | rolled-back | not-converged | read | error | skipped"""
    remediation: tuple[str, ...] = ()
    rollback: tuple[str, ...] = ()
    running: str | None = None
    """The running configuration read (secrets masked)."""
    error: str | None = None
    """Message key (``network.error.*``) for an error; ``detail`` says more."""
    detail: str = ""
    failed_line: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    """Parameters of the ``error`` message (default: ``detail``)."""

    @property
    def ok(self) -> bool:
        return self.status not in ("error", "rolled-back", "not-converged")


@dataclass
class Job:
    """One device's work: its platform knowledge and (for diff/push) its intended config."""

    device: NetworkDevice
    info: PlatformInfo
    intended: str | None = None
    outcome: Outcome | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _describe(exc: BaseException) -> tuple[str, str]:
    name = type(exc).__name__
    if isinstance(exc, ConfigReadError):
        return "network.error.unreadable", str(exc)
    text = str(exc).splitlines()[0] if str(exc) else name
    if "Authentication" in name:
        return "network.error.auth", text
    if "Timeout" in name or isinstance(exc, ConnectionError | socket.timeout | OSError):
        return "network.error.unreachable", text
    return "network.error.device", f"{name}: {text}"


def build_nornir(
    estate: NetworkEstate, jobs: dict[str, Job], workers: int
) -> tuple[Nornir, dict[str, Outcome]]:
    """A nornir object over the jobs' devices; devices whose secrets fail are left out with
    an error outcome."""
    ConnectionPluginRegister.auto_register()
    data = simple_inventory(estate.inventory, estate.root)
    defaults = Defaults()
    hosts = Hosts()
    failed: dict[str, Outcome] = {}
    for name, job in jobs.items():
        entry = data["hosts"][name]
        try:
            login = login_for(estate.inventory.estate, entry["data"]["capdo_credential"])
        except SecretError as exc:
            detail = ", ".join(f"{k}={v}" for k, v in exc.params.items())
            failed[name] = Outcome(name, "error", error=exc.key, detail=detail, params=exc.params)
            continue
        extras: dict[str, Any] = {
            "ssh_config_file": None,
            "conn_timeout": CONNECT_TIMEOUT,
            "auth_timeout": CONNECT_TIMEOUT,
            "banner_timeout": CONNECT_TIMEOUT,
            "fast_cli": True,
        }
        if login.enable_secret:
            extras["secret"] = login.enable_secret
        job.extra["login"] = (login.username, login.password)
        hosts[name] = Host(
            name=name,
            hostname=entry["hostname"],
            port=entry["port"],
            username=login.username,
            password=login.password,
            platform=job.info.netmiko,
            data=entry["data"],
            defaults=defaults,
            connection_options={"netmiko": ConnectionOptions(extras=extras)},
        )
    runner: Any = ThreadedRunner(num_workers=max(1, workers)) if workers > 1 else SerialRunner()
    config = Config(logging={"enabled": False})  # type: ignore[arg-type]
    nornir = Nornir(
        inventory=Inventory(hosts=hosts, groups=Groups(), defaults=defaults),
        runner=runner,
        config=config,
    )
    return nornir, failed


def run_jobs(
    estate: NetworkEstate,
    jobs: dict[str, Job],
    work: Callable[[Any, Job], Outcome],
    workers: int,
    lock: str | None = None,
    wait: float | None = None,
) -> dict[str, Outcome]:
    """Run ``work(connection, job)`` on every device in parallel; one outcome per device.

    With ``lock`` (the operation's name) each device's work holds that device's lock (see
    :mod:`capdo.network.lock`): a device another operation holds is refused with the holder's
    name, or waited for ``wait`` seconds."""
    if not jobs:
        return {}
    for noisy in ("paramiko", "paramiko.transport"):
        # paramiko logs every peer disconnect; errors are reported per device instead
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    nornir, outcomes = build_nornir(estate, jobs, workers)

    def task(task: Task) -> Outcome:
        job = jobs[task.host.name]
        try:
            if lock is None:
                return _connected(task, job, work)
            with device_lock(estate.inventory.estate.id, job.device.name, lock, wait):
                return _connected(task, job, work)
        except DeviceLocked as exc:
            return Outcome(
                job.device.name,
                "error",
                error="network.error.locked",
                detail=exc.holder,
                params={"device": exc.device, "holder": exc.holder},
            )
        except Exception as exc:  # per device: reported, the others go on
            key, detail = _describe(exc)
            return Outcome(task.host.name, "error", error=key, detail=job.info.masked(detail))

    if nornir.inventory.hosts:
        results = nornir.run(task=task, on_failed=True)
        for name, multi in results.items():
            value = multi[0].result
            if isinstance(value, Outcome):
                outcomes[name] = value
            else:
                key, detail = _describe(multi[0].exception or RuntimeError("failed"))
                outcomes[name] = Outcome(name, "error", error=key, detail=detail)
        nornir.close_connections(on_failed=True)
    return outcomes


def _connected(task: Task, job: Job, work: Callable[[Any, Job], Outcome]) -> Outcome:
    conn = task.host.get_connection("netmiko", task.nornir.config)
    if job.info.enable:
        conn.enable()
    return work(conn, job)


def refuse_lockouts(
    estate: NetworkEstate, jobs: dict[str, Job], controller: str | None
) -> dict[str, Outcome]:
    """Take out (with an error outcome) every job whose intended management ACL would shut
    the controller out; checked before any connection is made."""
    refused: dict[str, Outcome] = {}
    for name, job in list(jobs.items()):
        if job.intended is None:
            continue
        declared = estate.inventory.estate.defaults.controller_addresses
        addresses = controller_addresses(str(job.device.address), controller, declared)
        job.extra["controller"] = addresses
        job.extra["login_user"] = _login_user(estate, job.device)
        found = lockout(job.info, job.intended, addresses)
        if found is None:
            shut = _firewall_shut(job, None)
            if shut is not None:
                del jobs[name]
                refused[name] = shut
            continue
        del jobs[name]
        allowed = ", ".join(found.allowed) or "-"
        refused[name] = Outcome(
            name,
            "error",
            error="network.error.lockout",
            detail=f"{found.address} not in {allowed}",
            params={"device": name, "address": found.address, "allowed": allowed},
        )
    return refused


def _login_user(estate: NetworkEstate, device: NetworkDevice) -> str:
    """The user name capdo logs in to ``device`` with (data; the password stays a reference)."""
    known = estate.inventory.estate
    name = device.credential or known.defaults.device_credential
    credential = known.credentials.get(name) if name else None
    return credential.username if credential is not None else ""


def _firewall_shut(job: Job, running: str | None) -> Outcome | None:
    """A refusal when a firewall's trusted hosts or management services would shut the
    controller out after the push (see :mod:`capdo.network.firewall_guard`)."""
    if job.intended is None or job.info.name not in ("fortinet", "huawei_usg"):
        return None
    shut = firewall_lockout(
        job.info.name,
        job.info.read(job.intended).tree,
        job.info.read(running).tree if running is not None else None,
        list(job.extra.get("controller", [])),
        str(job.extra.get("login_user", "")),
        str(job.device.address),
    )
    if shut is None:
        return None
    params: dict[str, object] = {"device": job.device.name, **shut.params}
    detail = ", ".join(f"{k}={v}" for k, v in shut.params.items())
    return Outcome(job.device.name, "error", error=shut.key, detail=detail, params=params)


def read_running(conn: Any, info: PlatformInfo) -> str:
    return str(conn.send_command(info.show_running, read_timeout=60))


def backup_work(conn: Any, job: Job) -> Outcome:
    """The running config read as the device prints it, secrets masked after parsing."""
    text = job.info.read(read_running(conn, job.info), job.info.masker()).text
    return Outcome(job.device.name, "read", running=text)


def diff_work(conn: Any, job: Job) -> Outcome:
    assert job.intended is not None
    running = read_running(conn, job.info)
    refused = _firewall_shut(job, running) if "controller" in job.extra else None
    if refused is not None:
        return refused
    rem = remediation(job.info, running, job.intended)
    return _diffed(job, running, rem, "in-sync" if rem.empty else "pending")


def _diffed(job: Job, running: str, rem: Remediation, status: str) -> Outcome:
    info = job.info
    masker = info.masker()
    shown = info.read(running, masker).text
    return Outcome(
        job.device.name,
        status,
        remediation=tuple(masker.lines(rem.lines)),
        rollback=tuple(masker.lines(rem.rollback)),
        running=shown,
    )


def _send(conn: Any, info: PlatformInfo, lines: tuple[str, ...]) -> None:
    """Send in batches; a multi-line banner goes alone, because netmiko stops verifying
    echoes for a whole batch that holds a banner (and reads slowly by timing)."""
    batch: list[str] = []
    for line in lines:
        if "\n" in line:
            if batch:
                conn.send_config_set(batch, error_pattern=info.error_pattern, read_timeout=60)
                batch = []
            conn.send_config_set(
                typed_banner(line).split("\n"), error_pattern=info.error_pattern, read_timeout=60
            )
        else:
            batch.append(line)
    if batch:
        conn.send_config_set(batch, error_pattern=info.error_pattern, read_timeout=60)


def typed_banner(block: str) -> str:
    """A banner as the device displays it (``banner login ^C`` ... ``^C``) → as it must be
    typed: the device takes the first character after the keyword as the delimiter, so a
    literal ``^C`` would make ``^`` the delimiter and leave a ``C`` in the text. A delimiter
    that the text does not contain is typed instead."""
    if block.startswith("no banner "):  # "no banner login" removes it, text and all
        return " ".join(block.split()[:3])
    if not block.startswith("banner ") or "^C" not in block:
        return block
    body = block.replace("^C", "")
    delimiter = next((c for c in "%#~@&" if c not in body), "\x03")
    return block.replace("^C", delimiter)


def push_work(conn: Any, job: Job) -> Outcome:
    """Apply the remediation, save, re-read, verify; on a rejected line or an interruption
    roll back. The running config read before the push is kept (masked) in
    ``job.extra["backup_dir"]`` when given; the saved config changes only after the whole
    remediation went through, so a device cut off half-way restarts with its old config."""
    assert job.intended is not None
    info = job.info
    before = read_running(conn, info)
    refused = _firewall_shut(job, before) if "controller" in job.extra else None
    if refused is not None:  # nothing sent
        return refused
    rem = remediation(info, before, job.intended)
    if rem.empty:
        return _diffed(job, before, rem, "in-sync")
    backup_dir = job.extra.get("backup_dir")
    if isinstance(backup_dir, Path):
        backup_dir.mkdir(parents=True, exist_ok=True)
        text = info.read(before, info.masker()).text
        (backup_dir / f"{job.device.name}.cfg").write_text(text, encoding="utf-8")
    username, password = job.extra.get("login", ("", ""))
    account = account_first(info, before, rem.lines, username, password) if username else ()
    try:
        _send(conn, info, account + rem.lines)
    except Exception as exc:
        rejected = type(exc).__name__ == "ConfigInvalidException"
        failed_line = _failed_line(str(exc)) if rejected else None
        restored = _roll_back(conn, info, before)
        outcome = _diffed(job, before, rem, "rolled-back")
        if rejected:
            outcome.error = (
                "network.error.rejected" if restored else "network.error.rollback-failed"
            )
        else:
            outcome.status = "rolled-back" if restored else "error"
            outcome.error = "network.error.interrupted"
        outcome.failed_line = info.masked(failed_line) if failed_line else None
        outcome.detail = info.masked(str(exc).splitlines()[0]) if str(exc) else type(exc).__name__
        return outcome
    if info.save:
        conn.save_config()
    left = remediation(info, read_running(conn, info), job.intended)
    outcome = _diffed(job, before, rem, "applied" if left.empty else "not-converged")
    if account:
        masker = info.masker()
        outcome.remediation = tuple(masker.lines(account)) + outcome.remediation
    if not left.empty:
        outcome.error = "network.error.not-converged"
        outcome.detail = "; ".join(left.lines[:5])
    return outcome


def _roll_back(conn: Any, info: PlatformInfo, before: str) -> bool:
    """Back to ``before`` through the same session; False when that is not possible."""
    try:
        _leave_config(conn)
        now = read_running(conn, info)
        back = remediation(info, now, before)
        if back.lines:
            _send(conn, info, back.lines)
        return remediation(info, read_running(conn, info), before).empty
    except Exception:  # the session is gone: the saved config still holds the old one
        return False


def _leave_config(conn: Any) -> None:
    try:
        conn.exit_config_mode()
    except Exception:  # already out of configuration mode
        return


def _failed_line(message: str) -> str | None:
    found = re.search(r"at command: (.*?), matched error", message)
    return found.group(1).strip() if found else None


def jobs_for(
    estate: NetworkEstate, devices: list[NetworkDevice], intended: dict[str, str] | None
) -> tuple[dict[str, Job], dict[str, Outcome]]:
    """Jobs for devices capdo can drive; a skipped outcome for the others."""
    jobs: dict[str, Job] = {}
    skipped: dict[str, Outcome] = {}
    for device in devices:
        info = platform_info(estate.templates_dir, device.platform)
        if info is None:
            skipped[device.name] = Outcome(
                device.name, "skipped", error="network.error.no-platform", detail=device.platform
            )
            continue
        text = intended.get(device.name) if intended is not None else None
        if intended is not None and text is None:
            skipped[device.name] = Outcome(
                device.name, "error", error="network.error.no-intended", detail=device.name
            )
            continue
        jobs[device.name] = Job(device, info, text)
    return jobs, skipped


def write_backups(outcomes: dict[str, Outcome], out_dir: Path, stamp: str) -> Path:
    """``out_dir/<stamp>/<device>.cfg`` and a copy in ``out_dir/latest``; returns the run dir."""
    run_dir = out_dir / stamp
    latest = out_dir / "latest"
    for folder in (run_dir, latest):
        folder.mkdir(parents=True, exist_ok=True)
    for name, outcome in outcomes.items():
        if outcome.running is None:
            continue
        for folder in (run_dir, latest):
            write_atomic(folder / f"{name}.cfg", outcome.running, root=out_dir)
    return run_dir
