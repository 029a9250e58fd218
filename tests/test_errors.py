"""One error type: a message key of the catalogues and its parameters (``capdo.errors``).

The keyed constructor lives once, in :class:`CapdoError`; subclasses exist only where callers
catch one kind apart (secrets, scans, the lab). Commands print the message in the user's
language and exit 2, never a traceback.
"""

from __future__ import annotations

import ast
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
# Callers catch these apart from the other errors (see each class's docstring).
SUBCLASSES = {"SecretError", "ScapError", "LabError"}


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
    assert subclasses == SUBCLASSES


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
