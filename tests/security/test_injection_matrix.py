"""The injection matrix: hostile strings × every string field of the model × every output.

Each hostile string is written into one field of a copy of the lab estate (the field list is
read from the pydantic models, so a new field joins the matrix by itself). Each cell must end in
one of two ways:

- rejected by validation, with a finding in the edited file at the line of the value; or
- accepted, and then inert in every output: the rendered configurations of both device
  platforms keep their lines, both endpoint vendors' provisioning files keep their keys and
  their XML, the nornir export stays plain YAML, the DOT graph keeps its nodes and edges, and
  the static Ansible export, read by a real ``ansible-playbook`` on localhost, prints the
  values as written without running anything (the accepted cells of one hostile string share
  one estate; all of them go through one playbook run).

Renders run in-process; the whole matrix stays well under a minute.
"""

from __future__ import annotations

import copy
import html.parser
import re
import shutil
import subprocess
import types
import typing
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import click.testing
import pytest
import typer
import yaml
from defusedxml import ElementTree
from pydantic import BaseModel

from capdo.cli import app
from capdo.endpoints.intended import Planner
from capdo.endpoints.render import render_plan
from capdo.exports.baseline import catalogue_dir_for
from capdo.exports.write import export
from capdo.inventory.findings import Finding
from capdo.inventory.model import Estate, Inventory
from capdo.inventory.validate import load_estate
from capdo.network.estate import load_network_estate
from capdo.network.model import NetworkContext
from capdo.network.render import Renderer
from tests.conftest import LAB_ESTATE
from tests.reports.conftest import lab_records, write_records
from tests.security.ansible_play import run_debug_play
from tests.security.test_render_walls import _dot_tokens

MARKER = "MARKER_PATH"
"""Replaced by a file path per run: a command that ran would create it."""

HOSTILE: dict[str, str] = {
    "jinja-expression": "{{ lookup('pipe', 'touch MARKER_PATH') }}",
    "jinja-statement": "{% for x in range(3) %}{{ lookup('pipe', 'touch MARKER_PATH') }}"
    "{% endfor %}",
    "newline-config": "x\nusername evil privilege 15 secret 0 pwned",
    "newline-key": "x\nstatic.security.user_password = admin:admin",
    "carriage-return": "x\rsnmp-server community pwned RW",
    "xml-comment-end": "x --> <evil/> <!--",
    "xml-close": 'x"/></reg><sec srtp.enable="0"/><reg a="',
    "html-script": "<script>alert(1)</script>",
    "quotes": "x\"' y",
    "shell-substitution": "$(touch MARKER_PATH)",
    "backticks": "`touch MARKER_PATH`",
    "semicolon": "x; touch MARKER_PATH",
    "right-to-left": "abc\u202etxt.exe",
    "zero-width": "ad\u200bmin",
    "very-long": "A" * 5000,
}

# where each kind of object is edited: the lab estate's objects whose fields reach the outputs
# (both device platforms, both endpoint vendors, a site with targets)
INDEXES: dict[str, tuple[int, ...]] = {
    "sites": (1,),
    "zones": (0,),
    "systems": (0,),
    "servers": (0,),
    "devices": (0, 1),
    "links": (0,),
    "lan": (0,),
    "endpoints": (0, 1),
    "firewall_policies": (0,),
}
COLLECTION_MODELS: dict[str, type[BaseModel]] = {
    name: get_args(info.annotation)[0]
    for name, info in Inventory.model_fields.items()
    if name != "estate"
}


