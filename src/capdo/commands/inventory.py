"""``capdo inventory validate | show | graph | export``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from capdo.commands._options import (
    FormatOption,
    InventoryOption,
    LangOption,
    OutputFormat,
    estate_dir_or_exit,
    parse_lang,
    valid_estate_or_exit,
)
from capdo.errors import CapdoError
from capdo.exports import ExportFormat, export, model_json
from capdo.i18n import Lang, t
from capdo.inventory import COLLECTIONS, EstateIndex, Inventory, load_estate, wan_graph
from capdo.safeio import OPERATIONAL_RULES

app = typer.Typer(
    name="inventory",
    help="Kho dữ liệu hạ tầng: kiểm tra, xem, vẽ, xuất (estate inventory: validate, show, "
    "graph, export).",
    no_args_is_help=True,
)

EXIT_OK, EXIT_FINDINGS, EXIT_OPERATIONAL = 0, 1, 2
OPERATIONAL_FINDINGS = frozenset(f"reader.{rule}" for rule in OPERATIONAL_RULES)
"""Files that cannot be read at all (FIFO, device, directory, no permission): exit code 2."""
AGENCY_ROWS = 10
"""Up to this many single-agency systems are listed one by one in ``show``."""


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _object_count(inventory: Inventory | None) -> int:
    if inventory is None:
        return 0
    return sum(len(getattr(inventory, kind)) for kind in COLLECTIONS)


@app.command()
def validate(
    inventory: InventoryOption = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Kiểm tra kho dữ liệu (validate the estate): every finding with file:line:column."""
    language = parse_lang(lang)
    root = estate_dir_or_exit(inventory)
    result = load_estate(root)
    errors = sum(1 for f in result.findings if f.severity == "error")
    warnings = len(result.findings) - errors
    if output is OutputFormat.json:
        payload = {
            "inventory": str(root),
            "ok": result.ok,
            "objects": _object_count(result.inventory),
            "errors": errors,
            "warnings": warnings,
            "findings": [f.to_dict(language, root) for f in result.findings],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console = _console()
        for finding in result.findings:
            style = "red" if finding.severity == "error" else "yellow"
            console.print(
                f"[{style}]{finding.location(Path.cwd())}[/]: [bold]{finding.rule}[/] "
                f"{finding.message(language)}",
                markup=True,
            )
            hint = finding.hint(language)
            if hint:
                console.print(f"    {t('inventory.hint', language)}: {hint}", markup=False)
        if result.findings:
            console.print(
                t(
                    "inventory.summary.findings",
                    language,
                    errors=errors,
                    warnings=warnings,
                    path=root,
                )
            )
        else:
            count = _object_count(result.inventory)
            console.print(t("inventory.summary.ok", language, path=root, objects=count))
    operational = any(f.rule in OPERATIONAL_FINDINGS for f in result.findings)
    raise typer.Exit(EXIT_OPERATIONAL if operational else EXIT_OK if result.ok else EXIT_FINDINGS)


@app.command()
def show(
    inventory: InventoryOption = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Tóm tắt hạ tầng (summary): counts per kind, systems with owner, level and members."""
    language = parse_lang(lang)
    _, inv = valid_estate_or_exit(inventory, language, EXIT_FINDINGS)
    index = EstateIndex(inv)
    if output is OutputFormat.json:
        payload = {
            "estate": inv.estate.id,
            "regimes": list(inv.estate.regimes),
            "counts": {kind: len(getattr(inv, kind)) for kind in COLLECTIONS},
            "systems": [
                {
                    "id": s.id,
                    "name": s.name.get(language),
                    "owner": s.owner.get(language),
                    "type": s.type,
                    "level": s.level.level,
                    "status": s.level.status,
                    "decision": s.level.decision,
                    "members": len(index.members_of.get(s.id, ())),
                }
                for s in inv.systems
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(
        t(
            "inventory.show.title",
            language,
            estate=inv.estate.id,
            organisation=inv.estate.organisation.get(language),
        ),
        style="bold",
    )
    console.print(t("inventory.show.regimes", language, regimes=", ".join(inv.estate.regimes)))
    counts = Table(show_header=True)
    counts.add_column(t("inventory.col.kind", language))
    counts.add_column(t("inventory.col.count", language), justify="right")
    for kind in COLLECTIONS:
        counts.add_row(t(f"inventory.kind.{kind}", language), str(len(getattr(inv, kind))))
    console.print(counts)
    systems = Table(show_header=True)
    for key in ("system", "owner", "level", "decision", "targets"):
        systems.add_column(t(f"inventory.col.{key}", language))
    # Many single-agency systems (every commune's LAN) are summed up per level; a few are listed.
    agency_systems = [s for s in inv.systems if s.scope == "agency"]
    summed = agency_systems if len(agency_systems) > AGENCY_ROWS else []
    listed = [s for s in inv.systems if s not in summed]
    for s in sorted(listed, key=lambda s: (-s.level.level, s.id)):
        decision = s.level.decision or t("inventory.proposed", language)
        systems.add_row(
            f"{s.name.get(language)} ({s.id})",
            s.owner.get(language),
            str(s.level.level),
            decision,
            str(len(index.members_of.get(s.id, ()))),
        )
    for level, count in sorted(Counter(s.level.level for s in summed).items()):
        label = t("inventory.show.agency-systems", language, count=count)
        systems.add_row(label, "", str(level), "", str(count))
    console.print(systems)


@app.command()
def graph(
    inventory: InventoryOption = None,
    output: Annotated[
        str, typer.Option("--format", help="text (site tree), json, or dot (Graphviz WAN).")
    ] = "text",
    lang: LangOption = "vi",
) -> None:
    """Cây địa điểm và mạng WAN (site tree and WAN topology)."""
    language = parse_lang(lang)
    if output not in ("text", "json", "dot"):
        raise typer.BadParameter("--format must be text, json or dot")
    _, inv = valid_estate_or_exit(inventory, language, EXIT_FINDINGS)
    index = EstateIndex(inv)
    per_site = Counter(t_.obj.site for t_ in index.targets())
    edges = []
    for link in inv.links:
        ends = [getattr(link, e) for e in ("a", "z")]
        sites = [index.devices[e.device].site if e.device else (e.external or "?") for e in ends]
        if sites[0] == sites[1]:
            continue  # a link inside a data centre is not part of the WAN topology
        edges.append(
            {
                "link": link.id,
                "a": sites[0],
                "z": sites[1],
                "role": link.role,
                "bandwidth_mbps": link.bandwidth_mbps,
            }
        )
    if output == "json":
        nodes = [
            {
                "id": s.id,
                "name": s.name.get(language),
                "kind": s.kind,
                "parent": s.parent,
                "status": s.status,
                "targets": per_site.get(s.id, 0),
            }
            for s in inv.sites
        ]
        typer.echo(json.dumps({"sites": nodes, "links": edges}, ensure_ascii=False, indent=2))
        return
    if output == "dot":
        labels = [
            (s.id, s.name.get(language))
            for s in inv.sites
            if s.status == "active" and per_site.get(s.id)
        ]
        typer.echo(wan_graph(labels, edges))
        return
    roots = [s for s in inv.sites if s.parent is None]
    console = _console()
    for root_site in roots:
        tree = Tree(escape(f"{root_site.name.get(language)} ({root_site.id})"))
        _grow(tree, root_site.id, index, per_site, language)
        console.print(tree)


def _grow(node: Tree, site_id: str, index: EstateIndex, per_site: Counter[str], lang: Lang) -> None:
    for kid in index.children.get(site_id, ()):
        site = index.sites[kid]
        label = escape(f"{site.name.get(lang)} ({site.id}, {site.kind}) · {per_site.get(kid, 0)}")
        if site.status != "active":
            label = f"[dim]{label} [{site.status}][/]"
        _grow(node.add(label), kid, index, per_site, lang)


@app.command("export")
def export_command(
    output: Annotated[
        str, typer.Option("--format", help="ansible, nornir, pyinfra or json.")
    ] = "ansible",
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write into.")] = Path(
        "out/inventory"
    ),
    inventory: InventoryOption = None,
    lang: LangOption = "vi",
) -> None:
    """Xuất tệp tĩnh (static export) for Ansible, nornir, pyinfra or JSON."""
    language = parse_lang(lang)
    if output not in ("ansible", "nornir", "pyinfra", "json"):
        raise typer.BadParameter("--format must be ansible, nornir, pyinfra or json")
    root, inv = valid_estate_or_exit(inventory, language, EXIT_FINDINGS)
    fmt: ExportFormat = output  # type: ignore[assignment]
    files = export(inv, root, fmt, out)
    typer.echo(t("inventory.export.written", language, count=len(files), path=out))


__all__ = ["app", "model_json"]


def _help(key: str) -> str:
    return f"{t(key, 'vi')} / {t(key, 'en')}"


@app.command("template")
def template_command(
    out: Annotated[Path, typer.Option("--out", "-o", help=_help("sheets.cli.opt.out"))] = Path(
        "capdo-inventory.xlsx"
    ),
    fmt: Annotated[str, typer.Option("--format", help=_help("sheets.cli.opt.format"))] = "xlsx",
    fill: Annotated[
        Path | None, typer.Option("--inventory", "-i", help=_help("sheets.cli.opt.fill"))
    ] = None,
    lang: LangOption = "vi",
) -> None:
    """Sổ tính mẫu để nhập tài sản (template workbook for asset lists)."""
    from capdo.sheets import write_csv_folder, write_template  # noqa: PLC0415

    language = parse_lang(lang)
    if fmt not in ("xlsx", "csv"):
        raise typer.BadParameter("--format must be xlsx or csv")
    inv = valid_estate_or_exit(fill, language, EXIT_FINDINGS)[1] if fill is not None else None
    try:
        (write_template if fmt == "xlsx" else write_csv_folder)(out, inv)
    except OSError as error:
        typer.echo(
            f"capdo: {t('sheets.error.unreadable', language, path=out, detail=error)}", err=True
        )
        raise typer.Exit(2) from None
    typer.echo(t("sheets.template.written", language, path=out))


@app.command("import")
def import_command(
    source: Annotated[Path, typer.Argument(help=_help("sheets.cli.arg.source"))],
    into: Annotated[Path, typer.Option("--into", help=_help("sheets.cli.opt.into"))],
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Nhập tài sản từ bảng tính (import an asset list): every problem as sheet!cell."""
    from capdo.sheets import import_sheets  # noqa: PLC0415

    language = parse_lang(lang)
    try:
        result = import_sheets(source, into, language)
    except CapdoError as error:
        if error.handled_apart:  # caught where it is raised, as before
            raise
        typer.echo(f"capdo: {error.message(language)}", err=True)
        raise typer.Exit(2) from None
    if output is OutputFormat.json:
        payload = {
            "ok": not result.problems,
            "objects": result.objects,
            "problems": [
                {"where": p.where, "message": p.message, "hint": p.hint} for p in result.problems
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        console = _console()
        for problem in result.problems:
            console.print(f"[red]{problem.where}[/]: {problem.message}", markup=True)
            if problem.hint:
                console.print(f"    {t('inventory.hint', language)}: {problem.hint}", markup=False)
        if result.problems:
            console.print(t("sheets.import.problems", language, count=len(result.problems)))
        else:
            summary = ", ".join(f"{n} {kind}" for kind, n in result.objects.items())
            console.print(t("sheets.import.written", language, summary=summary, path=into))
    raise typer.Exit(EXIT_FINDINGS if result.problems else EXIT_OK)
