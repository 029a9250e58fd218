"""``capdo check``: run the server checks (checks/server) on the estate's servers.

Hosts are selected from the inventory (``--limit``, ``--site``, ``--system``, ``--level``)
and checked in parallel over multiplexed SSH; every outcome becomes a result record in
``--out`` (JSON lines). Exit codes: 0 the run completed (findings are data), 1 the
``--fail-on`` threshold was hit, 2 usage or operational error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from capdo.checks import FAIL_ON, RunOptions, RunSummary, Selection, find_checks_dir, run_checks
from capdo.commands._options import (
    FormatOption,
    InventoryOption,
    LangOption,
    OutputFormat,
    UsageError,
    parse_lang,
    resolve_inventory_dir,
)
from capdo.errors import CapdoError
from capdo.i18n import Lang, t

app = typer.Typer(
    name="check",
    help="Kiểm tra máy chủ theo cấp độ / check servers at their level (testinfra over SSH).",
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _print(summary: RunSummary, path: Path, output: OutputFormat, lang: Lang) -> None:
    hosts = summary.by_host()
    if output is OutputFormat.json:
        data = {
            "run_id": summary.run_id,
            "results": str(path),
            "seconds": round(summary.seconds, 2),
            "counts": dict(summary.counts()),
            "hosts": {name: dict(c) for name, c in hosts.items()},
            "crashed_workers": summary.crashed_shards,
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    levels = {target.name: target.level for target in summary.targets}
    for name, counts in hosts.items():
        typer.echo(
            t(
                "checks.summary.host",
                lang,
                host=name,
                level=levels.get(name, "-"),
                passed=counts["pass"],
                failed=counts["fail"],
                errors=counts["error"],
                manual=counts["not_reviewed"],
                na=counts["not_applicable"],
            )
        )
    if summary.crashed_shards:
        typer.echo(t("checks.summary.crashed", lang, count=summary.crashed_shards), err=True)
    typer.echo(
        t(
            "checks.summary.total",
            lang,
            hosts=len(summary.targets),
            records=len(summary.records),
            seconds=f"{summary.seconds:.1f}",
            run_id=summary.run_id,
            path=str(path),
        )
    )


@app.callback(invoke_without_command=True)
def check(
    inventory: InventoryOption = None,
    limit: Annotated[
        str | None, typer.Option("--limit", "-l", help="Hosts, globs or groups; !x excludes.")
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only servers of this site.")] = None,
    system: Annotated[
        str | None, typer.Option("--system", help="Only servers of this information system.")
    ] = None,
    level: Annotated[
        int | None, typer.Option("--level", help="Only servers at this level.")
    ] = None,
    output_file: Annotated[
        Path, typer.Option("--out", "-o", help="Result records (JSON lines).")
    ] = Path("server-results.jsonl"),
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Hosts checked in parallel (workers).")
    ] = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="never | fail | error: when to exit 1.")
    ] = "never",
    checks_dir: Annotated[
        Path | None, typer.Option("--checks", help="Checks directory (default checks/server).")
    ] = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Kiểm tra máy chủ, ghi bản ghi kết quả (check servers, write result records)."""
    language = parse_lang(lang)
    if fail_on not in FAIL_ON:
        raise _fail(t("checks.error.fail-on", language, allowed=", ".join(FAIL_ON)))
    if jobs is not None and jobs < 1:
        raise _fail(t("checks.error.jobs", language))
    try:
        root = resolve_inventory_dir(inventory)
        selection = Selection.parse(limit, site, system, level)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    except CapdoError as exc:
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        raise _fail(exc.message(language)) from None
    directory = checks_dir or find_checks_dir(Path.cwd()) or find_checks_dir(root.resolve())
    if directory is None:
        raise _fail(t("checks.error.no-checks", language, path="checks/server"))
    if not output_file.parent.is_dir():
        detail = f"{output_file.parent} does not exist"
        raise _fail(t("checks.error.output", language, path=str(output_file), detail=detail))
    options = RunOptions(root, directory, output_file, selection, jobs)
    try:
        summary = run_checks(options)
    except CapdoError as exc:
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        raise _fail(exc.message(language)) from None
    except OSError as exc:
        raise _fail(
            t("checks.error.output", language, path=str(output_file), detail=str(exc))
        ) from None
    _print(summary, output_file, output, language)
    if summary.crashed_shards and summary.crashed_shards == len(summary.shard_seconds):
        raise typer.Exit(2)
    raise typer.Exit(summary.exit_code(fail_on))
