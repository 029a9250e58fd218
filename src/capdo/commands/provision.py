"""``capdo provision``: apply the level-based server baseline with ansible-playbook.

A thin wrapper: ``ansible-playbook -i <estate> playbooks/<playbook>.yml [--check --diff]
[--limit ...]`` run from the repository root (where ansible.cfg enables the capdo inventory
plugin). Exit codes: 0 ok, 2 usage error or a failed play (ansible-playbook's code is shown).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from capdo.commands._options import (
    InventoryOption,
    LangOption,
    UsageError,
    parse_lang,
    resolve_inventory_dir,
)
from capdo.i18n import t

app = typer.Typer(
    name="provision",
    help="Cứng hoá máy chủ theo cấp độ / apply the level-based server baseline (Ansible).",
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def find_playbook(name: str, start: Path) -> Path | None:
    """playbooks/<name>(.yml) in ``start`` or one of its parents."""
    file = name if name.endswith((".yml", ".yaml")) else f"{name}.yml"
    direct = Path(file)
    if direct.is_file():
        return direct.resolve()
    for base in (start, *start.parents):
        candidate = base / "playbooks" / file
        if candidate.is_file():
            return candidate
    return None


def ansible_playbook() -> str | None:
    beside = Path(sys.executable).with_name("ansible-playbook")
    return str(beside) if beside.is_file() else shutil.which("ansible-playbook")


def build_command(
    binary: str, inventory: Path, playbook: Path, check: bool, limit: str | None
) -> list[str]:
    argv = [binary, "-i", str(inventory), str(playbook)]
    if check:
        argv += ["--check", "--diff"]
    if limit:
        argv += ["--limit", limit]
    return argv


@app.callback(invoke_without_command=True)
def provision(
    inventory: InventoryOption = None,
    playbook: Annotated[
        str, typer.Option("--playbook", "-p", help="site | hardening | logging | firewall | ...")
    ] = "site",
    check: Annotated[bool, typer.Option("--check", help="Dry run (--check --diff).")] = False,
    limit: Annotated[
        str | None, typer.Option("--limit", "-l", help="Ansible host pattern.")
    ] = None,
    lang: LangOption = "vi",
) -> None:
    """Chạy ansible-playbook với kho dữ liệu của capdo (run ansible-playbook on the estate)."""
    language = parse_lang(lang)
    try:
        root = resolve_inventory_dir(inventory).resolve()
    except UsageError as exc:
        raise _fail(str(exc)) from None
    book = find_playbook(playbook, Path.cwd()) or find_playbook(playbook, root)
    if book is None:
        raise _fail(t("provision.error.no-playbook", language, path=playbook))
    binary = ansible_playbook()
    if binary is None:
        raise _fail(t("provision.error.no-ansible", language))
    argv = build_command(binary, root, book, check, limit)
    typer.echo(t("provision.running", language, command=shlex.join(argv)), err=True)
    repo = book.parent.parent
    env = dict(os.environ)
    if (repo / "ansible.cfg").is_file():
        env.setdefault("ANSIBLE_CONFIG", str(repo / "ansible.cfg"))
    code = subprocess.run(argv, cwd=repo, env=env, check=False).returncode
    if code != 0:
        typer.echo(t("provision.failed", language, code=code), err=True)
        raise typer.Exit(2)
    raise typer.Exit(0)
