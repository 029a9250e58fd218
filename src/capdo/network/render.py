"""Render intended configurations from the estate with the platform's Jinja2 templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from capdo.inventory import NetworkDevice, banner_problem, describe_char, unsafe_char
from capdo.network.model import NetworkContext, device_view
from capdo.safeio import read_yaml, write_atomic

TEMPLATE = "device.j2"


class UnsafeValueError(ValueError):
    """A value that would add or break a configuration line (a newline, a control or an
    invisible character) reached a template: rendering stops instead of writing it."""


class MultilineText(str):
    """A value allowed to span lines in a template (the login banner), checked per platform."""

    __slots__ = ()


def refuse_unsafe(value: object) -> object:
    """The environment's ``finalize``: every ``{{ ... }}`` value passes here before it is
    written. The model already refuses such strings; this is the second wall for values that
    did not come through validation."""
    if isinstance(value, str):
        bad = unsafe_char(value, newline=isinstance(value, MultilineText))
        if bad is not None:
            raise UnsafeValueError(
                f"refusing to render {value[:60]!r}: it contains {describe_char(bad)}"
            )
    return value


@dataclass
class RenderResult:
    configs: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Device name → platform without templates."""


class Renderer:
    """One Jinja2 environment over ``network/templates`` (templates compiled once)."""

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,  # device configuration text, not HTML
            finalize=refuse_unsafe,
        )

    @cached_property
    def common(self) -> dict[str, Any]:
        path = self.templates_dir / "common.yml"
        data: Any = read_yaml(path, root=self.templates_dir) if path.is_file() else {}
        common = dict(data or {})
        if isinstance(common.get("banner"), str):
            common["banner"] = MultilineText(common["banner"])
        return common

    def supports(self, platform: str) -> bool:
        return (self.templates_dir / platform / TEMPLATE).is_file()

    def render(self, ctx: NetworkContext, device: NetworkDevice) -> str:
        template = self.env.get_template(f"{device.platform}/{TEMPLATE}")
        banner = self.common.get("banner")
        problem = banner_problem(banner, device.platform) if isinstance(banner, str) else None
        if problem is not None:
            raise UnsafeValueError(
                f"the login banner cannot contain {problem} on {device.platform}"
            )
        try:
            return template.render(device=device_view(ctx, device), common=self.common)
        except UnsafeValueError as exc:
            raise UnsafeValueError(f"{device.name}: {exc}") from None

    def render_many(self, ctx: NetworkContext, devices: list[NetworkDevice]) -> RenderResult:
        result = RenderResult()
        for device in devices:
            if not self.supports(device.platform):
                result.skipped[device.name] = device.platform
                continue
            result.configs[device.name] = self.render(ctx, device)
        return result


def write_configs(configs: dict[str, str], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(configs.items()):
        written.append(write_atomic(out_dir / f"{name}.cfg", text, root=out_dir))
    return written
