"""Options shared by every command group, and how the inventory directory is found."""

from __future__ import annotations

import configparser
import enum
import os
from pathlib import Path
from typing import Annotated

import typer

from capdo.errors import CapdoError
from capdo.i18n import DEFAULT_LANG, Lang
from capdo.inventory import Inventory


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"


LangOption = Annotated[
    str,
    typer.Option("--lang", help="Ngôn ngữ / language: vi (default) or en.", envvar="CAPDO_LANG"),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="text for people, json for machines.")
]
InventoryOption = Annotated[
    Path | None,
    typer.Option(
        "--inventory",
        "-i",
        help="Estate directory (default: $CAPDO_INVENTORY, else the inventory in ansible.cfg).",
    ),
]

ENV_INVENTORY = "CAPDO_INVENTORY"


class UsageError(CapdoError):
    """A user-facing error that ends the command with exit code 2."""

    handled_apart = True

    def __init__(self, detail: str) -> None:
        super().__init__("run.error.usage", detail=detail)
        self.args = (detail,)  # as before the key
        self.detail = detail


def parse_lang(value: str) -> Lang:
    if value == "vi":
        return "vi"
    if value == "en":
        return "en"
    raise typer.BadParameter(f"--lang must be vi or en, not {value!r}")


def _inventory_from_ansible_cfg(start: Path) -> Path | None:
    """The estate directory named by the nearest ansible.cfg (or $ANSIBLE_CONFIG)."""
    candidates: list[Path] = []
    if os.environ.get("ANSIBLE_CONFIG"):
        candidates.append(Path(os.environ["ANSIBLE_CONFIG"]))
    candidates.extend(parent / "ansible.cfg" for parent in (start, *start.parents))
    for cfg_path in candidates:
        if not cfg_path.is_file():
            continue
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(cfg_path, encoding="utf-8")
        value = parser.get("defaults", "inventory", fallback="").split(",")[0].strip()
        if value:
            path = Path(value)
            return path if path.is_absolute() else cfg_path.parent / path
    return None


def resolve_inventory_dir(option: Path | None) -> Path:
    """--inventory, then $CAPDO_INVENTORY, then ansible.cfg; a missing one is a usage error."""
    path = option
    if path is None and os.environ.get(ENV_INVENTORY):
        path = Path(os.environ[ENV_INVENTORY])
    if path is None:
        path = _inventory_from_ansible_cfg(Path.cwd())
    if path is None:
        raise UsageError("no inventory: pass --inventory DIR or set CAPDO_INVENTORY")
    if path.is_file() and path.name.endswith((".yml", ".yaml")):
        path = path.parent  # the Ansible plugin marker file inside an estate directory
    if not path.is_dir():
        raise UsageError(f"inventory directory not found: {path}")
    return path


def estate_dir_or_exit(option: Path | None) -> Path:
    """The estate directory, or exit 2 with the usage error on stderr."""
    try:
        return resolve_inventory_dir(option)
    except UsageError as error:
        typer.echo(f"capdo: {error}", err=True)
        raise typer.Exit(2) from None


def valid_estate_or_exit(
    option: Path | None, lang: Lang, invalid_code: int = 2
) -> tuple[Path, Inventory]:
    """The estate directory and its model, or exit: 2 for a usage error, ``invalid_code`` when
    the estate has errors (pointing at ``capdo inventory validate``)."""
    from capdo.i18n import t  # noqa: PLC0415
    from capdo.inventory import load_estate  # noqa: PLC0415

    root = estate_dir_or_exit(option)
    result = load_estate(root)
    if result.inventory is None or not result.ok:
        typer.echo(f"capdo: {t('inventory.error.invalid', lang)}", err=True)
        raise typer.Exit(invalid_code)
    return root, result.inventory


__all__ = [
    "DEFAULT_LANG",
    "ENV_INVENTORY",
    "FormatOption",
    "InventoryOption",
    "LangOption",
    "OutputFormat",
    "UsageError",
    "estate_dir_or_exit",
    "parse_lang",
    "resolve_inventory_dir",
    "valid_estate_or_exit",
]
