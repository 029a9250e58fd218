"""SCAP Security Guide content: fetch it into a cache, find the data stream for a target.

Debian 12 content ships only in ``ssg-debian`` 0.1.76 (Debian trixie, architecture ``all``).
:func:`fetch` downloads it with a *private* apt state directory (its own sources list with
the trixie suite on the mirror the machine already uses, its own lists and cache, an empty
dpkg status) and unpacks the packages with ``dpkg -x``; ``/etc/apt`` is never written.
The package signatures are checked by apt against the machine's Debian archive keyring.

Run from a setup script (idempotent)::

    python -m capdo.scap.content fetch        # cache: $CAPDO_SCAP_CACHE or /var/cache/capdo/scap
    python -m capdo.scap.content show
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from capdo.aptmirror import default_suite, find_mirror
from capdo.scap.errors import ScapError

ENV_CACHE = "CAPDO_SCAP_CACHE"
ENV_MIRROR = "CAPDO_SCAP_MIRROR"
# The lab's mirror override, honoured too (the lab and the fetcher share one mirror).
ENV_LAB_MIRROR = "CAPDO_LAB_MIRROR"
DEFAULT_CACHE = Path("/var/cache/capdo/scap")
SUITE = "trixie"
PACKAGES: tuple[str, ...] = ("ssg-debian", "ssg-base")
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
CONTENT_SUBDIR = Path("usr/share/xml/scap/ssg/content")
_COMPLETE = ".capdo-complete"


def cache_dir() -> Path:
    return Path(os.environ.get(ENV_CACHE) or DEFAULT_CACHE)


def content_dir(cache: Path | None = None) -> Path:
    """Where the unpacked data streams live (``ssg-<product>-ds.xml``)."""
    return (cache or cache_dir()) / "ssg" / CONTENT_SUBDIR


def installed_version(cache: Path | None = None) -> str | None:
    """The fetched ssg-debian version, or None when nothing complete is in the cache."""
    marker = (cache or cache_dir()) / _COMPLETE
    try:
        return marker.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def machine_mirror() -> str:
    """The http Debian mirror in the machine's apt sources (or $CAPDO_SCAP_MIRROR)."""
    override = os.environ.get(ENV_MIRROR)
    if override:
        return override.rstrip("/")
    mirror = find_mirror(default_suite(), override=os.environ.get(ENV_LAB_MIRROR))
    if mirror is None:
        raise ScapError("scap.error.no-mirror")
    return mirror.uri


@dataclass
class FetchReport:
    """What :func:`fetch` did: the commands it ran with their duration, and the result."""

    content: Path
    version: str
    cached: bool
    commands: list[tuple[str, float]] = field(default_factory=list)


def _apt_options(state: Path) -> list[str]:
    return [
        "-o",
        "Dir::Etc::SourceList=/dev/null",
        "-o",
        f"Dir::Etc::SourceParts={state / 'sources'}",
        "-o",
        f"Dir::State::Lists={state / 'lists'}",
        "-o",
        f"Dir::Cache={state / 'cache'}",
        "-o",
        "Dir::State::Status=/dev/null",
        "-o",
        "APT::Architectures::=amd64",
        "-o",
        "Acquire::Languages=none",
        "-q",
    ]


def _run(argv: Sequence[str | Path], report: FetchReport, cwd: Path | None = None) -> str:
    args = [str(a) for a in argv]
    started = time.monotonic()
    try:
        done = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=cwd,
        )
    except FileNotFoundError as exc:
        raise ScapError("scap.error.tool-missing", tool=args[0]) from exc
    except subprocess.TimeoutExpired as exc:
        raise ScapError("scap.error.timeout", command=" ".join(args), seconds=600) from exc
    report.commands.append((" ".join(args), time.monotonic() - started))
    if done.returncode != 0:
        raise ScapError(
            "scap.error.command-failed",
            command=" ".join(args),
            rc=done.returncode,
            stderr=done.stderr.strip()[-2000:],
        )
    return done.stdout


