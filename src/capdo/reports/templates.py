"""Where the report templates live, and the Jinja2 environment that renders them.

Templates and styles are content, at the top of the repository (``reports/templates/``).
They are found by ``--templates``, then ``$CAPDO_REPORT_TEMPLATES``, then
``reports/templates`` upward from the working directory and from this package.
Autoescaping is always on: every inventory or device string is escaped.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from capdo.errors import CapdoError

ENV_TEMPLATES = "CAPDO_REPORT_TEMPLATES"
SUBDIR = Path("reports") / "templates"
MARKER = "report.html.j2"


class TemplatesNotFoundError(CapdoError):
    """No report template directory; an operational error (exit code 2)."""

    handled_apart = True

    def __init__(self, path: str) -> None:
        super().__init__("reports.error.templates-not-found", path=path)
        self.args = (path,)  # as before the key
        self.path = path


def find_templates(option: Path | None = None) -> Path:
    if option is not None:
        if not (option / MARKER).is_file():
            raise TemplatesNotFoundError(str(option))
        return option
    env = os.environ.get(ENV_TEMPLATES)
    if env:
        if not (Path(env) / MARKER).is_file():
            raise TemplatesNotFoundError(env)
        return Path(env)
    for start in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for parent in (start, *start.parents):
            if (parent / SUBDIR / MARKER).is_file():
                return parent / SUBDIR
    raise TemplatesNotFoundError(str(SUBDIR))


def environment(folder: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def read_style(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")