def _strip_optional(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _is_str(annotation: Any) -> bool:
    if get_origin(annotation) is typing.Annotated:
        return _is_str(get_args(annotation)[0])
    return annotation is str


FieldPath = tuple[str, ...]


def _string_fields(
    model: type[BaseModel], prefix: FieldPath = ()
) -> Iterator[tuple[FieldPath, str]]:
    """(path, shape) of every free string of ``model``: shape 'one' or 'list'; '<key>' in a
    path stands for a mapping key. Literal fields (a closed list of words) are left out."""
    for name, info in model.model_fields.items():
        annotation = _strip_optional(info.annotation)
        origin = get_origin(annotation)
        path = (*prefix, name)
        if _is_str(annotation):
            yield path, "one"
        elif origin is tuple and _is_str(get_args(annotation)[0]):
            yield path, "list"
        elif origin is dict:
            key, value = get_args(annotation)
            if _is_str(key):
                yield (*path, "<key>"), "key"
            if isinstance(value, type) and issubclass(value, BaseModel):
                yield from _string_fields(value, (*path, "<first>"))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _string_fields(annotation, path)
        elif origin is tuple and isinstance(get_args(annotation)[0], type):
            inner = get_args(annotation)[0]
            if issubclass(inner, BaseModel):
                yield from _string_fields(inner, (*path, "0"))
        elif origin is Literal:
            continue


@dataclass(frozen=True)
class FieldCase:
    kind: str  # "estate" or a collection
    path: FieldPath
    shape: str

    @property
    def id(self) -> str:
        return f"{self.kind}.{'.'.join(self.path)}"


FIELDS: list[FieldCase] = [
    FieldCase("estate", path, shape) for path, shape in _string_fields(Estate)
] + [
    FieldCase(kind, path, shape)
    for kind, model in COLLECTION_MODELS.items()
    for path, shape in _string_fields(model)
]


def _set(data: Any, path: FieldPath, value: Any, shape: str) -> Any:
    """``data`` with ``value`` at ``path`` (missing mappings created)."""
    head, rest = path[0], path[1:]
    if isinstance(data, list):
        data[int(head)] = _set(data[int(head)], rest, value, shape) if rest else value
        return data
    data = dict(data or {})
    if head == "<key>":  # rename the first key of a mapping
        first = next(iter(data))
        return {value: data[first], **{k: v for k, v in data.items() if k != first}}
    if head == "<first>":
        first = next(iter(data))
        data[first] = _set(data[first], rest, value, shape)
        return data
    if rest and rest[0] in {"file", "env", "vault"} and head in SECRET_FIELDS:
        data[head] = {rest[0]: value}  # a secret reference names exactly one source
        return data
    if not rest:
        data[head] = [value] if shape == "list" else value
        if head == "en" and "vi" not in data:
            data["vi"] = "x"  # an optional text that was absent: Vietnamese is required
        return data
    if head == "vlans" or (head in data and isinstance(data[head], list)):
        data[head] = _set(list(data[head]), rest, value, shape)
        return data
    if head not in data and rest[0].isdigit():  # an absent list (no published service)
        data[head] = _set([{}], rest, value, shape)
        return data
    data[head] = _set(data.get(head), rest, value, shape)
    return data


SECRET_FIELDS = frozenset({"password", "private_key", "enable_secret"})
LOCALIZED_LEAVES = frozenset({"vi", "en"})


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_PARSED: dict[str, Any] = {}


def _lab_data(kind: str) -> Any:
    """A fresh copy of one lab estate file's data (parsed once)."""
    if kind not in _PARSED:
        _PARSED[kind] = yaml.load(_original(kind), Loader=_LOADER)
    return copy.deepcopy(_PARSED[kind])


def _edit(root: Path, case: FieldCase, value: str) -> Path:
    """Write ``value`` into the case's field in the estate copy at ``root`` (the other files
    untouched); returns the file."""
    file = root / f"{case.kind}.yml"
    data = (
        _lab_data(case.kind)
        if file.read_text(encoding="utf-8") == _original(case.kind)
        else (yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER))
    )
    path = case.path
    if case.kind == "links" and path[0] in {"a", "z"} and path[1] == "external":
        # a provider's end names an external instead of a device
        for index in INDEXES["links"]:
            end = dict(data[index][path[0]])
            end.pop("device", None)
            end.pop("interface", None)
            end["external"] = value
            data[index][path[0]] = end
    elif case.kind == "estate":
        data = _set(data, path, value, case.shape)
    else:
        for index in INDEXES[case.kind]:
            data[index] = _set(data[index], path, value, case.shape)
    text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1 << 20)
    file.write_text(text, encoding="utf-8")
    return file


