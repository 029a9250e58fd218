"""Vendor formats, both ways: settings → provisioning file, exported file → settings.

- Yealink: a ``key = value`` ``.cfg`` file named ``<mac>.cfg`` (lower-case hex, no separators),
  first line ``#!version:1.0.0.1`` as Yealink auto-provisioning requires.
- Poly (UC-style provisioning): a master file ``<mac>.cfg`` (``<APPLICATION CONFIG_FILES=...>``)
  that points at ``<mac>-capdo.cfg``, an XML file whose elements carry the parameters as
  attributes.

Each vendor maps settings to its keys (``yealink_keys``, ``poly_keys``); the writers receive
those keys as a checked, frozen :class:`~capdo.endpoints.view.FileView`, never as a dict.

Key names follow each vendor's documented style; confirm them against the admin guide of the
firmware in service before pushing to real devices. A key missing from a parsed file takes the
vendor's factory default (which is the insecure one), so that an omission fails the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, cast
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree

from capdo.endpoints.config import EndpointConfig, factory_default
from capdo.endpoints.view import POLY_GROUPS, FileView, Vendor, one_line

SUPPORTED: tuple[Vendor, ...] = ("yealink", "poly")
DEFAULT_PASSWORDS: dict[str, tuple[str, str]] = {
    "yealink": ("admin", "admin"),
    "poly": ("admin", "456"),
    "cisco": ("admin", ""),
}

KeyValues = dict[str, str]


def mac_stem(mac: str) -> str:
    return mac.replace(":", "").replace("-", "").lower()


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _truthy(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def xml_comment(text: str) -> str:
    """``text`` safe inside ``<!-- ... -->``: one line, no ``--`` (which XML forbids in a
    comment, and ``-->`` would end it), no trailing ``-``, angle brackets shown as ‹ › (so that
    no markup appears even to a reader that ignores comments)."""
    text = one_line(text).replace("<", "\u2039").replace(">", "\u203a")
    while "--" in text:
        text = text.replace("--", "-")
    return text.rstrip("-")


def _list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


# --- Yealink -----------------------------------------------------------------------------

_YEALINK_TRANSPORT = {"udp": "0", "tcp": "1", "tls": "2"}
_YEALINK_SRTP = {"off": "0", "optional": "1", "required": "2"}


def yealink_keys(c: EndpointConfig, label: str) -> KeyValues:
    keys: KeyValues = {
        "account.1.enable": "1",
        "account.1.label": label,
        "account.1.user_name": c.sip_user,
        "account.1.auth_name": c.sip_user,
        "account.1.sip_server.1.address": c.sip_server,
        "account.1.sip_server.1.port": str(c.sip_port),
        "account.1.sip_server.1.transport_type": _YEALINK_TRANSPORT[c.sip_transport],
        "account.1.srtp_encryption": _YEALINK_SRTP[c.srtp],
        "account.1.auto_answer": _flag(c.auto_answer != "off"),
        "features.auto_answer.trusted_list": ",".join(c.auto_answer_allow)
        if c.auto_answer == "allowlist"
        else "",
        "features.fecc.enable": _flag(c.far_end_camera_control),
        "local_time.time_zone_name": c.timezone,
        "local_time.ntp_server1": c.ntp_servers[0] if c.ntp_servers else "",
        "local_time.ntp_server2": c.ntp_servers[1] if len(c.ntp_servers) > 1 else "",
        "static.syslog.enable": _flag(c.syslog_server is not None),
        "static.syslog.server": c.syslog_server or "",
        "static.security.user_name.admin": c.admin_user,
        "static.wui.https_enable": _flag(c.https),
        "static.wui.http_enable": _flag(c.http),
        "static.network.telnet.enable": _flag(c.telnet),
        "static.wui.allowed_ip": ",".join(c.mgmt_allow),
        "static.network.snmp.enable": _flag(c.snmp != "off"),
        "static.network.snmp.version": "3" if c.snmp == "v3" else "2c",
        "features.relog_offtime": str(c.idle_timeout_minutes),
        "static.wui.login_lock.times": str(c.lockout_attempts),
        "static.wui.login_lock.duration": str(c.lockout_minutes),
    }
    if c.admin_password is not None:
        keys["static.security.user_password"] = f"{c.admin_user}:{c.admin_password}"
    if c.snmp == "v2c" and c.snmp_community:
        keys["static.network.snmp.community"] = c.snmp_community
    return keys


def yealink_file(view: FileView) -> str:
    lines = ["#!version:1.0.0.1", f"## {view.header}"]
    lines.extend(f"{s.key} = {s.value}" for s in view.settings)
    return "\n".join(lines) + "\n"


def parse_yealink(text: str) -> KeyValues:
    keys: KeyValues = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        keys[key.strip()] = value.strip()
    return keys


def yealink_config(k: KeyValues) -> EndpointConfig:
    base = factory_default(DEFAULT_PASSWORDS["yealink"][1])
    transport = {v: t for t, v in _YEALINK_TRANSPORT.items()}.get(
        k.get("account.1.sip_server.1.transport_type", "0"), "udp"
    )
    srtp = {v: s for s, v in _YEALINK_SRTP.items()}.get(
        k.get("account.1.srtp_encryption", "1"), "optional"
    )
    allow = _list(k.get("features.auto_answer.trusted_list"))
    answer = "off" if not _truthy(k.get("account.1.auto_answer"), True) else "any"
    password = k.get("static.security.user_password")
    snmp_on = _truthy(k.get("static.network.snmp.enable"), True)
    return replace(
        base,
        sip_server=k.get("account.1.sip_server.1.address", ""),
        sip_port=_int(k.get("account.1.sip_server.1.port"), 5060),
        sip_transport=cast(Any, transport),
        sip_user=k.get("account.1.user_name", ""),
        srtp=cast(Any, srtp),
        auto_answer="allowlist" if answer == "any" and allow else cast(Any, answer),
        auto_answer_allow=allow,
        far_end_camera_control=_truthy(k.get("features.fecc.enable"), True),
        timezone=k.get("local_time.time_zone_name", base.timezone),
        ntp_servers=tuple(
            v for v in (k.get("local_time.ntp_server1"), k.get("local_time.ntp_server2")) if v
        ),
        syslog_server=(k.get("static.syslog.server") or None)
        if _truthy(k.get("static.syslog.enable"), False)
        else None,
        admin_user=k.get("static.security.user_name.admin", "admin"),
        admin_password=password.partition(":")[2] if password else base.admin_password,
        https=_truthy(k.get("static.wui.https_enable"), True),
        http=_truthy(k.get("static.wui.http_enable"), True),
        telnet=_truthy(k.get("static.network.telnet.enable"), False),
        mgmt_allow=_list(k.get("static.wui.allowed_ip")),
        snmp=("v3" if k.get("static.network.snmp.version") == "3" else "v2c") if snmp_on else "off",
        snmp_community=k.get("static.network.snmp.community", base.snmp_community),
        idle_timeout_minutes=_int(k.get("features.relog_offtime"), base.idle_timeout_minutes),
        lockout_attempts=_int(k.get("static.wui.login_lock.times"), base.lockout_attempts),
        lockout_minutes=_int(k.get("static.wui.login_lock.duration"), base.lockout_minutes),
    )


# --- Poly --------------------------------------------------------------------------------

_POLY_TRANSPORT = {"udp": "UDPOnly", "tcp": "TCPOnly", "tls": "TLS"}


def poly_keys(c: EndpointConfig, label: str) -> KeyValues:
    keys: KeyValues = {
        "reg.1.displayName": label,
        "reg.1.address": f"{c.sip_user}@{c.sip_domain}" if c.sip_domain else c.sip_user,
        "reg.1.auth.userId": c.sip_user,
        "reg.1.server.1.address": c.sip_server,
        "reg.1.server.1.port": str(c.sip_port),
        "reg.1.server.1.transport": _POLY_TRANSPORT[c.sip_transport],
        "sec.srtp.enable": _flag(c.srtp != "off"),
        "sec.srtp.require": _flag(c.srtp == "required"),
        "sec.auth.lockout.attempts": str(c.lockout_attempts),
        "sec.auth.lockout.minutes": str(c.lockout_minutes),
        "tcpIpApp.sntp.address": ",".join(c.ntp_servers),
        "tcpIpApp.sntp.timezone": c.timezone,
        "device.syslog.enabled": _flag(c.syslog_server is not None),
        "device.syslog.serverName": c.syslog_server or "",
        "device.auth.localAdminName": c.admin_user,
        "device.snmp.enabled": _flag(c.snmp != "off"),
        "device.snmp.version": "3" if c.snmp == "v3" else "2c",
        "httpd.enabled": _flag(c.https or c.http),
        "httpd.cfg.secureTunnelRequired": _flag(not c.http),
        "httpd.cfg.allowedHosts": ",".join(c.mgmt_allow),
        "httpd.cfg.sessionTimeout": str(c.idle_timeout_minutes),
        "diags.telnetd.enabled": _flag(c.telnet),
        "call.autoAnswer.SIP": _flag(c.auto_answer != "off"),
        "call.autoAnswer.allowList": ",".join(c.auto_answer_allow)
        if c.auto_answer == "allowlist"
        else "",
        "video.camera.farEndControl": _flag(c.far_end_camera_control),
    }
    if c.admin_password is not None:
        keys["device.auth.localAdminPassword"] = c.admin_password
    if c.snmp == "v2c" and c.snmp_community:
        keys["device.snmp.community"] = c.snmp_community
    return keys


def poly_file(view: FileView) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f"<!-- {xml_comment(view.header)} -->",
        "<polycomConfig>",
    ]
    for group in POLY_GROUPS:
        attrs = "".join(f"\n    {s.key}={quoteattr(s.value)}" for s in view.group(group))
        if attrs:
            lines.append(f"  <{group}{attrs}/>")
    lines.append("</polycomConfig>")
    return "\n".join(lines) + "\n"


def poly_master(stem: str, config_name: str) -> str:
    return (
        '<?xml version="1.0" standalone="yes"?>\n'
        f'<APPLICATION APP_FILE_PATH="" CONFIG_FILES={quoteattr(one_line(config_name))} '
        'MISC_FILES="" LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY="" CONTACTS_DIRECTORY="" '
        f'LICENSE_DIRECTORY=""/>\n<!-- {xml_comment(stem)} -->\n'
    )


def parse_poly(text: str) -> KeyValues:
    root = ElementTree.fromstring(text.encode("utf-8"))
    keys: KeyValues = {}
    for element in root.iter():
        keys.update({str(k): str(v) for k, v in element.attrib.items()})
    return keys


def poly_config(k: KeyValues) -> EndpointConfig:
    base = factory_default(DEFAULT_PASSWORDS["poly"][1])
    transport = {v: t for t, v in _POLY_TRANSPORT.items()}.get(
        k.get("reg.1.server.1.transport", "UDPOnly"), "udp"
    )
    srtp = "off"
    if _truthy(k.get("sec.srtp.enable"), True):
        srtp = "required" if _truthy(k.get("sec.srtp.require"), False) else "optional"
    allow = _list(k.get("call.autoAnswer.allowList"))
    answer_on = _truthy(k.get("call.autoAnswer.SIP"), True)
    address = k.get("reg.1.address", "")
    httpd = _truthy(k.get("httpd.enabled"), True)
    return replace(
        base,
        sip_server=k.get("reg.1.server.1.address", ""),
        sip_port=_int(k.get("reg.1.server.1.port"), 5060),
        sip_transport=cast(Any, transport),
        sip_user=k.get("reg.1.auth.userId", ""),
        sip_domain=address.partition("@")[2],
        srtp=cast(Any, srtp),
        lockout_attempts=_int(k.get("sec.auth.lockout.attempts"), base.lockout_attempts),
        lockout_minutes=_int(k.get("sec.auth.lockout.minutes"), base.lockout_minutes),
        ntp_servers=_list(k.get("tcpIpApp.sntp.address")),
        timezone=k.get("tcpIpApp.sntp.timezone", base.timezone),
        syslog_server=(k.get("device.syslog.serverName") or None)
        if _truthy(k.get("device.syslog.enabled"), False)
        else None,
        admin_user=k.get("device.auth.localAdminName", "admin"),
        admin_password=k.get("device.auth.localAdminPassword", base.admin_password),
        https=httpd,
        http=httpd and not _truthy(k.get("httpd.cfg.secureTunnelRequired"), False),
        telnet=_truthy(k.get("diags.telnetd.enabled"), False),
        mgmt_allow=_list(k.get("httpd.cfg.allowedHosts")),
        snmp=("v3" if k.get("device.snmp.version") == "3" else "v2c")
        if _truthy(k.get("device.snmp.enabled"), True)
        else "off",
        snmp_community=k.get("device.snmp.community", base.snmp_community),
        idle_timeout_minutes=_int(k.get("httpd.cfg.sessionTimeout"), base.idle_timeout_minutes),
        auto_answer=("allowlist" if allow else "any") if answer_on else "off",
        auto_answer_allow=allow,
        far_end_camera_control=_truthy(k.get("video.camera.farEndControl"), True),
    )


# --- one interface over both ---------------------------------------------------------------


@dataclass(frozen=True)
class VendorFormat:
    vendor: Vendor
    keys: Callable[[EndpointConfig, str], KeyValues]
    write: Callable[[FileView], str]
    parse: Callable[[str], KeyValues]
    to_config: Callable[[KeyValues], EndpointConfig]
    secret_keys: tuple[str, ...]
    export_path: str
    """Where the endpoint's management interface exports its running configuration."""

    def view(self, keys: KeyValues, header: str) -> FileView:
        return FileView.of(self.vendor, header, keys)

    def render(self, config: EndpointConfig, label: str, header: str) -> str:
        return self.write(self.view(self.keys(config, label), header))

    def read(self, text: str) -> EndpointConfig:
        config = self.to_config(self.parse(text))
        return config if config.snmp == "v2c" else replace(config, snmp_community=None)

    def strip_secrets(self, text: str) -> str:
        """The file as an endpoint exports it: secret keys left out."""
        keys = {k: v for k, v in self.parse(text).items() if k not in self.secret_keys}
        return self.write(self.view(keys, "exported running configuration"))


FORMATS: dict[str, VendorFormat] = {
    "yealink": VendorFormat(
        "yealink",
        yealink_keys,
        yealink_file,
        parse_yealink,
        yealink_config,
        ("static.security.user_password", "static.network.snmp.community"),
        "/servlet?m=mod_data&p=settings-config&q=export",
    ),
    "poly": VendorFormat(
        "poly",
        poly_keys,
        poly_file,
        parse_poly,
        poly_config,
        ("device.auth.localAdminPassword", "device.snmp.community"),
        "/api/v1/mgmt/config/export",
    ),
}

CONFIG_FIELDS = tuple(f.name for f in fields(EndpointConfig))
