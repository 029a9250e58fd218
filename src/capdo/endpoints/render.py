"""The provisioning tree: one directory per vendor, files named as its auto-provisioning expects.

``<out>/yealink/<mac>.cfg``, ``<out>/poly/<mac>.cfg`` (master) + ``<out>/poly/<mac>-capdo.cfg``,
and ``<out>/manifest.json`` (names, files, checksums; no secrets). Files that hold the admin
password are written with mode 0600, the directories with 0700.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from capdo.endpoints.intended import EndpointPlan, Planner
from capdo.endpoints.vendors import FORMATS, mac_stem, poly_master
from capdo.safeio import write_atomic

DEFAULT_OUT = Path("out") / "endpoints" / "provisioning"


@dataclass(frozen=True)
class RenderedFile:
    relpath: str
    text: str
    secret: bool


@dataclass(frozen=True)
class Rendered:
    name: str
    vendor: str
    files: tuple[RenderedFile, ...]
    secrets: tuple[str, ...] = ()


def header(plan: EndpointPlan) -> str:
    level = plan.level if plan.level is not None else "-"
    return f"capdo: {plan.name} ({plan.endpoint.vendor} {plan.endpoint.model}), level {level}"


def render_plan(plan: EndpointPlan, password: str | None) -> Rendered | None:
    """The files of one endpoint, or None when its vendor has no format here."""
    vendor = plan.endpoint.vendor
    fmt = FORMATS.get(vendor)
    if fmt is None:
        return None
    config = replace(plan.config, admin_password=password)
    stem = mac_stem(plan.endpoint.mac)
    body = fmt.render(config, plan.name, header(plan))
    secret = password is not None
    files: tuple[RenderedFile, ...]
    if vendor == "poly":
        files = (
            RenderedFile(f"poly/{stem}.cfg", poly_master(stem, f"{stem}-capdo.cfg"), False),
            RenderedFile(f"poly/{stem}-capdo.cfg", body, secret),
        )
    else:
        files = (RenderedFile(f"{vendor}/{stem}.cfg", body, secret),)
    return Rendered(plan.name, vendor, files, (password,) if password else ())


def render_all(planner: Planner, plans: list[EndpointPlan]) -> tuple[list[Rendered], list[str]]:
    """Rendered endpoints, and the names skipped because their vendor has no format.

    Raises :class:`~capdo.secrets.SecretError` on the first unresolved password."""
    rendered: list[Rendered] = []
    skipped: list[str] = []
    passwords: dict[str, str | None] = {}
    for plan in plans:
        if plan.endpoint.vendor not in FORMATS:
            skipped.append(plan.name)
            continue
        key = plan.endpoint.credential or ""
        if key not in passwords:
            passwords[key] = planner.admin_password(plan.endpoint)
        result = render_plan(plan, passwords[key])
        if result is not None:
            rendered.append(result)
    return rendered, skipped


def _write(out: Path, path: Path, text: str, mode: int) -> None:
    write_atomic(path, text, root=out, mode=mode, dir_mode=0o700)


def write_tree(out: Path, rendered: list[Rendered]) -> Path:
    """Write every file and the manifest; returns the manifest's path. ``out`` is created
    0700 when missing (an existing directory keeps its mode); files are written atomically
    and no symlink below ``out`` is followed."""
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    manifest: list[dict[str, object]] = []
    for item in rendered:
        entries = []
        for file in item.files:
            _write(out, out / file.relpath, file.text, 0o600 if file.secret else 0o644)
            digest = hashlib.sha256(file.text.encode("utf-8")).hexdigest()
            entries.append({"path": file.relpath, "sha256": digest, "secret": file.secret})
        manifest.append({"name": item.name, "vendor": item.vendor, "files": entries})
    path = out / "manifest.json"
    _write(out, path, json.dumps({"endpoints": manifest}, indent=2) + "\n", 0o644)
    return path
