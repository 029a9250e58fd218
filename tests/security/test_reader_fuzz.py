"""Hypothesis fuzzing of every reader: only the reader's own located errors come out (never a
traceback), each example finishes within the deadline, and memory stays bounded.

The byte-level pre-check that lets clean files skip the exact event pass is also checked
against that pass: whenever it calls a document plainly safe, the exact pass agrees.
"""

from __future__ import annotations

import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.registers import load_evidence, load_policy, load_waivers
from capdo.compliance.results import iter_results_jsonl
from capdo.compliance.yaml_source import DataFileError
from capdo.endpoints.policy import load_firmware_policy
from capdo.errors import CapdoError
from capdo.exports.connections import read_overlay
from capdo.inventory.model import SecretRef
from capdo.network.audit import read_backup_dir
from capdo.safeio import ReadError, ReadProblem, current_limits, read_jsonl, read_yaml
from capdo.safeio.yamlread import _BaseLoader, _plainly_safe
from capdo.secrets import SecretError, resolve

FUZZ = settings(
    max_examples=150,
    deadline=2000,  # milliseconds per example: an alias bomb or a hang fails it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PEAK_BYTES = 64 << 20

# YAML-looking text: indicators, anchors, aliases, tags, brackets, quotes, keys, bad bytes.
TOKENS = [
    b"- ",
    b"a: ",
    b"b:",
    b"\n",
    b"  ",
    b"    ",
    b"[",
    b"]",
    b"{",
    b"}",
    b", ",
    b"&x ",
    b"*x",
    b"!!python/object:os.system ",
    b"!t ",
    b"<<: ",
    b"? ",
    b'"q"',
    b"'s'",
    b"|\n",
    b"1",
    b"2024-13-45",
    b"9" * 50,
    b"\xff",
    b"\xef\xbb\xbf",
    b"#c",
    b"---\n",
    b"%TAG ! x\n",
]
yaml_bytes = st.lists(st.sampled_from(TOKENS), max_size=80).map(b"".join) | st.binary(max_size=400)


@contextmanager
def bounded_memory() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
        assert peak < PEAK_BYTES, f"peak {peak} bytes"
    finally:
        tracemalloc.stop()


def raised(call: Callable[[], object], *kinds: type[Exception]) -> Exception | None:
    """The expected exception ``call`` raised, or None; any other exception fails the test."""
    try:
        call()
    except kinds as error:
        return error
    return None


def _in_file(content: bytes, name: str, action: Callable[[Path], object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        with bounded_memory():
            action(root)


@FUZZ
@given(content=yaml_bytes)
def test_read_yaml_raises_only_read_errors(content: bytes) -> None:
    def action(root: Path) -> None:
        error = raised(lambda: read_yaml(root / "f.yml", root=root), ReadError)
        if isinstance(error, ReadError):
            assert error.problem.message("vi")
            assert error.problem.hint("en")

    _in_file(content, "f.yml", action)


@FUZZ
@given(
    content=yaml_bytes,
    register=st.sampled_from(["waivers", "evidence", "policy", "catalogue"]),
)
def test_registers_and_catalogue_raise_only_data_file_errors(content: bytes, register: str) -> None:
    loader: Callable[[Path, Path], object] = {
        "waivers": load_waivers,
        "evidence": load_evidence,
        "policy": load_policy,
        "catalogue": lambda path, _root: load_catalogue(path),
    }[register]

    def action(root: Path) -> None:
        error = raised(lambda: loader(root / "r.yml", root), DataFileError)
        if isinstance(error, DataFileError):
            assert all(p.render("vi") for p in error.problems)

    _in_file(content, "r.yml", action)


@FUZZ
@given(content=yaml_bytes)
def test_firmware_policy_and_overlay_raise_only_their_errors(content: bytes) -> None:
    def action(root: Path) -> None:
        policy_error = raised(lambda: load_firmware_policy(root), CapdoError)
        if isinstance(policy_error, CapdoError):
            assert policy_error.params["path"]
        overlay = root / "policy" / "endpoint-firmware.yml"
        read_error = raised(lambda: read_overlay(overlay), ReadError)
        if isinstance(read_error, ReadError):
            assert read_error.problem.render("en")

    _in_file(content, "policy/endpoint-firmware.yml", action)


json_bytes = st.lists(
    st.sampled_from(
        [
            b"{",
            b"}",
            b'"a"',
            b":",
            b",",
            b"1",
            b"[",
            b"]",
            b"\n",
            b"NaN",
            b"\xe9",
            b'"status"',
            b'"fail"',
            b"null",
            b" ",
        ]
    ),
    max_size=120,
).map(b"".join) | st.binary(max_size=400)


@FUZZ
@given(content=json_bytes)
def test_jsonl_readers_yield_records_or_located_problems(content: bytes) -> None:
    def action(root: Path) -> None:
        for item in read_jsonl(root / "r.jsonl"):
            if isinstance(item, ReadProblem):
                assert item.line is not None
                assert item.render("vi")
        for record in iter_results_jsonl(root / "r.jsonl"):
            assert record is not None

    _in_file(content, "r.jsonl", action)


@FUZZ
@given(content=st.binary(max_size=300))
def test_secret_files_and_backups_raise_only_their_errors(content: bytes) -> None:
    def action(root: Path) -> None:
        values: list[str] = []
        ref = SecretRef(file=str(root / "secret"))
        error = raised(lambda: values.append(resolve(ref, environ={})), SecretError)
        if isinstance(error, SecretError):
            assert error.key.startswith("secrets.error.")
        else:
            assert values[0]
            assert values[0] == values[0].strip()
        read_backup_dir(root, [])

    _in_file(content, "secret", action)
    _in_file(content, "r1.cfg", lambda root: read_backup_dir(root, []))


def _exact_verdict(data: bytes) -> str:
    """What the exact event pass says about ``data``: alias, tag, deep, or ok."""
    depth = 0
    limit = current_limits().max_depth
    try:
        for event in yaml.parse(data, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                return "alias"
            if isinstance(event, yaml.NodeEvent) and getattr(event, "tag", None) is not None:
                return "tag"
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    return "deep"
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return "syntax"
    return "ok"


nested = st.recursive(
    st.integers(0, 9) | st.text("ab:-[]{}&*! ", max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text("abc", min_size=1, max_size=3), children, max_size=3)
    ),
    max_leaves=200,
)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=nested,
    depth=st.integers(0, 130),
    flow=st.booleans(),
    indent=st.integers(2, 8),
    compact=st.booleans(),
)
def test_byte_precheck_never_calls_a_hostile_document_safe(
    data: object, depth: int, flow: bool, indent: int, compact: bool
) -> None:
    for _ in range(depth):
        data = [data] if compact else {"k": data}
    text = yaml.safe_dump(data, default_flow_style=flow, indent=indent, width=10_000)
    raw = text.encode()
    if _plainly_safe(raw, current_limits()):
        assert _exact_verdict(raw) in {"ok", "syntax"}


@FUZZ
@given(content=yaml_bytes)
def test_byte_precheck_agrees_with_the_exact_pass_on_token_soup(content: bytes) -> None:
    if _plainly_safe(content, current_limits()):
        assert _exact_verdict(content) in {"ok", "syntax"}


def test_byte_precheck_sees_other_line_breaks_and_a_bom() -> None:
    """Indentation after a lone CR or a NEL, and a tag right after the BOM, are not missed."""
    limits = current_limits()
    for brk in (b"\r", b"\xc2\x85", b"\xe2\x80\xa8"):
        deep = b"".join(b" " * (2 * i) + b"k:" + brk for i in range(120)) + b" " * 240 + b"v"
        assert not _plainly_safe(deep, limits)
    assert not _plainly_safe(b"\xef\xbb\xbf!!binary aGVsbG8=\n", limits)
    crlf = b"a: 1\r\nb:\r\n  - 2\r\n"
    assert _plainly_safe(crlf, limits)
