"""Rich tables (for people) and plain dicts (for machines) of compiled levels and diffs."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from capdo.compliance.catalogue_model import Catalogue
from capdo.compliance.compile import CompiledLevel, ResolvedParameter
from capdo.compliance.diff import RegimeDiff
from capdo.compliance.evaluate import Evaluation
from capdo.i18n import Lang, t


def format_value(value: object, unit: str | None, lang: Lang) -> str:
    if value is None:
        return t("compliance.param.unset", lang)
    if isinstance(value, bool):
        return t("compliance.value.yes" if value else "compliance.value.no", lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if not unit:
        return str(value)
    key = f"compliance.unit.{unit}"
    label = t(key, lang)
    return f"{value} {unit if label == key else label}"


def format_parameter(cat: Catalogue, rp: ResolvedParameter, lang: Lang) -> str:
    title = cat.parameters[rp.name].title.get(lang)
    value = format_value(rp.value, rp.unit, lang)
    origin = t(
        "compliance.param.origin", lang, level=rp.set_at_level, confidence=rp.confidence.value
    )
    return f"{title}: {value} ({origin}; {rp.source})"


def compiled_table(cat: Catalogue, compiled: CompiledLevel, lang: Lang) -> Table:
    table = Table(
        title=t("compliance.show.title", lang, title=cat.title.get(lang), level=compiled.level),
        caption=t(
            "compliance.show.caption",
            lang,
            count=len(compiled.requirements),
            lineage=" → ".join(str(x) for x in compiled.lineage),
            version=cat.version,
        ),
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    for key in ("id", "title", "group", "first", "check", "confidence", "parameters", "sources"):
        table.add_column(t(f"compliance.col.{key}", lang), overflow="fold")
    for item in compiled.requirements:
        req = item.requirement
        params = "\n".join(
            format_parameter(cat, rp, lang) for _, rp in sorted(item.parameters.items())
        )
        table.add_row(
            req.id,
            req.title.get(lang),
            t(f"compliance.group.{req.group.value}", lang),
            str(req.first_level),
            req.check.value,
            req.confidence.value,
            params or "-",
            "; ".join(s.ref for s in req.sources),
        )
    return table


def print_compiled(console: Console, cat: Catalogue, compiled: CompiledLevel, lang: Lang) -> None:
    console.print(compiled_table(cat, compiled, lang))


def print_diff(console: Console, new: Catalogue, diff: RegimeDiff, lang: Lang) -> None:
    console.print(
        t("compliance.diff.title", lang, level=diff.level, old=diff.from_regime, new=diff.to_regime)
    )
    added = Table(title=t("compliance.diff.added", lang, count=len(diff.added)), box=box.SIMPLE)
    for key in ("id", "title", "first", "check", "confidence", "change"):
        added.add_column(t(f"compliance.col.{key}", lang), overflow="fold")
    for item in diff.added:
        req = item.requirement
        added.add_row(
            req.id,
            req.title.get(lang),
            str(req.first_level),
            req.check.value,
            req.confidence.value,
            req.change_from_legacy or "-",
        )
    console.print(added)
    params = Table(
        title=t("compliance.diff.params", lang, count=len(diff.parameters)), box=box.SIMPLE
    )
    for key in ("id", "parameter", "from", "to", "change", "sources"):
        params.add_column(t(f"compliance.col.{key}", lang), overflow="fold")
    for change in diff.parameters:
        definition = new.parameters[change.name]
        params.add_row(
            change.requirement_id,
            definition.title.get(lang),
            "-" if change.kind == "new" else format_value(change.old, definition.unit, lang),
            format_value(change.new, definition.unit, lang),
            t(f"compliance.change.{change.kind}", lang),
            f"{change.new_source or '-'} [{change.new_confidence or '-'}]",
        )
    console.print(params)
    if diff.removed:
        removed = Table(
            title=t("compliance.diff.removed", lang, count=len(diff.removed)), box=box.SIMPLE
        )
        removed.add_column(t("compliance.col.id", lang))
        removed.add_column(t("compliance.col.title", lang), overflow="fold")
        for item in diff.removed:
            removed.add_row(item.id, item.requirement.title.get(lang))
        console.print(removed)
    notes = Table(
        title=t("compliance.diff.notes", lang, count=len(diff.changed_notes)), box=box.SIMPLE
    )
    notes.add_column(t("compliance.col.id", lang))
    notes.add_column(t("compliance.col.change", lang), overflow="fold")
    for rid, note in diff.changed_notes:
        notes.add_row(rid, note)
    console.print(notes)
    deadlines = Table(title=t("compliance.diff.deadlines", lang), box=box.SIMPLE)
    for key in ("date", "title", "sources"):
        deadlines.add_column(t(f"compliance.col.{key}", lang), overflow="fold")
    for deadline in diff.deadlines:
        deadlines.add_row(
            deadline.date.isoformat(),
            deadline.title.get(lang),
            f"{deadline.source} [{deadline.confidence.value}]",
        )
    console.print(deadlines)


MAX_REJECTED_SHOWN = 20
"""Rejected records listed in the terminal (all of them are in the JSON output)."""


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_evaluation(console: Console, cat: Catalogue, evaluation: Evaluation, lang: Lang) -> None:
    """System verdicts with counts and the technical and documentary scores, conflicts and
    rejected result records, then every waiver with its state."""
    table = Table(
        title=t(
            "compliance.eval.title",
            lang,
            title=cat.title.get(lang),
            date=evaluation.today.isoformat(),
        ),
        caption=t(
            "compliance.eval.score-note",
            lang,
            weights=", ".join(f"{g.value}={w:g}" for g, w in cat.scoring.group_weights.items()),
            credits=", ".join(f"{s}={c:g}" for s, c in cat.scoring.status_credit.items()),
        ),
        box=box.SIMPLE_HEAVY,
    )
    for key in ("system", "level", "verdict", "technical", "documentary", "counts"):
        table.add_column(t(f"compliance.col.{key}", lang), overflow="fold")
    for verdict in evaluation.systems:
        key = "compliance.verdict.meets" if verdict.meets else "compliance.verdict.does-not-meet"
        counts = ", ".join(
            f"{t(f'compliance.status.{s}', lang)}: {n}" for s, n in verdict.counts.items() if n
        )
        table.add_row(
            verdict.system_id,
            str(verdict.level),
            t(key, lang, level=verdict.level),
            _score(verdict.technical_score),
            _score(verdict.documentary_score),
            counts,
        )
    console.print(table)
    if evaluation.conflicts:
        console.print(
            f"[yellow]{t('compliance.eval.conflicts', lang, count=evaluation.conflicts)}[/]"
        )
    if evaluation.rejected:
        console.print(
            f"[red]{t('compliance.intake.title', lang, count=len(evaluation.rejected))}[/]"
        )
        for item in evaluation.rejected[:MAX_REJECTED_SHOWN]:
            rec = item.record
            console.print(
                f"  {t(f'compliance.intake.{item.reason}', lang)}: {rec.requirement_id} "
                f"{rec.target} ({rec.checker}, {rec.status}, {item.source})",
                markup=False,
            )
    if not evaluation.waivers:
        return
    waivers = Table(title=t("compliance.eval.waivers", lang), box=box.SIMPLE)
    for key in ("id", "title", "state", "applied", "expires"):
        waivers.add_column(t(f"compliance.col.{key}", lang), overflow="fold")
    for use in evaluation.waivers:
        state = t(f"compliance.waiver.state.{use.state.value}", lang)
        if use.unmatched:
            state += f" ({t('compliance.waiver.unmatched', lang)})"
        waivers.add_row(
            use.waiver.id,
            f"{use.waiver.requirement_id}: {use.waiver.reason}",
            state,
            str(use.applied),
            use.waiver.expires_on.isoformat(),
        )
    console.print(waivers)
