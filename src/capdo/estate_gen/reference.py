"""The Markdown references, generated from the models (never written by hand).

``estate-reference.md``: every estate file kind, every field with its type, allowed values,
default, meaning (the field's docstring in the model) and an example from the reference
estates, then the validation rules with a valid and an invalid example each.
``estate-description.md``: the same for the description that ``capdo estate new`` reads.
Regenerate both, and the JSON Schemas, with ``capdo schema docs --out docs``.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import textwrap
import types
import typing
from collections.abc import Iterator
from enum import Enum
from functools import cache
from importlib import resources
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from capdo.estate_gen.schema import FILE_KINDS, SCHEMA_ID, schema_name, write_schemas
from capdo.inventory import COLLECTIONS, Estate

REGENERATE = "capdo schema docs --out docs"
SIMPLE = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true/false",
    IPv4Address: "IPv4 address",
    IPv4Network: "IPv4 prefix (a.b.c.d/n)",
    IPv4Interface: "IPv4 address with prefix length (a.b.c.d/n)",
}


@cache
def field_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (the string right under a field) of a class and its bases."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, BaseModel) or not issubclass(klass, BaseModel):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = " ".join(after.value.value.split())
    return docs


@cache
def extra_meanings() -> dict[str, str]:
    path = resources.files("capdo.estate_gen") / "field_meanings.yml"
    return {str(k): str(v) for k, v in yaml.safe_load(path.read_text(encoding="utf-8")).items()}


def meaning(model: type[BaseModel], name: str) -> str | None:
    """The field's docstring in the model, else its line in field_meanings.yml."""
    return field_docs(model).get(name) or extra_meanings().get(f"{model.__name__}.{name}")


