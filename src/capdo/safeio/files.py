"""Reading one file's bytes safely: regular files only, inside a root, bounded in size.

A FIFO, a device, a socket or a directory is refused from its ``stat`` before any read, and
the file is opened with ``O_NONBLOCK`` so that a FIFO swapped in meanwhile cannot hang the
read; ``fstat`` of the open descriptor is checked again. The read itself never takes more than
the cap plus one byte. A symlink (anywhere on the path) must resolve inside ``root``; its
target is never named nor read otherwise.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from capdo.safeio.limits import Limits, current_limits
from capdo.safeio.problems import ReadError, ReadProblem

_CHUNK = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, all symlinks resolved, lies in ``root`` (also resolved)."""
    real = os.path.realpath(path)
    real_root = os.path.realpath(root)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def open_regular(path: Path, *, root: Path | None, limits: Limits) -> int:
    """A read-only descriptor of the regular file ``path``; raises :class:`ReadError`."""
    if root is not None and not inside(path, root):
        raise ReadError(ReadProblem("outside-root", path, params={"root": str(root)}))
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise ReadError(ReadProblem("missing", path)) from None
    except OSError as exc:
        raise ReadError(ReadProblem("unreadable", path, params={"detail": exc.strerror})) from None
    if not stat.S_ISREG(before.st_mode):
        raise ReadError(ReadProblem("not-regular", path, params={"kind": _kind(before.st_mode)}))
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ReadError(ReadProblem("unreadable", path, params={"detail": exc.strerror})) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ReadError(ReadProblem("not-regular", path, params={"kind": _kind(mode)}))
    return fd


def read_bytes(path: Path, *, root: Path | None = None, limits: Limits | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most the size cap; raises :class:`ReadError`."""
    limits = limits or current_limits()
    fd = open_regular(path, root=root, limits=limits)
    try:
        if os.fstat(fd).st_size > limits.max_bytes:
            raise ReadError(_too_large(path, limits))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limits.max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limits.max_bytes:
                raise ReadError(_too_large(path, limits))
    except OSError as exc:
        raise ReadError(ReadProblem("unreadable", path, params={"detail": exc.strerror})) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _too_large(path: Path, limits: Limits) -> ReadProblem:
    return ReadProblem("too-large", path, params={"limit": limits.max_bytes})


def decode_utf8(data: bytes, path: Path) -> str:
    """``data`` as text (a UTF-8 BOM is dropped); bad bytes are located by line and column."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(bad_utf8(data, exc.start, path)) from None


def bad_utf8(data: bytes, offset: int, path: Path, line_base: int = 1) -> ReadProblem:
    """The location (line, column in characters) of the bad byte at ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = line_base + data.count(b"\n", 0, offset)
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return ReadProblem("bad-utf8", path, line, column, params={"byte": f"0x{data[offset]:02x}"})


def read_text(path: Path, *, root: Path | None = None, limits: Limits | None = None) -> str:
    """:func:`read_bytes` decoded as UTF-8 (BOM accepted)."""
    return decode_utf8(read_bytes(path, root=root, limits=limits), path)
