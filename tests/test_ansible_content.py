"""Static checks of the Ansible content (roles/, playbooks/) that run in seconds.

ansible-lint itself (production profile) runs in `.ci/run`; these tests keep the role argument
specifications well formed (a comma inside a flow-style description once split it into a bogus
option key) and run yamllint with the repository's configuration, both ways."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

# Keys that ansible-core accepts for one option of a role argument specification.
OPTION_KEYS = {
    "type", "required", "default", "choices", "elements", "description", "options", "aliases",
    "no_log", "version_added", "apply_defaults", "mutually_exclusive", "required_together",
    "required_one_of", "required_if", "required_by",
}  # fmt: skip
SPECS = sorted(REPO.glob("roles/*/meta/argument_specs.yml"))


def _spec_problems(text: str) -> list[str]:
    problems = []
    for entry, spec in yaml.safe_load(text)["argument_specs"].items():
        for name, option in spec.get("options", {}).items():
            for key in sorted(set(option) - OPTION_KEYS):
                problems.append(f"{entry}.{name}: unknown key {key!r}")
            description = option.get("description")
            if not isinstance(description, str | list):
                problems.append(f"{entry}.{name}: description missing")
    return problems


@pytest.mark.parametrize("path", SPECS, ids=[p.parts[-3] for p in SPECS])
def test_argument_spec_options_are_well_formed(path: Path) -> None:
    assert _spec_problems(path.read_text()) == []


def test_argument_spec_check_catches_a_split_description() -> None:
    broken = (
        "argument_specs:\n  main:\n    options:\n"
        "      capdo_level: {type: int, description: Level (no default, fails closed).}\n"
    )
    assert _spec_problems(broken) == ["main.capdo_level: unknown key 'fails closed).'"]


def _yamllint(*paths: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("yamllint")), "--strict", "-f", "parsable",
         *map(str, paths)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip


def test_roles_and_playbooks_pass_yamllint() -> None:
    done = _yamllint("roles", "playbooks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_yamllint_fails_on_an_overlong_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("---\nkey: " + "x" * 200 + "\n")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("yamllint")), "--strict", "-f", "parsable",
         "-c", str(REPO / ".yamllint"), str(bad)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "line-length" in done.stdout


def test_every_lint_exception_gives_a_reason() -> None:
    lines = (REPO / ".ansible-lint").read_text().splitlines()
    config: dict[str, Any] = yaml.safe_load("\n".join(lines))
    assert config["profile"] == "production"
    for rule in config.get("skip_list", []) + config.get("warn_list", []):
        index = next(i for i, line in enumerate(lines) if line.strip() == f"- {rule}")
        assert lines[index - 1].strip().startswith("#"), f"{rule}: no reason above it"
