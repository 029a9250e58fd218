"""The config audit engine behind ``checks/network``: pytest runs the checks, this turns them
into result records.

A check is a test function in ``checks/network/test_*.py`` written against the check contract
(:mod:`capdo.checks.contract`): it takes the ``device`` fixture (an :class:`AuditTarget`),
carries ``@requirement("NET.10", ...)``, reads thresholds with ``param(device.params, name)``
and calls ``require(ok, expected=..., actual=..., detail=...)``. It runs for each device whose
level requires one of its ids (otherwise the record is ``not_applicable``); how it ended becomes
the record's status through :func:`capdo.checks.contract.outcome` (``require`` failing: ``fail``
with the offending or missing lines as evidence; anything unexpected: ``error``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from capdo.checks import contract
from capdo.compliance import Evidence, ResultRecord, Status
from capdo.errors import CapdoError
from capdo.inventory import NetworkDevice
from capdo.network.configtext import ConfigReadError, decode
from capdo.network.defaults import DEFAULTS
from capdo.network.defaults import negation as default_negation
from capdo.network.estate import NetworkEstate
from capdo.network.firmware import shown_version
from capdo.network.model import device_view
from capdo.network.platforms import PlatformInfo, platform_info
from capdo.safeio import ReadError, ReadProblem, read_bytes

CHECKER = "capdo.network.audit"


def _set_values(children: Iterable[Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for child in children:
        words = child.text.split(maxsplit=2)
        if len(words) == 3 and words[0] == "set":
            values[words[1]] = words[2].replace('"', "")
    return values


def after(line: str, keyword: str) -> str | None:
    """The word after ``keyword`` in a config line (options read by keyword, not position)."""
    words = line.split()
    if keyword in words and words.index(keyword) + 1 < len(words):
        return words[words.index(keyword) + 1]
    return None


@dataclass
class AuditTarget:
    """One device's configuration as the checks see it."""

    device: NetworkDevice
    info: PlatformInfo
    text: str
    view: dict[str, Any]
    estate: NetworkEstate
    _config: Any = field(default=None, repr=False)
    merged: int = 0
    """Repeated lines the device's config held, read as one."""
    firmware: str | None = None
    """The firmware version the config shows (None: it shows none)."""

    def __repr__(self) -> str:  # pytest shows it in failure reports: never the whole estate
        return f"AuditTarget({self.device.name})"

    @property
    def name(self) -> str:
        return self.device.name

    @property
    def platform(self) -> str:
        return self.device.platform

    @property
    def level(self) -> int:
        return int(self.view["level"])

    @property
    def requirements(self) -> list[str]:
        return list(self.view["requirements"])

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.view["params"])

    @property
    def config(self) -> Any:
        if self._config is None:
            read = self.info.read(self.text)
            self._config = with_defaults(read.tree, self.platform)
        return self._config

    def has(self, pattern: str) -> bool:
        return bool(self.lines(pattern))

    def lines(self, pattern: str) -> list[str]:
        """Top-level lines matching ``pattern`` (a regex searched in each line)."""
        return [c.text for c in self.config.children if re.search(pattern, c.text)]

    def sections(self, pattern: str) -> dict[str, list[str]]:
        """Top-level sections matching ``pattern`` → their child lines."""
        return {
            c.text: [k.text for k in c.children]
            for c in self.config.children
            if re.search(pattern, c.text)
        }

    def pick(self, **by_platform: str) -> str:
        """The pattern for this platform: ``pick(cisco_ios=..., huawei_vrp=...)`` (a USG
        firewall speaks VRP)."""
        if self.platform not in by_platform and self.platform == "huawei_usg":
            return by_platform["huawei_vrp"]
        return by_platform[self.platform]

    def settings(self, section: str) -> dict[str, str]:
        """FortiOS ``config <section>`` → ``{key: value}`` of its ``set`` lines."""
        node = next((c for c in self.config.children if c.text == f"config {section}"), None)
        return _set_values(node.children if node is not None else ())

    def entries(self, section: str) -> dict[str, dict[str, str]]:
        """FortiOS ``config <section>`` → ``{edit name: {key: value}}``."""
        node = next((c for c in self.config.children if c.text == f"config {section}"), None)
        return {
            e.text.split(maxsplit=1)[1].strip('"'): _set_values(e.children)
            for e in (node.children if node is not None else ())
            if e.text.startswith("edit ")
        }


