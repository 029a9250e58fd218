"""``capdo catalogue``: show, diff, validate and export the requirement catalogues.

Exit codes: 0 ok, 1 findings (catalogue problems for ``validate``), 2 usage or
operational error. ``show --system S`` waits for the inventory integration.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from capdo.commands._options import (
    FormatOption,
    InventoryOption,
    LangOption,
    OutputFormat,
    parse_lang,
    valid_estate_or_exit,
)
from capdo.compliance import (
    REGIMES,
    Catalogue,
    CatalogueNotFoundError,
    DataFileError,
    LocatedProblem,
    Problem,
    Regime,
    SystemRef,
    compile_level,
    diff_regimes,
    find_catalogue_dir,
    load_catalogue,
    load_catalogue_cached,
    print_compiled,
    print_diff,
    regime_file,
)
from capdo.i18n import Lang, t


def _help(key: str) -> str:
    return f"{t(key, 'vi')} / {t(key, 'en')}"


app = typer.Typer(
    name="catalogue",
    help=_help("compliance.cli.group"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class RegimeChoice(enum.StrEnum):
    legacy = "legacy"
    new = "new"


class ExportRegime(enum.StrEnum):
    legacy = "legacy"
    new = "new"
    both = "both"


CatalogueDirOption = Annotated[
    Path | None,
    typer.Option(
        "--catalogue-dir",
        help=_help("compliance.cli.opt.catalogue-dir"),
        envvar="CAPDO_CATALOGUE_DIR",
    ),
]
LevelOption = Annotated[int, typer.Option("--level", "-l", help=_help("compliance.cli.opt.level"))]


def _console() -> Console:
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console = Console(soft_wrap=False, width=160)
    return console


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _print_problems(problems: list[LocatedProblem], lang: Lang) -> None:
    for problem in problems:
        typer.echo(problem.render(lang), err=True)


def _load(regime: Regime, directory: Path | None, lang: Lang) -> Catalogue:
    try:
        folder = find_catalogue_dir(directory)
    except CatalogueNotFoundError as exc:
        _fail(t("compliance.error.no-catalogue", lang, path=str(exc)))
    path = regime_file(folder, regime)
    if not path.is_file():
        _fail(t("compliance.error.no-catalogue", lang, path=str(path)))
    try:
        return load_catalogue_cached(path)
    except DataFileError as exc:
        _print_problems(exc.problems, lang)
        _fail(t("compliance.error.invalid-catalogue", lang, path=str(path)))


def _check_level(cat: Catalogue, level: int, lang: Lang) -> None:
    if level not in {lvl.id for lvl in cat.levels}:
        _fail(t("compliance.error.level", lang, level=level))


def _dump(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command("show", help=_help("compliance.cli.show"))
def show(
    regime: Annotated[
        RegimeChoice, typer.Option("--regime", "-r", help=_help("compliance.cli.opt.regime"))
    ],
    level: Annotated[
        int | None, typer.Option("--level", "-l", help=_help("compliance.cli.opt.level"))
    ] = None,
    system: Annotated[
        str | None, typer.Option("--system", "-s", help=_help("compliance.cli.opt.system"))
    ] = None,
    inventory: InventoryOption = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
    catalogue_dir: CatalogueDirOption = None,
) -> None:
    language = parse_lang(lang)
    cat = _load(regime.value, catalogue_dir, language)
    scope = _system_scope(system, inventory, language) if system else None
    if scope is not None:
        level = scope.level
    if level is None:
        _fail(t("compliance.error.level-or-system", language))
    _check_level(cat, level, language)
    compiled = compile_level(cat, level)
    not_applicable: list[str] = []
    if scope is not None:
        applicable = tuple(
            cr
            for cr in compiled.requirements
            if not cr.requirement.applies_when
            or not scope.traits.isdisjoint(cr.requirement.applies_when)
        )
        not_applicable = [cr.id for cr in compiled.requirements if cr not in applicable]
        compiled = dataclasses.replace(compiled, requirements=applicable)
    if output is OutputFormat.json:
        data = compiled.to_dict()
        if scope is not None:
            data["system"] = {
                "id": scope.id,
                "level": scope.level,
                "traits": sorted(scope.traits),
                "members": len(scope.members),
                "not_applicable": not_applicable,
            }
        _dump(data)
        return
    console = _console()
    if scope is not None:
        console.print(
            t(
                "compliance.show.system",
                language,
                system=scope.id,
                level=scope.level,
                members=len(scope.members),
                traits=", ".join(sorted(scope.traits)) or "-",
                na=", ".join(not_applicable) or "-",
            )
        )
    print_compiled(console, cat, compiled, language)


def _system_scope(system: str, inventory: Path | None, lang: Lang) -> SystemRef:
    """The system as the evaluation sees it (level, members, traits), from the estate."""
    from capdo.exports import compliance_systems  # noqa: PLC0415
    from capdo.inventory import EstateIndex  # noqa: PLC0415

    _, estate = valid_estate_or_exit(inventory, lang)
    for ref in compliance_systems(EstateIndex(estate)):
        if ref.id == system:
            return ref
    _fail(t("compliance.error.unknown-system", lang, system=system))


@app.command("diff", help=_help("compliance.cli.diff"))
def diff(
    level: LevelOption,
    from_regime: Annotated[
        RegimeChoice, typer.Option("--from", help=_help("compliance.cli.opt.from"))
    ] = RegimeChoice.legacy,
    to_regime: Annotated[
        RegimeChoice, typer.Option("--to", help=_help("compliance.cli.opt.to"))
    ] = RegimeChoice.new,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
    catalogue_dir: CatalogueDirOption = None,
) -> None:
    language = parse_lang(lang)
    if from_regime is to_regime:
        _fail(t("compliance.error.same-regime", language))
    old = _load(from_regime.value, catalogue_dir, language)
    new = _load(to_regime.value, catalogue_dir, language)
    _check_level(old, level, language)
    _check_level(new, level, language)
    result = diff_regimes(old, new, level)
    if output is OutputFormat.json:
        _dump(result.to_dict())
    else:
        print_diff(_console(), new, result, language)


@app.command("validate", help=_help("compliance.cli.validate"))
def validate(
    files: Annotated[
        list[Path] | None, typer.Argument(help=_help("compliance.cli.arg.files"))
    ] = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
    catalogue_dir: CatalogueDirOption = None,
) -> None:
    language = parse_lang(lang)
    paths = list(files or [])
    if not paths:
        try:
            folder = find_catalogue_dir(catalogue_dir)
        except CatalogueNotFoundError as exc:
            _fail(t("compliance.error.no-catalogue", language, path=str(exc)))
        paths = [regime_file(folder, r) for r in REGIMES]
    problems: list[LocatedProblem] = []
    report: list[dict[str, object]] = []
    loaded: list[Catalogue] = []
    for path in paths:
        if not path.is_file():
            _fail(t("compliance.error.no-file", language, path=str(path)))
        try:
            cat = load_catalogue(path)
        except DataFileError as exc:
            problems.extend(exc.problems)
            report.append({"file": str(path), "valid": False, "problems": len(exc.problems)})
            continue
        loaded.append(cat)
        report.append({"file": str(path), "valid": True, "requirements": len(cat.requirements)})
        if output is OutputFormat.text:
            typer.echo(
                t("compliance.validate.ok", language, file=str(path), count=len(cat.requirements))
            )
    mismatch = _id_mismatch(loaded, paths, language) if not files else []
    problems.extend(mismatch)
    if output is OutputFormat.json:
        _dump({"files": report, "problems": [p.to_dict(language) for p in problems]})
    else:
        for problem in problems:
            typer.echo(problem.render(language))
        if problems:
            typer.echo(t("compliance.validate.summary", language, count=len(problems)))
    if problems:
        raise typer.Exit(1)


def _id_mismatch(cats: list[Catalogue], paths: list[Path], lang: Lang) -> list[LocatedProblem]:
    """Both regimes must list the same requirement ids (one row per id in each file)."""
    if len(cats) != 2:
        return []
    first, second = ({r.id for r in c.requirements} for c in cats)
    out: list[LocatedProblem] = []
    for cat_ids, other_ids, path in ((first, second, paths[0]), (second, first, paths[1])):
        missing = sorted(other_ids - cat_ids)
        if missing:
            problem = Problem((), "compliance.validate.ids-differ", {"ids": ", ".join(missing)})
            out.append(LocatedProblem(str(path), 1, 1, problem))
    return out


@app.command("export-oscal", help=_help("compliance.cli.export"))
def export_oscal(
    out: Annotated[Path, typer.Option("--out", "-o", help=_help("compliance.cli.opt.out"))],
    regime: Annotated[
        ExportRegime, typer.Option("--regime", "-r", help=_help("compliance.cli.opt.regime"))
    ] = ExportRegime.both,
    lang: LangOption = "vi",
    catalogue_dir: CatalogueDirOption = None,
) -> None:
    from capdo.compliance import export_catalogue  # noqa: PLC0415 (slow import)

    language = parse_lang(lang)
    chosen: dict[ExportRegime, tuple[Regime, ...]] = {
        ExportRegime.both: REGIMES,
        ExportRegime.legacy: ("legacy",),
        ExportRegime.new: ("new",),
    }
    regimes = chosen[regime]
    moment = datetime.now(UTC).replace(microsecond=0)
    written: list[Path] = []
    for name in regimes:
        cat = _load(name, catalogue_dir, language)
        try:
            written.extend(export_catalogue(cat, out, moment))
        except OSError as exc:
            _fail(t("compliance.error.write", language, path=str(out), detail=str(exc)))
    for path in written:
        typer.echo(t("compliance.export.written", language, path=str(path)))
