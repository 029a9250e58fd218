"""Insecure services: packages (dpkg's database) and listening sockets (`ss`)."""

from __future__ import annotations

from capdo.checks.api import Check
from capdo.checks.contract import requirement

CLEARTEXT_ADMIN = {
    "telnetd",
    "inetutils-telnetd",
    "telnetd-ssl",
    "rsh-server",
    "rsh-redone-server",
}
INSECURE = {
    "talkd",
    "inetutils-talkd",
    "tftpd",
    "tftpd-hpa",
    "atftpd",
    "nis",
    "xinetd",
    "openbsd-inetd",
    "inetutils-inetd",
    "ftpd",
    "inetutils-ftpd",
    "vsftpd",
    "rsh-client",
}
CLEARTEXT_PORTS = {"21", "23", "69", "512", "513", "514", "5900"}

# Allowed listeners per role: sshd everywhere; chrony's command port on loopback.
ROLE_PORTS = {
    "logserver": {("tcp", "6514")},
    "ntp": {("udp", "123")},
    "web": {("tcp", "443"), ("tcp", "80")},
}


@requirement("SRV.07")
def test_no_cleartext_admin_packages(check: Check) -> None:
    found = sorted(CLEARTEXT_ADMIN & set(check.probe.packages()))
    check.require(not found, expected="no telnet/rsh servers installed", actual=found)


@requirement("SRV.07")
def test_no_cleartext_admin_listeners(check: Check) -> None:
    found = [
        f"{s['proto']} {s['address']}:{s['port']} {s['process']}"
        for s in check.probe.listening()
        if s["port"] in CLEARTEXT_PORTS
    ]
    check.require(not found, expected="nothing on 21/23/69/512-514/5900", actual=found)


@requirement("SRV.12")
def test_no_insecure_service_packages(check: Check) -> None:
    found = sorted(INSECURE & set(check.probe.packages()))
    check.require(not found, expected="no inetd/ftp/tftp/nis/talk packages", actual=found)


@requirement("SRV.12")
def test_only_expected_listeners(check: Check) -> None:
    ssh_ports = set(check.probe.sshd().get("port", ["22"]))
    allowed = {("tcp", p) for p in ssh_ports}
    for role in check.target.roles:
        allowed |= ROLE_PORTS.get(role, set())
    unexpected = [
        f"{s['proto']} {s['address']}:{s['port']} {s['process']}"
        for s in check.probe.listening()
        if (s["proto"], s["port"]) not in allowed
        and not s["address"].startswith(("127.", "[::1]", "::1"))
    ]
    check.require(
        not unexpected,
        expected=[*sorted(f"{p}/{n}" for p, n in allowed), "loopback only otherwise"],
        actual=unexpected,
    )
