"""Shared fixtures and the suite's hermetic rules.

Hermetic: the suite gives the same result whether or not a user's lab is up. No test reads the
connections overlay a user's ``capdo lab up`` left in the repository (``.cache/lab``): every
test process starts with $CAPDO_CONNECTIONS pointing at an overlay that does not exist, and a
test that brings up its own lab points it (or its estate copy) at that lab. Labs made by tests
use /24s of 198.18.0.0/15 that no interface of the machine holds.

No silent holes: a skipped test fails the run unless its node id is on the allow list
``tests/skip-allowlist.txt`` (empty by default; each entry needs a reason).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from ipaddress import IPv4Network
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAB_ESTATE = REPO / "inventories" / "lab"
PHUTHO_ESTATE = REPO / "inventories" / "phutho"
SKIP_ALLOWLIST = Path(__file__).resolve().parent / "skip-allowlist.txt"
ENV_ALLOWLIST = "CAPDO_SKIP_ALLOWLIST"  # another allow list file (the hook's own tests use it)
ENV_OVERLAY = "CAPDO_CONNECTIONS"
# The /24s that the lab estate itself uses (its sites' zones and links): a relocated copy must
# not move onto one of them.
_LAB_ESTATE_PREFIXES = frozenset({"198.18.0", "198.18.1", "198.18.2", "198.18.255"})
NO_OVERLAY = Path(tempfile.gettempdir()) / f"capdo-tests-{os.getpid()}-no-overlay.yml"


def pytest_configure(config: pytest.Config) -> None:
    os.environ[ENV_OVERLAY] = str(NO_OVERLAY)
    # A user's sourced lab.env must not leak into the tests either.
    for name in [n for n in os.environ if n.startswith("CAPDO_LAB_") and n != "CAPDO_LAB_HOSTS"]:
        del os.environ[name]


LAB_FIXTURES = frozenset(
    {"capdo_lab", "root_lab_host", "root_user", "scap_lab", "server_lab", "estate_lab"}
)
"""Fixtures that need root or real lab hosts: a test that uses one must be marked ``lab``."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """One marker, applied consistently: ``-m "not lab"`` must never pick a test that needs
    root or a lab (it would fail there instead of running in the lab tier)."""
    unmarked = [
        item.nodeid
        for item in items
        if LAB_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("lab") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests that use a lab fixture must be marked lab: " + ", ".join(unmarked)
        )


_SKIPPED = pytest.StashKey[list[tuple[str, str]]]()
_skips: list[tuple[str, str]] = []


def _allowed_skips() -> set[str]:
    path = Path(os.environ.get(ENV_ALLOWLIST) or SKIP_ALLOWLIST)
    if not path.is_file():
        return set()
    allowed = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        node, _, reason = line.partition("#")
        if node.strip():
            if not reason.strip():
                raise pytest.UsageError(f"{path.name}: {node.strip()} has no reason")
            allowed.add(node.strip())
    return allowed


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        _skips.append((report.nodeid, reason))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    allowed = _allowed_skips()
    holes = [(node, why) for node, why in _skips if node not in allowed]
    if holes and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    session.config.stash[_SKIPPED] = holes


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    holes = terminalreporter.config.stash.get(_SKIPPED, [])
    if holes:
        terminalreporter.section("skipped tests are failures (tests/skip-allowlist.txt)")
        for node, why in holes:
            terminalreporter.write_line(f"SKIPPED {node}: {why}")


@pytest.fixture
def root_user() -> None:
    """Fail (never skip) a test that needs root when it runs as another user: such tests are
    marked ``lab`` (the tier ``-m "not lab"`` leaves out)."""
    if os.geteuid() != 0:
        pytest.fail("needs root (chroot, namespaces, mounts)", pytrace=False)


def lab_copy_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess that must read its estate copy's own overlay."""
    env = {k: v for k, v in os.environ.items() if k != ENV_OVERLAY}
    env.update(extra)
    return env


@pytest.fixture
def lab_copy(tmp_path: Path) -> Path:
    """A writable copy of the lab estate, for breaking on purpose."""
    target = tmp_path / "estate"
    shutil.copytree(LAB_ESTATE, target)
    return target


def free_lab_estate_network(skip: int = 0) -> str:
    """A free 198.18.x /24 (as "198.18.x") for a relocated lab estate: held by no interface of
    the machine (so never a user's demo lab) and not one the lab estate itself uses."""
    from capdo_lab.alloc import free_network

    for attempt in range(64):
        net: IPv4Network = free_network(24, skip=skip + attempt)
        prefix = str(net.network_address).rsplit(".", 1)[0]
        if prefix not in _LAB_ESTATE_PREFIXES:
            return prefix
    raise RuntimeError("no free 198.18.x.0/24 for a test lab")


def relocated_lab_estate(target: Path, network: str) -> Path:
    """A copy of the lab estate whose 198.18.0.0/24 addresses move to ``network`` (e.g.
    "198.18.57"), so that a test's lab never collides with another lab on this machine; the
    connections overlay goes next to the copy."""
    shutil.copytree(LAB_ESTATE, target)
    for path in target.rglob("*.yml"):
        text = path.read_text(encoding="utf-8").replace("198.18.0.", f"{network}.")
        text = text.replace("../../.cache/lab/connections.yml", "../lab-run/connections.yml")
        path.write_text(text, encoding="utf-8")
    return target
