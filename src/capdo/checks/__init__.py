"""Server checks: pytest + testinfra over the estate's servers, one result record per check.

:func:`run_checks` runs ``checks/server`` (through the pytest plugin :mod:`capdo.checks.plugin`,
loaded by name) against the targets a :class:`Selection` picks; :mod:`capdo.checks.api` is what
a check file uses. Other packages import from here; the names are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.checks.content import content_dir, load_checks
    from capdo.checks.contract import REQUIREMENTS_ATTR, outcome, requirements_of
    from capdo.checks.runner import FAIL_ON, RunOptions, RunSummary, find_checks_dir, run_checks
    from capdo.checks.targets import Selection

_MODULES = frozenset({"contract"})
_WHERE = {
    "content_dir": "content",
    "load_checks": "content",
    "REQUIREMENTS_ATTR": "contract",
    "outcome": "contract",
    "requirements_of": "contract",
    "FAIL_ON": "runner",
    "RunOptions": "runner",
    "RunSummary": "runner",
    "find_checks_dir": "runner",
    "run_checks": "runner",
    "Selection": "targets",
}


__getattr__ = lazy_exports(__name__, _WHERE, _MODULES)


__all__ = [
    "FAIL_ON",
    "REQUIREMENTS_ATTR",
    "RunOptions",
    "RunSummary",
    "Selection",
    "content_dir",
    "contract",
    "find_checks_dir",
    "load_checks",
    "outcome",
    "requirements_of",
    "run_checks",
]
