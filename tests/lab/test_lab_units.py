"""Lab pieces that need neither root nor real hosts: validation, names, config files."""

from __future__ import annotations

import os
import subprocess
import sys
from ipaddress import IPv4Interface
from pathlib import Path

import pytest

from capdo.i18n import catalogue
from capdo_lab import Lab, LabError, LabHostSpec
from capdo_lab.image import GoldenImage, detect_mirror
from capdo_lab.netns import bridge_name, gateway, netns_name, veth_name
from capdo_lab.spec import validate_hosts
from capdo_lab.sshconfig import SshTarget, write_ssh_config


def _spec(name: str, addr: str) -> LabHostSpec:
    return LabHostSpec(name, IPv4Interface(addr))


def test_parse_host_spec() -> None:
    spec = LabHostSpec.parse("web1=198.18.3.10/24")
    assert spec == LabHostSpec("web1", IPv4Interface("198.18.3.10/24"))
    for bad in ("web1", "web1=198.18.3.10", "web1=nonsense/24"):
        with pytest.raises(LabError) as info:
            LabHostSpec.parse(bad)
        assert info.value.key == "lab.error.bad-host-spec"


@pytest.mark.parametrize(
    ("hosts", "key"),
    [
        ([_spec("h1", "10.1.2.3/24")], "lab.error.address-outside"),
        ([_spec("h1", "198.18.4.1/24")], "lab.error.address-reserved"),
        ([_spec("h1", "198.18.4.255/24")], "lab.error.address-reserved"),
        (
            [_spec("h1", "198.18.4.10/24"), _spec("h1", "198.18.4.11/24")],
            "lab.error.duplicate-host",
        ),
        (
            [_spec("h1", "198.18.4.10/24"), _spec("h2", "198.18.4.10/24")],
            "lab.error.duplicate-address",
        ),
        ([_spec("bad_name", "198.18.4.10/24")], "lab.error.bad-host-name"),
        ([], "lab.error.no-hosts"),
    ],
)
def test_validation(tmp_path: Path, hosts: list[LabHostSpec], key: str) -> None:
    with pytest.raises(LabError) as info:
        validate_hosts(hosts)
    assert info.value.key == key
    assert not any(tmp_path.iterdir())


def test_bad_lab_id() -> None:
    with pytest.raises(LabError):
        Lab("Bad-Id", Path("x"), [])


def test_names_fit_interface_limits() -> None:
    assert len(bridge_name("abcdefgh")) <= 15
    assert len(veth_name("abcdefgh", 999)) <= 15
    assert netns_name("ab", "h1") == "capdo-ab-h1"
    assert gateway(IPv4Interface("198.18.7.23/24")) == IPv4Interface("198.18.7.1/24")


def test_ansible_connection_vars(tmp_path: Path) -> None:
    lab = Lab("unit", tmp_path, [_spec("h1", "198.18.4.10/24")])
    got = lab.ansible_connection_vars("h1")
    assert got["ansible_host"] == "198.18.4.10"
    assert got["ansible_user"] == "root"
    assert got["ansible_ssh_private_key_file"] == str(lab.private_key)
    assert got["ansible_ssh_common_args"] == f"-F {lab.ssh_config}"
    assert got["ansible_python_interpreter"] == "/usr/bin/python3"
    with pytest.raises(LabError):
        lab.ansible_connection_vars("nope")


def test_ssh_config_has_multiplexing(tmp_path: Path) -> None:
    target = SshTarget("h1", IPv4Interface("198.18.4.10/24"), "ssh-ed25519 AAAA")
    path = tmp_path / "ssh_config"
    write_ssh_config(path, "unit", [target], tmp_path / "key", tmp_path / "kh", tmp_path / "cm")
    text = path.read_text()
    for needle in ("Host h1 198.18.4.10", "HostName 198.18.4.10", "ControlMaster auto"):
        assert needle in text
    assert "ControlPersist" in text
    assert f'ControlPath "{tmp_path}/cm/c-%h"' in text
    assert "StrictHostKeyChecking yes" in text


def test_mirror_detection_both_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAPDO_LAB_MIRROR", raising=False)
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text("deb https://secure.example/debian bookworm main\n")
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\n\nTypes: deb\nURIs: http://mirror.example/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n"
    )
    mirror = detect_mirror("bookworm", tmp_path)
    assert mirror.uri == "http://mirror.example/debian"
    assert mirror.suites == ("bookworm", "bookworm-updates")
    assert (mirror.host, mirror.port) == ("mirror.example", 80)
    with pytest.raises(LabError):
        detect_mirror("trixie", tmp_path)


def test_golden_key_follows_suite_and_packages() -> None:
    base = GoldenImage.base("bookworm")
    assert base.key == GoldenImage.base("bookworm").key
    assert base.key != GoldenImage.base("trixie").key
    assert base.key != GoldenImage.base("bookworm", systemd=True).key
    assert {"openssh-server", "python3-apt", "linux-base"} <= set(base.packages)


def test_every_lab_message_is_bilingual() -> None:
    keys = [k for k in catalogue() if k.startswith("lab.")]
    assert keys
    for key in keys:
        assert catalogue()[key].get("vi")
        assert catalogue()[key].get("en")


def test_cli_refuses_without_root(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "from capdo.cli import main; main()", "lab", "up"]
    argv += ["--workdir", str(tmp_path / "w"), "--host", "h1=198.18.4.10/24", "--lang", "en"]
    if os.geteuid() == 0:
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2
    assert "Root is required" in done.stderr
    assert "Traceback" not in done.stderr
