"""Check workers start lean: installed pytest plugins are not auto-loaded in each worker (the
hypothesis plugin alone costs 1.5 s of imports per worker on every ``capdo check``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from capdo.checks.runner import worker_environment

PROBE = """
import sys

def test_probe():
    print("LOADED" if "_hypothesis_pytestplugin" in sys.modules else "LEAN")
"""


def _probe(tmp_path: Path, env: dict[str, str]) -> str:
    (tmp_path / "test_probe.py").write_text(PROBE)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "test_probe.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return "LEAN" if "LEAN" in done.stdout else "LOADED"


def test_workers_do_not_autoload_plugins(tmp_path: Path) -> None:
    assert _probe(tmp_path, worker_environment(os.environ)) == "LEAN"


def test_the_probe_sees_an_autoloaded_plugin(tmp_path: Path) -> None:
    """Control: without the worker environment the plugin is loaded, so the probe can fail."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    assert _probe(tmp_path, env) == "LOADED"
