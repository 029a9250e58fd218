"""``capdo estate new DESCRIPTION --out DIR``: a complete estate from a short description."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from capdo.commands._options import FormatOption, LangOption, OutputFormat, parse_lang
from capdo.errors import CapdoError
from capdo.i18n import t


def _help(key: str) -> str:
    return f"{t(key, 'vi')} / {t(key, 'en')}"


app = typer.Typer(
    name="estate",
    help=_help("estate.cli.group"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("new")
def new(
    description: Annotated[Path, typer.Argument(help=_help("estate.cli.arg.description"))],
    out: Annotated[Path, typer.Option("--out", "-o", help=_help("estate.cli.opt.out"))],
    provinces: Annotated[
        int, typer.Option("--provinces", min=1, max=99, help=_help("estate.cli.opt.provinces"))
    ] = 1,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Tạo kho dữ liệu hạ tầng từ bản mô tả (write a complete estate from a description)."""
    from capdo.estate_gen import (  # noqa: PLC0415
        DescriptionFileError,
        generate,
        load_description,
    )
    from capdo.inventory import load_estate  # noqa: PLC0415

    language = parse_lang(lang)
    if out.exists() and any(out.iterdir()) and not (out / "estate.yml").is_file():
        typer.echo(f"capdo: {t('estate.error.not-an-estate', language, path=out)}", err=True)
        raise typer.Exit(2)
    try:
        desc = load_description(description)
        count = generate(desc, out, description.name, provinces)
    except DescriptionFileError as error:
        typer.echo(t("estate.error.description", language), err=True)
        for line in error.lines:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(2) from None
    except CapdoError as error:
        if error.handled_apart:  # caught where it is raised, as before
            raise
        typer.echo(f"capdo: {error.message(language)}", err=True)
        raise typer.Exit(2) from None
    except OSError as error:
        typer.echo(f"capdo: {t('estate.error.write', language, path=out, detail=error)}", err=True)
        raise typer.Exit(2) from None
    result = load_estate(out)
    if output is OutputFormat.json:
        findings = [
            {
                "location": finding.location(Path.cwd()),
                "rule": finding.rule,
                "message": finding.message(language),
            }
            for finding in result.findings
        ]
        payload = {"out": str(out), "files": count, "valid": result.ok, "findings": findings}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        raise typer.Exit(0 if result.ok else 1)
    typer.echo(t("estate.new.written", language, count=count, path=out))
    for finding in result.findings:
        typer.echo(f"{finding.location(Path.cwd())}: {finding.rule} {finding.message(language)}")
    if not result.ok:
        typer.echo(t("estate.new.invalid", language, count=len(result.findings)), err=True)
        raise typer.Exit(1)
    typer.echo(t("estate.new.next", language, path=out))
