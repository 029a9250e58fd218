"""Reusable pytest fixtures: one real lab for the whole test session.

Use from any ``conftest.py``::

    from capdo_lab.pytest_fixture import capdo_lab, capdo_lab_hosts  # noqa: F401

and override ``capdo_lab_hosts`` to choose host names (and which ones boot systemd).
Each session (and each xdist worker) gets its own lab id, working directory and a free /24
in 198.18.0.0/15, so parallel sessions on one machine never collide. Without root (or
without the tools) the tests that use the lab fail with the reason (never skip: a skipped
lab test is a hole); mark them ``lab`` so that ``pytest -m "not lab"`` leaves them out.

The fixture makes the test process a child subreaper, so ssh ControlPersist masters started
by tests (plain ssh, Ansible) are reaped when ``down`` closes them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from capdo_lab.alloc import start_lab
from capdo_lab.errors import LabError
from capdo_lab.image import GoldenImage, cache_dir
from capdo_lab.lab import REQUIRED_TOOLS, Lab
from capdo_lab.proc import become_subreaper

ENV_HOSTS = "CAPDO_LAB_HOSTS"


def lab_unavailable_reason() -> str | None:
    """Why real lab hosts cannot be built here, or None if they can."""
    if os.geteuid() != 0:
        return "lab hosts need root (network namespaces, overlayfs, mounts)"
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if not GoldenImage.base().tarball(cache_dir()).exists() and shutil.which("debootstrap") is None:
        missing.append("debootstrap")
    if missing:
        return "lab hosts need: " + ", ".join(missing) + " (apt-get install debootstrap socat zstd)"
    return None


def require_lab() -> None:
    """Fail the calling test or fixture with the reason when lab hosts cannot be built."""
    reason = lab_unavailable_reason()
    if reason is not None:
        pytest.fail(reason, pytrace=False)


@pytest.fixture(scope="session")
def capdo_lab_hosts() -> list[tuple[str, bool]]:
    """(name, systemd) of the session lab's hosts; override in a conftest to change."""
    count = int(os.environ.get(ENV_HOSTS, "3"))
    return [(f"h{i}", False) for i in range(1, count + 1)]


@pytest.fixture(scope="session")
def capdo_lab(
    capdo_lab_hosts: list[tuple[str, bool]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Lab]:
    """A lab brought up once per session (per xdist worker) and torn down at the end."""
    require_lab()
    become_subreaper()
    workdir = tmp_path_factory.mktemp("capdo-lab") / "lab"
    try:
        lab = start_lab(f"p{os.getpid()}"[:8], workdir, capdo_lab_hosts)
    except LabError as exc:
        pytest.fail(exc.message("en"), pytrace=False)
    try:
        yield lab
    finally:
        lab.down()
