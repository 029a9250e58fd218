"""Which profile scans a server at a given level, and the shared scan settings.

Defaults live in ``checks/scap/profiles.yml``; an estate overrides any key in
``<estate>/policy/scap.yml`` (beside the estate's other policies; not an Ansible variable, so
the plugin and a static export see the same inventory). ``levels`` entries override one level
at a time. Both files are read by the safe reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from capdo.safeio import read_yaml
from capdo.scap.errors import ScapError

PROFILES_FILE = "profiles.yml"
ESTATE_OVERRIDE = Path("policy") / "scap.yml"

Level = Annotated[int, Field(ge=1, le=5)]
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
Reason = Annotated[str, Field(min_length=10)]
WALKER_REASON = (
    "walks every local file (slow on large hosts); kept with --include-filesystem-walkers"
)


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requirement: str = "SRV.14"
    min_score: float = Field(default=80.0, ge=0, le=100)


class ValueFromParameter(BaseModel):
    """An SSG XCCDF value set from one of the host's capdo_params (times ``scale``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parameter: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    scale: Annotated[float, Field(gt=0)] = 1

    def value(self, params: Mapping[str, object]) -> str | None:
        raw = params.get(self.parameter)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return None
        return str(int(raw * self.scale)) if float(raw * self.scale).is_integer() else None


class Environment(BaseModel):
    """A kind of host that cannot satisfy some rules (e.g. a lab host in namespaces)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Reason
    excluded: dict[RuleId, Reason] = Field(default_factory=dict)


class ScapSettings(BaseModel):
    """Profile per level, rules left out of the tailoring (each with its reason), and the
    summary requirement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: dict[Level, Annotated[str, Field(min_length=1)]]
    filesystem_walkers: tuple[str, ...] = ()
    summary: Summary = Summary()
    values: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], ValueFromParameter] = Field(
        default_factory=dict
    )
    excluded: dict[RuleId, Reason] = Field(default_factory=dict)
    known_failures: dict[RuleId, Reason] = Field(default_factory=dict)
    environments: dict[RuleId, Environment] = Field(default_factory=dict)
    environment: RuleId | None = None

    @model_validator(mode="after")
    def _known_environment(self) -> ScapSettings:
        if self.environment is not None and self.environment not in self.environments:
            known = ", ".join(sorted(self.environments)) or "none"
            raise ValueError(f"environment {self.environment!r} is not defined (known: {known})")
        return self

    def excluded_rules(self, *, include_walkers: bool = False) -> dict[str, str]:
        """Rule → reason for every rule the tailoring leaves out on this estate's hosts."""
        out = {} if include_walkers else dict.fromkeys(self.filesystem_walkers, WALKER_REASON)
        out.update(self.excluded)
        if self.environment is not None:
            env = self.environments[self.environment]
            out.update({rule: f"{self.environment}: {why}" for rule, why in env.excluded.items()})
        return out

    def xccdf_values(self, params: Mapping[str, object]) -> dict[str, str]:
        """SSG value id → value for the host's parameters (values the host lacks are left out)."""
        found = {name: spec.value(params) for name, spec in self.values.items()}
        return {name: value for name, value in found.items() if value is not None}

    def profile_for(self, level: int) -> str:
        try:
            return self.levels[level]
        except KeyError as exc:
            raise ScapError("scap.error.no-profile-for-level", level=level) from exc


def _read_content(path: Path) -> Any:
    """capdo's own content (it shares reasons through YAML anchors, which the safe reader
    refuses in estate files)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScapError("scap.error.config-unreadable", path=str(path), detail=str(exc)) from exc
    except yaml.YAMLError as exc:
        raise ScapError("scap.error.config-invalid", path=str(path), detail=str(exc)) from exc


def load_settings(checks_scap_dir: Path, estate_dir: Path | None = None) -> ScapSettings:
    """Defaults from ``checks/scap/profiles.yml``, then the estate's overrides (a file the
    safe reader refuses raises its located ``ReadError``)."""
    base_path = checks_scap_dir / PROFILES_FILE
    data = _read_content(base_path)
    if not isinstance(data, dict):
        raise ScapError("scap.error.config-invalid", path=str(base_path), detail="not a mapping")
    merged: dict[str, Any] = dict(data)
    source = base_path
    if estate_dir is not None and (estate_dir / ESTATE_OVERRIDE).is_file():
        source = estate_dir / ESTATE_OVERRIDE
        override = read_yaml(source, root=estate_dir)
        if not isinstance(override, dict):
            raise ScapError("scap.error.config-invalid", path=str(source), detail="not a mapping")
        for key, value in override.items():
            if key == "levels" and isinstance(value, dict):
                merged["levels"] = {**merged.get("levels", {}), **value}
            else:
                merged[key] = value
    try:
        return ScapSettings.model_validate(merged)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise ScapError("scap.error.config-invalid", path=str(source), detail=detail) from exc


def profile_idref(short: str) -> str:
    return short if short.startswith("xccdf_") else f"xccdf_org.ssgproject.content_profile_{short}"