def with_defaults(tree: Any, platform: str) -> Any:
    """The effective config: default lines the device hides read as present (see
    :mod:`capdo.network.defaults`), unless the device shows another value or the negation."""
    negation = default_negation(platform)
    for item in DEFAULTS.get(platform, ()):
        parents = (
            [tree]
            if item.section is None
            else [c for c in tree.children if re.search(item.section, c.text)]
        )
        for parent in parents:
            shown = [
                c.text
                for c in parent.children
                if c.text.startswith(item.key) or c.text.startswith(negation + item.key)
            ]
            if not shown:
                parent.add_child(item.line)
    return tree


def load_targets(
    estate: NetworkEstate, devices: Iterable[NetworkDevice], texts: dict[str, str]
) -> tuple[list[AuditTarget], dict[str, tuple[str, str]]]:
    """Targets for devices with a readable config; name → (reason, detail) for the others.

    Each config is read as the device prints it and its secrets are masked after parsing,
    so that what a check quotes as evidence never carries a secret."""
    targets: list[AuditTarget] = []
    missing: dict[str, tuple[str, str]] = {}
    for device in devices:
        info = platform_info(estate.templates_dir, device.platform)
        if info is None:
            missing[device.name] = ("network.error.no-platform", device.platform)
            continue
        if device.name not in texts:
            missing[device.name] = ("network.error.no-backup", device.name)
            continue
        try:
            read = info.read(texts[device.name], info.masker())
        except ConfigReadError as exc:
            missing[device.name] = ("network.error.unreadable", f"{device.name}.cfg:{exc}")
            continue
        view = device_view(estate.context, device).as_dict()
        target = AuditTarget(
            device,
            info,
            read.text,
            view,
            estate,
            _config=with_defaults(read.tree, device.platform),
            merged=read.merged,
            firmware=shown_version(device.platform, texts[device.name]),
        )
        targets.append(target)
    return targets, missing


