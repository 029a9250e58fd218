"""Platform knowledge that lives next to the templates (``network/templates/<p>/platform.yml``)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from capdo.errors import CapdoError
from capdo.network.configtext import Masker, MaskRule, ReadConfig, read_config
from capdo.network.defaults import is_default
from capdo.safeio import read_yaml

ENV_TEMPLATES = "CAPDO_NETWORK_TEMPLATES"


@dataclass(frozen=True)
class PlatformInfo:
    name: str
    netmiko: str
    hier_config: str
    show_running: str
    enable: bool
    error_pattern: str
    noise: tuple[re.Pattern[str], ...]
    unmanaged: tuple[re.Pattern[str], ...]
    mask: tuple[MaskRule, ...]
    config_start: re.Pattern[str] | None = None
    """The first line of the config proper (a collector's header above it is dropped)."""
    sections: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()
    """(section opener, lines it takes): used to restore lost indentation."""
    save: bool = True
    """Whether a push must save (FortiOS saves on every ``end``; netmiko has no save for it)."""
    block_separator: str | None = None
    """A line that closes a top-level block (VRP ``#``): lines after it restart at the top."""
    physical: re.Pattern[str] | None = None
    """Interfaces that exist in hardware: defaulted, never removed, by a remediation."""

    def masker(self) -> Masker:
        return Masker(self.mask)

    def read(self, text: str, masker: Masker | None = None) -> ReadConfig:
        """The config as the device reads it (see :mod:`capdo.network.configtext`)."""
        return read_config(self, text, masker)

    def clean(self, text: str) -> str:
        """Normalised text (noise, headers, repeats and control bytes dealt with)."""
        return self.read(text).text

    def managed(self, text: str) -> str:
        """Only the lines capdo manages: unmanaged lines and device defaults dropped."""
        kept: list[str] = []
        skip_below: int | None = None
        sections: list[tuple[int, str]] = []
        for line in self.clean(text).splitlines():
            depth = len(line) - len(line.lstrip(" "))
            while sections and sections[-1][0] >= depth:
                sections.pop()
            parent = sections[-1][1] if sections else None
            sections.append((depth, line.strip()))
            if skip_below is not None and depth > skip_below:
                continue
            skip_below = None
            if any(p.search(line.strip()) for p in self.unmanaged):
                skip_below = depth
                continue
            if is_default(self.name, line, parent):
                continue
            kept.append(line)
        return "\n".join(kept) + "\n"

    def masked(self, text: str, masker: Masker | None = None) -> str:
        """Secrets masked in any text (a config, a remediation, an error message)."""
        lines = (masker or self.masker()).lines(text.splitlines())
        return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def find_templates_dir(*starts: Path) -> Path:
    """$CAPDO_NETWORK_TEMPLATES, else ``network/templates`` in a parent of a start path."""
    if os.environ.get(ENV_TEMPLATES):
        path = Path(os.environ[ENV_TEMPLATES])
        if path.is_dir():
            return path
        raise CapdoError("network.error.templates-missing", path=str(path))
    for given in (*starts, Path.cwd()):
        start = given.resolve()
        for parent in (start, *start.parents):
            candidate = parent / "network" / "templates"
            if candidate.is_dir():
                return candidate
    raise CapdoError("network.error.templates-missing", path="network/templates")


@cache
def platform_info(templates_dir: Path, platform: str) -> PlatformInfo | None:
    """None when capdo has no templates for this platform."""
    path = templates_dir / platform / "platform.yml"
    if not path.is_file():
        return None
    data: Any = read_yaml(path, root=templates_dir) or {}
    try:
        return PlatformInfo(
            name=platform,
            netmiko=str(data["netmiko"]),
            hier_config=str(data["hier_config"]),
            show_running=str(data["show_running"]),
            enable=bool(data.get("enable", False)),
            error_pattern=str(data["error_pattern"]),
            noise=tuple(re.compile(p) for p in data.get("noise", ())),
            unmanaged=tuple(re.compile(p) for p in data.get("unmanaged", ())),
            mask=tuple(
                MaskRule(
                    re.compile(m["pattern"]),
                    re.compile(m["parent"]) if m.get("parent") else None,
                )
                for m in data.get("mask", ())
            ),
            config_start=re.compile(data["config_start"]) if data.get("config_start") else None,
            sections=tuple(
                (re.compile(s["opener"]), re.compile(s["children"]))
                for s in data.get("sections", ())
            ),
            save=bool(data.get("save", True)),
            block_separator=data.get("block_separator"),
            physical=re.compile(data["physical"]) if data.get("physical") else None,
        )
    except (KeyError, TypeError, re.error) as exc:
        raise CapdoError("network.error.platform-file", path=str(path), detail=str(exc)) from None
