"""Inline SVG charts (no external assets): status bars, score bars and the trend over runs.

Every function returns SVG markup as a string built only from numbers and escaped labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from capdo.compliance import FAILING, STATUS_PRECEDENCE
from capdo.reports.data import RunSummary

STATUS_ORDER = STATUS_PRECEDENCE
COLOURS = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "error": "#ef6c00",
    "missing_evidence": "#6a1b9a",
    "not_reviewed": "#8d6e63",
    "waived": "#1565c0",
    "not_applicable": "#9e9e9e",
}


def status_bar(
    counts: Mapping[str, int], label: Callable[[str], str], width: int = 240, height: int = 14
) -> str:
    """A horizontal bar split by status, each part titled '<status>: <n>'."""
    total = sum(counts.get(s, 0) for s in STATUS_ORDER)
    parts = [
        f'<svg class="bar" width="{width}" height="{height}" role="img" '
        f'viewBox="0 0 {width} {height}">'
    ]
    if total == 0:
        parts.append(f'<rect width="{width}" height="{height}" fill="#e0e0e0"/>')
    x = 0.0
    for status in STATUS_ORDER:
        n = counts.get(status, 0)
        if not n:
            continue
        w = width * n / total
        title = escape(f"{label(status)}: {n}")
        parts.append(
            f'<rect x="{x:.2f}" width="{w:.2f}" height="{height}" fill="{COLOURS[status]}">'
            f"<title>{title}</title></rect>"
        )
        x += w
    parts.append("</svg>")
    return "".join(parts)


def score_bar(score: float | None, width: int = 120, height: int = 10) -> str:
    filled = 0.0 if score is None else width * max(0.0, min(score, 100.0)) / 100.0
    colour = "#2e7d32" if (score or 0) >= 90 else "#ef6c00" if (score or 0) >= 70 else "#c62828"
    return (
        f'<svg class="score" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img"><rect width="{width}" height="{height}" fill="#e0e0e0"/>'
        f'<rect width="{filled:.2f}" height="{height}" fill="{colour}"/></svg>'
    )


def _average(scores: Mapping[str, float | None]) -> float | None:
    values = [v for v in scores.values() if v is not None]
    return sum(values) / len(values) if values else None


def trend_chart(
    runs: Sequence[RunSummary],
    score_label: str,
    failing_label: str,
    width: int = 640,
    height: int = 200,
) -> str:
    """Average score (line, 0-100) and failing results (bars) per run, oldest on the left."""
    pad_l, pad_r, pad_t, pad_b = 36, 36, 12, 36
    inner_w = width - pad_l - pad_r
    inner_h = height - pad_t - pad_b
    n = max(len(runs), 1)
    step = inner_w / n
    failing = [sum(r.counts.get(s, 0) for s in FAILING) for r in runs]
    top = max([*failing, 1])
    out = [
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(score_label)}">',
        f'<line x1="{pad_l}" y1="{pad_t + inner_h}" x2="{width - pad_r}" '
        f'y2="{pad_t + inner_h}" stroke="#757575"/>',
        f'<text x="4" y="{pad_t + 8}" font-size="10">100</text>',
        f'<text x="4" y="{pad_t + inner_h}" font-size="10">0</text>',
        f'<text x="{width - pad_r + 4}" y="{pad_t + 8}" font-size="10">{top}</text>',
    ]
    points = []
    for i, (run, bad) in enumerate(zip(runs, failing, strict=True)):
        x = pad_l + step * i + step / 2
        h = inner_h * bad / top
        out.append(
            f'<rect x="{x - step * 0.3:.1f}" y="{pad_t + inner_h - h:.1f}" width="{step * 0.6:.1f}"'
            f' height="{h:.1f}" fill="#ef9a9a"><title>{escape(failing_label)}: {bad}</title></rect>'
        )
        avg = _average(run.scores)
        if avg is not None:
            points.append((x, pad_t + inner_h * (1 - avg / 100.0), avg))
        label = escape(run.created_at.strftime("%Y-%m-%d %H:%M"))
        out.append(
            f'<text x="{x:.1f}" y="{height - pad_b + 14}" font-size="9" '
            f'text-anchor="middle">{label}</text>'
        )
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="#1565c0" stroke-width="2"/>')
        for x, y, avg in points:
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1565c0">'
                f"<title>{escape(score_label)}: {avg:.1f}</title></circle>"
            )
    out.append(
        f'<text x="{pad_l}" y="{height - 4}" font-size="10" fill="#1565c0">— '
        f'{escape(score_label)}</text><text x="{pad_l + inner_w / 2}" y="{height - 4}" '
        f'font-size="10" fill="#c62828">▮ {escape(failing_label)}</text></svg>'
    )
    return "".join(out)


def category_chart(
    counts: Mapping[str, int],
    label: Callable[[str], str],
    colour: Callable[[str], str],
    x_axis: str,
    y_axis: str,
    width: int = 420,
) -> str:
    """Horizontal bars, one per category, with both axes labelled and each bar's value."""
    names = [c for c in counts if counts[c]]
    row, left, top, bottom = 18, 170, 16, 30
    height = top + row * max(len(names), 1) + bottom
    inner = width - left - 50
    peak = max([counts[c] for c in names] or [1])
    out = [
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(y_axis)} / {escape(x_axis)}">',
        f'<text x="4" y="11" font-size="10" font-weight="bold">{escape(y_axis)}</text>',
    ]
    for i, name in enumerate(names):
        y = top + i * row
        w = inner * counts[name] / peak
        out.append(
            f'<text x="{left - 6}" y="{y + 12}" font-size="10.5" text-anchor="end">'
            f"{escape(label(name))}</text>"
            f'<rect x="{left}" y="{y + 2}" width="{max(w, 1):.1f}" height="{row - 5}" '
            f'fill="{colour(name)}"/><text x="{left + w + 4:.1f}" y="{y + 12}" font-size="10">'
            f"{counts[name]}</text>"
        )
    axis_y = top + row * max(len(names), 1) + 2
    out.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + inner}" y2="{axis_y}" stroke="#757575"/>'
        f'<text x="{left}" y="{axis_y + 12}" font-size="9">0</text>'
        f'<text x="{left + inner}" y="{axis_y + 12}" font-size="9" text-anchor="end">{peak}</text>'
        f'<text x="{left + inner / 2:.0f}" y="{axis_y + 24}" font-size="10" '
        f'text-anchor="middle">{escape(x_axis)}</text></svg>'
    )
    return "".join(out)
