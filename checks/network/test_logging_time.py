"""Device logs: content, central log host (level 3+), time synchronisation."""

from __future__ import annotations

import pytest

from capdo.network.audit import AuditTarget, require


@pytest.mark.requirement("NET.03")
def test_logging_enabled(device: AuditTarget) -> None:
    pattern = device.pick(
        cisco_ios=r"^logging trap (informational|debugging|notifications)$",
        huawei_vrp=r"^info-center enable$",
    )
    require(
        device.lines(pattern),
        "device logging not enabled at the required level",
        expected=pattern,
        actual=device.lines(r"^(logging|info-center) "),
    )


@pytest.mark.requirement("NET.05")
def test_logs_sent_to_central_log_host(device: AuditTarget) -> None:
    expected = device.estate.context.log_hosts
    prefix = device.pick(cisco_ios="logging host ", huawei_vrp="info-center loghost ")
    configured = [line.split()[2] for line in device.lines("^" + prefix)]
    missing = [h for h in expected if h not in configured]
    require(
        expected and not missing,
        "logs not sent to the central log host",
        expected=[prefix + h for h in expected],
        actual=[prefix + h for h in configured],
    )


@pytest.mark.requirement("NET.04")
def test_time_synchronised(device: AuditTarget) -> None:
    expected = list(device.estate.inventory.estate.defaults.ntp_servers)
    prefix = device.pick(cisco_ios="ntp server ", huawei_vrp="ntp-service unicast-server ")
    configured = [line.split()[-1] for line in device.lines("^" + prefix)]
    missing = [s for s in expected if s not in configured]
    require(
        configured and not missing,
        "time not synchronised to the estate's NTP servers",
        expected=[prefix + s for s in expected],
        actual=[prefix + s for s in configured],
    )
