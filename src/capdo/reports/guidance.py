"""Per-requirement guidance for officers: severity, rationale and remediation (bilingual).

The guidance lives beside the catalogue (``checks/catalogue/guidance.yml``): the catalogue rows
stay the legal text, the guidance says how urgent a gap is and what fixes it, each entry with
its source and confidence. Requirements without an entry get their check kind's default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from capdo.compliance import CatalogueNotFoundError, Confidence, LocalText, find_catalogue_dir
from capdo.errors import CapdoError
from capdo.i18n import Lang

FILE_NAME = "guidance.yml"
Severity = Literal["high", "medium", "low"]
SEVERITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Remediation(_Frozen):
    fail: LocalText | None = None
    missing_evidence: LocalText | None = None


class Entry(_Frozen):
    severity: Severity
    rationale: LocalText
    remediation: Remediation
    source: str
    confidence: Confidence


class GuidanceFile(_Frozen):
    version: str
    defaults: dict[str, Entry]
    requirements: dict[str, Entry]


class GuidanceError(CapdoError):
    """The guidance file is unreadable or does not fit its schema."""

    handled_apart = True

    def __init__(self, detail: str) -> None:
        super().__init__("reports.error.guidance", detail=detail)
        self.args = (detail,)  # as before the key
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Guidance:
    """The guidance of one requirement, resolved against its check kind's default."""

    severity: Severity
    rationale: LocalText | None
    source: str
    confidence: str
    own: bool
    """The requirement has its own entry (not only its check kind's default)."""
    fixes: dict[str, LocalText]

    def remediation(self, category: str, lang: Lang) -> str | None:
        text = self.fixes.get(category)
        return text.get(lang) if text else None


FALLBACK = Guidance("medium", None, "capdo (project default)", "inference", False, {})


def load_guidance(path: Path) -> GuidanceFile:
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        return GuidanceFile.model_validate(data)
    except (OSError, YAMLError, ValidationError) as exc:
        raise GuidanceError(f"{path}: {exc}") from None


@cache
def default_guidance() -> GuidanceFile | None:
    """The guidance beside the catalogue in use (None when there is no file)."""
    try:
        folder = find_catalogue_dir()
    except CatalogueNotFoundError:
        folder = None
    for base in (folder, Path(__file__).resolve().parents[3] / "checks" / "catalogue"):
        if base is not None and (base / FILE_NAME).is_file():
            return load_guidance(base / FILE_NAME)
    return None


def _fixes(*entries: Entry | None) -> dict[str, LocalText]:
    out: dict[str, LocalText] = {}
    for entry in entries:
        if entry is None:
            continue
        for name in ("fail", "missing_evidence"):
            text = getattr(entry.remediation, name)
            if text is not None and name not in out:
                out[name] = text
    return out


def resolve(
    source: GuidanceFile | None, requirements: Iterable[tuple[str, str]]
) -> dict[str, Guidance]:
    """(requirement id, check kind) pairs → their guidance."""
    out: dict[str, Guidance] = {}
    for rid, check in requirements:
        if source is None:
            out[rid] = FALLBACK
            continue
        own = source.requirements.get(rid)
        default = source.defaults.get(check)
        base = own or default
        if base is None:
            out[rid] = FALLBACK
            continue
        out[rid] = Guidance(
            severity=base.severity,
            rationale=base.rationale,
            source=base.source,
            confidence=base.confidence,
            own=own is not None,
            fixes=_fixes(own, default),
        )
    return out
