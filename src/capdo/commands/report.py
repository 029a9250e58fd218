"""``capdo report``: reports for security officers, built from result records (never checks).

    capdo report --results results.jsonl [--format html,pdf|all] [--out DIR] [--lang en]
                 [--store PATH] [--diff previous|RUN]
    capdo report dossier --system S      level-dossier draft (DOCX)
    capdo report annual                  annual report table (DOCX, Mẫu 08)

Exit codes: 0 written; 1 with ``--fail-on`` when the threshold is hit; 2 usage or
operational error. The last line printed is the path of the HTML report (when made).
"""

from __future__ import annotations

import enum
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from capdo.commands._options import InventoryOption, LangOption, UsageError, parse_lang
from capdo.commands._options import resolve_inventory_dir as _resolve_inventory
from capdo.i18n import Lang, t
from capdo.reports import number

if TYPE_CHECKING:
    from capdo.reports import ReportData, ReportOutcome, ReportRequest

ENV_STORE = "CAPDO_REPORT_STORE"
DEFAULT_STORE = Path("reports") / "history.sqlite"
DEFAULT_OUT = Path("reports") / "out"


def _help(key: str) -> str:
    return f"{t(key, 'vi')} / {t(key, 'en')}"


app = typer.Typer(
    name="report",
    help=_help("report.cli.group"),
    add_completion=False,
    pretty_exceptions_enable=False,
)


class FailOn(enum.StrEnum):
    none = "none"
    fail = "fail"
    new = "new"


ResultsOption = Annotated[
    list[Path] | None, typer.Option("--results", "-r", help=_help("report.cli.opt.results"))
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help=_help("report.cli.opt.out"))]
TemplatesOption = Annotated[
    Path | None,
    typer.Option(
        "--templates", help=_help("report.cli.opt.templates"), envvar="CAPDO_REPORT_TEMPLATES"
    ),
]
TodayOption = Annotated[str | None, typer.Option("--today", help=_help("report.cli.opt.today"))]


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _date(value: str | None, lang: Lang) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(t("report.error.date", lang, value=value))


def _estate(option: Path | None) -> Path:
    try:
        return _resolve_inventory(option)
    except UsageError as exc:
        _fail(str(exc))


def _run(request: ReportRequest, lang: Lang) -> ReportOutcome:
    # the report machinery is imported here, not at start-up: `capdo --help` stays fast
    from capdo.reports import (  # noqa: PLC0415
        PdfError,
        ReportInputError,
        StoreError,
        TemplatesNotFoundError,
        make_reports,
    )

    try:
        outcome = make_reports(request)
    except ReportInputError as exc:
        _fail("\n".join(exc.lines))
    except StoreError as exc:
        if str(exc) == "previous":
            _fail(t("report.error.no-previous", lang))
        if request.store is not None and str(exc).startswith(str(request.store)):
            _fail(t("report.error.store", lang, path=request.store, detail=exc))
        _fail(t("report.error.run-unknown", lang, run=str(exc)))
    except TemplatesNotFoundError as exc:
        _fail(t("report.error.templates", lang, path=str(exc)))
    except PdfError as exc:
        _fail(t("report.error.pdf", lang, detail=exc))
    except OSError as exc:
        _fail(t("report.error.write", lang, path=request.out_dir, detail=exc))
    return outcome


def _print_summary(report: ReportData, lang: Lang) -> None:
    for regime in report.regimes:
        for system in regime.systems:
            verdict = t(
                "report.verdict." + ("meets" if system.verdict.meets else "does_not_meet"),
                lang,
                level=system.info.level,
            )
            typer.echo(
                t(
                    "report.cli.verdicts",
                    lang,
                    system=system.info.id,
                    regime=regime.regime,
                    verdict=verdict,
                    score=number(system.verdict.score, lang),
                )
            )
    if report.diff is not None:
        d = report.diff
        typer.echo(
            t(
                "report.cli.diff",
                lang,
                previous=d.previous_key,
                new=len(d.new_failures),
                fixed=len(d.fixed),
                still=len(d.still_failing),
            )
        )


