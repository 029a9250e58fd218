"""The national roll-up: one overview of several provinces from their evaluation outputs.

Each input is the folder ``capdo evaluate --out`` wrote for one estate (``evaluation-<regime>.json``
and ``estate.json``). Per province and regime: systems by level, how many meet their level and
how many do not, the mean score, and the top gaps (the requirements failed by most systems).
Written as ``national.json`` and a self-contained ``national.html`` (vi or en). Inputs are
untrusted: a malformed file is a clear error naming it, and every string is escaped in HTML.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from capdo.errors import CapdoError
from capdo.i18n import Lang, t
from capdo.inventory import Inventory

ESTATE_SUMMARY = "estate.json"
TOP_GAPS = 5
LEVELS = (1, 2, 3, 4, 5)


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Outcome(_Loose):
    requirement_id: str = Field(max_length=64)
    status: str = Field(max_length=32)


class _Verdict(_Loose):
    system: str = Field(max_length=128)
    level: int = Field(ge=1, le=5)
    verdict: Literal["meets", "does_not_meet"]
    score: float | None = None
    requirements: tuple[_Outcome, ...] = ()


class _Evaluation(_Loose):
    regime: Literal["legacy", "new"]
    date: str = Field(max_length=32)
    systems: tuple[_Verdict, ...]


class _Text(_Loose):
    vi: str = Field(max_length=500)
    en: str | None = Field(default=None, max_length=500)

    def get(self, lang: Lang) -> str:
        return self.en if lang == "en" and self.en else self.vi


class _EstateSummary(_Loose):
    estate: str = Field(max_length=128)
    organisation: _Text


@dataclass
class Province:
    id: str
    name: dict[str, str]
    evaluations: dict[str, _Evaluation] = field(default_factory=dict)


def write_estate_summary(path: Path, inventory: Inventory) -> None:
    """Written next to the evaluations by ``capdo evaluate --out``: who the estate is."""
    summary = {
        "estate": inventory.estate.id,
        "organisation": inventory.estate.organisation.model_dump(exclude_none=True),
    }
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CapdoError("national.error.unreadable", path=path, detail=error) from None


def read_province(folder: Path) -> Province:
    if not folder.is_dir():
        raise CapdoError("national.error.no-folder", path=folder)
    files = sorted(folder.glob("evaluation-*.json"))
    if not files:
        raise CapdoError("national.error.no-evaluation", path=folder)
    summary_path = folder / ESTATE_SUMMARY
    province = Province(folder.name, {"vi": folder.name, "en": folder.name})
    if summary_path.is_file():
        try:
            summary = _EstateSummary.model_validate(_read_json(summary_path))
        except ValidationError as error:
            raise CapdoError(
                "national.error.invalid", path=summary_path, detail=_first(error)
            ) from None
        province = Province(
            summary.estate,
            {"vi": summary.organisation.get("vi"), "en": summary.organisation.get("en")},
        )
    for path in files:
        try:
            evaluation = _Evaluation.model_validate(_read_json(path))
        except ValidationError as error:
            raise CapdoError("national.error.invalid", path=path, detail=_first(error)) from None
        province.evaluations[evaluation.regime] = evaluation
    return province


def _first(error: ValidationError) -> str:
    item = error.errors(include_url=False)[0]
    return f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"


def _regime_row(evaluation: _Evaluation, titles: dict[str, dict[str, str]]) -> dict[str, Any]:
    by_level = Counter(v.level for v in evaluation.systems)
    meets = Counter(v.level for v in evaluation.systems if v.verdict == "meets")
    failing: Counter[str] = Counter()
    for verdict in evaluation.systems:
        failing.update({o.requirement_id for o in verdict.requirements if o.status == "fail"})
    scores = [v.score for v in evaluation.systems if v.score is not None]
    gaps = sorted(failing.items(), key=lambda item: (-item[1], item[0]))[:TOP_GAPS]
    return {
        "date": evaluation.date,
        "systems": len(evaluation.systems),
        "by_level": {str(level): by_level.get(level, 0) for level in LEVELS},
        "meeting": sum(meets.values()),
        "not_meeting": len(evaluation.systems) - sum(meets.values()),
        "meeting_by_level": {str(level): meets.get(level, 0) for level in LEVELS},
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
        "top_gaps": [
            {"requirement": rid, "title": titles.get(rid, {}), "systems": count}
            for rid, count in gaps
        ],
    }


def requirement_titles(catalogue_dir: Path | None) -> dict[str, dict[str, str]]:
    """Requirement id -> title (vi/en) from both regimes' catalogues, when found."""
    from capdo.compliance import load_regime  # noqa: PLC0415

    titles: dict[str, dict[str, str]] = {}
    for regime in ("legacy", "new"):
        try:
            catalogue = load_regime(regime, catalogue_dir)
        except Exception:  # titles are a nicety; the ids alone still tell the gap
            continue
        for requirement in catalogue.requirements:
            titles.setdefault(
                str(requirement.id), {"vi": requirement.title.vi, "en": requirement.title.en}
            )
    return titles


