"""capdo_keyvalue (the roles' one-pass ``KEY value`` module), run by real ansible on this machine
against files in a temporary folder: changed, then idempotent, check mode writes nothing,
comments and other lines survive, and a hostile key or value is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LIBRARY = REPO / "roles" / "capdo_accounts" / "library"
LOGIN_DEFS = """# comment PASS_MAX_DAYS 1
MAIL_DIR        /var/mail
PASS_MAX_DAYS\t99999
PASS_MIN_DAYS\t0
UMASK\t\t022
"""


def _run(tmp_path: Path, args: dict[str, object], *flags: str) -> dict[str, object]:
    ansible = Path(sys.executable).with_name("ansible")
    done = subprocess.run(
        [str(ansible), "localhost", "-c", "local", "-M", str(LIBRARY), "-m", "capdo_keyvalue",
         "-a", json.dumps(args), "-o", *flags],
        capture_output=True, text=True, check=False, cwd=tmp_path,
        env={**os.environ, "ANSIBLE_LOCALHOST_WARNING": "0", "HOME": str(tmp_path),
             "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0"},
    )  # fmt: skip
    line = done.stdout.strip().splitlines()[-1]
    result: dict[str, object] = json.loads(line.split("=>", 1)[1])
    result["_status"] = line.split("|", 1)[1].split("=>", 1)[0].strip()
    return result


def test_settings_are_written_in_one_pass_then_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "login.defs"
    path.write_text(LOGIN_DEFS)
    path.chmod(0o640)
    args = {
        "path": str(path),
        "settings": {"PASS_MAX_DAYS": 90, "UMASK": "027", "PASS_WARN_AGE": 7},
    }
    first = _run(tmp_path, args)
    assert first["_status"] == "CHANGED"
    assert first["keys_changed"] == ["PASS_MAX_DAYS", "UMASK", "PASS_WARN_AGE"]
    assert path.read_text() == (
        "# comment PASS_MAX_DAYS 1\nMAIL_DIR        /var/mail\nPASS_MAX_DAYS\t90\n"
        "PASS_MIN_DAYS\t0\nUMASK\t027\nPASS_WARN_AGE\t7\n"
    )
    assert path.stat().st_mode & 0o777 == 0o640
    second = _run(tmp_path, args)
    assert second["_status"] == "SUCCESS"
    assert second["changed"] is False


def test_check_mode_reports_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "auditd.conf"
    path.write_text("num_logs = 5\nmax_log_file=8\n")
    args = {"path": str(path), "style": "equals", "settings": {"max_log_file": 50, "num_logs": 5}}
    result = _run(tmp_path, args, "--check")
    assert result["_status"] == "CHANGED"
    assert result["keys_changed"] == ["max_log_file"]
    assert path.read_text() == "num_logs = 5\nmax_log_file=8\n"
    _run(tmp_path, args)
    assert path.read_text() == "num_logs = 5\nmax_log_file = 50\n"


def test_a_value_cannot_smuggle_another_setting(tmp_path: Path) -> None:
    path = tmp_path / "login.defs"
    path.write_text(LOGIN_DEFS)
    result = _run(tmp_path, {"path": str(path), "settings": {"UMASK": "027\nPASS_MAX_DAYS 99999"}})
    assert result["_status"] == "FAILED!"
    assert "bad setting" in str(result["msg"])
    assert path.read_text() == LOGIN_DEFS
