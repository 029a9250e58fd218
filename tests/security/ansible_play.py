"""Run a real ``ansible-playbook`` debug play on localhost against a static export, and read
what each host's variables print as (the json stdout callback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"

PLAY = """\
- name: print every string variable capdo exported
  hosts: all
  gather_facts: false
  tasks:
    - name: show
      ansible.builtin.debug:
        msg: "{{ [%s] }}"
"""


def run_debug_play(
    inventory: Path,
    workdir: Path,
    expressions: list[str],
    extra_inventories: list[Path] | None = None,
) -> dict[str, list[Any]]:
    """Host name -> the printed value of each expression, in order (one debug task prints
    them all). The variables are used as a play uses them: inside ``{{ ... }}``."""
    plays = PLAY % ", ".join(expressions)
    playbook = workdir / "debug.yml"
    playbook.write_text(plays, encoding="utf-8")
    config = workdir / "ansible.cfg"
    config.write_text("[defaults]\nretry_files_enabled = False\n", encoding="utf-8")
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(config),
        "ANSIBLE_STDOUT_CALLBACK": "oneline",
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_FORKS": "1",
    }
    done = subprocess.run(
        [
            str(ANSIBLE_PLAYBOOK),
            *(f"-i{path}" for path in [inventory, *(extra_inventories or [])]),
            str(playbook),
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    printed: dict[str, list[Any]] = {}
    for line in done.stdout.splitlines():  # oneline callback: "host | SUCCESS => {json}"
        host, sep, result = line.partition(" | SUCCESS => ")
        if sep:
            printed[host] = json.loads(result)["msg"]
    return printed
