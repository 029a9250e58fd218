"""Open a page in headless Chromium (Debian's ``chromium``): DOM, console messages, screenshot.

Chromium runs with the flags that keep it off every network (no background networking,
component updates, sync or QUIC) and a fresh profile; console messages are read from its
log (``--enable-logging=stderr --v=0`` prints each as ``INFO:CONSOLE``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

BINARY = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)

needs_chromium = pytest.mark.lab
"""Tests that open a page in Chromium belong to the ``lab`` tier (slow, outside
``-m "not lab"``); without the binary they fail with the reason, never skip."""


@dataclass(frozen=True)
class PageRun:
    dom: str
    console: list[str]


def _run(url: str, *extra: str) -> tuple[str, str]:
    if BINARY is None:
        pytest.fail("chromium is not installed (apt-get install chromium)", pytrace=False)
    with tempfile.TemporaryDirectory(prefix="capdo-chromium-") as profile:
        args = [BINARY, *FLAGS, f"--user-data-dir={profile}", *extra, url]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=profile)
    return done.stdout, done.stderr


def console_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line]


def open_page(path: Path) -> PageRun:
    dom, log = _run(path.resolve().as_uri(), "--dump-dom", "--virtual-time-budget=3000")
    return PageRun(dom, console_lines(log))


def screenshot(
    path: Path, png: Path, width: int = 1400, height: int = 1800, fragment: str = ""
) -> list[str]:
    """Write ``png`` (of the page at ``fragment``, e.g. '#open=x'); returns the console lines."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _, log = _run(
        path.resolve().as_uri() + fragment,
        f"--screenshot={png.resolve()}",
        f"--window-size={width},{height}",
    )
    return console_lines(log)
