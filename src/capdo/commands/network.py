"""``capdo network render | backup | diff | push | audit``: the WAN/LAN devices."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from capdo.commands._options import (
    FormatOption,
    InventoryOption,
    LangOption,
    OutputFormat,
    UsageError,
    parse_lang,
    resolve_inventory_dir,
)
from capdo.compliance import write_results_jsonl
from capdo.errors import CapdoError
from capdo.i18n import Lang, t
from capdo.network import (
    ConfigReadError,
    EstateSummary,
    NetworkEstate,
    Renderer,
    error_records,
    find_checks_dir,
    load_network_estate,
    load_targets,
    read_backup_dir,
    remediation,
    run_audit,
    runner,
    write_configs,
)
from capdo.safeio import ReadProblem

app = typer.Typer(
    name="network",
    help="Thiết bị mạng WAN/LAN: sinh cấu hình, sao lưu, so sánh, đẩy, kiểm tra "
    "(render, backup, diff, push, audit).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
LimitOption = Annotated[
    list[str] | None,
    typer.Option("--limit", "-l", help="Device names/globs or site:/role:/platform:/level: items."),
]
OutDirOption = Annotated[Path | None, typer.Option("--out", "-o", help="Output folder.")]
WorkersOption = Annotated[int, typer.Option("--workers", min=1, help="Parallel devices.")]
WaitOption = Annotated[
    bool,
    typer.Option("--wait", help="Wait for a device another push/backup holds (else refuse)."),
]
WaitSecondsOption = Annotated[
    float, typer.Option("--wait-seconds", min=0, help="How long --wait waits per device.")
]


def _estate(inventory: Path | None, lang: Lang) -> NetworkEstate:
    try:
        return load_network_estate(resolve_inventory_dir(inventory))
    except UsageError as exc:
        typer.echo(f"capdo: {exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    except CapdoError as exc:
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        typer.echo(f"capdo: {exc.message(lang)}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _select(estate: NetworkEstate, limit: list[str] | None, lang: Lang) -> list[object]:
    try:
        return list(estate.select(limit))
    except CapdoError as exc:
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        typer.echo(f"capdo: {exc.message(lang)}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _outcome_line(outcome: runner.Outcome, lang: Lang) -> str:
    text = f"{outcome.device}: {t('network.status.' + outcome.status, lang)}"
    if outcome.remediation:
        text += f" ({t('network.lines', lang, count=len(outcome.remediation))})"
    if outcome.error:
        params = outcome.params or {"detail": outcome.detail}
        text += f" — {t(outcome.error, lang, **params)}"
    if outcome.failed_line:
        text += f" [{outcome.failed_line}]"
    return text


def _render_all(estate: NetworkEstate, devices: list[object]) -> dict[str, str]:
    result = Renderer(estate.templates_dir).render_many(estate.context, devices)  # type: ignore[arg-type]
    return result.configs


@app.command()
def render(
    inventory: InventoryOption = None,
    limit: LimitOption = None,
    out_dir: OutDirOption = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Sinh cấu hình dự kiến (render intended configs) to out/network/intended/<device>.cfg."""
    language = parse_lang(lang)
    estate = _estate(inventory, language)
    devices = _select(estate, limit, language)
    result = Renderer(estate.templates_dir).render_many(estate.context, devices)  # type: ignore[arg-type]
    folder = out_dir or Path("out/network/intended")
    write_configs(result.configs, folder)
    if output is OutputFormat.json:
        payload = {"out": str(folder), "devices": sorted(result.configs), "skipped": result.skipped}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(t("network.render.done", language, count=len(result.configs), path=str(folder)))
    for name, platform in sorted(result.skipped.items()):
        typer.echo(t("network.render.skipped", language, device=name, platform=platform))


