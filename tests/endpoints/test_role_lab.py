"""Converge the vc_provisioning role on a real lab host (Debian in a network namespace, over
SSH), then fetch a provisioning file over HTTPS from the controller; run it twice for
idempotence. Needs root (the lab builds namespaces and overlay mounts)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from capdo.endpoints.intended import Planner
from capdo.endpoints.net import client_context, https_get, port_open, tls_facts
from capdo.endpoints.render import render_all, write_tree
from capdo_lab import Lab
from capdo_lab.alloc import start_lab
from capdo_lab.proc import become_subreaper
from capdo_lab.pytest_fixture import require_lab

from .conftest import LAB_ESTATE, REPO, TEST_PASSWORD, load

pytestmark = pytest.mark.lab
HOST = "vcprov"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    require_lab()
    become_subreaper()
    workdir = tmp_path_factory.mktemp("vc-lab") / "lab"
    started = start_lab(f"v{os.getpid()}"[:8], workdir, [(HOST, False)])
    try:
        yield started
    finally:
        started.down()


def _converge(lab: Lab, tmp_path: Path, tree: Path) -> subprocess.CompletedProcess[str]:
    spec = lab.spec(HOST)
    host_vars = {
        **lab.ansible_connection_vars(HOST),
        "vc_provisioning_source": f"{tree}/",
        "vc_provisioning_allowed_prefixes": [str(spec.address.network)],
    }
    inventory = {"all": {"children": {"role_mcu": {"hosts": {HOST: host_vars}}}}}
    (tmp_path / "inventory.json").write_text(json.dumps(inventory))
    playbook = Path(sys.executable).with_name("ansible-playbook")
    env = {
        "PATH": f"{playbook.parent}:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(tmp_path),
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_FORCE_COLOR": "0",
        "LC_ALL": "C.UTF-8",
    }
    return subprocess.run(
        [
            str(playbook),
            "-i",
            str(tmp_path / "inventory.json"),
            str(REPO / "playbooks" / "vc-provisioning.yml"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
    )


def test_role_serves_the_tree_over_https_only(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAPDO_LAB_ENDPOINT_PASSWORD", TEST_PASSWORD)
    planner = Planner(load(LAB_ESTATE), LAB_ESTATE)
    rendered, _ = render_all(planner, planner.plans())
    tree = tmp_path / "tree"
    write_tree(tree, rendered)
    first = _converge(lab, tmp_path, tree)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    second = _converge(lab, tmp_path, tree)
    assert second.returncode == 0, second.stdout[-3000:]
    assert "changed=0" in second.stdout, second.stdout[-3000:]
    address = str(lab.spec(HOST).address.ip)
    context = client_context()
    fetched = asyncio.run(https_get(address, 443, "/yealink/805ec0000001.cfg", None, 10, context))
    assert fetched.status == 200, fetched
    assert fetched.body.startswith("#!version:1.0.0.1")
    hidden = asyncio.run(https_get(address, 443, "/manifest.json", None, 10, context))
    assert hidden.status == 404
    tls = asyncio.run(tls_facts(address, 443, 10, context))
    assert tls.version in {"TLSv1.2", "TLSv1.3"}
    assert asyncio.run(port_open(address, 80, 5)) is False
    mode = (lab.root(HOST) / "srv/capdo-provisioning/yealink/805ec0000001.cfg").stat().st_mode
    assert mode & 0o007 == 0  # nothing for "other": the file holds the admin password
