"""``capdo scan``: OpenSCAP (SCAP Security Guide) scans of the estate's servers.

Writes into ``--out`` (default ``.cache/scap/<run id>``): ``results.jsonl`` (result
records, checker ``capdo.scap``), ``informational.jsonl`` (unmapped rules and results with no
verdict), ``summary.json``, and per server the ARF (evidence), the tailoring file and a
playbook of the failures for review (never applied).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
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
from capdo.compliance import DataFileError, write_results_jsonl
from capdo.exports import baseline, catalogue_dir_for, load_estate_policy
from capdo.i18n import Lang, t
from capdo.inventory import Regime
from capdo.safeio import atomic_open, write_atomic
from capdo.scap import (
    Scanner,
    ScanOptions,
    ScanSetup,
    ScapError,
    TargetScan,
    prepare,
    select_servers,
)

app = typer.Typer(
    name="scan",
    help="Quét OpenSCAP / OpenSCAP scans (SCAP Security Guide) mapped onto requirements.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _text_line(scan: TargetScan, lang: Lang) -> str:
    if scan.error is not None:
        return t("scap.cli.target-error", lang, target=scan.target, error=scan.error.message(lang))
    counts = ", ".join(f"{k} {v}" for k, v in scan.counts.items() if k != "notselected")
    return t(
        "scap.cli.target",
        lang,
        target=scan.target,
        level=scan.level,
        profile=scan.profile,
        seconds=f"{scan.seconds:.1f}",
        counts=counts,
        score="-" if scan.score is None else f"{scan.score:.1f}",
    )


def host_parameters(
    estate_dir: Path, regimes: tuple[Regime, ...]
) -> Callable[[int], Mapping[str, object]] | None:
    """The servers' capdo_params per level (the catalogue after the organisation's policy)."""
    catalogue_dir = catalogue_dir_for(estate_dir)
    if catalogue_dir is None:
        return None
    try:
        policy = load_estate_policy(estate_dir)
    except DataFileError:
        policy = None  # `capdo evaluate` reports the broken policy file

    def at(level: int) -> Mapping[str, object]:
        return baseline("server", level, regimes, catalogue_dir, policy).params

    return at


@app.callback(invoke_without_command=True)
def scan(
    inventory: InventoryOption = None,
    limit: Annotated[
        list[str] | None,
        typer.Option("--limit", "-l", help="Server name, glob or system id (repeatable)."),
    ] = None,
    level: Annotated[
        int | None,
        typer.Option("--level", min=1, max=5, help="Scan at this level instead of the servers'."),
    ] = None,
    mode: Annotated[
        str, typer.Option("--mode", help="ssh (oscap-ssh, default), local or chroot.")
    ] = "ssh",
    chroot: Annotated[
        Path | None, typer.Option("--chroot", help="Root filesystem to scan (--mode chroot).")
    ] = None,
    install_scanner: Annotated[
        bool,
        typer.Option(
            "--install-scanner", help="Install openscap-scanner on a target that lacks it."
        ),
    ] = False,
    include_walkers: Annotated[
        bool,
        typer.Option(
            "--include-filesystem-walkers",
            help="Keep the rules that walk every file (slow on large hosts).",
        ),
    ] = False,
    fix: Annotated[
        bool, typer.Option("--fix/--no-fix", help="Write a playbook of the failures (review).")
    ] = True,
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Output directory.")] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Rule mapping file (checks/scap/...).")
    ] = None,
    content_dir: Annotated[
        Path | None, typer.Option("--content", help="SSG content directory.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=10, help="Seconds per oscap run (retried once).")
    ] = 1800,
    lang_opt: LangOption = "vi",
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Scan servers with OpenSCAP; exit 0 all pass, 1 findings, 2 usage/operational error."""
    lang = parse_lang(lang_opt)
    try:
        if mode not in ("ssh", "local", "chroot"):
            raise UsageError(t("scap.error.bad-mode", lang, mode=mode))
        if mode == "chroot" and chroot is None:
            raise UsageError(t("scap.error.bad-chroot", lang, path="-"))
        estate_dir = resolve_inventory_dir(inventory)
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
        out_dir = output or Path.cwd() / ".cache" / "scap" / run_id
        setup: ScanSetup = prepare(estate_dir, mapping)
        options = ScanOptions(
            mode=mode,  # type: ignore[arg-type]
            level=level,
            install_scanner=install_scanner,
            include_walkers=include_walkers,
            fix=fix,
            chroot=chroot,
            content_dir=content_dir,
            timeout=timeout,
        )
        targets = select_servers(setup.index, limit or [])
        if mode in ("local", "chroot") and len(targets) != 1:
            raise UsageError(t("scap.error.one-target", lang, mode=mode, count=len(targets)))
        out_dir.mkdir(parents=True, exist_ok=True)
        scanner = Scanner(
            setup.estate,
            estate_dir,
            setup.index,
            setup.settings,
            setup.mapping,
            out_dir,
            run_id,
            options,
            params=host_parameters(estate_dir, setup.estate.regimes),
        )
    except UsageError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except ScapError as exc:
        typer.echo(exc.message(lang), err=True)
        raise typer.Exit(2) from None
    scans: list[TargetScan] = []
    for target in targets:
        result = scanner.scan(target)
        scans.append(result)
        if fmt is OutputFormat.text:
            typer.echo(_text_line(result, lang))
            for warning in result.warnings:
                typer.echo("  " + t(warning, lang))
    records = [r for s in scans for r in s.records]
    write_results_jsonl(out_dir / "results.jsonl", records)
    with atomic_open(out_dir / "informational.jsonl") as handle:
        for s in scans:
            for item in s.informational:
                handle.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
    summary = {"run_id": run_id, "output": str(out_dir), "targets": [s.to_dict() for s in scans]}
    write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2))
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        failing = sum(1 for r in records if r.status in ("fail", "error"))
        typer.echo(t("scap.cli.done", lang, records=len(records), failing=failing, output=out_dir))
    if any(r.status in ("fail", "error") for r in records):
        raise typer.Exit(1)
