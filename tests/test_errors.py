"""One error type: a message key of the catalogues and its parameters (``capdo.errors``).

The keyed constructor lives once, in :class:`CapdoError`; subclasses exist only where callers
catch one kind apart (secrets, scans, the lab, and the kinds whose own callers print located
problems, ready lines or a usage line). Commands print the message in the user's language and
exit 2, never a traceback.
"""

from __future__ import annotations

import ast
import builtins
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from capdo.errors import CapdoError
from capdo.i18n import catalogue
from capdo.scap import ScapError
from capdo.secrets import SecretError
from capdo_lab import LabError
from tests.conftest import LAB_ESTATE, REPO

SRC = REPO / "src"
# Callers catch these apart from the other errors (see each class's docstring), and why.
SUBCLASSES = {
    "SecretError": "one device or endpoint without its credential; the run goes on",
    "ScapError": "one target's scan error becomes its record; a timeout is retried",
    "LabError": "a lab fixture fails with it",
    # ``handled_apart``: generic ``except CapdoError`` handlers re-raise these to their own
    "ReadError": "the safe reader's located problem, printed in both languages by the cli",
    "DataFileError": "its ``problems`` become located findings of the loaders and commands",
    "AssessmentError": "its ``problems`` are printed located by the report commands",
    "ReportInputError": "its ``lines`` are printed as they are by the report commands",
    "DescriptionFileError": "its ``lines`` are printed under a heading by 'estate generate'",
    "ConfigReadError": "its ``line`` and ``reason`` locate a device config the reader rejects",
    "CatalogueNotFoundError": "the commands name the missing catalogue directory",
    "TemplatesNotFoundError": "the report commands name the missing template directory",
    "StoreError": "the report store (or a run asked for) is missing: the report command says so",
    "PdfError": "WeasyPrint failed: the report command says so and the other formats stay",
    "GuidanceError": "the guidance file is unreadable: the report command names it",
    "UsageError": "a usage line (no inventory): printed as it is, exit 2",
}
APART = set(SUBCLASSES) - {"SecretError", "ScapError", "LabError"}


def test_message_in_both_languages_from_the_catalogue() -> None:
    error = CapdoError("sheets.error.no-input", path="/srv/kho")
    assert error.key == "sheets.error.no-input"
    assert error.params == {"path": "/srv/kho"}
    assert error.message("vi") == "Không tìm thấy /srv/kho"
    assert error.message("en") == "Not found: /srv/kho"
    assert str(error) == "Not found: /srv/kho"
    assert "sheets.error.no-input" in catalogue()


def test_a_parameter_named_key_is_allowed_and_str_never_raises() -> None:
    error = CapdoError("checks.error.bad-level", key="value")
    assert error.params == {"key": "value"}
    assert str(error).startswith("checks.error.bad-level")  # {level} is missing: the key shows


@pytest.mark.parametrize("cls", [CapdoError, SecretError, ScapError, LabError])
def test_the_error_survives_pickling_with_its_parameters(cls: type[CapdoError]) -> None:
    error = cls("sheets.error.no-input", path="x.xlsx")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert (again.key, again.params) == ("sheets.error.no-input", {"path": "x.xlsx"})


def test_the_subclasses_are_capdo_errors() -> None:
    for cls in (SecretError, ScapError, LabError):
        assert issubclass(cls, CapdoError)
        assert "__init__" not in vars(cls), cls  # no copy of the keyed constructor


def _keyed_classes(src: Path) -> dict[str, str]:
    """Class name → file, for every class whose ``__init__`` takes a message key and
    ``**params`` (the constructor that must exist once)."""
    found: dict[str, str] = {}
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    names = [a.arg for a in (*item.args.posonlyargs, *item.args.args)]
                    if names[1:2] == ["key"] and item.args.kwarg is not None:
                        found[node.name] = str(path.relative_to(src))
    return found


def test_the_keyed_constructor_exists_once() -> None:
    assert _keyed_classes(SRC) == {"CapdoError": "capdo/errors.py"}


def test_a_copied_constructor_is_caught(tmp_path: Path) -> None:
    (tmp_path / "copy.py").write_text(
        "class CopiedError(Exception):\n"
        "    def __init__(self, key: str, **params: object) -> None:\n"
        "        self.key = key\n",
        encoding="utf-8",
    )
    assert _keyed_classes(tmp_path) == {"CopiedError": "copy.py"}


def test_only_the_listed_subclasses_exist() -> None:
    subclasses = set()
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id == "CapdoError" for base in node.bases
            ):
                subclasses.add(node.name)
    assert subclasses == set(SUBCLASSES)


