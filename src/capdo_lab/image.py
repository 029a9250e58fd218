"""Golden root filesystems: debootstrap once, cache as ``.tar.zst``, extract once per cache.

The cache key is the suite plus the package list (and a recipe version), so a changed
package list builds a new image. An extracted image is never modified afterwards: running
hosts use it as the read-only lower layer of their overlay.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from capdo.aptmirror import APT_DIR, AptMirror, default_suite, find_mirror
from capdo_lab.errors import LabError
from capdo_lab.proc import run

RECIPE_VERSION = 1
ENV_CACHE = "CAPDO_LAB_CACHE"
ENV_APT_CACHE = "CAPDO_LAB_APT_CACHE"
ENV_MIRROR = "CAPDO_LAB_MIRROR"
DEFAULT_CACHE = Path("/var/cache/capdo/lab")
BASE_PACKAGES: tuple[str, ...] = (
    "openssh-server",
    "python3",
    "python3-apt",
    "sudo",
    "iproute2",
    "procps",
    "linux-base",
)
SYSTEMD_PACKAGES: tuple[str, ...] = ("systemd", "systemd-sysv", "dbus", "libpam-systemd")
NSPAWN_PACKAGES: tuple[str, ...] = ("systemd-container", "libsystemd-shared")
_COMPLETE = ".capdo-complete"


def cache_dir() -> Path:
    return Path(os.environ.get(ENV_CACHE) or DEFAULT_CACHE)


def apt_cache_dir(cache: Path) -> Path:
    """Where the apt relay keeps the packages it fetched (shared by every lab of the machine;
    $CAPDO_LAB_APT_CACHE moves it, e.g. to measure with a cold cache)."""
    return Path(os.environ.get(ENV_APT_CACHE) or cache / "apt-archives")


def detect_mirror(suite: str, apt_dir: Path = APT_DIR) -> AptMirror:
    """The first http mirror in the machine's apt sources that serves ``suite``."""
    mirror = find_mirror(suite, apt_dir, os.environ.get(ENV_MIRROR))
    if mirror is None:
        raise LabError("lab.error.no-mirror", suite=suite)
    return mirror


@dataclass(frozen=True)
class GoldenImage:
    """A golden rootfs recipe: suite + packages (minbase variant)."""

    suite: str
    packages: tuple[str, ...]

    @classmethod
    def base(cls, suite: str | None = None, *, systemd: bool = False) -> GoldenImage:
        extra = SYSTEMD_PACKAGES if systemd else ()
        return cls(suite or default_suite(), tuple(sorted({*BASE_PACKAGES, *extra})))

    @property
    def key(self) -> str:
        recipe = {"v": RECIPE_VERSION, "suite": self.suite, "packages": sorted(self.packages)}
        digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()
        return f"{self.suite}-{digest[:12]}"

    def tarball(self, cache: Path) -> Path:
        return cache / f"golden-{self.key}.tar.zst"

    def rootfs(self, cache: Path) -> Path:
        return cache / "rootfs" / self.key


@contextlib.contextmanager
def cache_lock(cache: Path, name: str = "build") -> Iterator[None]:
    """An exclusive lock shared by every process using ``cache`` (parallel test workers)."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / f".{name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _finish_rootfs(root: Path) -> None:
    run(["chroot", root, "apt-get", "clean"])
    for key in (root / "etc" / "ssh").glob("ssh_host_*"):
        key.unlink()
    mtab = root / "etc" / "mtab"
    if mtab.is_symlink() or mtab.exists():
        mtab.unlink()
    mtab.symlink_to("../proc/self/mounts")
    for name in ("hostname", "resolv.conf"):
        path = root / "etc" / name
        if path.is_symlink() or path.exists():
            path.unlink()
        path.write_text("")


def _debootstrap(image: GoldenImage, mirror: AptMirror, target: Path, debs: Path) -> None:
    if shutil.which("debootstrap") is None:
        raise LabError("lab.error.tool-missing", tool="debootstrap")
    debs.mkdir(parents=True, exist_ok=True)
    run(
        [
            "debootstrap",
            "--variant=minbase",
            f"--include={','.join(image.packages)}",
            f"--cache-dir={debs.resolve()}",
            image.suite,
            target,
            mirror.uri,
        ],
        timeout=1800,
    )
    _finish_rootfs(target)


def _extract(tarball: Path, target: Path) -> None:
    target.mkdir(parents=True)
    run(["tar", "--zstd", "--numeric-owner", "--xattrs", "-xpf", tarball, "-C", target])


def ensure_rootfs(image: GoldenImage, mirror: AptMirror, cache: Path | None = None) -> Path:
    """Return the extracted golden rootfs, building and caching it first if needed."""
    cache = cache or cache_dir()
    root = image.rootfs(cache)
    if (root / _COMPLETE).exists():
        return root
    with cache_lock(cache):
        if (root / _COMPLETE).exists():
            return root
        tarball = image.tarball(cache)
        tmp = root.with_name(root.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        if tarball.exists():
            _extract(tarball, tmp)
        else:
            _debootstrap(image, mirror, tmp, cache / "debs")
            partial = tarball.with_name(tarball.name + ".tmp")
            run(["tar", "--zstd", "--numeric-owner", "--xattrs", "-cf", partial, "-C", tmp, "."])
            partial.replace(tarball)
        (tmp / _COMPLETE).write_text(image.key + "\n")
        if root.exists():
            shutil.rmtree(root)
        tmp.replace(root)
    return root


@dataclass(frozen=True)
class NspawnTool:
    """``systemd-nspawn`` unpacked from Debian packages (nothing installed system-wide)."""

    binary: Path
    libdir: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET",)}
        env["LD_LIBRARY_PATH"] = str(self.libdir)
        return env


def _nspawn_tool(root: Path) -> NspawnTool | None:
    binary = root / "usr" / "bin" / "systemd-nspawn"
    libs = sorted((root / "usr" / "lib").glob("*/systemd/libsystemd-shared-*.so"))
    if not binary.exists() or not libs:
        return None
    return NspawnTool(binary, libs[0].parent)


def ensure_nspawn(cache: Path | None = None) -> NspawnTool:
    """The cached ``systemd-nspawn`` (``apt-get download`` + ``dpkg -x`` on first use)."""
    cache = cache or cache_dir()
    base = cache / "nspawn"
    with cache_lock(cache):
        tool = _nspawn_tool(base / "root") if (base / _COMPLETE).exists() else None
        if tool is not None:
            return tool
        if base.exists():
            shutil.rmtree(base)
        debs = base / "debs"
        debs.mkdir(parents=True)
        run(["apt-get", "download", *NSPAWN_PACKAGES], cwd=debs, timeout=300)
        for deb in sorted(debs.glob("*.deb")):
            run(["dpkg", "-x", deb, base / "root"])
        tool = _nspawn_tool(base / "root")
        if tool is None:
            raise LabError("lab.error.nspawn-missing", path=str(base / "root"))
        (base / _COMPLETE).write_text("ok\n")
    return tool