@app.callback(invoke_without_command=True)
def report(
    ctx: typer.Context,
    inventory: InventoryOption = None,
    results: ResultsOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_help("report.cli.opt.format"))
    ] = "html",
    out: OutOption = DEFAULT_OUT,
    lang: LangOption = "vi",
    store: Annotated[
        Path | None, typer.Option("--store", help=_help("report.cli.opt.store"), envvar=ENV_STORE)
    ] = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help=_help("report.cli.opt.no-store"))
    ] = False,
    diff: Annotated[str | None, typer.Option("--diff", help=_help("report.cli.opt.diff"))] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help=_help("report.cli.opt.fail-on"))
    ] = FailOn.none,
    today: TodayOption = None,
    templates: TemplatesOption = None,
    lenient: Annotated[
        bool, typer.Option("--lenient", help=_help("report.cli.opt.lenient"))
    ] = False,
) -> None:
    """Build the reports from result files, the estate, the catalogues and the waivers."""
    if ctx.invoked_subcommand is not None:
        return
    from capdo.reports import (  # noqa: PLC0415
        Format,
        ReportRequest,
        default_results,
        parse_formats,
    )

    language = parse_lang(lang)
    try:
        formats = parse_formats(fmt)
    except ValueError:
        _fail(t("report.error.format", language, value=fmt))
    if not formats:
        _fail(t("report.error.format", language, value=fmt))
    estate_dir = _estate(inventory)
    files = tuple(results) if results else default_results(Path.cwd())
    if not files:
        _fail(t("report.error.no-results", language))
    store_path = None if no_store else (store or Path(os.environ.get(ENV_STORE) or DEFAULT_STORE))
    request = ReportRequest(
        estate_dir=estate_dir,
        result_files=files,
        out_dir=out,
        formats=formats,
        lang=language,
        store=store_path,
        diff=diff,
        today=_date(today, language),
        templates=templates,
        lenient=lenient,
    )
    outcome = _run(request, language)
    data, written = outcome.report, outcome.files
    for note in data.notes:
        typer.echo(note, err=True)
    _print_summary(data, language)
    if store_path is not None:
        typer.echo(t("report.cli.run", language, run=data.run_key, path=store_path))
    for fmt_done, path in written.items():
        if fmt_done is not Format.html:
            typer.echo(t("report.cli.written", language, path=path))
    if Format.html in written:
        typer.echo(t("report.cli.html", language, path=written[Format.html]))
    if fail_on is FailOn.fail and any(not s.verdict.meets for g in data.regimes for s in g.systems):
        raise typer.Exit(1)
    if fail_on is FailOn.new and data.diff is not None and data.diff.new_failures:
        raise typer.Exit(1)


@app.command("dossier")
def dossier(
    system: Annotated[str, typer.Option("--system", "-s", help=_help("report.cli.opt.system"))],
    inventory: InventoryOption = None,
    results: ResultsOption = None,
    out: OutOption = DEFAULT_OUT,
    lang: LangOption = "vi",
    today: TodayOption = None,
) -> None:
    """Level-dossier draft (hồ sơ đề xuất cấp độ) as DOCX, filled from the inventory."""
    from capdo.reports import (  # noqa: PLC0415
        dossier_name,
        write_dossier,
    )

    language = parse_lang(lang)
    outcome = _data_only(inventory, results, language, today, out)
    data = outcome.report
    if system not in data.systems or outcome.inventory is None:
        _fail(t("report.error.system-unknown", language, system=system))
    path = out / dossier_name(system, language)
    try:
        write_dossier(data, outcome.inventory, system, language, path)
    except OSError as exc:
        _fail(t("report.error.write", language, path=path, detail=exc))
    typer.echo(t("report.cli.written", language, path=path))


@app.command("annual")
def annual(
    inventory: InventoryOption = None,
    results: ResultsOption = None,
    out: OutOption = DEFAULT_OUT,
    lang: LangOption = "vi",
    today: TodayOption = None,
) -> None:
    """Annual report table (Mẫu 08) for every system of the estate, as DOCX."""
    from capdo.reports import write_annual  # noqa: PLC0415 - python-docx on demand

    language = parse_lang(lang)
    data = _data_only(inventory, results, language, today, out).report
    path = out / f"bao-cao-hang-nam-{data.estate_id}.{language}.docx"
    try:
        write_annual(data, language, path)
    except OSError as exc:
        _fail(t("report.error.write", language, path=path, detail=exc))
    typer.echo(t("report.cli.written", language, path=path))


def _data_only(
    inventory: Path | None,
    results: list[Path] | None,
    lang: Lang,
    today: str | None,
    out: Path,
) -> ReportOutcome:
    """The report data without writing a report or touching the history (results optional)."""
    from capdo.reports import ReportRequest, default_results  # noqa: PLC0415

    request = ReportRequest(
        estate_dir=_estate(inventory),
        result_files=tuple(results) if results else default_results(Path.cwd()),
        out_dir=out,
        formats=(),
        lang=lang,
        store=None,
        today=_date(today, lang),
    )
    return _run(request, lang)


@app.command("national")
def national(
    folders: Annotated[list[Path], typer.Argument(help=_help("national.cli.arg.folders"))],
    out: Annotated[
        Path, typer.Option("--out", "-o", help=_help("national.cli.opt.out"))
    ] = DEFAULT_OUT,
    lang: LangOption = "vi",
) -> None:
    """Tổng hợp toàn quốc (national roll-up) from several estates' evaluation outputs."""
    from capdo.reports import run_national  # noqa: PLC0415

    raise typer.Exit(run_national(folders, out, parse_lang(lang)))