def _finish(outcomes: dict[str, runner.Outcome], output: OutputFormat, lang: Lang) -> None:
    if output is OutputFormat.json:
        payload = [
            {
                "device": o.device,
                "status": o.status,
                "error": o.error,
                "detail": o.detail,
                "failed_line": o.failed_line,
                "remediation": list(o.remediation),
                "rollback": list(o.rollback),
            }
            for o in outcomes.values()
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for name in sorted(outcomes):
            typer.echo(_outcome_line(outcomes[name], lang))
    if any(o.status == "error" for o in outcomes.values()):
        raise typer.Exit(EXIT_ERROR)


@app.command()
def backup(
    inventory: InventoryOption = None,
    limit: LimitOption = None,
    out_dir: OutDirOption = None,
    workers: WorkersOption = 10,
    wait: WaitOption = False,
    wait_seconds: WaitSecondsOption = 600,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Sao lưu cấu hình đang chạy (back up running configs, secrets masked)."""
    language = parse_lang(lang)
    estate = _estate(inventory, language)
    jobs, outcomes = runner.jobs_for(estate, _select(estate, limit, language), None)  # type: ignore[arg-type]
    outcomes.update(
        runner.run_jobs(
            estate, jobs, runner.backup_work, workers, "backup", wait_seconds if wait else None
        )
    )
    folder = runner.write_backups(outcomes, out_dir or Path("out/network/backup"), _stamp())
    saved = sum(1 for o in outcomes.values() if o.running is not None)
    if output is OutputFormat.text:
        typer.echo(t("network.backup.done", language, count=saved, path=str(folder)))
    _finish(outcomes, output, language)


def _diff_outcomes(
    estate: NetworkEstate,
    limit: list[str] | None,
    workers: int,
    from_backup: Path | None,
    lang: Lang,
) -> dict[str, runner.Outcome]:
    devices = _select(estate, limit, lang)
    intended = _render_all(estate, devices)
    jobs, outcomes = runner.jobs_for(estate, devices, intended)  # type: ignore[arg-type]
    if from_backup is None:
        outcomes.update(runner.run_jobs(estate, jobs, runner.diff_work, workers))
        return outcomes
    problems: list[ReadProblem] = []
    texts, unreadable = read_backup_dir(from_backup, problems)
    for problem in problems:
        typer.echo(f"capdo: {problem.render(lang)}", err=True)

    for name, job in jobs.items():
        if name in unreadable:
            key, detail = unreadable[name]
            outcomes[name] = runner.Outcome(name, "error", error=key, detail=detail)
            continue
        if name not in texts:
            outcomes[name] = runner.Outcome(
                name, "error", error="network.error.no-backup", detail=name
            )
            continue
        try:
            rem = remediation(job.info, texts[name], job.intended or "")
        except ConfigReadError as exc:
            outcomes[name] = runner.Outcome(
                name, "error", error="network.error.unreadable", detail=f"{name}.cfg:{exc}"
            )
            continue
        masker = job.info.masker()
        outcomes[name] = runner.Outcome(
            name,
            "in-sync" if rem.empty else "pending",
            tuple(masker.lines(rem.lines)),
            tuple(masker.lines(rem.rollback)),
        )
    return outcomes


@app.command()
def diff(
    inventory: InventoryOption = None,
    limit: LimitOption = None,
    workers: WorkersOption = 10,
    from_backup: Annotated[
        Path | None,
        typer.Option("--from-backup", help="Compare with this backup folder, not the devices."),
    ] = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """So sánh với cấu hình dự kiến (remediation and rollback per device, estate summary)."""
    language = parse_lang(lang)
    estate = _estate(inventory, language)
    outcomes = _diff_outcomes(estate, limit, workers, from_backup, language)
    if output is OutputFormat.text:
        summary = EstateSummary()
        for outcome in outcomes.values():
            summary.add(outcome.device, outcome.remediation)
            if outcome.remediation:
                typer.echo(f"--- {outcome.device}")
                typer.echo("\n".join(outcome.remediation))
        typer.echo(t("network.diff.summary", language))
        for change, count, _devices in summary.rows()[:50]:
            typer.echo(f"  {count:4d}  {change}")
    _finish(outcomes, output, language)
    if any(o.remediation for o in outcomes.values()):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def push(
    inventory: InventoryOption = None,
    limit: LimitOption = None,
    commit: Annotated[bool, typer.Option("--commit", help="Apply (default: dry run).")] = False,
    workers: WorkersOption = 10,
    wait: WaitOption = False,
    wait_seconds: WaitSecondsOption = 600,
    controller_address: Annotated[
        str | None,
        typer.Option(
            "--controller-address",
            help="Address the devices see capdo come from (default: the local address that "
            "reaches each device; or $CAPDO_CONTROLLER_ADDRESS).",
        ),
    ] = None,
    backup_dir: Annotated[
        Path, typer.Option("--backup-dir", help="Where the pre-push backups are kept.")
    ] = Path("out/network/backup"),
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Đẩy cấu hình (dry run unless --commit; verify, roll back on a rejected line).

    Refused per device when the intended management ACL would shut out the controller's own
    address; one push or backup at a time per device (--wait to wait for the other)."""
    language = parse_lang(lang)
    estate = _estate(inventory, language)
    devices = _select(estate, limit, language)
    jobs, outcomes = runner.jobs_for(estate, devices, _render_all(estate, devices))  # type: ignore[arg-type]
    try:
        outcomes.update(runner.refuse_lockouts(estate, jobs, controller_address))
    except ValueError as exc:  # not an IPv4 address
        typer.echo(f"capdo: --controller-address: {exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    if not commit:
        outcomes.update(runner.run_jobs(estate, jobs, runner.diff_work, workers))
        if output is OutputFormat.text:
            typer.echo(t("network.push.dry-run", language))
        _finish(outcomes, output, language)
        return
    kept = backup_dir / "pre-push" / _stamp()
    for job in jobs.values():
        job.extra["backup_dir"] = kept
    outcomes.update(
        runner.run_jobs(
            estate, jobs, runner.push_work, workers, "push", wait_seconds if wait else None
        )
    )
    if output is OutputFormat.text and kept.is_dir():
        typer.echo(t("network.push.kept", language, path=str(kept)))
    _finish(outcomes, output, language)
    if any(not o.ok for o in outcomes.values()):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def audit(
    inventory: InventoryOption = None,
    limit: LimitOption = None,
    from_backup: Annotated[
        Path | None,
        typer.Option(
            "--from-backup",
            help="Backup folder to audit (default out/network/backup/latest).",
        ),
    ] = None,
    live: Annotated[bool, typer.Option("--live", help="Read configs from the devices.")] = False,
    out: Annotated[Path, typer.Option("--out", "-o", help="Result records (JSONL).")] = Path(
        "out/network/audit.jsonl"
    ),
    workers: WorkersOption = 10,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Kiểm tra cấu hình theo cấp độ (audit configs against the level's requirements)."""
    language = parse_lang(lang)
    estate = _estate(inventory, language)
    devices = _select(estate, limit, language)
    failures: dict[str, tuple[str, str]] = {}
    if live:
        jobs, outcomes = runner.jobs_for(estate, devices, None)  # type: ignore[arg-type]
        outcomes.update(runner.run_jobs(estate, jobs, runner.backup_work, workers))
        texts = {n: o.running for n, o in outcomes.items() if o.running is not None}
        failures = {
            n: (o.error or "", o.detail) for n, o in outcomes.items() if o.status == "error"
        }
    else:
        folder = from_backup or Path("out/network/backup/latest")
        if not folder.is_dir():
            typer.echo(
                f"capdo: {t('network.error.no-backup-dir', language, path=str(folder))}", err=True
            )
            raise typer.Exit(EXIT_ERROR)
        problems: list[ReadProblem] = []
        texts, unreadable = read_backup_dir(folder, problems)
        for problem in problems:
            typer.echo(f"capdo: {problem.render(language)}", err=True)
        chosen = {d.name for d in devices}  # type: ignore[attr-defined]
        failures.update({n: v for n, v in unreadable.items() if n in chosen})
    targets, missing = load_targets(estate, devices, texts)  # type: ignore[arg-type]
    for name, (key, detail) in missing.items():
        if name not in failures and key != "network.error.no-platform":
            failures[name] = (key, detail)
    _code, records = run_audit(targets, find_checks_dir(estate))
    records += error_records(failures, records[0].run_id if records else "network-audit")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_results_jsonl(out, records)
    counts = {
        s: sum(1 for r in records if r.status == s)
        for s in ("pass", "fail", "error", "not_applicable")
    }
    if output is OutputFormat.json:
        typer.echo(json.dumps({"out": str(out), "counts": counts}, ensure_ascii=False, indent=2))
    else:
        typer.echo(t("network.audit.done", language, path=str(out), **counts))
    if counts["fail"] or counts["error"]:
        raise typer.Exit(EXIT_FINDINGS)