def _exception_classes(src: Path) -> dict[str, list[str]]:
    """Class name → the names of its bases, for every class under ``src`` that is an
    exception: it derives (directly or through classes defined there) from a name ending in
    ``Error``/``Exception`` or from a built-in exception."""
    bases: dict[str, list[str]] = {}
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = []
                for base in node.bases:
                    if isinstance(base, ast.Name):
                        names.append(base.id)
                    elif isinstance(base, ast.Attribute):
                        names.append(base.attr)
                bases[node.name] = names

    def is_exception(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name in seen:
            return False
        builtin = getattr(builtins, name, None)
        if isinstance(builtin, type) and issubclass(builtin, BaseException):
            return True
        return any(is_exception(b, seen | {name}) for b in bases.get(name, []))

    return {name: b for name, b in bases.items() if b and is_exception(name)}


def _derives_from_capdo_error(name: str, classes: dict[str, list[str]]) -> bool:
    if name == "CapdoError":
        return True
    return any(_derives_from_capdo_error(b, classes) for b in classes.get(name, []) if b != name)


# Exceptions that are not operational errors of a command, each with its reason.
NOT_CAPDO_ERRORS = {
    "CheckFailed": "a check's assertion: becomes a 'fail' record (pytest-style AssertionError)",
    "CheckEnded": "a check stops early with a status: control flow inside a check",
    "ParameterMissing": "a check's parameter is missing: a CheckEnded, also a LookupError",
    "HostUnreachable": "one host's connection failed: becomes that host's 'error' records",
    "DeviceLocked": "another push holds the device: control flow of the network runner",
    "UnsafeValueError": "a ValueError of rendering: the renderer reports the device",
    "_DuplicateKeyError": "a json hook's ValueError, turned into a located problem at once",
    "UnsafeOutputError": "an OSError of the safe writer: callers handle it as any OSError",
    "SipParseError": "a ValueError of the SIP parser: the probe records the failure",
    "DeviceProcessError": "a RuntimeError of a lab device's process, inside the lab",
    "UnknownFault": "a ValueError of the lab's fault names: its command prints the known ones",
}


def test_every_exception_class_under_src_derives_from_capdo_error() -> None:
    classes = _exception_classes(SRC)
    outside = {name for name in classes if not _derives_from_capdo_error(name, classes)} - set(
        NOT_CAPDO_ERRORS
    )
    assert outside == set()
    assert set(NOT_CAPDO_ERRORS) <= set(classes)  # the list names no class that is gone


def test_an_exception_outside_capdo_error_is_caught(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "class CapdoError(Exception):\n    pass\n"
        "class GoodError(CapdoError):\n    pass\n"
        "class StrayError(Exception):\n    pass\n"
        "class StrayChild(StrayError):\n    pass\n"
        "class NotAnError:\n    pass\n",
        encoding="utf-8",
    )
    classes = _exception_classes(tmp_path)
    assert set(classes) == {"CapdoError", "GoodError", "StrayError", "StrayChild"}
    outside = {n for n in classes if not _derives_from_capdo_error(n, classes)}
    assert outside == {"StrayError", "StrayChild"}


def test_the_kinds_caught_apart_keep_their_text_and_pass_generic_handlers() -> None:
    from capdo.assessment import AssessmentError
    from capdo.commands._options import UsageError
    from capdo.compliance.yaml_source import DataFileError
    from capdo.estate_gen.description import DescriptionFileError
    from capdo.network.configtext import ConfigReadError
    from capdo.reports.inputs import ReportInputError
    from capdo.reports.store import StoreError
    from capdo.safeio import ReadError
    from capdo.safeio.problems import ReadProblem

    errors: list[tuple[CapdoError, str]] = [
        (AssessmentError("registers", []), "registers"),
        (UsageError("no inventory"), "no inventory"),
        (DataFileError([]), "0 problem(s)"),
        (DescriptionFileError(["a", "b"]), "a\nb"),
        (ConfigReadError(3, "no end"), "line 3: no end"),
        (ReportInputError(["x"]), "x"),
        (StoreError("previous"), "previous"),
        (ReadError(ReadProblem("missing", Path("f.yml"))), "f.yml: missing"),
    ]
    for error, text in errors:
        assert isinstance(error, CapdoError)
        assert type(error).__name__ in APART
        assert error.handled_apart
        assert str(error) == text
        assert error.args == (text,)
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert vars(again) == vars(error)
        assert again.args == error.args
    assert not CapdoError("sheets.error.no-input", path="x").handled_apart
    assert not SecretError.handled_apart


def _capdo(*argv: str, lang: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("capdo")), *argv],
        cwd=REPO,
        env={**os.environ, "CAPDO_LANG": lang},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("argv", "vi", "en"),
    [
        (
            ("inventory", "import", "missing.xlsx", "--into", "{tmp}"),
            "capdo: Không tìm thấy missing.xlsx",
            "capdo: Not found: missing.xlsx",
        ),
        (
            ("endpoints", "render", "-i", "{tmp}", "--limit", "nosuch", "--out", "{tmp}/out"),
            "capdo: Không có điểm cầu nào khớp với --limit 'nosuch'",
            "capdo: No endpoint matches --limit 'nosuch'",
        ),
    ],
    ids=["sheets", "endpoints"],
)
def test_the_cli_prints_the_message_never_a_traceback(
    tmp_path: Path, argv: tuple[str, ...], vi: str, en: str
) -> None:
    estate = tmp_path / "estate"  # nothing may be written into the repository's estate
    shutil.copytree(LAB_ESTATE, estate)
    argv = tuple(a.replace("{tmp}", str(estate)) for a in argv)
    for lang, expected in (("vi", vi), ("en", en)):
        done = _capdo(*argv, lang=lang)
        assert done.returncode == 2, done
        assert expected in done.stderr + done.stdout
        assert "Traceback" not in done.stderr
