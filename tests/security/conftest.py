"""Helpers for the hostile-input tests: run the real ``capdo`` command on broken copies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CAPDO = [sys.executable, "-m", "capdo.cli"]
REPO = Path(__file__).resolve().parents[2]


def run_capdo(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``capdo ARGS`` in a subprocess (a hang fails the test through ``timeout``)."""
    return subprocess.run(
        [*CAPDO, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO,
        check=False,
    )


def validate_json(estate: Path) -> tuple[int, dict[str, object]]:
    done = run_capdo("inventory", "validate", "-i", str(estate), "--format", "json", "--lang", "en")
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def findings_of(payload: dict[str, object], rule: str) -> list[dict[str, object]]:
    found = payload["findings"]
    assert isinstance(found, list)
    return [f for f in found if f["rule"] == rule]


@pytest.fixture
def alias_bomb() -> str:
    """The billion-laughs document: 9 levels of 9 aliases, 9**9 strings once expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join(f"*a{level - 1}" for _ in range(9))
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def deep_document(depth: int) -> str:
    return "[" * depth + "]" * depth + "\n"
