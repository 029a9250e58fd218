"""The ``capdo`` command: a thin shell that gathers the command groups.

Each module in :mod:`capdo.commands` exposes ``app`` (a :class:`typer.Typer` named after the
module). A module is imported only when its command runs (or help lists it), so that
``capdo --version`` or ``capdo inventory validate`` load only what they use. Exit codes across
capdo: 0 ok, 1 findings, 2 usage or operational error.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from typing import Any

import typer
from typer.core import TyperGroup

from capdo import __version__, commands


def _command_names() -> list[str]:
    """The command groups, from the module names alone (nothing imported)."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if m.name[0] != "_")


class LazyCommands(TyperGroup):
    """A root group that imports a command's module only when that command is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return _command_names()

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in _command_names():
            return None
        module = importlib.import_module(f"{commands.__name__}.{cmd_name}")
        group = getattr(module, "app", None)
        if not isinstance(group, typer.Typer):
            return None
        command = typer.main.get_group(group)
        command.name = cmd_name
        return command


app = typer.Typer(
    name="capdo",
    cls=LazyCommands,
    help="capdo: hạ tầng dưới dạng mã và tuân thủ an toàn thông tin theo cấp độ "
    "(infrastructure as code and level-based security compliance).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"capdo {__version__}")
        raise typer.Exit(0)


def _max_file_size(value: str | None) -> str | None:
    """Set the safe reader's size cap for this run (and the commands it starts)."""
    from capdo.safeio import ENV_MAX_FILE_SIZE, parse_size  # noqa: PLC0415

    if value is not None:
        try:
            parse_size(value)
        except ValueError:
            raise typer.BadParameter(value) from None
        os.environ[ENV_MAX_FILE_SIZE] = value
    return value


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
    max_file_size: str | None = typer.Option(
        None,
        "--max-file-size",
        callback=_max_file_size,
        is_eager=True,
        help="Largest input file read (e.g. 64M; default 64M; $CAPDO_MAX_FILE_SIZE).",
    ),
) -> None:
    """capdo."""


def main() -> None:
    from capdo.safeio import ReadError  # noqa: PLC0415

    try:
        app()
    except ReadError as error:  # a file no command caught: located, never a traceback
        typer.echo(f"capdo: {error.problem.render('vi')}", err=True)
        typer.echo(f"capdo: {error.problem.render('en')}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
