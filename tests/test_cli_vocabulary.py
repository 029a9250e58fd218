"""One CLI vocabulary: every option explained, one name for the output location, ``--format
text|json`` wherever a command prints a result, and that JSON valid on stdout alone."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from capdo.cli import app
from capdo.commands._options import OutputFormat
from capdo.pipeline import plan
from tests.conftest import REPO

LAB = REPO / "inventories" / "lab"
EXAMPLES = REPO / "inventories" / "examples"

# Commands that print a result (a summary, findings, a status): each takes --format text|json.
RESULT_COMMANDS = {
    "catalogue show",
    "catalogue diff",
    "catalogue validate",
    "check",
    "endpoints render",
    "endpoints probe",
    "endpoints check",
    "estate new",
    "evaluate",
    "inventory validate",
    "inventory show",
    "inventory graph",
    "inventory import",
    "lab up",
    "lab down",
    "lab status",
    "network render",
    "network backup",
    "network diff",
    "network push",
    "network audit",
    "provision",
    "run",
    "scan",
    "schema docs",
}
# Result commands whose --format also offers a format of their own (inventory graph: dot).
MORE_FORMATS = {"inventory graph"}
# Option names that say "where the output goes" in another spelling than --out.
OTHER_OUTPUT_NAME = re.compile(
    r"^--(output|out-?dir|out-?file|out-?path|output-.+|dest(ination)?)$"
)


def _commands() -> Iterator[tuple[str, Any]]:
    """Every leaf command and every group callback, by its path under ``capdo``."""
    root = typer.main.get_command(app)
    ctx = typer.Context(root)

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        yield " ".join(path), command
        if hasattr(command, "list_commands"):
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), (*path, name))

    yield from walk(root, ())


COMMANDS = dict(_commands())


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option"]


def test_the_walk_sees_every_command_group() -> None:
    groups = {path.split()[0] for path in COMMANDS if path}
    assert groups >= {"check", "network", "report", "scan", "estate", "endpoints", "lab"}
    assert "network audit" in COMMANDS


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_has_help(path: str) -> None:
    missing = [p.opts[0] for p in _options(COMMANDS[path]) if not (p.help or "").strip()]
    assert missing == [], f"capdo {path}: options without help: {missing}"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_the_output_location_is_always_out_o(path: str) -> None:
    for option in _options(COMMANDS[path]):
        names = [*option.opts, *option.secondary_opts]
        assert not [n for n in names if OTHER_OUTPUT_NAME.match(n)], f"capdo {path}: {names}"
        if "--out" in names or "-o" in names:
            assert sorted(names) == ["--out", "-o"], f"capdo {path}: {names}"


@pytest.mark.parametrize("path", sorted(RESULT_COMMANDS))
def test_result_commands_take_format_text_or_json(path: str) -> None:
    assert path in COMMANDS, f"capdo {path} is gone: update RESULT_COMMANDS"
    formats = [p for p in _options(COMMANDS[path]) if "--format" in p.opts]
    assert len(formats) == 1, f"capdo {path} has no --format"
    option = formats[0]
    if path in MORE_FORMATS:  # text and json, plus a format of its own (checked in its module)
        assert option.default == "text"
        assert re.search(r"\btext\b.*\bjson\b", option.help or ""), option.help
        return
    assert option.type_descriptor.annotation is OutputFormat
    assert {f.value for f in OutputFormat} == {"text", "json"}
    assert option.default == OutputFormat.text


def test_every_command_line_of_the_whole_job_parses(tmp_path: Path) -> None:
    """``capdo run`` builds command lines: each must parse against today's options."""
    steps = plan(LAB, tmp_path, "en", lab_workdir=tmp_path / "lab", install_scanner=True)
    for step in steps:
        words = list(step.args)
        path: list[str] = []
        while words and " ".join([*path, words[0]]) in COMMANDS:
            path.append(words.pop(0))
        command = COMMANDS[" ".join(path)]
        assert path, step.args
        with command.make_context(" ".join(path), words) as ctx:
            assert ctx.params is not None
        out = [w for w in step.args if w in ("--out", "-o")]
        assert not [w for w in step.args if OTHER_OUTPUT_NAME.match(w)], step.args
        assert len(out) <= 1, step.args


def _json_stdout(
    *args: str, codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> Any:
    """Run capdo as a user would; stdout must be exactly one JSON document."""
    done = subprocess.run(
        [sys.executable, "-m", "capdo.cli", *args, "--format", "json", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode in codes, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def test_network_render_json(tmp_path: Path) -> None:
    data = _json_stdout("network", "render", "-i", str(LAB), "-o", str(tmp_path))
    assert data["out"] == str(tmp_path)
    assert data["devices"] == ["lab-core01", "lab-fw01", "lab-wan01", "lab-xa-rtr01"]
    assert (tmp_path / "lab-core01.cfg").is_file()


def test_network_audit_json_from_a_backup(tmp_path: Path) -> None:
    configs = tmp_path / "configs"
    _json_stdout("network", "render", "-i", str(LAB), "-o", str(configs))
    results = tmp_path / "audit.jsonl"
    data = _json_stdout(
        "network",
        "audit",
        "-i",
        str(LAB),
        "--from-backup",
        str(configs),
        "-o",
        str(results),
        codes=(0, 1),
    )
    assert data["out"] == str(results)
    assert data["counts"]["pass"] > 0
    assert sum(data["counts"].values()) == len(results.read_text().splitlines())


def test_estate_new_json(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    description = EXAMPLES / "lamson.description.yml"
    data = _json_stdout("estate", "new", str(description), "-o", str(out))
    assert data["valid"] is True
    assert data["findings"] == []
    assert data["files"] > 0
    assert (out / "estate.yml").is_file()


def test_schema_docs_json(tmp_path: Path) -> None:
    data = _json_stdout("schema", "docs", "-o", str(tmp_path))
    assert data["files"]
    assert all(Path(name).is_file() for name in data["files"])


@pytest.mark.parametrize(
    "args",
    [
        ("inventory", "validate", "-i", str(LAB)),
        ("inventory", "show", "-i", str(LAB)),
        ("inventory", "graph", "-i", str(LAB)),
        ("catalogue", "validate"),
        ("evaluate", "-i", str(LAB)),  # warnings about the policy go to stderr
    ],
    ids=" ".join,
)
def test_read_only_commands_print_only_json(args: tuple[str, ...]) -> None:
    assert isinstance(_json_stdout(*args), dict | list)


def test_lab_status_json_without_a_lab(tmp_path: Path) -> None:
    data = _json_stdout("lab", "status", "--workdir", str(tmp_path / "none"))
    assert isinstance(data, dict)


def test_endpoints_render_json(tmp_path: Path) -> None:
    env = {"CAPDO_LAB_ENDPOINT_PASSWORD": "render-only-" + tmp_path.name}
    data = _json_stdout("endpoints", "render", "-i", str(LAB), "-o", str(tmp_path / "p"), env=env)
    assert data == {"out": str(tmp_path / "p"), "endpoints": 3, "unsupported": []}


def test_run_json_lists_its_steps(tmp_path: Path) -> None:
    steps = ("provision", "check", "scan", "network-push", "network-audit", "endpoints")
    skip = [a for step in steps for a in ("--skip", step)]  # only the report step runs
    data = _json_stdout("run", "-i", str(LAB), *skip, "-o", str(tmp_path), codes=(0, 2))
    assert data["out"] == str(tmp_path)
    assert [s["step"] for s in data["steps"]] == ["report"]
    assert Path(data["steps"][0]["log"]).is_file()
