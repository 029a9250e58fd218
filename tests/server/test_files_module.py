"""capdo_files and capdo_host_facts (capdo_common's modules), run by real ansible on this
machine against files in a temporary folder: whole files, settings, directories and modes are
changed once and then left alone; check mode writes nothing; a file its validator rejects, or a
failed verify, puts back everything the task changed; a hostile key or value is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIBRARY = REPO / "roles" / "capdo_common" / "library"
LOGIN_DEFS = """# comment PASS_MAX_DAYS 1
MAIL_DIR        /var/mail
PASS_MAX_DAYS\t99999
PASS_MIN_DAYS\t0
UMASK\t\t022
"""
OWNER = {"owner": "root", "group": "root"} if os.geteuid() == 0 else {}


def _run(tmp_path: Path, module: str, args: dict[str, object], *flags: str) -> dict[str, object]:
    ansible = Path(sys.executable).with_name("ansible")
    done = subprocess.run(
        [str(ansible), "localhost", "-c", "local", "-M", str(LIBRARY), "-m", module,
         "-a", json.dumps(args), "-o", *flags],
        capture_output=True, text=True, check=False, cwd=tmp_path,
        env={**{k: v for k, v in os.environ.items() if k != "SSH_CONNECTION"},  # not over SSH
             "ANSIBLE_LOCALHOST_WARNING": "0", "HOME": str(tmp_path),
             "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0"},
    )  # fmt: skip
    line = done.stdout.strip().splitlines()[-1]
    result: dict[str, object] = json.loads(line.split("=>", 1)[1])
    result["_status"] = line.split("|", 1)[1].split("=>", 1)[0].strip()
    return result


def _files(
    tmp_path: Path, files: list[dict[str, object]], *flags: str, **extra: object
) -> dict[str, object]:
    return _run(
        tmp_path, "capdo_files", {"files": [{**OWNER, **f} for f in files], **extra}, *flags
    )


def test_files_directories_and_modes_are_set_once_then_left_alone(tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    existing.write_text("keep me\n")
    existing.chmod(0o644)
    entries = [
        {"dest": str(tmp_path / "conf.d"), "state": "directory", "mode": "0750"},
        {"dest": str(tmp_path / "conf.d" / "a.conf"), "content": "a = 1\n", "mode": "0640"},
        {"path": str(existing), "state": "attributes", "mode": "0600"},
    ]
    first = _files(tmp_path, entries)
    assert first["_status"] == "CHANGED"
    assert first["changed_files"] == [e.get("dest", e.get("path")) for e in entries]
    assert (tmp_path / "conf.d").stat().st_mode & 0o777 == 0o750
    assert (tmp_path / "conf.d" / "a.conf").read_text() == "a = 1\n"
    assert (tmp_path / "conf.d" / "a.conf").stat().st_mode & 0o777 == 0o640
    assert existing.stat().st_mode & 0o777 == 0o600
    assert existing.read_text() == "keep me\n"
    second = _files(tmp_path, entries)
    assert second["_status"] == "SUCCESS"
    assert second["changed"] is False


def test_settings_are_written_in_one_pass_then_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "login.defs"
    path.write_text(LOGIN_DEFS)
    path.chmod(0o640)
    entry = {"dest": str(path), "state": "settings",
             "settings": {"PASS_MAX_DAYS": 90, "UMASK": "027", "PASS_WARN_AGE": 7}}  # fmt: skip
    first = _files(tmp_path, [entry])
    assert first["_status"] == "CHANGED"
    assert first["keys_changed"] == {str(path): ["PASS_MAX_DAYS", "UMASK", "PASS_WARN_AGE"]}
    assert path.read_text() == (
        "# comment PASS_MAX_DAYS 1\nMAIL_DIR        /var/mail\nPASS_MAX_DAYS\t90\n"
        "PASS_MIN_DAYS\t0\nUMASK\t027\nPASS_WARN_AGE\t7\n"
    )
    assert path.stat().st_mode & 0o777 == 0o640
    assert _files(tmp_path, [entry])["changed"] is False


@pytest.mark.parametrize(
    ("style", "before", "after"),
    [("equals", "num_logs = 5\nmax_log_file=8\n", "num_logs = 5\nmax_log_file = 50\n"),
     ("assign", "# INACTIVE=-1\nINACTIVE=-1\n", "# INACTIVE=-1\nINACTIVE=50\n")],
)  # fmt: skip
def test_check_mode_reports_without_writing(
    tmp_path: Path, style: str, before: str, after: str
) -> None:
    path = tmp_path / "settings"
    path.write_text(before)
    key = "max_log_file" if style == "equals" else "INACTIVE"
    entry = {"dest": str(path), "state": "settings", "style": style, "settings": {key: 50}}
    new = {"dest": str(tmp_path / "new.conf"), "content": "x\n", "mode": "0644"}
    result = _files(tmp_path, [entry, new], "--check")
    assert result["_status"] == "CHANGED"
    assert result["changed_files"] == [str(path), str(tmp_path / "new.conf")]
    assert path.read_text() == before
    assert not (tmp_path / "new.conf").exists()
    _files(tmp_path, [entry])
    assert path.read_text() == after


def test_a_rejected_file_puts_back_everything_the_task_changed(tmp_path: Path) -> None:
    first = tmp_path / "first.conf"
    first.write_text("old\n")
    first.chmod(0o644)
    result = _files(tmp_path, [
        {"dest": str(tmp_path / "d"), "state": "directory", "mode": "0755"},
        {"dest": str(first), "content": "new\n", "mode": "0600"},
        {"dest": str(tmp_path / "d" / "second.conf"), "content": "bad\n", "mode": "0644",
         "validate": "grep -q good %s"},
    ])  # fmt: skip
    assert result["_status"] == "FAILED!"
    assert "rejected by" in str(result["msg"])
    assert "undone" in str(result["msg"])
    assert first.read_text() == "old\n"
    assert first.stat().st_mode & 0o777 == 0o644
    assert not (tmp_path / "d").exists()


def test_a_failed_verify_restores_the_previous_file(tmp_path: Path) -> None:
    conf = tmp_path / "server.conf"
    conf.write_text("Port 22\n")
    flag = tmp_path / "whole-config-ok"
    entry = {"dest": str(conf), "content": "Port 2222\n", "mode": "0600"}
    failed = _files(tmp_path, [entry], verify=f"test -e {flag}")
    assert failed["_status"] == "FAILED!"
    assert conf.read_text() == "Port 22\n"
    flag.touch()
    passed = _files(tmp_path, [entry], verify=f"test -e {flag}")
    assert passed["_status"] == "CHANGED"
    assert conf.read_text() == "Port 2222\n"


def test_a_value_cannot_smuggle_another_setting(tmp_path: Path) -> None:
    path = tmp_path / "login.defs"
    path.write_text(LOGIN_DEFS)
    for settings in ({"UMASK": "027\nPASS_MAX_DAYS 99999"}, {"UMASK 027\nX": "1"}):
        result = _files(tmp_path, [{"dest": str(path), "state": "settings", "settings": settings}])
        assert result["_status"] == "FAILED!"
        assert "bad setting" in str(result["msg"])
    assert path.read_text() == LOGIN_DEFS


def test_bad_entries_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    target = tmp_path / "x.conf"
    for entry, needle in (
        ({"dest": "relative.conf", "content": "x", "mode": "0644"}, "absolute"),
        ({"dest": str(target), "content": "x", "mode": "644; rm -rf /"}, "octal"),
        ({"dest": str(target), "content": "x"}, "mode is required"),
        ({"dest": str(target), "content": "x", "mode": "0644", "validate": "true"}, "%s"),
    ):
        result = _files(tmp_path, [entry])
        assert result["_status"] == "FAILED!", entry
        assert needle in str(result["msg"]), result["msg"]
    assert not target.exists()


def test_host_facts_packages_from_dpkg_status(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text(
        "Package: auditd\nStatus: install ok installed\nVersion: 1:3.0.9-1\n"
        "Architecture: amd64\nDescription: audit\n daemon\n\n"
        "Package: telnet\nStatus: deinstall ok config-files\nVersion: 0.17\n\n"
        "Package: chrony\nStatus: install ok installed\nVersion: 4.3-2\nArchitecture: amd64\n"
    )
    result = _run(
        tmp_path, "capdo_host_facts", {"gather": ["packages"], "status_file": str(status)}
    )
    packages = result["ansible_facts"]["packages"]  # type: ignore[index]
    assert sorted(packages) == ["auditd", "chrony"]  # removed packages are not installed
    assert packages["auditd"] == [
        {"name": "auditd", "version": "1:3.0.9-1", "arch": "amd64", "source": "apt"}
    ]


def test_host_facts_name_password_accounts_without_their_hashes(tmp_path: Path) -> None:
    hashed = "$6$capdosalt$" + "x" * 86  # not a real password: any hash-shaped field
    shadow = tmp_path / "shadow"
    shadow.write_text(
        "root:*:20000:0:99999:7:::\n"
        f"alice:{hashed}:20000:1:90:7:45::\n"
        "bob:!$6$locked$abc:20000:0:99999:7:::\n"  # locked: not a usable password
        "svc:!:20000::::::\n"
    )
    result = _run(
        tmp_path, "capdo_host_facts", {"gather": ["accounts"], "shadow_file": str(shadow)}
    )
    facts = result["ansible_facts"]  # type: ignore[index]
    assert facts["capdo_password_accounts"] == {
        "alice": {"min_days": "1", "max_days": "90", "inactive_days": "45"}
    }
    assert "capdosalt" not in json.dumps(result)


def test_host_facts_of_the_session_and_services(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        "capdo_host_facts",
        {"gather": ["system", "session", "services"], "services": ["capdo-no-such-service"],
         "admin": "capdo-no-such-account"},
    )  # fmt: skip
    facts = result["ansible_facts"]  # type: ignore[index]
    assert facts["service_mgr"]
    assert isinstance(facts["all_ipv4_addresses"], list)
    assert facts["capdo_services"] == {"capdo-no-such-service": "disabled stopped"}
    assert facts["capdo_admin_keys"] == 0  # no such account: no key, never an error
    assert facts["capdo_ssh_client"] == ""  # a local run has no SSH session
    assert isinstance(facts["capdo_clock_writable"], bool)
    assert facts["capdo_audit_kernel"] in (True, False, None)


def test_host_facts_refuse_a_service_name_that_is_an_option(tmp_path: Path) -> None:
    for name in ("--host=10.0.0.1", "a b", "x;reboot"):
        result = _run(
            tmp_path, "capdo_host_facts", {"gather": ["services"], "services": ["cron", name]}
        )
        assert result["_status"] == "FAILED!", name
        assert "not a service name" in str(result["msg"])
