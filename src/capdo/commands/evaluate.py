"""``capdo evaluate``: verdicts per information system at its level, from all results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from capdo.assessment import AssessmentError, assess
from capdo.commands._options import (
    FormatOption,
    InventoryOption,
    LangOption,
    OutputFormat,
    parse_lang,
    valid_estate_or_exit,
)
from capdo.compliance import print_evaluation, write_results_jsonl
from capdo.i18n import t
from capdo.safeio import write_atomic

app = typer.Typer(name="evaluate", help="Đánh giá tuân thủ theo cấp độ (evaluate compliance).")

FAIL_ON = ("never", "does-not-meet", "fail")


@app.callback(invoke_without_command=True)
def evaluate_command(
    results: Annotated[
        list[Path] | None,
        typer.Option("--results", "-r", help="Result files (JSONL) from checkers; repeatable."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write records and evaluations here.")
    ] = None,
    oscal: Annotated[
        bool,
        typer.Option("--oscal", help="With --out: also write OSCAL assessment results (large)."),
    ] = False,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="never | does-not-meet | fail: when to exit 1.")
    ] = "never",
    lenient: Annotated[
        bool, typer.Option("--lenient", help="Skip bad lines of result files (reported).")
    ] = False,
    inventory: InventoryOption = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Evaluate every information system at its level (estate checks + result files)."""
    language = parse_lang(lang)
    if fail_on not in FAIL_ON:
        raise typer.BadParameter(f"--fail-on must be one of {', '.join(FAIL_ON)}")
    root, estate = valid_estate_or_exit(inventory, language)
    try:
        run = assess(root, estate, list(results or []), lenient=lenient)
    except AssessmentError as error:
        typer.echo(f"capdo: {error}", err=True)
        for problem in error.problems:
            typer.echo(f"  {problem.render(language)}", err=True)
        raise typer.Exit(2) from None
    console = Console(highlight=False, soft_wrap=True, stderr=output is OutputFormat.json)
    for problem in run.input_problems:
        console.print(f"[yellow]{problem.render(language)}[/]")
    policy_errors = 0
    for regime, level, issue in run.policy_issues:
        policy_errors += issue.severity == "error"
        style = "red" if issue.severity == "error" else "yellow"
        text = t(issue.key, language, **issue.params)
        console.print(f"[{style}]policy/{regime}.yml #{issue.index + 1} ({level}): {text}[/]")
    if out is not None:
        from capdo.reports import ESTATE_SUMMARY, write_estate_summary  # noqa: PLC0415

        out.mkdir(parents=True, exist_ok=True)
        write_estate_summary(out / ESTATE_SUMMARY, estate)
        write_results_jsonl(out / "records.jsonl", run.records)
        for regime, evaluation in run.evaluations.items():
            path = out / f"evaluation-{regime}.json"  # compact: machines read it
            write_atomic(path, orjson.dumps(evaluation.to_dict()))
        if oscal:
            from capdo.compliance import (  # noqa: PLC0415 (slow import, only for --oscal)
                export_assessment_results,
            )

            for regime, evaluation in run.evaluations.items():
                export_assessment_results(
                    run.catalogues[regime], evaluation, out / f"oscal-ar-{regime}.json", run.time
                )
    if output is OutputFormat.json:
        payload = {
            "run_id": run.run_id,
            "records": len(run.records),
            "evaluations": {
                r: e.to_dict(include_findings=False) for r, e in run.evaluations.items()
            },
        }
        typer.echo(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode())
    else:
        for regime, evaluation in run.evaluations.items():
            print_evaluation(console, run.catalogues[regime], evaluation, language)
    if policy_errors:
        typer.echo(
            f"capdo: {t('compliance.policy.errors', language, count=policy_errors)}", err=True
        )
        raise typer.Exit(2)
    failing = any(not v.meets for e in run.evaluations.values() for v in e.systems)
    has_fail = any(r.status == "fail" for r in run.records)
    if (fail_on == "does-not-meet" and failing) or (fail_on == "fail" and has_fail):
        raise typer.Exit(1)
