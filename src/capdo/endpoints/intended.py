"""What each endpoint should be configured to do, from the estate and its level.

The level is the video-conference system's (``EstateIndex.level_of``); thresholds (idle
timeout, lockout) and the requirement ids come from the catalogue baseline at that level.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from capdo.endpoints.config import EndpointConfig
from capdo.endpoints.secrets import endpoint_credential
from capdo.errors import CapdoError
from capdo.exports import Baseline, baseline, catalogue_dir_for
from capdo.inventory import Endpoint, EstateIndex, Inventory
from capdo.secrets import resolve

SYSLOG_FROM_LEVEL = 3
"""VC.06 reads "NTP configured; syslog to the SIEM (level 3)": the catalogue has no parameter
for it yet, so the first level that needs central syslog is this constant."""


@dataclass(frozen=True)
class EndpointPlan:
    """One endpoint with its level, baseline and intended configuration (without secrets)."""

    endpoint: Endpoint
    level: int | None
    baseline: Baseline
    config: EndpointConfig

    @property
    def name(self) -> str:
        return self.endpoint.name

    @property
    def syslog_required(self) -> bool:
        return self.level is not None and self.level >= SYSLOG_FROM_LEVEL


def _int_setting(base: Baseline, name: str) -> int:
    value = base.setting(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CapdoError("baseline.error.no-setting", parameter=name)
    return value


class Planner:
    """Builds :class:`EndpointPlan` objects for the endpoints of one loaded estate."""

    def __init__(self, inventory: Inventory, root: Path) -> None:
        self.inventory = inventory
        self.root = root
        self.index = EstateIndex(inventory)
        self.catalogue_dir = catalogue_dir_for(root)
        defaults = inventory.estate.defaults
        self.log_hosts = tuple(
            str(self.index.servers[name].address)
            for name in defaults.log_servers
            if name in self.index.servers
        )

    def baseline_for(self, level: int | None) -> Baseline:
        if level is None or self.catalogue_dir is None:
            return Baseline()
        return baseline("endpoint", level, self.inventory.estate.regimes, self.catalogue_dir)

    def plan(self, endpoint: Endpoint) -> EndpointPlan:
        level = self.index.level_of(endpoint.name)
        wanted = self.baseline_for(level)
        mcu = self.index.servers.get(endpoint.mcu) if endpoint.mcu else None
        user, domain = _sip_parts(endpoint.sip_uri)
        admin_user, _ = endpoint_credential(self.inventory.estate, endpoint.credential)
        syslog = (
            self.log_hosts[0] if self.log_hosts and level and level >= SYSLOG_FROM_LEVEL else None
        )
        mcu_address = str(mcu.address) if mcu is not None else ""
        config = EndpointConfig(
            sip_server=mcu_address,
            sip_user=user or endpoint.name,
            sip_domain=domain or self.inventory.estate.defaults.domain or "",
            ntp_servers=self.inventory.estate.defaults.ntp_servers,
            syslog_server=syslog,
            admin_user=admin_user,
            mgmt_allow=tuple(str(p) for p in self.index.management.for_site(endpoint.site)),
            auto_answer_allow=(mcu_address,) if mcu_address else (),
            idle_timeout_minutes=_int_setting(wanted, "idle_timeout_minutes"),
            lockout_attempts=_int_setting(wanted, "lockout_attempts"),
            lockout_minutes=60 * _int_setting(wanted, "lockout_duration_hours"),
            timezone=self.inventory.estate.defaults.timezone,
        )
        return EndpointPlan(endpoint, level, wanted, config)

    def plans(self, names: list[str] | None = None) -> list[EndpointPlan]:
        chosen = self.inventory.endpoints
        if names:
            unknown = [n for n in names if n not in self.index.endpoints]
            if unknown:
                raise CapdoError("endpoints.error.unknown-endpoint", names=", ".join(unknown))
            chosen = tuple(e for e in chosen if e.name in names)
        return [self.plan(e) for e in chosen]

    def admin_password(self, endpoint: Endpoint) -> str | None:
        """The resolved admin password, or None when the credential names none.

        Raises :class:`~capdo.secrets.SecretError` when the reference cannot be
        resolved."""
        _, ref = endpoint_credential(self.inventory.estate, endpoint.credential)
        return resolve(ref) if ref is not None else None


def _sip_parts(uri: str | None) -> tuple[str, str]:
    if not uri:
        return "", ""
    rest = uri.split(":", 1)[1]
    user, _, domain = rest.partition("@")
    return user, domain
