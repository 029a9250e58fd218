"""``capdo run``: the main job in one command (lab up → provision → check → … → report)."""

from __future__ import annotations

import json
import re
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
from capdo.i18n import t
from capdo.pipeline import STEPS, StepOutcome, lab_environment, plan, run

app = typer.Typer(
    name="run", help="Chạy toàn bộ quy trình (the whole job: provision, check, report)."
)

HTML_PATH = re.compile(r"(\S+\.html)\s*$")


@app.callback(invoke_without_command=True)
def run_command(
    inventory: InventoryOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Run directory (default out/runs/<time>).")
    ] = None,
    lab: Annotated[
        bool, typer.Option("--lab/--no-lab", help="Bring the estate's lab up first (root).")
    ] = False,
    skip: Annotated[
        list[str] | None, typer.Option("--skip", help=f"Leave a step out: {', '.join(STEPS)}.")
    ] = None,
    lab_workdir: Annotated[
        Path, typer.Option("--lab-workdir", help="The lab's working directory.")
    ] = Path(".cache/lab"),
    install_scanner: Annotated[
        bool,
        typer.Option("--install-scanner", help="Let the scan install openscap-scanner on hosts."),
    ] = False,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Every step in order; a failing step is reported and the others go on."""
    language = parse_lang(lang)
    unknown = sorted(set(skip or []) - set(STEPS))
    if unknown:
        raise typer.BadParameter(f"unknown step(s): {', '.join(unknown)}")
    try:
        estate = resolve_inventory_dir(inventory)
    except UsageError as error:
        typer.echo(f"capdo: {error}", err=True)
        raise typer.Exit(2) from None
    out = out or Path("out") / "runs" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    skipped = list(skip or []) + ([] if lab else ["lab"])
    steps = plan(estate, out, language, skipped, lab_workdir, install_scanner)
    progress_to_stderr = output is OutputFormat.json  # stdout holds only the JSON result
    typer.echo(
        t("run.start", language, estate=estate, out=out, steps=" → ".join(s.name for s in steps)),
        err=progress_to_stderr,
    )

    def show(outcome: StepOutcome) -> None:
        key = "run.step.ok" if outcome.ok else "run.step.failed"
        typer.echo(
            t(
                key,
                language,
                step=outcome.step.name,
                code=outcome.code,
                seconds=f"{outcome.seconds:.1f}",
                log=outcome.log,
            ),
            err=progress_to_stderr,
        )

    outcomes = run(steps, out, lab_environment(lab_workdir), show, lab_workdir)
    report_log = next((o.log for o in outcomes if o.step.name == "report" and o.ok), None)
    report: Path | None = None
    if report_log is not None:
        for line in reversed(report_log.read_text(encoding="utf-8").splitlines()):
            match = HTML_PATH.search(line)
            if match:
                report = Path(match.group(1)).resolve()
                break
    if output is OutputFormat.json:
        steps_json = [
            {
                "step": o.step.name,
                "ok": o.ok,
                "code": o.code,
                "seconds": round(o.seconds, 2),
                "log": str(o.log),
            }
            for o in outcomes
        ]
        payload = {"out": str(out), "steps": steps_json, "report": report and str(report)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif report is not None:
        typer.echo(t("run.report", language, path=report))
    failed = [o.step.name for o in outcomes if not o.ok]
    if failed:
        typer.echo(t("run.failed", language, steps=", ".join(failed)), err=True)
        raise typer.Exit(2)