_ORIGINALS: dict[str, str] = {}


def _original(kind: str) -> str:
    """A lab estate file's text; estate.yml without the lab's connection overlay."""
    if kind not in _ORIGINALS:
        text = (LAB_ESTATE / f"{kind}.yml").read_text(encoding="utf-8")
        overlay = "connection_overlay: ../../.cache/lab/connections.yml\n"
        _ORIGINALS[kind] = text.replace(overlay, "")
    return _ORIGINALS[kind]


def _value_lines(file: Path, text: str) -> set[int]:
    """Lines (1-based) where a scalar equal to ``text`` starts, and the lines of its key."""
    lines: set[int] = set()

    def walk(node: yaml.Node, key_line: int | None) -> None:
        if isinstance(node, yaml.ScalarNode):
            if node.value == text:
                lines.add(node.start_mark.line + 1)
                if key_line is not None:
                    lines.add(key_line)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, key_line)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(key, None)
                walk(value, key.start_mark.line + 1)

    walk(yaml.compose(file.read_text(encoding="utf-8"), Loader=_LOADER), None)
    return lines


# --- outputs ---------------------------------------------------------------------------


@dataclass
class Outputs:
    configs: dict[str, str]
    endpoint_files: dict[str, str]
    nornir: dict[str, Any]
    dot: str


_RENDERER: list[Renderer] = []
_COMMAND: list[Any] = []


def _outputs(root: Path, inventory: Inventory) -> Outputs:
    if not _RENDERER:  # templates compiled once; the CLI built once
        _RENDERER.append(Renderer(load_network_estate(LAB_ESTATE).templates_dir))
        _COMMAND.append(typer.main.get_command(app))
    catalogue_dir = catalogue_dir_for(root)
    assert catalogue_dir is not None
    context = NetworkContext(inventory, catalogue_dir)
    configs = _RENDERER[0].render_many(context, list(inventory.devices))
    planner = Planner(inventory, root)
    files: dict[str, str] = {}
    for plan in planner.plans():
        rendered = render_plan(plan, "Throwaway-Pass-1")
        assert rendered is not None
        files.update({f.relpath: f.text for f in rendered.files})
    nornir_dir = root.parent / f"{root.name}-nornir"
    nornir = {
        p.name: yaml.load(p.read_text(encoding="utf-8"), Loader=_LOADER)
        for p in export(inventory, root, "nornir", nornir_dir)
    }
    graph = click.testing.CliRunner().invoke(
        _COMMAND[0], ["inventory", "graph", "-i", str(root), "--format", "dot"]
    )
    assert graph.exit_code == 0, graph.output
    return Outputs(configs.configs, files, nornir, graph.stdout)


def _dot_shape(text: str) -> tuple[int, int, int]:
    tokens = _dot_tokens(text)
    return (
        sum(1 for t in tokens if t.startswith("Q:")),
        tokens.count("--"),
        tokens.count(";"),
    )


def _inert(base: Outputs, got: Outputs) -> list[str]:
    """What differs in structure between the clean lab estate's outputs and a cell's."""
    problems = []
    if set(got.configs) != set(base.configs):
        problems.append("device set changed")
    for name, text in got.configs.items():
        if len(text.splitlines()) != len(base.configs[name].splitlines()):
            problems.append(f"{name}: line count changed")
    if set(got.endpoint_files) != set(base.endpoint_files):
        problems.append("provisioning file names changed")
    for relpath, text in got.endpoint_files.items():
        clean = base.endpoint_files.get(relpath, "")
        if text.count("\n") != clean.count("\n") or text.count("-->") != clean.count("-->"):
            problems.append(f"{relpath}: lines or comments changed")
        if relpath.startswith("yealink/"):
            keys = [line.split(" = ", 1)[0] for line in text.splitlines()[2:]]
            if keys != [line.split(" = ", 1)[0] for line in clean.splitlines()[2:]]:
                problems.append(f"{relpath}: keys changed")
        elif relpath.endswith("-capdo.cfg"):
            root = ElementTree.fromstring(text.encode("utf-8"))
            clean_root = ElementTree.fromstring(clean.encode("utf-8"))
            shape = [(e.tag, sorted(e.attrib)) for e in root.iter()]
            if shape != [(e.tag, sorted(e.attrib)) for e in clean_root.iter()]:
                problems.append(f"{relpath}: XML elements or attributes changed")
    if set(got.nornir["hosts.yaml"]) != set(base.nornir["hosts.yaml"]):
        problems.append("nornir hosts changed")
    if _dot_shape(got.dot) != _dot_shape(base.dot):
        problems.append("DOT graph shape changed")
    return problems


