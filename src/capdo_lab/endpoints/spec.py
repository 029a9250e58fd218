"""What one emulated endpoint is: identity, provisioned configuration and deliberate faults."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from capdo.endpoints import DEFAULT_PASSWORDS, FORMATS, EndpointConfig, factory_default

FAULTS: dict[str, str] = {
    "http-open": "plain HTTP management listener open",
    "telnet-open": "telnet listener open",
    "old-firmware": "reports a firmware older than the inventory's",
    "no-tls": "no SIP over TLS, plain SIP and SRTP optional",
    "expired-cert": "management certificate expired",
    "weak-tls": "management still accepts TLS 1.0/1.1",
    "default-password": "the vendor's default admin login still works",
    "silent": "accepts connections but never answers (timeouts)",
    "srtp-optional": "SRTP optional instead of required",
    "auto-answer-any": "auto-answers any caller",
    "snmp-v2c": "SNMP v2c with community 'public'",
    "no-ntp": "no NTP server",
    "no-syslog": "no central syslog",
    "long-idle": "management session idle timeout 60 minutes, no lockout",
    "mgmt-anywhere": "management reachable from any address",
}

UA_FORMATS = {
    "yealink": "Yealink {model} {firmware}",
    "poly": "Poly/{model} {firmware}",
    "cisco": "Cisco/{model} ce{firmware}",
    "huawei": "Huawei {model} {firmware}",
}


class UnknownFault(ValueError):
    pass


@dataclass(frozen=True)
class EmulatedSpec:
    """One endpoint to emulate. ``provisioning`` is the text of its provisioning file (as the
    provisioning server would serve it); without it the endpoint runs its factory defaults."""

    name: str
    vendor: str
    model: str
    firmware: str
    provisioning: str | None = field(default=None, repr=False)
    faults: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = sorted(self.faults - FAULTS.keys())
        if unknown:
            raise UnknownFault(", ".join(unknown))

    @property
    def reported_firmware(self) -> str:
        if "old-firmware" not in self.faults:
            return self.firmware
        head, sep, rest = self.firmware.partition(".")
        return f"{max(int(head) - 1, 0)}{sep}{rest}" if head.isdigit() else "0.0.1"

    @property
    def user_agent(self) -> str:
        template = UA_FORMATS.get(self.vendor, "{model} {firmware}")
        return template.format(model=self.model, firmware=self.reported_firmware)

    def running_config(self) -> EndpointConfig:
        """The configuration the endpoint runs: provisioned (or factory) plus the faults."""
        fmt = FORMATS.get(self.vendor)
        default_password = DEFAULT_PASSWORDS.get(self.vendor, ("admin", "admin"))[1]
        if fmt is None or self.provisioning is None:
            config = factory_default(default_password)
        else:
            config = fmt.read(self.provisioning)
        changes: dict[str, Any] = {}
        faults = self.faults
        if "no-tls" in faults:
            changes.update(sip_transport="udp", sip_port=5060, srtp="optional")
        if "srtp-optional" in faults:
            changes["srtp"] = "optional"
        if "http-open" in faults:
            changes["http"] = True
        if "telnet-open" in faults:
            changes["telnet"] = True
        if "auto-answer-any" in faults:
            changes.update(auto_answer="any", auto_answer_allow=())
        if "snmp-v2c" in faults:
            changes.update(snmp="v2c", snmp_community="public")
        if "no-ntp" in faults:
            changes["ntp_servers"] = ()
        if "no-syslog" in faults:
            changes["syslog_server"] = None
        if "long-idle" in faults:
            changes.update(idle_timeout_minutes=60, lockout_attempts=0)
        if "mgmt-anywhere" in faults:
            changes["mgmt_allow"] = ()
        return replace(config, **changes)

    def exported_config(self, config: EndpointConfig) -> str:
        """The running configuration as the management interface exports it (no secrets)."""
        fmt = FORMATS.get(self.vendor)
        if fmt is None:
            return ""
        return fmt.render(config.without_secrets(), self.name, "exported running configuration")

    def logins(self, config: EndpointConfig) -> set[tuple[str, str]]:
        accepted = set()
        if config.admin_password is not None:
            accepted.add((config.admin_user, config.admin_password))
        if "default-password" in self.faults and self.vendor in DEFAULT_PASSWORDS:
            accepted.add(DEFAULT_PASSWORDS[self.vendor])
        return accepted
