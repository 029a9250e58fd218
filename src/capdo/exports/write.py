"""Static exports: files that other tools read without capdo installed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml

from capdo.exports.ansible import build_view, static_inventory
from capdo.exports.nornir import simple_inventory
from capdo.exports.pyinfra import pyinfra_module
from capdo.gcpause import paused_gc
from capdo.inventory import EstateIndex, Inventory
from capdo.safeio import write_atomic

ExportFormat = Literal["ansible", "nornir", "pyinfra", "json"]


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present


class _Dumper(_BaseDumper):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:  # plain YAML: no &id001 anchors
        return True


class Unsafe(str):
    """A string that Ansible must never template: dumped with the ``!unsafe`` tag."""

    __slots__ = ()


class UnsafeMapping(dict[str, Any]):
    """A mapping dumped with ``!unsafe``: Ansible marks everything inside it unsafe."""


class UnsafeSequence(list[Any]):
    """A sequence dumped with ``!unsafe``: Ansible marks everything inside it unsafe."""


_Dumper.add_representer(
    Unsafe, lambda dumper, data: dumper.represent_scalar("!unsafe", str(data), style="'")
)
_Dumper.add_representer(
    UnsafeMapping, lambda dumper, data: dumper.represent_mapping("!unsafe", dict(data))
)
_Dumper.add_representer(
    UnsafeSequence, lambda dumper, data: dumper.represent_sequence("!unsafe", list(data))
)
_RESOLVER = yaml.resolver.Resolver()


def _unsafe_value(value: Any) -> Any:
    """One variable's value, marked as Ansible marks untrusted data. Ansible re-resolves the
    scalar under ``!unsafe`` (``!unsafe '12'`` loads as the number 12), so a string that reads
    as a number, boolean or null stays a plain quoted string: it cannot hold a template. A
    mapping or sequence is tagged as a whole; Ansible then marks every string inside it."""
    if isinstance(value, str):
        plain = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        return Unsafe(value) if plain == "tag:yaml.org,2002:str" else value
    if isinstance(value, dict):
        return UnsafeMapping(value)
    if isinstance(value, list | tuple):
        return UnsafeSequence(value)
    return value


def mark_unsafe(inventory: dict[str, Any]) -> dict[str, Any]:
    """The static inventory with every variable value (host and group variables) marked
    ``!unsafe``, so that a ``{{ ... }}`` in the estate is printed, never evaluated, by a play
    that reads the export. Host, group and variable names are slugs and stay plain."""

    def variables(values: dict[str, Any] | None) -> dict[str, Any] | None:
        if values is None:
            return None
        return {name: _unsafe_value(value) for name, value in values.items()}

    def group(entry: dict[str, Any]) -> dict[str, Any]:
        marked = dict(entry)
        if "vars" in entry:
            marked["vars"] = variables(entry["vars"])
        if "hosts" in entry:
            marked["hosts"] = {host: variables(v) for host, v in entry["hosts"].items()}
        if "children" in entry:
            marked["children"] = {name: group(kid) for name, kid in entry["children"].items()}
        return marked

    return {name: group(entry) for name, entry in inventory.items()}


def _yaml(data: Any) -> str:
    text: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return text


def model_json(inventory: Inventory) -> dict[str, Any]:
    """The whole model plus each target's systems and level: stable JSON for machines."""
    index = EstateIndex(inventory)
    data = inventory.model_dump(mode="json", exclude_none=True)
    data["targets"] = {
        t.name: {
            "kind": t.kind,
            "systems": list(index.systems_of.get(t.name, ())),
            "level": index.level_of(t.name),
        }
        for t in index.targets()
    }
    return data


def export(inventory: Inventory, root: Path, fmt: ExportFormat, out: Path) -> list[Path]:
    """Write the export into ``out`` (created) and return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    with paused_gc():
        files = _render(inventory, root, fmt)
    written = []
    for name, text in files.items():
        written.append(write_atomic(out / name, text, root=out))
    return written


def _render(inventory: Inventory, root: Path, fmt: ExportFormat) -> dict[str, str]:
    files: dict[str, str] = {}
    if fmt == "ansible":
        files["hosts.yml"] = _yaml(mark_unsafe(static_inventory(build_view(inventory, root))))
    elif fmt == "nornir":
        for name, part in simple_inventory(inventory, root).items():
            files[f"{name}.yaml"] = _yaml(part)
    elif fmt == "pyinfra":
        files["inventory.py"] = pyinfra_module(inventory, root)
    else:
        files["estate.json"] = json.dumps(model_json(inventory), ensure_ascii=False, indent=1)
    return files