# --- the matrix ------------------------------------------------------------------------


@dataclass
class Cell:
    case: FieldCase
    hostile: str
    outcome: str = ""  # "rejected" or "accepted"
    problems: list[str] = field(default_factory=list)


@dataclass
class Matrix:
    cells: list[Cell]
    marker: Path
    accepted_estates: dict[str, Path]
    """Per hostile string: an estate holding it in every field that accepted it."""


def _copy(target: Path) -> Path:
    shutil.copytree(LAB_ESTATE, target, ignore=shutil.ignore_patterns(".lab"))
    (target / "estate.yml").write_text(_original("estate"), encoding="utf-8")
    return target


def _located(findings: list[Finding], file: Path, lines: set[int]) -> bool:
    return any(
        f.severity == "error" and f.origin.file == file and f.line in lines for f in findings
    )


def _run_cell(cell: Cell, root: Path, value: str, base: Outputs) -> None:
    file = _edit(root, cell.case, value)
    try:
        result = load_estate(root)
        if not result.ok:
            cell.outcome = "rejected"
            lines = _value_lines(file, value.strip()) or _value_lines(file, value)
            if not _located(result.findings, file, lines):
                cell.problems.append(
                    "rejected without the value's location: "
                    + "; ".join(
                        f"{f.location()} {f.rule} {f.message('en')}" for f in result.findings
                    )
                )
            return
        cell.outcome = "accepted"
        assert result.inventory is not None
        cell.problems.extend(_inert(base, _outputs(root, result.inventory)))
    finally:
        file.write_text(_original(cell.case.kind), encoding="utf-8")


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    work = tmp_path_factory.mktemp("matrix")
    marker = work / "executed"
    clean = _copy(work / "clean")
    clean_result = load_estate(clean)
    assert clean_result.ok
    assert clean_result.inventory is not None
    base = _outputs(clean, clean_result.inventory)
    cells: list[Cell] = []
    accepted: dict[str, list[Cell]] = {}
    scratch = _copy(work / "cell")  # one estate copy: each cell edits one file, then restores it
    for case in FIELDS:
        for name, template in HOSTILE.items():
            value = template.replace(MARKER, str(marker))
            cell = Cell(case, name)
            _run_cell(cell, scratch, value, base)
            cells.append(cell)
            if cell.outcome == "accepted":
                accepted.setdefault(name, []).append(cell)
    estates: dict[str, Path] = {}
    for name, group in accepted.items():  # one estate per string with all its accepted cells
        root = _copy(work / f"all-{name}")
        value = HOSTILE[name].replace(MARKER, str(marker))
        for cell in group:
            if cell.case.path[-1] == "<key>":
                continue  # a renamed key changes references: kept to its own cell
            _edit(root, cell.case, value)
        result = load_estate(root)
        assert result.ok, [f.message("en") for f in result.findings]
        estates[name] = root
    return Matrix(cells, marker, estates)


def test_every_string_field_is_in_the_matrix() -> None:
    ids = {case.id for case in FIELDS}
    for expected in (
        "links.a.interface",
        "links.circuit_id",
        "links.provider",
        "estate.defaults.ntp_servers",
        "estate.defaults.timezone",
        "endpoints.model",
        "endpoints.sip_uri",
        "estate.credentials.<first>.username",
        "sites.name.vi",
    ):
        assert expected in ids, sorted(ids)
    assert len(FIELDS) > 40