def sources_stanza(mirror: str, suite: str = SUITE) -> str:
    return f"Types: deb\nURIs: {mirror}\nSuites: {suite}\nComponents: main\nSigned-By: {KEYRING}\n"


def fetch(
    cache: Path | None = None, *, mirror: str | None = None, force: bool = False
) -> FetchReport:
    """Download and unpack ssg-debian + ssg-base from trixie; a complete cache is kept."""
    cache = cache or cache_dir()
    version = installed_version(cache)
    if version and not force and content_dir(cache).is_dir():
        return FetchReport(content_dir(cache), version, cached=True)
    uri = mirror or machine_mirror()
    state = cache / "apt"
    debs = cache / "debs"
    unpacked = cache / "ssg"
    for path in (state, debs, unpacked, cache / _COMPLETE):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for sub in ("sources", "lists/partial", "cache/archives/partial"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    debs.mkdir(parents=True)
    (state / "sources" / f"{SUITE}.sources").write_text(sources_stanza(uri), encoding="utf-8")
    report = FetchReport(content_dir(cache), "", cached=False)
    options = _apt_options(state)
    _run(["apt-get", *options, "update"], report)
    _run(["apt-get", *options, "download", *PACKAGES], report, cwd=debs)
    version = ""
    for deb in sorted(debs.glob("*.deb")):
        _run(["dpkg", "-x", deb, unpacked], report)
        if deb.name.startswith("ssg-debian_"):
            version = deb.name.split("_")[1]
    if not content_dir(cache).is_dir():
        raise ScapError("scap.error.no-content-dir", path=str(content_dir(cache)))
    report.version = version or "unknown"
    (cache / _COMPLETE).write_text(report.version + "\n", encoding="utf-8")
    return report


# -- picking a data stream -------------------------------------------------------------------


def parse_os_release(text: str) -> dict[str, str]:
    """``/etc/os-release`` as a dict (quotes removed)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if "=" not in line or line.lstrip().startswith("#"):
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def product_candidates(os_id: str, version_id: str) -> list[str]:
    """SSG product names to try for an OS, most specific first (debian12, ubuntu2204, rhel9)."""
    os_id = os_id.lower()
    major = version_id.split(".", maxsplit=1)[0]
    names = [f"{os_id}{version_id.replace('.', '')}", f"{os_id}{major}"]
    if os_id in ("rhel", "centos", "almalinux", "rocky"):
        names.append(f"rhel{major}")
    return list(dict.fromkeys(n for n in names if n != os_id))


def datastream_for(os_release: dict[str, str], directory: Path | None = None) -> Path:
    """The data stream matching the target's OS; a clear error when none matches."""
    directory = directory or content_dir()
    os_id = os_release.get("ID", "")
    version_id = os_release.get("VERSION_ID", "")
    if not directory.is_dir():
        raise ScapError("scap.error.no-content", path=str(directory))
    for product in product_candidates(os_id, version_id):
        path = directory / f"ssg-{product}-ds.xml"
        if path.is_file():
            return path
    available = sorted(p.name for p in directory.glob("ssg-*-ds.xml"))
    raise ScapError(
        "scap.error.no-matching-content",
        os=f"{os_id} {version_id}".strip() or "?",
        available=", ".join(available) or "-",
    )


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m capdo.scap.content")
    parser.add_argument("action", choices=("fetch", "show"))
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--mirror", default=None)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    cache = args.cache or cache_dir()
    try:
        if args.action == "show":
            version = installed_version(cache)
            if version is None:
                print(f"no SSG content in {cache}", file=sys.stderr)
                return 1
            print(f"ssg-debian {version}: {content_dir(cache)}")
            for path in sorted(content_dir(cache).glob("ssg-*-ds.xml")):
                print(f"  {path.name}")
            return 0
        report = fetch(cache, mirror=args.mirror, force=args.force)
    except ScapError as exc:
        print(exc.message("en"), file=sys.stderr)
        return 2
    state = "already in the cache" if report.cached else "fetched"
    print(f"ssg-debian {report.version} {state}: {report.content}")
    for command, seconds in report.commands:
        print(f"  {seconds:6.2f} s  {command}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
