"""Load an estate directory into the model, collecting every finding on the way.

An estate directory holds ``estate.yml`` and, for each collection kind, either ``<kind>.yml``
or a folder ``<kind>/`` of ``*.yml`` files (e.g. ``endpoints/commune-a.yml``). Each collection
file is a YAML list. ``waivers``, ``evidence`` and ``policy`` belong to the compliance layer and
are left to it. Nothing here raises on bad input: problems become findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, TypeAdapter, ValidationError

from capdo.inventory.findings import Finding, Origin, YamlPath, sort_findings
from capdo.inventory.model import (
    Credential,
    Endpoint,
    Estate,
    FirewallPolicy,
    InformationSystem,
    Inventory,
    Link,
    NetworkDevice,
    Server,
    Site,
    SiteLan,
    Zone,
)
from capdo.inventory.secrets import find_plain_secrets, redact_plain_secrets
from capdo.inventory.source import SourceSet
from capdo.safeio import inside

COLLECTIONS: Final[dict[str, type[BaseModel]]] = {
    "sites": Site,
    "zones": Zone,
    "systems": InformationSystem,
    "servers": Server,
    "devices": NetworkDevice,
    "links": Link,
    "lan": SiteLan,
    "endpoints": Endpoint,
    "firewall_policies": FirewallPolicy,
}
"""Collection kinds, in the order they are read."""

KEY_FIELD: Final[dict[str, str]] = {
    "sites": "id",
    "zones": "id",
    "systems": "id",
    "servers": "name",
    "devices": "name",
    "links": "id",
    "lan": "site",
    "endpoints": "name",
    "firewall_policies": "site",
}
"""The field that identifies an object within its kind (unique per kind)."""

COMPLIANCE_KINDS: Final[frozenset[str]] = frozenset({"waivers", "evidence", "policy"})
IGNORED_NAMES: Final[frozenset[str]] = frozenset({"group_vars", "host_vars", "README.md"})
YAML_SUFFIXES: Final[tuple[str, ...]] = (".yml", ".yaml")

_LIST_ADAPTERS: Final[dict[str, TypeAdapter[list[Any]]]] = {
    kind: TypeAdapter(list[model])  # type: ignore[valid-type]
    for kind, model in COLLECTIONS.items()
}


@dataclass
class LoadResult:
    """The outcome of loading: the model (when the estate file is valid) and all findings.

    ``origins`` maps ``(kind, key)`` to where each object was read, so later rules can point
    at the object in its file.
    """

    root: Path
    inventory: Inventory | None
    findings: list[Finding]
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    sources: SourceSet = field(default_factory=SourceSet)
    invalid: set[tuple[str, str]] = field(default_factory=set)
    """(kind, key) of objects that failed their schema: references to them are not reported
    again as unresolved."""

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def origin(self, kind: str, key: str, *path: str | int) -> Origin:
        base = self.origins.get((kind, key), Origin(self.root))
        return base.child(*path)


def _kind_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(kind, file) for every YAML file of the estate directory, unknown kinds as ''."""
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
            continue
        if entry.is_dir() and not inside(entry, root):
            kind, files = entry.name, [entry]  # a link out of the estate: refused, not walked
        elif entry.is_dir():
            kind = entry.name
            files = sorted(p for p in entry.rglob("*") if p.suffix in YAML_SUFFIXES)
        elif entry.suffix in YAML_SUFFIXES:
            kind, files = entry.stem, [entry]
        else:
            continue
        for file in files:
            yield (
                (kind if kind in COLLECTIONS or kind in {"estate"} | COMPLIANCE_KINDS else ""),
                file,
            )