@pytest.mark.parametrize("case", FIELDS, ids=[c.id for c in FIELDS])
def test_cells_are_rejected_with_location_or_inert(matrix: Matrix, case: FieldCase) -> None:
    cells = [c for c in matrix.cells if c.case == case]
    assert len(cells) == len(HOSTILE)
    bad = {c.hostile: c.problems for c in cells if c.problems}
    assert not bad, bad
    assert not matrix.marker.exists()


# strings whose control, line-break or invisible characters must never pass validation
ALWAYS_REJECTED = (
    "newline-config",
    "newline-key",
    "carriage-return",
    "right-to-left",
    "zero-width",
)


@pytest.mark.parametrize("hostile", ALWAYS_REJECTED)
def test_line_breaks_and_invisible_characters_are_rejected_everywhere(
    matrix: Matrix, hostile: str
) -> None:
    accepted = [c.case.id for c in matrix.cells if c.hostile == hostile and c.outcome != "rejected"]
    assert accepted == []


def test_config_bound_fields_refuse_every_hostile_string(matrix: Matrix) -> None:
    config_bound = {
        "links.a.interface",
        "links.z.interface",
        "links.circuit_id",
        "links.provider",
        "links.a.external",
        "estate.defaults.ntp_servers",
        "estate.defaults.timezone",
        "estate.defaults.python_interpreter",
        "endpoints.model",
        "endpoints.firmware",
        "endpoints.sip_uri",
        "devices.model",
        "estate.credentials.<first>.username",
    }
    accepted = [
        (c.case.id, c.hostile)
        for c in matrix.cells
        if c.case.id in config_bound and c.outcome != "rejected"
    ]
    assert accepted == []


_HOST_KEY = re.compile(r"^(\s+)(lab-[a-z0-9-]+):(\s|$)", re.MULTILINE)

PRINTED = (
    "hostvars[inventory_hostname] | dict2items | selectattr('key', 'match', "
    "'^(capdo_|ansible_(host|user|port|python_interpreter|network_os))') | items2dict"
)


class _ExportLoader(yaml.SafeLoader):
    """Reads the static export as plain data (``!unsafe`` strings as plain strings)."""


_ExportLoader.add_constructor(
    "!unsafe",
    lambda loader, node: (
        loader.construct_scalar(node)
        if isinstance(node, yaml.ScalarNode)
        else loader.construct_sequence(node, deep=True)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node, deep=True)
    ),
)


