"""The settings of one endpoint that matter for security, independent of the vendor.

Rendering turns an :class:`EndpointConfig` into a vendor file; the probe reads a vendor file
exported by the endpoint back into one, so that the checks compare like with like.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Transport = Literal["udp", "tcp", "tls"]
SrtpMode = Literal["off", "optional", "required"]
AutoAnswer = Literal["off", "allowlist", "any"]
SnmpMode = Literal["off", "v3", "v2c"]


@dataclass(frozen=True)
class EndpointConfig:
    """What an endpoint is configured to do (intended, or read back from the device)."""

    sip_server: str
    sip_port: int = 5061
    sip_transport: Transport = "tls"
    sip_user: str = ""
    sip_domain: str = ""
    srtp: SrtpMode = "required"
    ntp_servers: tuple[str, ...] = ()
    syslog_server: str | None = None
    admin_user: str = "admin"
    admin_password: str | None = field(default=None, repr=False)
    """The secret: present only in files written for the provisioning server."""
    https: bool = True
    http: bool = False
    telnet: bool = False
    mgmt_allow: tuple[str, ...] = ()
    """Prefixes allowed to reach the management interface (empty: anyone)."""
    auto_answer: AutoAnswer = "allowlist"
    auto_answer_allow: tuple[str, ...] = ()
    far_end_camera_control: bool = False
    snmp: SnmpMode = "off"
    snmp_community: str | None = field(default=None, repr=False)
    idle_timeout_minutes: int = 5
    lockout_attempts: int = 5
    lockout_minutes: int = 720
    timezone: str = "Asia/Ho_Chi_Minh"

    def without_secrets(self) -> EndpointConfig:
        return replace(self, admin_password=None, snmp_community=None)


def factory_default(vendor_default_password: str) -> EndpointConfig:
    """What an endpoint out of the box typically does: everything open, nothing required."""
    return EndpointConfig(
        sip_server="",
        sip_port=5060,
        sip_transport="udp",
        srtp="optional",
        admin_password=vendor_default_password,
        https=True,
        http=True,
        auto_answer="any",
        far_end_camera_control=True,
        snmp="v2c",
        snmp_community="public",
        idle_timeout_minutes=30,
        lockout_attempts=0,
        lockout_minutes=0,
    )
