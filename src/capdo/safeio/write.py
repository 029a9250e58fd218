"""Writing outputs safely: no symlink followed inside an output tree, atomic replacement.

The directory the user names (``root``) is created when missing and never has its mode
changed. Every directory capdo creates below it is opened with ``O_NOFOLLOW`` one component
at a time, so a symlink planted in the tree is refused, not followed. A file is written to a
temporary file in its final directory, flushed to disk and renamed over the old name: a crash
leaves the old file or the new one, never half of one, and a symlink planted at the final name
is replaced, its target left untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, overload

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


class UnsafeOutputError(OSError):
    """A path component inside the output tree is a symlink or not a directory."""


def _open_dirs(base: Path, parts: tuple[str, ...], dir_mode: int, shown: Path) -> int:
    """Descriptor of ``base/parts...``, each part created as needed and never followed."""
    base.mkdir(parents=True, exist_ok=True)  # the user's own directory: never chmod-ed
    fd = os.open(base, _DIR_FLAGS)
    try:
        for part in parts:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_mode, dir_fd=fd)
            try:
                child = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                raise UnsafeOutputError(
                    exc.errno, "not a directory (symlink?)", str(shown)
                ) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_tree(path: Path, root: Path | None, dir_mode: int) -> tuple[int, str]:
    """(descriptor of the final directory, file name) below ``root``."""
    if root is None:
        return _open_dirs(path.parent, (), dir_mode, path), path.name
    parts = path.relative_to(root).parts
    if not parts or any(part in {".", ".."} for part in parts):
        raise UnsafeOutputError(errno.EINVAL, "path leaves the output tree", str(path))
    return _open_dirs(root, parts[:-1], dir_mode, path), parts[-1]


@overload
def atomic_open(
    path: Path,
    *,
    root: Path | None = ...,
    mode: int = ...,
    binary: Literal[False] = ...,
    dir_mode: int = ...,
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_open(
    path: Path,
    *,
    root: Path | None = ...,
    mode: int = ...,
    binary: Literal[True],
    dir_mode: int = ...,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic_open(
    path: Path,
    *,
    root: Path | None = None,
    mode: int = 0o644,
    binary: bool = False,
    dir_mode: int = 0o755,
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """A file to write ``path`` through; it replaces ``path`` only when the block succeeds."""
    return _atomic(path, root, mode, binary, dir_mode)  # type: ignore[return-value]


@contextlib.contextmanager
def _atomic(
    path: Path, root: Path | None, mode: int, binary: bool, dir_mode: int
) -> Iterator[IO[str] | IO[bytes]]:
    dir_fd, name = _open_tree(path, root, dir_mode)
    temporary = f".{name}.{secrets.token_hex(6)}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, mode, dir_fd=dir_fd)
        os.fchmod(fd, mode)  # our own new file: the umask must not widen nor narrow it
        try:
            handle: IO[str] | IO[bytes] = (
                os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")
            )
        except BaseException:
            os.close(fd)
            raise
        try:
            with handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=dir_fd)
            raise
    finally:
        os.close(dir_fd)


def write_atomic(
    path: Path,
    data: str | bytes,
    *,
    root: Path | None = None,
    mode: int = 0o644,
    dir_mode: int = 0o755,
) -> Path:
    """Write ``data`` to ``path`` atomically (see the module text); returns ``path``."""
    if isinstance(data, bytes):
        with atomic_open(path, root=root, mode=mode, binary=True, dir_mode=dir_mode) as out:
            out.write(data)
    else:
        with atomic_open(path, root=root, mode=mode, dir_mode=dir_mode) as text_out:
            text_out.write(data)
    return path


def ensure_dir(path: Path, *, root: Path | None = None, dir_mode: int = 0o755) -> Path:
    """``path`` as a directory below ``root`` (the user's), no symlink followed on the way."""
    if root is None:
        path.mkdir(parents=True, exist_ok=True)
    else:
        os.close(_open_dirs(root, path.relative_to(root).parts, dir_mode, path))
    return path
