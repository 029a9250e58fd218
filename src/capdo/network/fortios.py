"""FortiOS readings of the management checks (NET.03/04/05/09/10/11/12/13/16, ARC.01/02):
``config system global`` settings, admins, interfaces' ``allowaccess``, log and NTP servers."""

from __future__ import annotations

import ipaddress

from capdo.network.audit import AuditTarget


def logging_findings(device: AuditTarget) -> list[str]:
    targets = {k: v for k, v in _syslog(device).items() if v.get("status") == "enable"}
    return [] if targets else ["config log syslogd setting > set status enable"]


def _syslog(device: AuditTarget) -> dict[str, dict[str, str]]:
    return {
        c.text: device.settings(c.text.removeprefix("config "))
        for c in device.config.children
        if c.text.startswith("config log syslogd") and c.text.endswith(" setting")
    }


def log_hosts(device: AuditTarget) -> list[str]:
    return [v["server"] for v in _syslog(device).values() if v.get("status") == "enable"]


def ntp_servers(device: AuditTarget) -> list[str]:
    node = next((c for c in device.config.children if c.text == "config system ntp"), None)
    sub = next((c for c in node.children if c.text == "config ntpserver"), None) if node else None
    servers = []
    for entry in sub.children if sub is not None else ():
        for kid in entry.children:
            if kid.text.startswith("set server "):
                servers.append(kid.text.split()[2].strip('"'))
    return servers


def admin_findings(device: AuditTarget) -> list[str]:
    """NET.09: every administrator has a stored (hashed) password or remote authentication."""
    admins = device.entries("system admin")
    if not admins:
        return ["config system admin (no administrator shown)"]
    return [
        f"{name}: no protected password"
        for name, values in admins.items()
        if values.get("remote-auth") != "enable"
        and not values.get("password", "").startswith(("ENC", "******"))
    ]


def protocol_findings(device: AuditTarget) -> tuple[list[str], list[str]]:
    """NET.10: no telnet or plain HTTP administration, no SNMP v1/v2c communities."""
    glob = device.settings("system global")
    missing = [] if glob.get("admin-telnet") == "disable" else ["set admin-telnet disable"]
    bad = [
        f"{name}: allowaccess {v['allowaccess']}"
        for name, v in device.entries("system interface").items()
        if {"telnet", "http"} & set(v.get("allowaccess", "").split())
    ]
    bad += [f"snmp community {name}" for name in device.entries("system snmp community")]
    return missing, bad


def management_sources(device: AuditTarget) -> tuple[list[str], list[str]]:
    """NET.11/ARC.02: SSH/HTTPS administration only on interfaces inside the management
    prefixes → (interfaces outside, interfaces admitting administration)."""
    allowed = [ipaddress.ip_network(p["cidr"]) for p in device.view["security"]["management_acl"]]
    outside: list[str] = []
    admin: list[str] = []
    for name, values in device.entries("system interface").items():
        if not {"ssh", "https"} & set(values.get("allowaccess", "").split()):
            continue
        admin.append(name)
        words = values.get("ip", "").split()
        if len(words) != 2:
            outside.append(name)
            continue
        net = ipaddress.ip_interface(f"{words[0]}/{words[1]}").network
        if not any(net.subnet_of(a) for a in allowed):  # type: ignore[arg-type]
            outside.append(f"{name} {net}")
    return outside, admin


def lockout_findings(device: AuditTarget, attempts: int, seconds: int) -> list[str]:
    glob = device.settings("system global")
    found = []
    if int(glob.get("admin-lockout-threshold", "3")) > attempts:
        found.append(f"admin-lockout-threshold {glob.get('admin-lockout-threshold', '3')}")
    if int(glob.get("admin-lockout-duration", "60")) < seconds:
        found.append(f"admin-lockout-duration {glob.get('admin-lockout-duration', '60')}")
    return found


def idle_findings(device: AuditTarget, limit: int) -> list[str]:
    value = int(device.settings("system global").get("admintimeout", "5"))
    return [] if 0 < value <= limit else [f"admintimeout {value}"]


def zone_interfaces_missing(device: AuditTarget) -> list[str]:
    interfaces = device.entries("system interface")
    return [
        f"interface {z['interface']} (vlan {z['vlan']})"
        for z in (device.view["firewall"] or {}).get("zones", ())
        if z["vlan"] and interfaces.get(z["interface"], {}).get("vlanid") != str(z["vlan"])
    ]
