"""The ``capdo`` command: a thin shell that gathers the command groups.

Each module in :mod:`capdo.commands` exposes ``app`` (a :class:`typer.Typer` with a name);
this file only mounts them. Exit codes across capdo: 0 ok, 1 findings, 2 usage or
operational error.
"""

from __future__ import annotations

import importlib
import os
import pkgutil

import typer

from capdo import __version__, commands

app = typer.Typer(
    name="capdo",
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
    from capdo.safeio.limits import ENV_MAX_FILE_SIZE, parse_size  # noqa: PLC0415

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


def _mount_command_groups() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        group = getattr(module, "app", None)
        if isinstance(group, typer.Typer):
            app.add_typer(group)


_mount_command_groups()


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
