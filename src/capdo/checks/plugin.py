"""pytest plugin: server checks against the estate's hosts, outcomes as result records.

Load it explicitly (it is not a global entry point)::

    pytest -p capdo.checks.plugin checks/server --capdo-inventory inventories/lab \\
        --capdo-limit lab-web01 --capdo-results out.jsonl

Each check marked ``@requirement("SRV.07", ...)`` (the contract) runs once per selected server
whose level includes one of those ids (and, with ``@pytest.mark.server_role("logserver")``,
only on servers with that role). The outcome becomes one :class:`ResultRecord` per
requirement id: passed → pass, a false condition → fail, anything else (unreachable host,
command error) → error; ``check.not_applicable``/``check.manual`` → those statuses.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from capdo.checks.api import MANUAL, NOT_APPLICABLE, Check, CheckFailed
from capdo.checks.connect import HostPool, HostUnreachable
from capdo.checks.contract import CheckEnded
from capdo.checks.targets import Selection, ServerTarget, load_servers
from capdo.compliance import Evidence, ResultRecord, Status, write_results_jsonl

CHECKER = "capdo.checks.server"
_KEY = pytest.StashKey["CapdoSession"]()


class CapdoSession:
    def __init__(
        self, targets: list[ServerTarget], ssh_dir: Path, run_id: str, own_dir: bool = False
    ) -> None:
        self.targets = targets
        self.own_dir = own_dir
        self.run_id = run_id
        self.pool = HostPool(ssh_dir)
        self.records: list[ResultRecord] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("capdo", "capdo server checks")
    group.addoption("--capdo-inventory", help="Estate directory (inventories/<estate>).")
    group.addoption("--capdo-targets", help="JSON file of targets (written by `capdo check`).")
    group.addoption("--capdo-limit", help="Hosts, globs or groups, comma separated; !x excludes.")
    group.addoption("--capdo-site", help="Only servers of this site (and its child sites).")
    group.addoption("--capdo-system", help="Only servers of this information system.")
    group.addoption("--capdo-level", type=int, help="Only servers at this security level.")
    group.addoption("--capdo-results", help="Write result records here (JSON lines).")
    group.addoption("--capdo-run-id", help="Run id stored in every record.")
    group.addoption("--capdo-ssh-dir", help="Directory for the generated ssh_config and sockets.")


def _load_targets(config: pytest.Config) -> list[ServerTarget]:
    targets_file = config.getoption("--capdo-targets")
    if targets_file:
        data = json.loads(Path(targets_file).read_text(encoding="utf-8"))
        return [ServerTarget.from_json(item) for item in data]
    inventory = config.getoption("--capdo-inventory")
    if not inventory:
        return []
    selection = Selection.parse(
        config.getoption("--capdo-limit"),
        config.getoption("--capdo-site"),
        config.getoption("--capdo-system"),
        config.getoption("--capdo-level"),
    )
    return load_servers(Path(inventory), selection)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requirement(*ids): requirement ids a server check verifies")
    config.addinivalue_line("markers", "server_role(*roles): check only servers with these roles")
    ssh_dir = config.getoption("--capdo-ssh-dir")
    own_dir = not ssh_dir
    if not ssh_dir:
        ssh_dir = tempfile.mkdtemp(prefix="capdo-ssh-")
    run_id = config.getoption("--capdo-run-id") or uuid.uuid4().hex[:12]
    config.stash[_KEY] = CapdoSession(_load_targets(config), Path(ssh_dir), run_id, own_dir)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Open every host's connection and read its common state in parallel, once."""
    capdo: CapdoSession | None = session.config.stash.get(_KEY, None)
    if capdo is not None and session.items and not session.config.option.collectonly:
        capdo.pool.warm_up(capdo.targets)


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_KEY, None)
    if session is not None:
        session.pool.close()
        if session.own_dir:
            shutil.rmtree(session.pool.ssh_dir, ignore_errors=True)


def _applies(target: ServerTarget, ids: tuple[str, ...], roles: tuple[str, ...]) -> bool:
    if roles and not set(roles) & set(target.roles):
        return False
    return bool(set(ids) & set(target.requirements))


