"""Per-task timings of a playbook run, like ``ansible.posix.profile_tasks`` (which ansible-core
does not ship): the seconds each task took on each host, summed and maximised per task, written
as JSON to ``$CAPDO_TASK_TIMES`` when the run ends. Used by ``bench_provision.py --profile``."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: capdo_task_times
type: aggregate
short_description: per-task time per host, written as JSON (benchmarks only)
description: Records how long each task ran on each host and writes totals to $CAPDO_TASK_TIMES.
requirements: [enabled in the configuration]
"""


class CallbackModule(CallbackBase):  # type: ignore[misc]
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "capdo_task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._started: dict[tuple[str, str], float] = {}
        self._tasks: dict[str, dict[str, Any]] = {}

    def v2_runner_on_start(self, host: Any, task: Any) -> None:
        self._started[(host.get_name(), task._uuid)] = time.monotonic()

    def _done(self, result: Any, status: str) -> None:
        host, task = result._host.get_name(), result._task
        started = self._started.pop((host, task._uuid), None)
        if started is None:
            return
        seconds = time.monotonic() - started
        entry = self._tasks.setdefault(
            task._uuid,
            {"task": task.get_name(), "role": task._role.get_name() if task._role else "",
             "hosts": 0, "total_s": 0.0, "max_s": 0.0, "changed": 0, "skipped": 0},
        )  # fmt: skip
        entry["hosts"] += 1
        entry["total_s"] += seconds
        entry["max_s"] = max(entry["max_s"], seconds)
        entry["changed"] += int(bool(result._result.get("changed")))
        entry["skipped"] += int(status == "skipped")

    def v2_runner_on_ok(self, result: Any) -> None:
        self._done(result, "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._done(result, "failed")

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._done(result, "skipped")

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._done(result, "unreachable")

    def v2_playbook_on_stats(self, stats: Any) -> None:
        target = os.environ.get("CAPDO_TASK_TIMES")
        if not target:
            return
        tasks = sorted(self._tasks.values(), key=lambda e: -e["total_s"])
        for entry in tasks:
            entry["total_s"] = round(entry["total_s"], 2)
            entry["max_s"] = round(entry["max_s"], 2)
        with open(target, "w", encoding="utf-8") as out:
            json.dump(tasks, out, indent=1)
