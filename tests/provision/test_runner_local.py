"""ansible-runner glue on this machine (a local connection, no lab needed): events become the
per-host counters, artifacts are kept, the environment's values never reach them. The lab
version (SSH, the real playbooks) is tests/server/test_provision_runner.py."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from rich.console import Console

from capdo.provisioning import mitogen_strategy_dir, print_summary, run_environment, run_playbook

PLAY = """
- name: local
  hosts: all
  gather_facts: false
  tasks:
    - name: something to report
      ansible.builtin.debug: {msg: hello}
    - name: a change
      ansible.builtin.command: "true"
      changed_when: true
    - name: a failure on one host only
      ansible.builtin.command: "false"
      when: inventory_hostname == 'two'
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks" / "site.yml").write_text(PLAY)
    (tmp_path / "hosts.yml").write_text(
        "all:\n  hosts:\n"
        f"    one: {{ansible_connection: local, ansible_python_interpreter: {sys.executable}}}\n"
        f"    two: {{ansible_connection: local, ansible_python_interpreter: {sys.executable}}}\n"
    )
    return tmp_path


def test_run_counts_per_host_and_keeps_artifacts(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "a-secret-only-in-the-environment-8123"
    monkeypatch.setenv("CAPDO_LAB_DEVICE_PASSWORD", secret)
    shown = io.StringIO()
    run = run_playbook(
        binary=str(Path(sys.executable).with_name("ansible-playbook")),
        repo=repo,
        inventory=repo / "hosts.yml",
        playbook=repo / "playbooks" / "site.yml",
        artifacts=repo / "artifacts",
        check=False,
        limit=None,
        lang="en",
        console=Console(file=shown, width=120),
    )
    # the last progress table is the recap: final counts, every host done
    last_table = shown.getvalue().rsplit("Provisioning progress per host", 1)[1]
    assert re.search(r"│ one\s+│ 2\s+│ 1\s+│ 0\s+│ 0\s+│ \(done\)", last_table), last_table
    assert re.search(r"│ two\s+│ 2\s+│ 1\s+│ 1\s+│ 0\s+│ \(done\)", last_table), last_table
    assert run.rc == 2
    assert run.hosts["one"].changed == 1
    assert run.hosts["one"].failed == 0
    assert run.hosts["two"].failed == 1
    saved = json.loads((run.artifacts / "hosts.json").read_text())
    assert saved["hosts"]["two"]["failed"] == 1
    assert list((run.artifacts / "job_events").glob("*.json"))
    for path in run.artifacts.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path
    out = io.StringIO()
    print_summary(run, "en", Console(file=out, width=200))
    assert "one: ok 2, changed 1, failed 0, unreachable 0" in out.getvalue()
    assert "two: ok 2, changed 1, failed 1, unreachable 0" in out.getvalue()
    assert "2 hosts, 2 changes, 1 hosts failed" in out.getvalue()


def test_mitogen_is_switchable(tmp_path: Path) -> None:
    plugins = mitogen_strategy_dir()
    assert plugins is not None
    assert (plugins / "mitogen_free.py").is_file()
    on = run_environment({}, tmp_path, mitogen=True)
    assert on["ANSIBLE_STRATEGY"] == "mitogen_free"
    assert on["ANSIBLE_STRATEGY_PLUGINS"] == str(plugins)
    assert "ANSIBLE_STRATEGY" not in run_environment({}, tmp_path, mitogen=False)
