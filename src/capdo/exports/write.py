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
from capdo.inventory.index import EstateIndex
from capdo.inventory.model import Inventory
from capdo.safeio.write import write_atomic

ExportFormat = Literal["ansible", "nornir", "pyinfra", "json"]


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present


class _Dumper(_BaseDumper):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:  # plain YAML: no &id001 anchors
        return True


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
        files["hosts.yml"] = _yaml(static_inventory(build_view(inventory, root)))
    elif fmt == "nornir":
        for name, part in simple_inventory(inventory, root).items():
            files[f"{name}.yaml"] = _yaml(part)
    elif fmt == "pyinfra":
        files["inventory.py"] = pyinfra_module(inventory, root)
    else:
        files["estate.json"] = json.dumps(model_json(inventory), ensure_ascii=False, indent=1)
    return files
