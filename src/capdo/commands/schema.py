"""``capdo schema docs --out docs``: the JSON Schemas and Markdown references from the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from capdo.commands._options import FormatOption, LangOption, OutputFormat, parse_lang
from capdo.i18n import t


def _help(key: str) -> str:
    return f"{t(key, 'vi')} / {t(key, 'en')}"


app = typer.Typer(
    name="schema",
    help=_help("schema.cli.group"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("docs")
def docs(
    out: Annotated[Path, typer.Option("--out", "-o", help=_help("schema.cli.opt.out"))] = Path(
        "docs"
    ),
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Sinh tài liệu tham chiếu (write the schema reference) from the model."""
    from capdo.estate_gen import write_docs  # noqa: PLC0415

    language = parse_lang(lang)
    try:
        written = write_docs(Path.cwd(), out)
    except OSError as error:
        typer.echo(f"capdo: {t('estate.error.write', language, path=out, detail=error)}", err=True)
        raise typer.Exit(2) from None
    if output is OutputFormat.json:
        payload = {"out": str(out), "files": [str(path) for path in written]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(t("schema.docs.written", language, count=len(written), path=out))
