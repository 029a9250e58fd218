"""The main job as one command: every capdo step in order, each as the same CLI a person runs.

lab up → provision → check → scan → network push → network audit → endpoints check → report.
Each step's output goes to ``<out>/logs/<step>.log``; result files go to ``<out>/results/``
and feed the report. A step that fails operationally (exit code 2 or more) is reported and the
run goes on with the others; findings (exit code 1) are data, not failures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from capdo_lab import read_lab_env

STEPS = (
    "lab",
    "provision",
    "check",
    "scan",
    "network-push",
    "network-audit",
    "endpoints",
    "report",
)


@dataclass(frozen=True)
class Step:
    name: str
    args: tuple[str, ...]
    results: Path | None = None
    """The result-record file this step writes (fed to the report)."""


@dataclass(frozen=True)
class StepOutcome:
    step: Step
    code: int
    seconds: float
    log: Path

    @property
    def ok(self) -> bool:
        return self.code in (0, 1)


def plan(
    estate: Path,
    out: Path,
    lang: str,
    skip: Sequence[str] = (),
    lab_workdir: Path | None = None,
    install_scanner: bool = False,
) -> list[Step]:
    """The steps for ``estate``, writing under ``out`` (``skip`` leaves steps out)."""
    est = str(estate)
    results = out / "results"
    workdir = ("--workdir", str(lab_workdir)) if lab_workdir is not None else ()
    steps = [
        Step("lab", ("lab", "up", "-i", est, *workdir)),
        Step("provision", ("provision", "-i", est, "--out", str(out / "provision"))),
        Step(
            "check",
            ("check", "-i", est, "--out", str(results / "server.jsonl")),
            results / "server.jsonl",
        ),
        Step(
            "scan",
            ("scan", "-i", est, "--out", str(out / "scap"))
            + (("--install-scanner",) if install_scanner else ()),
            out / "scap" / "results.jsonl",
        ),
        Step("network-push", ("network", "push", "-i", est, "--commit")),
        Step(
            "network-audit",
            ("network", "audit", "-i", est, "--live", "--out", str(results / "network.jsonl")),
            results / "network.jsonl",
        ),
        Step(
            "endpoints",
            ("endpoints", "check", "-i", est, "--out", str(results / "endpoints.jsonl")),
            results / "endpoints.jsonl",
        ),
    ]
    steps = [s for s in steps if s.name not in skip]
    result_args = [a for s in steps if s.results is not None for a in ("-r", str(s.results))]
    if "report" not in skip:
        steps.append(
            Step(
                "report",
                (
                    "report",
                    "-i",
                    est,
                    *result_args,
                    "--format",
                    "all",
                    "--out",
                    str(out / "report"),
                    "--lang",
                    lang,
                ),
            )
        )
    return [
        Step(s.name, (*s.args, "--lang", lang) if s.name != "report" else s.args, s.results)
        for s in steps
    ]


def lab_environment(workdir: Path) -> dict[str, str]:
    """The lab's generated passwords (``lab.env``), so that later steps can log in."""
    return read_lab_env(workdir)


def run(
    steps: Sequence[Step],
    out: Path,
    env: dict[str, str],
    on_done: Callable[[StepOutcome], None] | None = None,
    lab_workdir: Path | None = None,
) -> list[StepOutcome]:
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(parents=True, exist_ok=True)
    outcomes: list[StepOutcome] = []
    for planned in steps:
        # the report reads only the result files that the earlier steps really wrote
        step = _only_existing_results(planned) if planned.name == "report" else planned
        log = logs / f"{step.name}.log"
        start = time.monotonic()
        with log.open("w", encoding="utf-8") as handle:
            code = subprocess.run(
                [sys.executable, "-m", "capdo.cli", *step.args],
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **env},
                check=False,
            ).returncode
        outcome = StepOutcome(step, code, time.monotonic() - start, log)
        outcomes.append(outcome)
        if step.name == "lab" and lab_workdir is not None:
            env = {**env, **lab_environment(lab_workdir)}
        if on_done is not None:
            on_done(outcome)
    return outcomes


def _only_existing_results(step: Step) -> Step:
    args: list[str] = []
    items = list(step.args)
    while items:
        item = items.pop(0)
        if item == "-r":
            path = items.pop(0)
            if Path(path).is_file():
                args += [item, path]
        else:
            args.append(item)
    return Step(step.name, tuple(args), step.results)