def _hostvars(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(group: dict[str, Any]) -> None:
        for host, values in (group.get("hosts") or {}).items():
            if values:
                found[host] = values
        for kid in (group.get("children") or {}).values():
            walk(kid or {})

    for group in data.values():
        walk(group)
    return found


def test_static_ansible_export_of_accepted_cells_is_inert(matrix: Matrix, tmp_path: Path) -> None:
    """Every accepted hostile string, in every field that took it, through one real
    ``ansible-playbook`` run on localhost: printed as written, nothing executed."""
    inventories = []
    expected: dict[str, dict[str, Any]] = {}
    names = sorted(matrix.accepted_estates) or ["none"]
    for number, name in enumerate(names):
        root = matrix.accepted_estates.get(name) or _copy(tmp_path / "clean")
        result = load_estate(root)
        assert result.inventory is not None
        (hosts,) = export(result.inventory, root, "ansible", tmp_path / f"export-{number}")
        # host names made unique per estate, so that one run reads all the exports
        text = _HOST_KEY.sub(rf"\1\2--{number}:\3", hosts.read_text(encoding="utf-8"))
        hosts.write_text(text, encoding="utf-8")
        inventories.append(hosts)
        data = yaml.load(text, Loader=_ExportLoader)
        all_vars = data["all"].get("vars") or {}
        for host, values in _hostvars(data).items():
            expected[host] = {**all_vars, **values}
    printed = run_debug_play(inventories[0], tmp_path, [PRINTED], extra_inventories=inventories[1:])
    assert not matrix.marker.exists(), "a hostile string ran on the controller"
    assert set(printed) == set(expected)
    for host, (values,) in printed.items():
        for key, value in values.items():
            if key in expected[host]:
                assert value == expected[host][key], (host, key)


class _Markup(html.parser.HTMLParser):
    """The elements, and the text, of an HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


REPORTED = ("html-script", "xml-close", "jinja-expression", "quotes")
"""The hostile strings whose cells reach the reports (names and decisions of systems, sites)."""


@pytest.mark.parametrize("name", REPORTED)
def test_html_and_xlsx_reports_of_accepted_cells_are_inert(
    matrix: Matrix, tmp_path: Path, name: str
) -> None:
    """The estate holding every accepted cell of one hostile string, reported in HTML and
    XLSX: the string is text in the page (no element of it), and plain text in the workbook
    (no formula)."""
    root = matrix.accepted_estates[name]
    value = HOSTILE[name].replace(MARKER, str(matrix.marker))
    records = write_records(tmp_path / "r.jsonl", lab_records(root, "matrix"))
    args = ["report", "-i", str(root), "-r", str(records), "--out", str(tmp_path / "out")]
    args += ["--store", str(tmp_path / "h.sqlite"), "-f", "html,xlsx", "--lang", "en"]
    done = click.testing.CliRunner().invoke(typer.main.get_command(app), args)
    assert done.exit_code in (0, 1), done.output
    page = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    clean = _Markup()
    clean.feed(page)
    assert "evil" not in clean.tags
    assert clean.tags.count("script") == page.count("<script")  # only the report's own
    assert any(value in chunk for chunk in clean.text), "the value is shown as text"
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.xlsx"))) as book:
        for part in book.namelist():
            if part.endswith(".xml"):
                xml = book.read(part)
                ElementTree.fromstring(xml)  # well-formed
                assert b"<f>" not in xml, part  # no formula cell
                assert b"<f " not in xml, part
    assert not matrix.marker.exists()


@pytest.mark.parametrize("name", REPORTED)
def test_pdf_and_docx_documents_of_accepted_cells_are_inert(
    matrix: Matrix, tmp_path: Path, name: str
) -> None:
    """The same estates as a PDF report, the annual report and each system's dossier (DOCX):
    the string is text in the PDF (WeasyPrint rendered no element of it) and a text run in the
    documents (their XML stays well-formed; no field or hyperlink comes from it)."""
    root = matrix.accepted_estates[name]
    value = HOSTILE[name].replace(MARKER, str(matrix.marker))
    records = write_records(tmp_path / "r.jsonl", lab_records(root, "matrix"))
    cli = typer.main.get_command(app)
    common = ["-i", str(root), "-r", str(records), "--out", str(tmp_path / "out"), "--lang", "en"]
    done = click.testing.CliRunner().invoke(
        cli, ["report", *common, "--store", str(tmp_path / "h.sqlite"), "-f", "pdf"]
    )
    assert done.exit_code in (0, 1), done.output
    pdf = next((tmp_path / "out").glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert value.split()[0] in text, "the value is printed as text"
    done = click.testing.CliRunner().invoke(cli, ["report", "annual", *common])
    assert done.exit_code == 0, done.output
    systems = {s.id for s in load_estate(root).inventory.systems}  # type: ignore[union-attr]
    for system in sorted(systems):
        done = click.testing.CliRunner().invoke(cli, ["report", "dossier", "-s", system, *common])
        assert done.exit_code == 0, done.output
    documents = sorted((tmp_path / "out").glob("*.docx"))
    assert len(documents) == len(systems) + 1
    shown = False
    for document in documents:
        with zipfile.ZipFile(document) as book:
            for part in book.namelist():
                if part.endswith(".xml"):
                    xml = book.read(part)
                    tree = ElementTree.fromstring(xml)  # well-formed
                    for injected in (b"<evil", b"<sec ", b"fldSimple", b"instrText"):
                        assert injected not in xml, (part, injected)
                    joined = "".join(tree.itertext())
                    shown = shown or value in joined
    assert shown, "the value is written as text in a document"
    assert not matrix.marker.exists()
