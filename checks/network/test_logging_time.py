"""Device logs: content, central log host (level 3+), time synchronisation."""

from __future__ import annotations

from capdo.checks.contract import require, requirement
from capdo.network import fortios
from capdo.network.audit import AuditTarget, after


@requirement("NET.03")
def test_logging_enabled(device: AuditTarget) -> None:
    if device.platform == "fortinet":
        found = fortios.logging_findings(device)
        require(not found, expected=found, actual=None, detail="device logging not enabled")
        return
    # "logging trap informational" and "info-center enable" are defaults the device hides:
    # the effective config holds them unless another value or the negation is shown
    pattern = device.pick(
        cisco_ios=r"^logging trap (informational|debugging|notifications|6|7|5)$",
        huawei_vrp=r"^info-center enable$",
    )
    off = device.lines(r"^no logging on$") if device.platform == "cisco_ios" else []
    require(
        device.lines(pattern) and not off,
        expected=pattern,
        actual=device.lines(r"^(logging|info-center) "),
        detail="device logging not enabled at the required level",
    )


@requirement("NET.05")
def test_logs_sent_to_central_log_host(device: AuditTarget) -> None:
    expected = device.estate.context.log_hosts
    if device.platform == "fortinet":
        shown = fortios.log_hosts(device)
        missing = [h for h in expected if h not in shown]
        require(
            expected and not missing,
            expected=expected,
            actual=shown,
            detail="logs not sent to the central log host",
        )
        return
    prefix = device.pick(cisco_ios="logging host ", huawei_vrp="info-center loghost ")
    configured = [after(line, prefix.split()[-1]) or "" for line in device.lines("^" + prefix)]
    if device.platform == "cisco_ios":  # the older form: logging 192.0.2.10
        configured += [line.split()[1] for line in device.lines(r"^logging \d+\.\d+\.\d+\.\d+")]
    missing = [h for h in expected if h not in configured]
    require(
        expected and not missing,
        expected=[prefix + h for h in expected],
        actual=[prefix + h for h in configured],
        detail="logs not sent to the central log host",
    )


@requirement("NET.04")
def test_time_synchronised(device: AuditTarget) -> None:
    expected = list(device.estate.inventory.estate.defaults.ntp_servers)
    if device.platform == "fortinet":
        shown = fortios.ntp_servers(device)
        missing = [s for s in expected if s not in shown]
        require(
            shown and not missing, expected=expected, actual=shown, detail="time not synchronised"
        )
        return
    prefix = device.pick(cisco_ios="ntp server ", huawei_vrp="ntp-service unicast-server ")
    # ntp server [vrf V] X [prefer] [key N] [source IF]; ntp-service unicast-server X
    # [source-interface IF] [preference]: the server is the first address after the keyword
    configured = [_server(line, prefix) for line in device.lines("^" + prefix)]
    missing = [s for s in expected if s not in configured]
    require(
        configured and not missing,
        expected=[prefix + s for s in expected],
        actual=[prefix + s for s in configured],
        detail="time not synchronised to the estate's NTP servers",
    )


def _server(line: str, prefix: str) -> str:
    words = line[len(prefix) :].split()
    if words[:1] == ["vrf"]:
        words = words[2:]
    return words[0] if words else ""