def _marker_args(node: Any, name: str) -> tuple[str, ...]:
    marker = node.get_closest_marker(name)
    return tuple(str(a) for a in marker.args) if marker is not None else ()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "check" not in metafunc.fixturenames:
        return
    session: CapdoSession = metafunc.config.stash[_KEY]
    ids = _marker_args(metafunc.definition, "requirement")
    roles = _marker_args(metafunc.definition, "server_role")
    chosen = [t for t in session.targets if _applies(t, ids, roles)]
    metafunc.parametrize("check", chosen, ids=[t.name for t in chosen], indirect=True)


@pytest.fixture
def check(request: pytest.FixtureRequest) -> Check:
    """The server under check (parametrized by the plugin over the selected servers)."""
    session: CapdoSession = request.config.stash[_KEY]
    target: ServerTarget = request.param
    host, probe = session.pool.get(target)  # raises HostUnreachable → error record
    item = request.node
    item.stash[_CHECK] = made = Check(target, host, probe)
    return made


_CHECK = pytest.StashKey[Check]()


def _status(report: pytest.TestReport, call: pytest.CallInfo[None]) -> tuple[Status, str | None]:
    if report.passed:
        return "pass", None
    if report.skipped:
        reason = str(call.excinfo.value) if call.excinfo is not None else ""
        if NOT_APPLICABLE in reason:
            return "not_applicable", reason.split(NOT_APPLICABLE, 1)[1]
        if MANUAL in reason:
            return "not_reviewed", reason.split(MANUAL, 1)[1]
        return "not_applicable", reason
    excinfo = call.excinfo
    message = str(excinfo.value).strip().splitlines()[0][:300] if excinfo is not None else ""
    if excinfo is not None and excinfo.errisinstance(HostUnreachable):
        return "error", message
    if excinfo is not None and isinstance(excinfo.value, CheckEnded):  # contract endings
        return excinfo.value.status, excinfo.value.evidence.detail
    if report.when == "call" and excinfo is not None and excinfo.errisinstance(AssertionError):
        return "fail", None if excinfo.errisinstance(CheckFailed) else message
    kind = excinfo.typename if excinfo is not None else "error"
    return "error", f"{kind}: {message}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    callspec = getattr(item, "callspec", None)
    if callspec is None or not isinstance(callspec.params.get("check"), ServerTarget):
        return  # not a server check, or one that applies to none of the selected servers
    if report.when == "setup" and report.passed:
        return
    if report.when == "teardown" and (report.passed or _KEY_DONE in item.stash):
        return
    if report.when == "call" or not report.passed:
        item.stash[_KEY_DONE] = True
    status, detail = _status(report, call)
    session: CapdoSession = item.config.stash[_KEY]
    target: ServerTarget = callspec.params["check"]
    made = item.stash.get(_CHECK, None)
    found = made.evidence if made is not None else Evidence()
    ids = _marker_args(item, "requirement")
    now = datetime.now(UTC)
    for requirement in ids:
        if requirement not in target.requirements:
            continue
        session.records.append(
            ResultRecord(
                requirement_id=requirement,
                target=target.name,
                target_kind="server",
                status=status,
                evidence=found.model_copy(update={"detail": _detail(item, found.detail, detail)}),
                checker=CHECKER,
                time=now,
                run_id=session.run_id,
            )
        )


_KEY_DONE = pytest.StashKey[bool]()


def _check_name(item: pytest.Item) -> str:
    name = getattr(item, "originalname", None) or item.name
    return str(name).removeprefix("test_")


def _detail(item: pytest.Item, recorded: str | None, outcome: str | None) -> str:
    parts = [f"check={_check_name(item)}"]
    parts.extend(p for p in (recorded, outcome) if p and p not in parts)
    return "; ".join(parts)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    capdo: CapdoSession | None = session.config.stash.get(_KEY, None)
    path = session.config.getoption("--capdo-results")
    if capdo is None or not path:
        return
    write_results_jsonl(Path(path), capdo.records)
