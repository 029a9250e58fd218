"""Platform knowledge that lives next to the templates (``network/templates/<p>/platform.yml``)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from capdo.safeio import read_yaml

ENV_TEMPLATES = "CAPDO_NETWORK_TEMPLATES"


class NetworkError(Exception):
    """A user-facing problem (message key + parameters), never a traceback."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


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
    mask: tuple[tuple[re.Pattern[str], str], ...]

    def clean(self, text: str) -> str:
        """Display noise removed, trailing blanks stripped (what hier_config should read)."""
        kept = []
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line.strip() or any(p.search(line.strip()) for p in self.noise):
                continue
            kept.append(line)
        return "\n".join(kept) + "\n"

    def managed(self, text: str) -> str:
        """Only the lines capdo manages (unmanaged lines and their children dropped)."""
        kept: list[str] = []
        skip_below: int | None = None
        for line in self.clean(text).splitlines():
            depth = len(line) - len(line.lstrip(" "))
            if skip_below is not None and depth > skip_below:
                continue
            skip_below = None
            if any(p.search(line.strip()) for p in self.unmanaged):
                skip_below = depth
                continue
            kept.append(line)
        return "\n".join(kept) + "\n"

    def masked(self, text: str) -> str:
        out = []
        for raw in text.splitlines():
            line = raw
            for pattern, replace in self.mask:
                line = pattern.sub(replace, line)
            out.append(line)
        return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def find_templates_dir(*starts: Path) -> Path:
    """$CAPDO_NETWORK_TEMPLATES, else ``network/templates`` in a parent of a start path."""
    if os.environ.get(ENV_TEMPLATES):
        path = Path(os.environ[ENV_TEMPLATES])
        if path.is_dir():
            return path
        raise NetworkError("network.error.templates-missing", path=str(path))
    for given in (*starts, Path.cwd()):
        start = given.resolve()
        for parent in (start, *start.parents):
            candidate = parent / "network" / "templates"
            if candidate.is_dir():
                return candidate
    raise NetworkError("network.error.templates-missing", path="network/templates")


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
            mask=tuple((re.compile(m["pattern"]), str(m["replace"])) for m in data.get("mask", ())),
        )
    except (KeyError, TypeError, re.error) as exc:
        raise NetworkError("network.error.platform-file", path=str(path), detail=str(exc)) from None