def read_backup_dir(
    folder: Path, problems: list[ReadProblem] | None = None
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Backups by device name, and the devices whose file cannot be read with a located error.

    Each file goes through the safe reader (a regular file in ``folder``, size cap; a refused
    file's located problem is also added to ``problems``), then is read as the device prints
    it (:func:`capdo.network.configtext.decode`)."""
    texts: dict[str, str] = {}
    errors: dict[str, tuple[str, str]] = {}
    for path in sorted(folder.glob("*.cfg")):
        try:
            texts[path.stem] = decode(read_bytes(path, root=folder))
        except ReadError as error:
            if problems is not None:
                problems.append(error.problem)
            errors[path.stem] = ("network.error.unreadable", f"{path}: {error.problem.key}")
        except ConfigReadError as exc:
            errors[path.stem] = ("network.error.unreadable", f"{path}:{exc}")
    return texts, errors


class AuditPlugin:
    """pytest plugin: parametrizes ``device``, gates by level, collects result records."""

    def __init__(self, targets: list[AuditTarget], run_id: str | None = None) -> None:
        self.targets = targets
        self.run_id = run_id or f"network-{uuid.uuid4().hex[:12]}"
        self.records: list[ResultRecord] = []

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "requirement(*ids): requirement ids a check verifies")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """A failed check's evidence is in its record: skip pytest's traceback rendering,
        which reads and parses the check's source for every failure (seconds per estate)."""
        for item in items:
            item.repr_failure = _short_failure  # type: ignore[method-assign]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "device" in metafunc.fixturenames:
            metafunc.parametrize("device", self.targets, ids=[t.name for t in self.targets])

    @staticmethod
    def _ids(item: pytest.Item) -> list[str]:
        return [str(i) for m in item.iter_markers("requirement") for i in m.args]

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        target = _target_of(item)
        if target is None:
            return
        if not any(r in target.requirements for r in self._ids(item)):
            pytest.skip(f"not required at level {target.level}")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        """Keep the evidence of the last ``require`` that held: a pass shows what was seen."""
        with contract.recording() as found:
            yield
        if found:
            item.stash[_PASSED] = found[-1]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        report = outcome.get_result()
        target = _target_of(item)
        if target is None:
            return
        status: Status | None = None
        evidence = Evidence(detail=item.name.split("[")[0])
        if report.when == "setup" and report.skipped:
            status, evidence = "not_applicable", Evidence(detail=f"level {target.level}")
        elif report.when == "call":
            if report.skipped:
                status, evidence = "not_applicable", Evidence(detail=str(report.longrepr)[-200:])
            elif report.passed:
                status = "pass"
                seen = item.stash.get(_PASSED, None)
                if seen is not None:
                    evidence = seen.model_copy(update={"detail": evidence.detail})
            else:
                ended = call.excinfo.value if call.excinfo else RuntimeError("error")
                status, evidence = contract.outcome(ended)
                if status == "error" and not isinstance(ended, contract.CheckEnded):
                    # an unexpected exception's text may quote the config
                    evidence = Evidence(detail=target.info.masked(evidence.detail or "")[:500])
        elif report.when == "setup" and report.failed:
            status, evidence = "error", Evidence(detail="setup failed")
        if status is None:
            return
        now = dt.datetime.now(dt.UTC)
        for requirement in self._ids(item):
            if status != "not_applicable" and requirement not in target.requirements:
                continue
            self.records.append(
                ResultRecord(
                    requirement_id=requirement,
                    target=target.name,
                    target_kind="network",
                    status=status,
                    evidence=evidence,
                    checker=f"{CHECKER}:{item.name.split('[')[0]}",
                    time=now,
                    run_id=self.run_id,
                )
            )


_PASSED = pytest.StashKey[Evidence]()


def _short_failure(excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
    return f"{type(excinfo.value).__name__}: {excinfo.value}"


def _target_of(item: pytest.Item) -> AuditTarget | None:
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get("device") if callspec is not None else None
    return value if isinstance(value, AuditTarget) else None


def error_records(missing: dict[str, tuple[str, str]], run_id: str) -> list[ResultRecord]:
    """One ``error`` record per device that could not be read (GOV.12: no current config)."""
    now = dt.datetime.now(dt.UTC)
    return [
        ResultRecord(
            requirement_id="GOV.12",
            target=name,
            target_kind="network",
            status="error",
            evidence=Evidence(detail=f"{key}: {detail}"),
            checker=CHECKER,
            time=now,
            run_id=run_id,
        )
        for name, (key, detail) in sorted(missing.items())
    ]


def run_audit(
    targets: list[AuditTarget], checks_dir: Path, run_id: str | None = None, quiet: bool = True
) -> tuple[int, list[ResultRecord]]:
    """Run the checks; returns pytest's exit code and the records."""
    plugin = AuditPlugin(targets, run_id)
    args = [
        str(checks_dir),
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "--rootdir",
        str(checks_dir),
    ]
    if quiet:
        args += ["-p", "no:terminal", "-p", "no:logging"]
    code = pytest.main(args, plugins=[plugin])
    if int(code) in (2, 3, 4):  # interrupted, internal or usage error: no verdicts at all
        raise CapdoError("network.error.audit-failed", detail=f"pytest exit code {int(code)}")
    return int(code), plugin.records


def find_checks_dir(estate: NetworkEstate) -> Path:
    return estate.context.catalogue_dir.parent / "network"
