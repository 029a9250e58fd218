"""``capdo provision``: apply the level-based server baseline with ansible-playbook.

``ansible-playbook -i <estate> playbooks/<playbook>.yml [--check --diff] [--limit ...]`` run
through ansible-runner from the repository root (where ansible.cfg enables the capdo inventory
plugin), with per-host progress, a changed/failed summary per host, and ansible-runner's
artifacts (job events, stdout, per-host status) kept under ``--out``. Exit codes: 0 ok,
2 usage error or a failed play (ansible-playbook's code is shown).
"""

from __future__ import annotations

import dataclasses
import json
import shlex
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from capdo.commands._options import (
    FormatOption,
    InventoryOption,
    LangOption,
    OutputFormat,
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
    artifacts: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Where ansible-runner keeps each run's job events, stdout and per-host status.",
        ),
    ] = Path("out/provision"),
    mitogen: Annotated[
        bool | None,
        typer.Option(
            "--mitogen/--no-mitogen",
            help="Use the Mitogen strategy (faster; default: $CAPDO_MITOGEN, else off).",
            show_default=False,
        ),
    ] = None,
    output: FormatOption = OutputFormat.text,
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
    from rich.console import Console  # noqa: PLC0415

    from capdo.provisioning import mitogen_wanted, print_summary, run_playbook  # noqa: PLC0415

    try:
        run = run_playbook(
            binary=binary,
            repo=book.parent.parent,
            inventory=root,
            playbook=book,
            artifacts=artifacts.resolve(),
            check=check,
            limit=limit,
            lang=language,
            mitogen=mitogen_wanted(mitogen),
        )
    except RuntimeError:
        raise _fail(t("provision.error.no-mitogen", language)) from None
    if output is OutputFormat.json:
        hosts = {name: dataclasses.asdict(host) for name, host in sorted(run.hosts.items())}
        payload = {
            "ok": run.ok,
            "rc": run.rc,
            "status": run.status,
            "seconds": round(run.seconds, 2),
            "artifacts": str(run.artifacts),
            "hosts": hosts,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_summary(run, language, Console(highlight=False))
    if not run.ok:
        stdout = run.artifacts / "stdout"
        if stdout.is_file():  # the end of ansible-playbook's own output says what went wrong
            tail = stdout.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
            typer.echo("\n".join(tail), err=True)
        typer.echo(t("provision.failed", language, code=run.rc), err=True)
        raise typer.Exit(2)
    raise typer.Exit(0)