def _schema_findings(error: ValidationError, origin: Origin, skip: set[YamlPath]) -> list[Finding]:
    findings = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        path = (*origin.path, *loc)
        if any(path[: len(s)] == s for s in skip):
            continue  # already reported as a plain-text secret
        field_name = ".".join(str(p) for p in loc) or "-"
        findings.append(
            Finding(
                "schema",
                Origin(origin.file, path),
                {"field": field_name, "error_type": item["type"], "error_ctx": item.get("ctx")},
                detail=item["msg"],
            )
        )
    return findings


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources = SourceSet(root)
        self.findings: list[Finding] = []
        self.origins: dict[tuple[str, str], Origin] = {}
        self.items: dict[str, list[Any]] = {kind: [] for kind in COLLECTIONS}
        self.estate: Estate | None = None
        self.estate_seen = False
        self.invalid: set[tuple[str, str]] = set()

    def run(self) -> LoadResult:
        if not self.root.is_dir():
            self.findings.append(Finding("no-estate-dir", Origin(self.root)))
            return self._result(None)
        for kind, file in _kind_files(self.root):
            self._read(kind, file)
        if not self.estate_seen:
            self.findings.append(Finding("missing-estate-file", Origin(self.root / "estate.yml")))
        inventory = None
        if self.estate is not None:
            fields: dict[str, Any] = {kind: tuple(items) for kind, items in self.items.items()}
            inventory = Inventory.model_construct(None, estate=self.estate, **fields)
        return self._result(inventory)

    def _result(self, inventory: Inventory | None) -> LoadResult:
        placed = [self.sources.place(f) for f in self.findings]
        return LoadResult(
            self.root, inventory, sort_findings(placed), self.origins, self.sources, self.invalid
        )

    def _read(self, kind: str, file: Path) -> None:
        if not kind:
            self.findings.append(Finding("unknown-file", Origin(file), severity="warning"))
            return
        if kind in COMPLIANCE_KINDS:
            return
        source = self.sources.read(file)
        if isinstance(source, Finding):
            self.findings.append(source)
            if kind == "estate":
                self.estate_seen = True
            return
        secrets = find_plain_secrets(source.data)
        self.findings.extend(
            Finding("plain-secret", Origin(file, path), {"key": str(path[-1])}) for path in secrets
        )
        data = redact_plain_secrets(source.data, secrets) if secrets else source.data
        skip = set(secrets)
        if kind == "estate":
            self.estate_seen = True
            self._read_estate(file, data, skip)
        else:
            self._read_collection(kind, file, data, skip)

    def _read_estate(self, file: Path, data: object, skip: set[YamlPath]) -> None:
        if not isinstance(data, dict):
            self.findings.append(Finding("not-a-mapping", Origin(file)))
            return
        try:
            self.estate = Estate.model_validate(data)
        except ValidationError as error:
            self.findings.extend(_schema_findings(error, Origin(file), skip))
            self.estate = _lenient_estate(data)

    def _read_collection(self, kind: str, file: Path, data: object, skip: set[YamlPath]) -> None:
        if data is None:
            return
        if not isinstance(data, list):
            self.findings.append(Finding("not-a-list", Origin(file), {"kind": kind}))
            return
        try:  # fast path: the whole file is valid
            objects = _LIST_ADAPTERS[kind].validate_python(data) if not skip else None
        except ValidationError:
            objects = None
        if objects is None:
            objects = self._validate_each(kind, file, data, skip)
        else:
            objects = list(enumerate(objects))
        key_field = KEY_FIELD[kind]
        for index, obj in objects:
            key = str(getattr(obj, key_field))
            origin = Origin(file, (index,))
            previous = self.origins.get((kind, key))
            if previous is not None:
                self.findings.append(
                    Finding(
                        "duplicate-id",
                        origin.child(key_field),
                        {"kind": kind, "id": key, "first": _short(previous, self.root)},
                    )
                )
                continue
            self.origins[(kind, key)] = origin
            self.items[kind].append(obj)

    def _validate_each(
        self, kind: str, file: Path, data: list[Any], skip: set[YamlPath]
    ) -> list[tuple[int, Any]]:
        model = COLLECTIONS[kind]
        valid = []
        for index, raw in enumerate(data):
            origin = Origin(file, (index,))
            try:
                valid.append((index, model.model_validate(raw)))
            except ValidationError as error:
                self.findings.extend(_schema_findings(error, origin, skip))
                if isinstance(raw, dict) and KEY_FIELD[kind] in raw:
                    self.invalid.add((kind, str(raw[KEY_FIELD[kind]])))
        return valid


def _lenient_estate(data: dict[Any, Any]) -> Estate:
    """The valid parts of an invalid estate file, so that the other rules can still run."""
    parts: dict[str, Any] = {
        "id": "estate",
        "organisation": {"vi": "?"},
        "regimes": ("legacy", "new"),
        "credentials": {},
    }
    for key in ("id", "organisation", "security_unit", "regimes", "defaults", "connection_overlay"):
        if key in data:
            try:
                Estate.model_validate({**parts, key: data[key]})
                parts[key] = data[key]
            except ValidationError:
                pass
    credentials = data.get("credentials")
    if isinstance(credentials, dict):
        for name, value in credentials.items():
            try:
                Credential.model_validate(value)
                parts["credentials"][name] = value
            except ValidationError:
                pass
    try:
        return Estate.model_validate(parts)
    except ValidationError:
        pass
    try:
        return Estate.model_validate({**parts, "defaults": {}, "credentials": {}})
    except ValidationError:  # the id itself is invalid (already reported)
        return Estate.model_validate({**parts, "id": "estate", "defaults": {}, "credentials": {}})


def _short(origin: Origin, root: Path) -> str:
    file = origin.file.relative_to(root) if origin.file.is_relative_to(root) else origin.file
    return f"{file}#{'/'.join(str(p) for p in origin.path)}"


def load_directory(root: Path) -> LoadResult:
    """Read and schema-check an estate directory (cross-reference rules: validate.py)."""
    return _Loader(root).run()
