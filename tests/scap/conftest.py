"""Fixtures for the OpenSCAP wrapper tests: SSG content, a lab of two servers, an overlay.

The lab here is the session lab of :mod:`capdo_lab` brought up with its own lab id and two
hosts named after servers of ``inventories/lab`` (lab-web01, level 3 → ANSSI intermediary;
lab-mcu01, level 2 → ANSSI minimal). It does not reuse the ``capdo_lab`` fixture object:
that fixture derives its lab id from the process id, so a second session lab with other
host names in the same pytest run would collide with the lab tests' one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from scap_testlib import SCAP_LAB_HOSTS

from capdo.scap import content
from capdo.scap.errors import ScapError
from capdo_lab import Lab
from capdo_lab.alloc import start_lab
from capdo_lab.errors import LabError
from capdo_lab.proc import become_subreaper
from capdo_lab.pytest_fixture import require_lab


@pytest.fixture(scope="session")
def ssg_content() -> Path:
    """The SSG content directory; fetched once if absent (needs root and the mirror)."""
    directory = content.content_dir()
    if content.installed_version() and directory.is_dir():
        return directory
    if os.geteuid() != 0:
        pytest.fail(
            "no SSG content and fetching it needs root: python -m capdo.scap.content fetch",
            pytrace=False,
        )
    try:
        return content.fetch().content
    except ScapError as exc:
        pytest.fail(f"SSG content unavailable: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def debian12_ds(ssg_content: Path) -> Path:
    return content.datastream_for({"ID": "debian", "VERSION_ID": "12"}, ssg_content)


@pytest.fixture(scope="session")
def oscap_tools() -> None:
    missing = [t for t in ("oscap", "oscap-ssh", "oscap-chroot") if shutil.which(t) is None]
    if missing:
        pytest.fail(
            "needs " + ", ".join(missing) + " (apt-get install openscap-scanner openscap-utils)",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def scap_lab(tmp_path_factory: pytest.TempPathFactory, oscap_tools: None) -> Iterator[Lab]:
    """Two real lab hosts, fresh (openscap-scanner is installed by the scans themselves)."""
    require_lab()
    become_subreaper()
    workdir = tmp_path_factory.mktemp("scap-lab") / "lab"
    try:
        lab = start_lab(f"o{os.getpid()}"[:8], workdir, [(h, False) for h in SCAP_LAB_HOSTS])
    except LabError as exc:
        pytest.fail(exc.message("en"), pytrace=False)
    try:
        yield lab
    finally:
        lab.down()
