"""Never lock the operator out of a firewall: FortiOS trusted hosts and management access,
USG ``service-manage``; refused pushes leave the emulated device untouched, allowed ones apply
(real netmiko SSH sessions)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest
from netmiko import ConnectHandler
from typer.testing import CliRunner

from capdo.cli import app
from capdo.network import runner
from capdo.network.estate import NetworkEstate, load_network_estate
from capdo.network.firewall_guard import firewall_lockout, trusted_hosts
from capdo.network.model import NetworkContext
from capdo.network.platforms import platform_info
from capdo.network.render import Renderer
from capdo_lab.devices import DeviceLab, DeviceSpec

from .conftest import LAB_ESTATE, PASSWORD

ADMIN = """config system admin
    edit "capdo"
        set accprofile "super_admin"
        set trusthost1 198.18.0.0 255.255.255.224
        set trusthost2 10.9.9.9/32
    next
    edit "nguyen.van.a"
        set accprofile "prof_admin"
    next
end
"""


def _tree(platform: str, text: str) -> object:
    info = platform_info(LAB_ESTATE.parents[1] / "network" / "templates", platform)
    assert info is not None
    return info.read(text).tree


def test_trusted_hosts_read_per_administrator() -> None:
    tree = _tree("fortinet", ADMIN)
    assert trusted_hosts(tree, "capdo") == [
        IPv4Network("198.18.0.0/27"),
        IPv4Network("10.9.9.9/32"),
    ]
    assert trusted_hosts(tree, "nguyen.van.a") == [IPv4Network("0.0.0.0/0")]  # none set: any
    assert trusted_hosts(tree, "nobody") is None


def test_fortios_lockout_both_ways() -> None:
    running = _tree("fortinet", ADMIN)
    intended = _tree(
        "fortinet",
        'config system interface\n    edit "mgmt"\n        set ip 198.18.0.4 255.255.255.224\n'
        "        set allowaccess ping https ssh\n",
    )
    inside, outside = IPv4Address("198.18.0.9"), IPv4Address("192.0.2.7")
    args = ("capdo", "198.18.0.4")
    assert firewall_lockout("fortinet", intended, running, [inside], *args) is None
    shut = firewall_lockout("fortinet", intended, running, [inside, outside], *args)
    assert shut is not None
    assert shut.key == "network.error.lockout-trusthost"
    assert shut.params["address"] == "192.0.2.7"
    assert firewall_lockout("fortinet", intended, running, [], *args) is not None  # never guess
    # the intended config closing SSH on the management interface
    closed = _tree(
        "fortinet",
        'config system interface\n    edit "mgmt"\n        set ip 198.18.0.4 255.255.255.224\n'
        "        set allowaccess ping https\n",
    )
    shut = firewall_lockout("fortinet", closed, running, [inside], *args)
    assert shut is not None
    assert shut.key == "network.error.lockout-service"
    assert shut.params["interface"] == "mgmt"


def test_usg_service_manage_both_ways() -> None:
    base = "interface Vlanif10\n ip address 10.0.0.12 255.255.255.0\n service-manage enable\n"
    args = ([IPv4Address("10.0.0.5")], "capdo", "10.0.0.12")
    closed = _tree("huawei_usg", base + " service-manage https permit\n")
    shut = firewall_lockout("huawei_usg", closed, None, *args)
    assert shut is not None
    assert shut.params["interface"] == "Vlanif10"
    assert (
        firewall_lockout(
            "huawei_usg", _tree("huawei_usg", base + " service-manage ssh permit\n"), None, *args
        )
        is None
    )
    assert (
        firewall_lockout(
            "huawei_usg",
            _tree("huawei_usg", base.replace(" service-manage enable\n", "")),
            None,
            *args,
        )
        is None
    )


def run(*args: str, lang: str = "en") -> tuple[int, str]:
    result = CliRunner().invoke(app, ["network", *args, "-i", str(LAB_ESTATE), "--lang", lang])
    return result.exit_code, result.output


def test_fortigate_push_refused_outside_the_trusted_hosts(lab: DeviceLab) -> None:
    """The emulated lab-fw01 has administrator capdo trusted from 198.18.0.0/27 only: a push
    from a controller outside is refused (vi and en), nothing is sent; from inside it applies."""
    with ConnectHandler(**lab.netmiko_params("lab-fw01")) as conn:  # type: ignore[arg-type]
        for line in ADMIN.splitlines():
            conn.send_command_timing(line)
    before = lab.running_config("lab-fw01")
    assert "set trusthost1 198.18.0.0 255.255.255.224" in before
    code, out = run("push", "--commit", "-l", "lab-fw01", "--controller-address", "192.0.2.7")
    assert code == 2, out
    assert "administrator capdo of lab-fw01 may log in only from its trusted hosts" in out
    assert "198.18.0.0/27" in out
    assert "192.0.2.7" in out
    assert lab.running_config("lab-fw01") == before  # nothing was sent
    code, out = run(
        "push", "-l", "lab-fw01", "--controller-address", "192.0.2.7", lang="vi"
    )  # the dry run says it too, in Vietnamese
    assert "chỉ được đăng nhập từ các máy tin cậy" in out
    assert "Traceback" not in out
    code, out = run("push", "--commit", "-l", "lab-fw01", "--controller-address", "198.18.0.9")
    assert code == 0, out
    assert "applied, saved and verified" in out
    after = lab.running_config("lab-fw01")
    assert "config firewall policy" in after
    assert "set trusthost1 198.18.0.0 255.255.255.224" in after  # administrators left alone


def test_usg_push_refused_when_ssh_closed_on_management(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_huawei: None
) -> None:
    """lab-fw01 as a Huawei USG: an intended config that turns service-manage on without
    SSH on the management interface is refused before any connection; the rendered one
    (SSH and HTTPS permitted) is pushed and converges."""
    base = load_network_estate(LAB_ESTATE)
    devices = tuple(
        d.model_copy(update={"platform": "huawei_usg"}) if d.name == "lab-fw01" else d
        for d in base.inventory.devices
    )
    inventory = base.inventory.model_copy(update={"devices": devices})
    estate = NetworkEstate(
        base.root,
        inventory,
        NetworkContext(inventory, base.context.catalogue_dir),
        base.templates_dir,
    )
    chosen = estate.select(["lab-fw01"])
    intended = Renderer(estate.templates_dir).render_many(estate.context, chosen).configs
    assert " service-manage ssh permit" in intended["lab-fw01"]
    closed = {"lab-fw01": intended["lab-fw01"].replace(" service-manage ssh permit\n", "")}
    with DeviceLab(
        [DeviceSpec("lab-fw01", "huawei_usg")], username="capdo", password=PASSWORD
    ) as lab:
        overlay = lab.write_overlay(tmp_path / "connections.yml", merge=False)
        monkeypatch.setenv("CAPDO_CONNECTIONS", str(overlay))
        monkeypatch.setenv("CAPDO_LAB_DEVICE_PASSWORD", PASSWORD)
        monkeypatch.setenv("CAPDO_LOCK_DIR", str(tmp_path / "locks"))
        before = lab.running_config("lab-fw01")
        jobs, _ = runner.jobs_for(estate, chosen, closed)
        refused = runner.refuse_lockouts(estate, jobs, "198.18.0.9")
        assert refused["lab-fw01"].error == "network.error.lockout-service"
        assert not jobs
        assert lab.running_config("lab-fw01") == before
        jobs, _ = runner.jobs_for(estate, chosen, intended)
        assert runner.refuse_lockouts(estate, jobs, "198.18.0.9") == {}
        done = runner.run_jobs(estate, jobs, runner.push_work, 1, "push")["lab-fw01"]
        assert done.status == "applied", (done.error, done.detail)
        assert "service-manage ssh permit" in lab.running_config("lab-fw01")


def test_fortigate_backup_masks_the_snmp_community(lab: DeviceLab, tmp_path: Path) -> None:
    """The community name an emulated FortiGate shows (``set name`` under ``config system snmp
    community``) never reaches the backup read over SSH; the policy names stay readable."""
    with ConnectHandler(**lab.netmiko_params("lab-fw01")) as conn:  # type: ignore[arg-type]
        for line in (
            "config system snmp community",
            "edit 1",
            'set name "Zq9community"',
            "next",
            "end",
        ):
            conn.send_command_timing(line)
    assert "Zq9community" in lab.running_config("lab-fw01")
    code, out = run("backup", "-l", "lab-fw01", "--out", str(tmp_path / "bk"))
    assert code == 0, out
    text = (tmp_path / "bk" / "latest" / "lab-fw01.cfg").read_text(encoding="utf-8")
    assert "config system snmp community" in text
    assert "Zq9community" not in text
    assert "set name ******(1)" in text
