"""The machine's Debian mirror, read from its apt sources (one-line and deb822 formats).

Neutral ground shared by the SCAP content fetcher (:mod:`capdo.scap.content`) and the lab
(:mod:`capdo_lab.image`): both download Debian packages from the mirror the machine already
uses. Callers turn "no mirror" (``None``) into their own error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

APT_DIR = Path("/etc/apt")


@dataclass(frozen=True)
class AptMirror:
    """The machine's Debian mirror: an http URI and the suites the machine uses from it."""

    uri: str
    suites: tuple[str, ...]

    @property
    def host(self) -> str:
        return urlsplit(self.uri).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.uri).port or 80


def default_suite() -> str:
    """The machine's Debian codename (``bookworm`` when /etc/os-release does not say)."""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("VERSION_CODENAME="):
                return line.split("=", 1)[1].strip().strip('"') or "bookworm"
    except OSError:
        pass
    return "bookworm"


def _source_entries(apt_dir: Path) -> Iterator[tuple[list[str], list[str]]]:
    """(URIs, suites) of every enabled ``deb`` entry, one-line and deb822 formats."""
    files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*"))]
    for path in files:
        try:
            text = path.read_text()
        except OSError:
            continue
        if path.suffix == ".sources":
            for stanza in text.split("\n\n"):
                fields: dict[str, str] = {}
                for line in stanza.splitlines():
                    if line.startswith("#") or ":" not in line or line[0].isspace():
                        continue
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.strip()
                if "deb" in fields.get("types", "").split() and fields.get(
                    "enabled", "yes"
                ).lower() not in ("no", "false"):
                    yield fields.get("uris", "").split(), fields.get("suites", "").split()
        elif path.name == "sources.list" or path.suffix == ".list":
            for line in text.splitlines():
                words = [w for w in line.split("#", 1)[0].split() if not w.startswith("[")]
                if len(words) >= 3 and words[0] == "deb":
                    yield [words[1]], [words[2]]


def find_mirror(
    suite: str, apt_dir: Path = APT_DIR, override: str | None = None
) -> AptMirror | None:
    """The ``override`` URI if given, else the first http mirror serving ``suite``, else None."""
    if override:
        return AptMirror(override.rstrip("/"), (suite,))
    entries = list(_source_entries(apt_dir))
    for uris, suites in entries:
        if suite not in suites:
            continue
        for uri in uris:
            if uri.startswith("http://"):
                same = [
                    s
                    for u, ss in entries
                    if uri in u
                    for s in ss
                    if s == suite or s.startswith(f"{suite}-")
                ]
                return AptMirror(uri.rstrip("/"), tuple(dict.fromkeys([suite, *same])))
    return None
