"""``capdo lab up|down|status``: disposable lab hosts on this machine (root only)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from capdo.commands._options import FormatOption, LangOption, OutputFormat, parse_lang
from capdo.i18n import Lang, t
from capdo.inventory import load_estate
from capdo_lab import (
    ENV_FILE,
    EstateLab,
    Lab,
    LabError,
    LabHostSpec,
    LabStatus,
    lab_id_for,
    recorded_estate,
    stop_emulators,
)

ENV_LAB_DIR = "CAPDO_LAB_DIR"

app = typer.Typer(
    name="lab",
    help="Máy lab dùng một lần / disposable lab hosts (debootstrap, overlayfs, netns, sshd).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WorkdirOption = Annotated[
    Path | None,
    typer.Option(
        "--workdir",
        help="Lab working directory (default: $CAPDO_LAB_DIR, else .cache/lab).",
    ),
]
HostOption = Annotated[
    list[str] | None,
    typer.Option(
        "--host",
        help="NAME=ADDR/PREFIX in 198.18.0.0/15, repeatable (default: the recorded hosts).",
    ),
]
SystemdOption = Annotated[
    list[str] | None,
    typer.Option("--systemd", help="NAME of a host that boots real systemd (nspawn)."),
]
EstateOption = Annotated[
    Path | None,
    typer.Option(
        "--inventory",
        "-i",
        help="Estate to bring up: its servers as lab hosts, its devices and endpoints emulated "
        "(default: inventories/lab when no --host is given and it exists).",
    ),
]
LabIdOption = Annotated[
    str | None,
    typer.Option("--lab-id", help="Short lab id, a-z0-9, at most 8 (default: from workdir)."),
]


def _workdir(option: Path | None) -> Path:
    if option is not None:
        return option
    env = os.environ.get(ENV_LAB_DIR)
    return Path(env) if env else Path.cwd() / ".cache" / "lab"


def _estate_lab(inventory: Path | None, directory: Path, lab_id: str | None) -> EstateLab | None:
    """The estate's lab: the one named, else the one recorded in the workdir, else
    inventories/lab when nothing at all is recorded there (a plain --host lab stays plain)."""
    if inventory is None:
        inventory = recorded_estate(directory)
    if inventory is None:
        default = Path.cwd() / "inventories" / "lab"
        if Lab.open(directory).hosts or not (default / "estate.yml").is_file():
            return None
        inventory = default
    result = load_estate(inventory)
    if result.inventory is None or not result.ok:
        raise LabError("lab.error.estate", path=inventory)
    return EstateLab(inventory, result.inventory, directory, lab_id or lab_id_for(directory))


def _fail(exc: Exception, lang: Lang) -> typer.Exit:
    if isinstance(exc, LabError):
        text = exc.message(lang)
    else:
        text = t("lab.error.unexpected", lang, error=f"{type(exc).__name__}: {exc}")
    typer.echo(text, err=True)
    return typer.Exit(2)


def _print_status(status: LabStatus, fmt: OutputFormat, lang: Lang) -> None:
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(status.to_json(), ensure_ascii=False, indent=2))
        return
    if not status.hosts:
        typer.echo(t("lab.status.none", lang, workdir=status.workdir))
        return
    typer.echo(t("lab.status.header", lang, lab_id=status.lab_id, workdir=status.workdir))
    for host in status.hosts:
        process = t("lab.status.running" if host.running else "lab.status.stopped", lang)
        ssh = t("lab.status.ssh-ok" if host.ssh_ok else "lab.status.ssh-down", lang)
        typer.echo(
            t(
                "lab.status.host",
                lang,
                name=host.name,
                address=host.address,
                process=process,
                ssh=ssh,
            )
        )


@app.command("up")
def up(
    workdir: WorkdirOption = None,
    host: HostOption = None,
    systemd: SystemdOption = None,
    lab_id: LabIdOption = None,
    inventory: EstateOption = None,
    fmt: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Bring the lab up (idempotent): an estate's servers, devices and endpoints, or --host."""
    language = parse_lang(lang)
    estate_lab = None
    try:
        directory = _workdir(workdir)
        with_systemd = set(systemd or [])
        specs = [LabHostSpec.parse(text) for text in host or []]
        specs = [LabHostSpec(s.name, s.address, s.name in with_systemd) for s in specs]
        if specs:
            status = Lab(lab_id or lab_id_for(directory), directory, specs).up()
        elif (estate_lab := _estate_lab(inventory, directory, lab_id)) is not None:
            status = estate_lab.up()
        else:  # no --host and no estate: bring the recorded lab back up
            status = Lab.open(directory, lab_id).up()
    except (LabError, OSError, ValueError) as exc:
        raise _fail(exc, language) from None
    if fmt is OutputFormat.json:
        _print_status(status, fmt, language)
        return
    typer.echo(
        t(
            "lab.up.done",
            language,
            lab_id=status.lab_id,
            count=len(status.hosts),
            ssh_config=status.ssh_config,
        )
    )
    if estate_lab is not None:
        inv = estate_lab.inventory
        typer.echo(
            t(
                "lab.up.estate",
                language,
                estate=inv.estate.id,
                servers=len(inv.servers),
                devices=len(inv.devices),
                endpoints=len(inv.endpoints),
                overlay=estate_lab.overlay,
                env=estate_lab.workdir / ENV_FILE,
            )
        )
    _print_status(status, fmt, language)


@app.command("down")
def down(
    workdir: WorkdirOption = None,
    lab_id: LabIdOption = None,
    fmt: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Tear the lab down: processes, relays, veths, netns, bridge, mounts, directories."""
    language = parse_lang(lang)
    try:
        directory = _workdir(workdir)
        stop_emulators(directory)
        lab = Lab.open(directory, lab_id)
        lab.down()
    except (LabError, OSError, ValueError) as exc:
        raise _fail(exc, language) from None
    if fmt is OutputFormat.json:
        typer.echo(json.dumps({"lab_id": lab.lab_id, "workdir": str(lab.workdir), "down": True}))
    else:
        typer.echo(t("lab.down.done", language, lab_id=lab.lab_id))


@app.command("status")
def status(
    workdir: WorkdirOption = None,
    lab_id: LabIdOption = None,
    fmt: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """List the lab's hosts and whether their sshd answers."""
    language = parse_lang(lang)
    try:
        current = Lab.open(_workdir(workdir), lab_id).status()
    except (LabError, OSError, ValueError) as exc:
        raise _fail(exc, language) from None
    _print_status(current, fmt, language)