def rollup(provinces: list[Province], titles: dict[str, dict[str, str]]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for province in provinces:
        rows.append(
            {
                "id": province.id,
                "name": province.name,
                "regimes": {
                    regime: _regime_row(evaluation, titles)
                    for regime, evaluation in sorted(province.evaluations.items())
                },
            }
        )
    regimes = sorted({r for row in rows for r in row["regimes"]})
    totals = {
        regime: {
            "provinces": sum(1 for row in rows if regime in row["regimes"]),
            "systems": sum(
                row["regimes"][regime]["systems"] for row in rows if regime in row["regimes"]
            ),
            "meeting": sum(
                row["regimes"][regime]["meeting"] for row in rows if regime in row["regimes"]
            ),
        }
        for regime in regimes
    }
    return {"kind": "capdo-national-rollup", "version": 1, "totals": totals, "provinces": rows}


_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ tr('national.title') }}</title>
<style>
body{font-family:"Noto Sans","DejaVu Sans",sans-serif;margin:1.5rem;color:#1d2733}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid #c9d1da;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f6}td.n{text-align:right}.bad{color:#a4161a;font-weight:600}
.ok{color:#1b6e3a;font-weight:600}ol{margin:0;padding-left:1.2rem}
</style></head><body>
<h1>{{ tr('national.title') }}</h1>
<p>{{ tr('national.intro', count=data.provinces|length) }}</p>
{% for regime in regimes %}
<h2>{{ tr('national.regime.' + regime) }}</h2>
<p>{{ tr('national.totals', systems=data.totals[regime].systems,
      meeting=data.totals[regime].meeting, provinces=data.totals[regime].provinces) }}</p>
<table><thead><tr><th>{{ tr('national.col.province') }}</th>
{% for level in levels %}<th>{{ tr('national.col.level', level=level) }}</th>{% endfor %}
<th>{{ tr('national.col.meeting') }}</th><th>{{ tr('national.col.not-meeting') }}</th>
<th>{{ tr('national.col.score') }}</th><th>{{ tr('national.col.gaps') }}</th></tr></thead><tbody>
{% for p in data.provinces if regime in p.regimes %}{% set r = p.regimes[regime] %}
<tr><td><strong>{{ p.name[lang] or p.name.vi }}</strong><br>
<small>{{ p.id }} · {{ r.date }}</small></td>
{% for level in levels %}<td class="n">{{ r.by_level[level|string] }}</td>{% endfor %}
<td class="n ok">{{ r.meeting }}</td><td class="n bad">{{ r.not_meeting }}</td>
<td class="n">{{ r.mean_score if r.mean_score is not none else '—' }}</td>
<td>{% if r.top_gaps %}<ol>{% for g in r.top_gaps %}<li><strong>{{ g.requirement }}</strong>
{{ g.title[lang] if g.title else '' }} ({{ tr('national.gap.systems', count=g.systems) }})</li>
{% endfor %}</ol>
{% else %}—{% endif %}</td></tr>
{% endfor %}</tbody></table>
{% endfor %}
</body></html>
"""


def render_html(data: dict[str, Any], lang: Lang) -> str:
    env = Environment(autoescape=True, undefined=StrictUndefined)
    env.globals["tr"] = lambda key, **params: t(key, lang, **params)
    regimes = sorted({r for p in data["provinces"] for r in p["regimes"]})
    return env.from_string(_TEMPLATE).render(data=data, lang=lang, regimes=regimes, levels=LEVELS)


def write_national(
    folders: list[Path], out: Path, lang: Lang, catalogue_dir: Path | None
) -> list[Path]:
    """Read every folder (all or nothing), then write national.json and national.html."""
    provinces = [read_province(folder) for folder in folders]
    ids = Counter(p.id for p in provinces)
    twice = sorted(i for i, n in ids.items() if n > 1)
    if twice:
        raise CapdoError("national.error.twice", ids=", ".join(twice))
    data = rollup(provinces, requirement_titles(catalogue_dir))
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "national.json", out / "national.html"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    html_path.write_text(render_html(data, lang), encoding="utf-8")
    return [json_path, html_path]


def run_national(folders: list[Path], out: Path, lang: Lang) -> int:
    """The command: 0 written, 2 on an unreadable input or output (nothing half-written)."""
    import typer  # noqa: PLC0415

    from capdo.exports import catalogue_dir_for  # noqa: PLC0415

    try:
        written = write_national(folders, out, lang, catalogue_dir_for(Path.cwd()))
    except CapdoError as error:
        if error.handled_apart:  # caught where it is raised, as before
            raise
        typer.echo(f"capdo: {error.message(lang)}", err=True)
        return 2
    except OSError as error:
        typer.echo(
            f"capdo: {t('national.error.unreadable', lang, path=out, detail=error)}", err=True
        )
        return 2
    for path in written:
        typer.echo(t("national.cli.written", lang, path=path))
    return 0
