"""Parts of the server checks that need no lab: target selection, CLI errors, validators."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from capdo.checks.runner import RunOptions, find_checks_dir, marked_requirements, run_checks
from capdo.checks.targets import Selection, load_servers
from capdo.cli import app
from capdo.commands.provision import build_command, find_playbook
from capdo.errors import CapdoError

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "inventories" / "lab"
PHUTHO = REPO / "inventories" / "phutho"
CHECKS = REPO / "checks" / "server"


def _names(selection: Selection) -> list[str]:
    return [t.name for t in load_servers(LAB, selection)]


def test_servers_carry_level_requirements_and_params() -> None:
    servers = {t.name: t for t in load_servers(LAB)}
    assert sorted(servers) == ["lab-db01", "lab-log01", "lab-mcu01", "lab-web01"]
    web = servers["lab-web01"]
    assert web.level == 3
    assert "SRV.18" in web.requirements
    assert int(web.params["password_min_length"]) >= 8
    assert int(web.params["password_history"]) >= 1
    assert servers["lab-mcu01"].level == 2
    assert "SRV.18" not in servers["lab-mcu01"].requirements
    assert web.management_prefixes == ("198.18.0.0/27",)  # its data centre only (issue 15 item 6)
    assert [s["name"] for s in web.log_servers] == ["lab-log01"]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection.parse("lab-web01"), ["lab-web01"]),
        (Selection.parse("lab-*,!lab-log01"), ["lab-db01", "lab-mcu01", "lab-web01"]),
        (Selection.parse("role_logserver"), ["lab-log01"]),
        (Selection.parse(None, site="lab-dc"), ["lab-db01", "lab-log01", "lab-mcu01", "lab-web01"]),
        (
            Selection.parse(None, site="lab-province"),
            ["lab-db01", "lab-log01", "lab-mcu01", "lab-web01"],
        ),
        (Selection.parse(None, system="lab-hntt"), ["lab-mcu01"]),
        (Selection.parse(None, level=2), ["lab-mcu01"]),
        (Selection.parse("nosuch"), []),
    ],
)
def test_selection(selection: Selection, expected: list[str]) -> None:
    assert _names(selection) == expected


def test_bad_level_is_a_selection_error() -> None:
    with pytest.raises(CapdoError):
        Selection.parse(None, level=7)


def test_reference_estate_servers() -> None:
    servers = load_servers(PHUTHO)
    assert len(servers) == 46
    assert all(s.requirements and s.params for s in servers if s.level is not None)


def test_checks_declare_their_requirements() -> None:
    ids = marked_requirements(CHECKS)
    assert {
        f"SRV.{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 20)
    } <= ids
    assert find_checks_dir(REPO) == CHECKS


def test_unreachable_host_gives_error_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    overlay = tmp_path / "connections.yml"
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    overlay.write_text(yaml.safe_dump({"lab-web01": {"host": "127.0.0.1", "port": 9}}))
    monkeypatch.setenv("CAPDO_CONNECTIONS", str(overlay))
    out = tmp_path / "r.jsonl"
    summary = run_checks(RunOptions(LAB, CHECKS, out, Selection.parse("lab-web01"), jobs=1))
    assert summary.crashed_shards == 0
    assert summary.records
    assert {r.status for r in summary.records} == {"error"}
    assert all("unreachable" in (r.evidence.detail or "") for r in summary.records)
    assert {r.requirement_id for r in summary.records} >= {"SRV.07", "SRV.10", "SRV.18"}
    assert summary.exit_code("never") == 0
    assert summary.exit_code("error") == 1
    assert out.read_text().count("\n") == len(summary.records)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["check", "-i", str(LAB), "--fail-on", "sometimes"], "--fail-on"),
        (["check", "-i", str(LAB), "--limit", "nosuch"], "No server matches"),
        (["check", "-i", str(LAB), "--level", "9"], "1 to 5"),
        (["check", "-i", str(LAB), "--jobs", "0"], "--jobs"),
        (["check", "-i", str(LAB), "--out", "/nonexistent/dir/r.jsonl"], "Cannot write"),
        (["provision", "-i", str(LAB), "--playbook", "nosuch"], "Playbook not found"),
        (["provision", "-i", str(LAB), "--check", "--limit", "nosuchhost"], "ended with code"),
    ],
)
def test_cli_usage_errors_exit_2(args: list[str], needle: str) -> None:
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


def test_provision_command_line() -> None:
    book = find_playbook("site", REPO)
    assert book == REPO / "playbooks" / "site.yml"
    argv = build_command("ansible-playbook", LAB, book, check=True, limit="lab-web01")
    assert argv == [
        "ansible-playbook", "-i", str(LAB), str(book), "--check", "--diff", "--limit", "lab-web01"
    ]  # fmt: skip


def test_playbooks_parse() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(LAB),
         "playbooks/site.yml", "--syntax-check"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


PAM_CHECK = REPO / "roles" / "capdo_accounts" / "files" / "capdo-pam-check"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("auth [success=1 default=bad] pam_unix.so\nauth requisite pam_deny.so\n", True),
        ("auth required pam_nosuchmodule.so\n", False),
        ("auth requried pam_unix.so\n", False),
        ("@include no-such-common-file\n", False),
        ("# only a comment\n", False),
    ],
)
def test_pam_validator(tmp_path: Path, text: str, ok: bool) -> None:
    if not any(
        Path(d).is_dir()
        for d in ("/lib/x86_64-linux-gnu/security", "/usr/lib/x86_64-linux-gnu/security")
    ):
        pytest.skip("no PAM modules on this machine to validate against")
    path = tmp_path / "common-auth"
    path.write_text(text)
    done = subprocess.run(
        [sys.executable, str(PAM_CHECK), str(path)], capture_output=True, check=False
    )
    assert (done.returncode == 0) is ok


def test_firewall_address_filters() -> None:
    spec = importlib.util.spec_from_file_location(
        "capdo_net", REPO / "roles" / "capdo_firewall" / "filter_plugins" / "capdo_net.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.capdo_in_network("198.18.0.0/27", "198.18.0.1")
    assert not module.capdo_in_network("198.18.0.0/27", "198.18.0.33")
    assert not module.capdo_in_network("198.18.0.0/27", "not an address")
    assert module.capdo_ipv4_prefixes(["198.18.0.5/27", "2001:db8::/32", "x"]) == ["198.18.0.0/27"]


def test_plugin_maps_contract_endings_like_every_runner() -> None:
    """A server check ending through the contract (not_applicable/not_reviewed/undecided)
    gets that status, a false ``require`` ``fail``. The report is a stand-in: the plugin only
    reads its outcome flags, and a real one needs a reachable host."""
    from types import SimpleNamespace

    from capdo.checks import contract
    from capdo.checks.plugin import _status

    def ended(function: object, *args: object) -> tuple[str, str | None]:
        try:
            function(*args)  # type: ignore[operator]
        except Exception as exc:
            info = pytest.ExceptionInfo.from_exception(exc)
        report = SimpleNamespace(passed=False, skipped=False, when="call")
        return _status(report, SimpleNamespace(excinfo=info))  # type: ignore[arg-type]

    assert ended(contract.not_applicable, "no such service") == (
        "not_applicable",
        "no such service",
    )
    assert ended(contract.not_reviewed, "a person decides") == ("not_reviewed", "a person decides")
    assert ended(contract.undecided, "unreadable") == ("error", "unreadable")
    assert ended(contract.param, {}, "lockout_attempts")[0] == "not_reviewed"
    failed = ended(lambda: contract.require(False, expected=1, actual=2, detail="x"))
    assert failed == ("fail", None)
