"""The vc_provisioning role: the playbook parses, every task names its requirement id, and the
nginx site it writes (rendered by a real ansible-playbook run on localhost) is HTTPS-only and
limited to the allowed prefixes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import REPO

BIN = Path(sys.executable).parent
ROLE = REPO / "roles" / "vc_provisioning"


def _env() -> dict[str, str]:
    return {**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}


def test_playbook_syntax() -> None:
    done = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            str(REPO / "inventories" / "lab"),
            str(REPO / "playbooks" / "vc-provisioning.yml"),
            "--syntax-check",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_every_task_names_a_requirement() -> None:
    for path in (ROLE / "tasks").glob("*.yml"):
        for task in yaml.safe_load(path.read_text()):
            assert re.match(r"^VC\.\d\d \| ", task["name"]), (path.name, task["name"])


def test_site_template_is_https_only_and_restricted(tmp_path: Path) -> None:
    dest = tmp_path / "site.conf"
    play = tmp_path / "render.yml"
    play.write_text(
        yaml.safe_dump(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "vars": {
                        "vc_provisioning_port": 443,
                        "vc_provisioning_server_name": "prov.lab",
                        "vc_provisioning_cert_file": "/etc/x.crt",
                        "vc_provisioning_key_file": "/etc/x.key",
                        "vc_provisioning_root": "/srv/p",
                        "vc_provisioning_allowed_prefixes": ["198.18.2.40/32", "198.18.0.0/27"],
                    },
                    "tasks": [
                        {
                            "name": "render",
                            "ansible.builtin.template": {
                                "src": str(ROLE / "templates" / "capdo-provisioning.conf.j2"),
                                "dest": str(dest),
                            },
                        }
                    ],
                }
            ]
        )
    )
    done = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            str(play),
            "-e",
            f"ansible_python_interpreter={sys.executable}",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = dest.read_text()
    listens = re.findall(r"^\s*listen (.+);", site, re.M)
    assert listens == ["443 ssl"]
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site
    assert re.findall(r"allow (\S+);", site) == ["198.18.2.40/32", "198.18.0.0/27"]
    assert "deny all;" in site
    assert "autoindex off;" in site
