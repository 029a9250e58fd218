"""The emulated devices themselves: shell semantics, ports, the child-process mode."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import yaml
from netmiko import ConnectHandler

from capdo_lab.devices import DeviceLab, DeviceProcess, DeviceSpec, specs_for_estate
from capdo_lab.devices.shell import Shell
from capdo_lab.devices.state import DeviceState

REPO = Path(__file__).resolve().parents[2]


def _shell(platform: str) -> Shell:
    shell = Shell(DeviceState(DeviceSpec("r1", platform), username="u"))
    shell.feed("enable")
    return shell


def test_ios_configure_mode_sections_and_negations() -> None:
    shell = _shell("cisco_ios")
    assert shell.prompt == "r1#"
    shell.feed("configure terminal")
    assert shell.prompt == "r1(config)#"
    shell.feed("interface Loopback1")
    assert shell.prompt == "r1(config-if)#"
    shell.feed("description first")
    shell.feed("description second")  # single-valued: replaces
    shell.feed("logging host 192.0.2.1")  # a global command leaves the section
    assert shell.prompt == "r1(config)#"
    shell.feed("no ip http server")
    assert "% Invalid" in shell.feed("do show bogus").output
    shell.feed("end")
    text = shell.state.text()
    assert " description second" in text
    assert "description first" not in text
    assert "no ip http server" in text
    assert "\nip http server" not in text
    assert "logging host 192.0.2.1" in text
    assert "interface Loopback1" in text
    shell.feed("configure terminal")
    shell.feed("no interface Loopback1")
    shell.feed("end")
    assert "Loopback1" not in shell.state.text()
    assert shell.state.text("startup") != shell.state.text()
    shell.feed("write memory")
    assert shell.state.text("startup") == shell.state.text()


def test_vrp_views_undo_and_save_dialogue() -> None:
    shell = _shell("huawei_vrp")
    assert shell.prompt == "<r1>"
    shell.feed("system-view")
    assert shell.prompt == "[r1]"
    shell.feed("ospf 1 router-id 1.1.1.1")
    shell.feed(" area 0.0.0.1")
    assert shell.prompt == "[r1-ospf-1-area-0.0.0.1]"
    shell.feed("  network 10.0.0.0 0.0.0.3")
    shell.feed("undo telnet server enable")
    assert shell.prompt == "[r1]"
    shell.feed("return")
    assert "Continue? [Y/N]" in shell.feed("save").output
    assert "successfully" in shell.feed("y").output
    text = shell.state.text("startup")
    assert "undo telnet server enable" in text
    assert "\ntelnet server enable" not in text
    assert "  network 10.0.0.0 0.0.0.3" in text


def test_ports_are_distinct_and_guarded() -> None:
    with DeviceLab(
        [DeviceSpec("a", "cisco_ios"), DeviceSpec("b", "huawei_vrp")], username="u", password="p"
    ) as lab:
        ports = lab.ports
        assert len(set(ports.values())) == 2
        probe = socket.socket()
        with pytest.raises(
            OSError, match="in use"
        ):  # a plain bind on a lab port fails: no silent sharing
            probe.bind(("127.0.0.1", ports["a"]))
        probe.close()
        with ConnectHandler(**lab.netmiko_params("a")) as conn:
            conn.enable()
            assert "Cisco IOS" in conn.send_command("show version")  # fakenos's data
    assert lab.ports == {}


def test_child_process_mode(tmp_path: Path) -> None:
    specs = specs_for_estate(
        __import__("capdo.inventory.validate", fromlist=["x"])
        .load_estate(REPO / "inventories" / "lab")
        .inventory
    )
    assert [s.name for s in specs] == ["lab-core01", "lab-wan01", "lab-xa-rtr01", "lab-fw01"]
    overlay = tmp_path / "connections.yml"
    overlay.write_text(yaml.safe_dump({"lab-web01": {"host": "198.18.0.34"}}))
    env = {**os.environ, "CAPDO_LAB_DEVICE_PASSWORD": "pw"}
    with DeviceProcess(specs, overlay=overlay, env=env) as proc:
        assert proc.pid is not None
        assert set(proc.ports) == {s.name for s in specs}
        written = yaml.safe_load(overlay.read_text())
        assert written["lab-web01"] == {"host": "198.18.0.34"}  # merged, not replaced
        assert written["lab-wan01"]["port"] == proc.ports["lab-wan01"]
        params = {
            "device_type": "huawei",
            "host": "127.0.0.1",
            "port": proc.ports["lab-wan01"],
            "username": "capdo",
            "password": "pw",
        }
        with ConnectHandler(**params) as conn:
            assert "sysname lab-wan01" in conn.send_command("display current-configuration")
        process = proc.proc
    assert process is not None
    assert process.returncode == 0


def test_child_process_without_password_fails_clearly() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CAPDO_LAB_DEVICE_PASSWORD"}
    with pytest.raises(RuntimeError, match="CAPDO_LAB_DEVICE_PASSWORD"):
        DeviceProcess([DeviceSpec("a", "cisco_ios")], env=env).start()


def test_unknown_platform_is_refused() -> None:
    with pytest.raises(ValueError, match="no emulation"):
        DeviceSpec("x", "juniper_junos")