def _constraints(info: FieldInfo) -> str:
    parts = []
    for meta in info.metadata:
        pattern = getattr(meta, "pattern", None)
        if pattern:
            parts.append(f"matching `{pattern}`")
        for attr, text in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{text} {value}")
        for attr, text in (("min_length", "at least"), ("max_length", "at most")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{text} {value} long")
    return ", ".join(parts)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def type_text(annotation: Any) -> tuple[str, list[str]]:
    """A reader's name for a type, and its allowed values when it is a closed set."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        base, values = type_text(args[0])
        for meta in args[1:]:
            pattern = getattr(meta, "pattern", None)
            if pattern:
                base = f"{base} matching `{pattern}`"
            max_length = getattr(meta, "max_length", None)
            if max_length:
                base = f"{base}, at most {max_length} characters"
        return base, values
    if origin is typing.Literal:
        return "one of the allowed values", [str(a) for a in args]
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        texts = [type_text(a) for a in parts]
        values = [v for _, vs in texts for v in vs]
        return " or ".join(t for t, _ in texts), values
    if origin in (tuple, list):
        if (len(args) == 2 and args[1] is Ellipsis) or origin is list:
            inner, values = type_text(args[0])
            return f"list of {inner}", values
        return "[" + ", ".join(type_text(a)[0] for a in args) + "]", []
    if origin is dict:
        key, key_values = type_text(args[0])
        value, _ = type_text(args[1])
        return f"mapping {key} → {value}", key_values
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})", []
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of the allowed values", [str(m.value) for m in annotation]
    if annotation in SIMPLE:
        return SIMPLE[annotation], []
    return getattr(annotation, "__name__", str(annotation)), []


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.default
    if value is PydanticUndefined or value is None:
        return "—"
    if isinstance(value, BaseModel):
        return "(defaults of each field)"
    if isinstance(value, tuple | list | dict) and not value:
        return "empty"
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def model_section(model: type[BaseModel], examples: dict[tuple[str, str], str]) -> list[str]:
    lines = [f"### {model.__name__}", ""]
    if model.__doc__ and model.__doc__ != BaseModel.__doc__:
        lines += [" ".join(model.__doc__.split()), ""]
    lines += [
        "| field | type | allowed values | default | meaning | example |",
        "|---|---|---|---|---|---|",
    ]
    for name, info in model.model_fields.items():
        kind, values = type_text(info.annotation)
        allowed = ", ".join(f"`{v}`" for v in values) or _constraints(info) or "—"
        example = examples.get((model.__name__, name), "—")
        lines.append(
            f"| `{name}` | {_cell(kind)} | {_cell(allowed)} | {_cell(_default(info))} "
            f"| {_cell(meaning(model, name) or '—')} | {_cell(example)} |"
        )
    return [*lines, ""]


def reachable(roots: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every model reachable from ``roots``, in first-seen order."""
    seen: list[type[BaseModel]] = []
    queue = list(roots)
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            queue.extend(m for m in _models_in(info.annotation) if m not in seen)
    return seen


def collect_examples(objects: list[BaseModel]) -> dict[tuple[str, str], str]:
    """(model, field) -> the first value found in these objects (nested models walked)."""
    found: dict[tuple[str, str], str] = {}

    def walk(obj: BaseModel) -> None:
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            key = (type(obj).__name__, name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, BaseModel):
                    walk(item)
            if key in found or value in (None, (), {}) or isinstance(value, BaseModel):
                continue
            if isinstance(value, tuple) and any(isinstance(i, BaseModel) for i in value):
                continue
            if isinstance(value, dict):
                continue
            text = ", ".join(str(i) for i in value) if isinstance(value, tuple) else str(value)
            found[key] = f"`{text[:60]}`"

    for obj in objects:
        walk(obj)
    return found


@cache
def _rule_file() -> dict[str, Any]:
    text = (resources.files("capdo.estate_gen") / "rule_examples.yml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def rule_examples() -> list[dict[str, Any]]:
    """Per rule: its id, meaning, and the objects of a valid and an invalid example."""
    return list(_rule_file()["rules"])


def file_rule_examples() -> list[dict[str, Any]]:
    """Whole-file rules: the rule, its meaning, a file and its valid / invalid text (None:
    the file is absent)."""
    return list(_rule_file()["files"])


def rule_base() -> dict[str, Any]:
    """The small valid estate the examples are added to: kind -> data (estate: a mapping)."""
    return dict(_rule_file()["base"])


def write_estate(data: dict[str, Any], root: Path) -> Path:
    """Write kind -> data as an estate directory (the base, with examples added)."""
    from capdo.estate_gen.write import dump_yaml  # noqa: PLC0415

    root.mkdir(parents=True, exist_ok=True)
    for kind, value in data.items():
        (root / f"{kind}.yml").write_text(dump_yaml(value), encoding="utf-8")
    return root


def _yaml_block(data: Any) -> list[str]:
    from capdo.estate_gen.write import dump_yaml  # noqa: PLC0415

    return ["```yaml", *dump_yaml(data).rstrip("\n").splitlines(), "```"]


def estate_reference(objects: list[BaseModel]) -> str:
    examples = collect_examples(objects)
    lines = [
        "# Estate file reference",
        "",
        f"Generated from the model (`src/capdo/inventory/model.py`) by `{REGENERATE}`; do not",
        "edit by hand. An estate directory holds `estate.yml` and, for each kind below, either",
        "`<kind>.yml` or a folder `<kind>/` of `*.yml` files, each a YAML list. JSON Schemas for",
        "editors are in [`schema/`](schema/); files written by capdo start with",
        "`# yaml-language-server: $schema=...` so that editors validate as you type. Examples",
        "come from the reference estates (`inventories/phutho`, `inventories/lab`).",
        "",
        "## File kinds",
        "",
        "| file | holds | JSON Schema |",
        "|---|---|---|",
    ]
    kinds: dict[str, type[BaseModel]] = {"estate": Estate, **COLLECTIONS}
    for kind in FILE_KINDS:
        model = kinds[kind]
        holds = "one mapping" if kind == "estate" else "a list"
        lines.append(
            f"| `{kind}.yml` | {holds} of [{model.__name__}](#{model.__name__.lower()}) "
            f"| [`{schema_name(kind)}`](schema/{schema_name(kind)}) |"
        )
    lines += ["", "## Objects", ""]
    for model in reachable(list(kinds.values())):
        lines += model_section(model, examples)
    lines += [
        "## Validation rules",
        "",
        "`capdo inventory validate` runs every rule and reports each finding with",
        "file:line:column, the rule id, a message and a hint. Each rule below has a valid and an",
        "invalid example: objects added to the small valid estate shown first (a test checks",
        "both ways).",
        "",
        "<details><summary>The base estate</summary>",
        "",
        *_yaml_block(rule_base()),
        "",
        "</details>",
        "",
    ]
    for rule in rule_examples():
        lines += [f"### `{rule['rule']}`", "", " ".join(rule["meaning"].split()), ""]
        lines += ["Valid:", "", *_yaml_block(rule["valid"]), ""]
        lines += ["Invalid:", "", *_yaml_block(rule["invalid"]), ""]
    for rule in file_rule_examples():
        lines += [f"### `{rule['rule']}`", "", " ".join(rule["meaning"].split()), ""]
        for label in ("valid", "invalid"):
            text = rule[label]
            lines += [f"{label.capitalize()}: `{rule['file']}`", ""]
            if text is None:
                lines += ["(the file is absent)", ""]
            else:
                lines += ["```yaml", *text.rstrip("\n").splitlines(), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def description_reference() -> str:
    from capdo.estate_gen.description import Description  # noqa: PLC0415

    lines = [
        "# Province description reference (`capdo estate new`)",
        "",
        f"Generated from `src/capdo/estate_gen/description.py` by `{REGENERATE}`; do not edit",
        "by hand. `capdo estate new DESCRIPTION --out DIR` expands a description into a complete",
        "estate. Examples: `inventories/phutho.description.yml` (the reference province) and",
        "`inventories/examples/*.description.yml` (two-tier with two data centres and Huawei only,",
        "three-tier with districts, a small single-data-centre province).",
        "",
        "Address plan: the province's /16 blocks follow `address_plan.start` in this order: one",
        "per data centre, departments, districts, communes (256 sites per block), WAN /30 links.",
        "Every department, district and commune site gets a /24 with five zones (management",
        "/28, perimeter /28, video-conference /27, wireless /26, users /25), a WAN router (.2)",
        "and an access switch (.3); each data centre gets its zones, VLANs and devices.",
        "",
    ]
    for model in reachable([Description]):
        lines += model_section(model, {})
    return "\n".join(lines).rstrip("\n") + "\n"


def reference_objects(repo: Path) -> list[BaseModel]:
    from capdo.inventory import load_estate  # noqa: PLC0415

    objects: list[BaseModel] = []
    for name in ("phutho", "lab"):
        result = load_estate(repo / "inventories" / name)
        inv = result.inventory
        if inv is None:
            continue
        objects.append(inv.estate)
        for kind in COLLECTIONS:
            objects.extend(getattr(inv, kind))
    return objects


def docs_texts(repo: Path) -> dict[str, str]:
    """Relative path -> text of every generated document."""
    return {
        "estate-reference.md": estate_reference(reference_objects(repo)),
        "estate-description.md": description_reference(),
    }


DESCRIPTION_SCHEMA = "description.schema.json"


def description_schema() -> str:
    from capdo.estate_gen.description import Description  # noqa: PLC0415

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.format(kind="description"),
        "title": "capdo province description",
        **Description.model_json_schema(),
    }
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_docs(repo: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = write_schemas(out / "schema")
    path = out / "schema" / DESCRIPTION_SCHEMA
    path.write_text(description_schema(), encoding="utf-8")
    written.append(path)
    for name, text in docs_texts(repo).items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
