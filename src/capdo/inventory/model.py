"""The estate model: what an estate directory holds, as frozen pydantic models.

Vocabulary follows NetBox where it fits (site, zone/prefix, device role and platform, circuit
with A/Z terminations, VLAN). The model knows nothing of compliance: levels here are the
levels the owner approved or proposed, not what the catalogue requires of them.
"""

from __future__ import annotations

import datetime as dt
import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from capdo.inventory.strings import (
    ConfigText,
    HostName,
    PathText,
    SipAddress,
    Text,
    TimeZone,
    UserName,
    Word,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=63)]
"""An ASCII id: lower case letters, digits, dot, dash, underscore (Vietnamese goes in names)."""

SLUG_HINT = "ids are ASCII slugs: lower-case letters, digits, '.', '-', '_' (e.g. xa-thanh-ba)"


class Model(BaseModel):
    """Base of every inventory object: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(Model):
    """A text in Vietnamese (required) and English (optional, falls back to Vietnamese)."""

    vi: Text = Field(min_length=1)
    en: Text | None = None

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.vi


# --- secrets -------------------------------------------------------------------------------


class SecretRef(Model):
    """Where a secret lives; never the secret itself. Exactly one source is set."""

    env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$", max_length=128)
    vault: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)
    file: PathText | None = None

    def model_post_init(self, _context: object) -> None:
        sources = [s for s in (self.env, self.vault, self.file) if s is not None]
        if len(sources) != 1:
            raise ValueError("a secret reference names exactly one of env, vault, file")
        if self.file is not None and not self.file.startswith(("/", "~")):
            raise ValueError("a secret file must be an absolute path outside the repository")

    def describe(self) -> str:
        if self.env is not None:
            return f"env:{self.env}"
        if self.vault is not None:
            return f"vault:{self.vault}"
        return f"file:{self.file}"


class Credential(Model):
    """A login: the user name is data, the password and key are references."""

    username: UserName
    password: SecretRef | None = None
    private_key: SecretRef | None = None
    enable_secret: SecretRef | None = None


# --- estate --------------------------------------------------------------------------------

Regime = Literal["legacy", "new"]
"""legacy: TCVN 11930:2017 + Decree 85/2016 + Circular 12/2022; new: TCVN 14423:2026 +
Decree 331/2026 + Law 116/2025."""


class EstateDefaults(Model):
    ssh_user: UserName = "root"
    ssh_port: int = Field(default=22, ge=1, le=65535)
    python_interpreter: PathText = "/usr/bin/python3"
    server_credential: Slug | None = None
    device_credential: Slug | None = None
    endpoint_credential: Slug | None = None
    timezone: TimeZone = "Asia/Ho_Chi_Minh"
    ntp_servers: tuple[HostName, ...] = ()
    dns_servers: tuple[IPv4Address, ...] = ()
    log_servers: tuple[Slug, ...] = ()
    """Names of the servers that receive the estate's central logs."""
    domain: HostName | None = None
    controller_addresses: tuple[IPv4Address, ...] = ()
    """Where the operators' controllers (the machines running capdo) connect from; a network
    push is refused when the intended management ACL would shut one of them out."""


class Estate(Model):
    id: Slug
    organisation: Localized
    security_unit: Localized | None = None
    """The designated information-security unit (đơn vị chuyên trách)."""
    regimes: tuple[Regime, ...] = Field(min_length=1)
    """The regimes in force; both during the transition (Decree 331 Art. 39)."""
    defaults: EstateDefaults = EstateDefaults()
    credentials: dict[Slug, Credential] = {}
    connection_overlay: PathText | None = None
    """A file (relative to the estate directory) with per-target connection overrides, e.g.
    written by the lab; read when it exists."""
    routing: Literal["ospf", "static"] = "ospf"
    """How routes travel between the sites and the data centres: ``ospf`` (sites learn the
    data-centre zones they need; what OSPF installs is filtered to them) or ``static`` (a route
    per needed prefix, the backup link at a higher distance). WAN and core–WAN links use this
    protocol; see ``capdo.network.routing`` for the design."""
    endpoint_ca: PathText | None = None
    """The CA certificate (PEM, inside the estate directory, relative to it) that signs the
    endpoints' management certificates: endpoint probes send credentials only to a peer whose
    certificate it verifies."""

    @field_validator("regimes")
    @classmethod
    def _distinct(cls, value: tuple[Regime, ...]) -> tuple[Regime, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a regime is listed twice")
        return value


# --- places and networks ---------------------------------------------------------------------

SiteKind = Literal[
    "province",
    "region",
    "datacentre",
    "dr-site",
    "department",
    "district",
    "commune",
    "ward",
    "office",
]
STRUCTURAL_SITE_KINDS: frozenset[str] = frozenset({"province", "region"})


class Coordinates(Model):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Site(Model):
    id: Slug
    name: Localized
    kind: SiteKind
    parent: Slug | None = None
    address: Text | None = None
    coordinates: Coordinates | None = None
    status: Literal["active", "planned", "retired"] = "active"
    """Retired sites keep the pre-2025 structure expressible (abolished districts, merged
    communes) without counting as live sites."""
    replaced_by: Slug | None = None


ZoneKind = Literal[
    "internal",
    "user",
    "perimeter",
    "dmz",
    "server",
    "database",
    "management",
    "device-management",
    "wireless",
    "video-conference",
    "wan",
    "backup",
    "security",
]


class Zone(Model):
    id: Slug
    site: Slug
    kind: ZoneKind
    name: Localized | None = None
    prefixes: tuple[IPv4Network, ...] = Field(min_length=1)
    within: Slug | None = None
    """Another zone whose prefixes contain this one's on purpose (nested zones)."""


class Vlan(Model):
    id: int = Field(ge=1, le=4094)
    name: Slug
    zone: Slug
    prefix: IPv4Network
    gateway: IPv4Address | None = None


class SiteLan(Model):
    """The LAN plan of one site: its VLANs, each mapped to a zone."""

    site: Slug
    vlans: tuple[Vlan, ...] = Field(min_length=1)


# --- information systems -------------------------------------------------------------------

SystemType = Literal[
    "internal", "citizen-service", "shared-infrastructure", "industrial-control", "other"
]
InformationType = Literal["public", "private", "personal", "sensitive-personal", "state-secret"]
SystemScope = Literal["agency", "sector", "province", "multi-province", "national"]


class LevelDecision(Model):
    """The approved level (with its decision) or a proposed one."""

    level: int = Field(ge=1, le=5)
    status: Literal["approved", "proposed"]
    decision: Text | None = None
    """Decision number, e.g. 1234/QĐ-UBND."""
    date: dt.date | None = None
    approver: Localized | None = None

    def model_post_init(self, _context: object) -> None:
        if self.status == "approved" and (not self.decision or self.date is None):
            raise ValueError("an approved level needs its decision number and date")


class SystemMembers(Model):
    servers: tuple[Slug, ...] = ()
    devices: tuple[Slug, ...] = ()
    endpoints: tuple[Slug, ...] = ()
    sites: tuple[Slug, ...] = ()


class InformationSystem(Model):
    id: Slug
    name: Localized
    owner: Localized
    """The owner (chủ quản); a system has exactly one."""
    operator: Localized
    """The operating unit (đơn vị vận hành)."""
    type: SystemType
    scope: SystemScope = "agency"
    information: tuple[InformationType, ...] = Field(min_length=1)
    users: int = Field(default=0, ge=0)
    data_subjects: int = Field(default=0, ge=0)
    public_service_level: int | None = Field(default=None, ge=1, le=4)
    """The highest online public-service level it provides (Decree 85 Art. 8–9)."""
    administrative_procedures: bool = False
    """Handles administrative procedures (giải quyết thủ tục hành chính, Decree 331 Art. 13.2)."""
    hosting: Literal["own", "leased-datacentre", "cloud"] = "own"
    """Where it runs; leased hosting brings the isolation requirement (TT12 Art. 9.9-9.10)."""
    level: LevelDecision
    members: SystemMembers = SystemMembers()
    description: Localized | None = None


# --- things with addresses -------------------------------------------------------------------


class OperatingSystem(Model):
    family: Literal["debian", "ubuntu", "rhel", "rocky", "almalinux", "windows", "other"]
    version: Word


class Server(Model):
    name: Slug
    site: Slug
    zone: Slug
    address: IPv4Address
    """The management address that Ansible and the checks use."""
    roles: tuple[Slug, ...] = ()
    os: OperatingSystem
    systems: tuple[Slug, ...] = ()
    credential: Slug | None = None
    virtual: bool = True


DeviceRole = Literal["core", "distribution", "access", "firewall", "wan-router", "internet-router"]
Platform = Literal[
    "cisco_ios", "huawei_vrp", "huawei_usg", "cisco_nxos", "juniper_junos", "fortinet", "other"
]


class NetworkDevice(Model):
    name: Slug
    platform: Platform
    role: DeviceRole
    site: Slug
    zone: Slug
    """The management zone its address lives in."""
    address: IPv4Address
    model: ConfigText | None = None
    redundancy_group: Slug | None = None
    systems: tuple[Slug, ...] = ()
    credential: Slug | None = None


class LinkEnd(Model):
    device: Slug | None = None
    interface: Word | None = None
    address: IPv4Interface
    external: ConfigText | None = None
    """For an Internet uplink's provider end: the provider's name instead of a device."""

    def model_post_init(self, _context: object) -> None:
        if (self.device is None) == (self.external is None):
            raise ValueError("a link end names either a device (with interface) or an external")
        if self.device is not None and not self.interface:
            raise ValueError("a link end on a device names its interface")


class Routing(Model):
    protocol: Literal["ospf", "static", "bgp"]
    area: Word | None = None
    """OSPF area, e.g. '0' or '0.0.0.10'."""
    cost: int | None = Field(default=None, ge=1, le=65535)


class Link(Model):
    id: Slug
    kind: Literal["wan", "internet", "core-firewall", "firewall-wan", "core-wan"]
    """``wan``/``internet`` leave the site; the others join devices inside a data centre."""
    network: Literal["tslcd", "internet", "private"] = "tslcd"
    """tslcd: the dedicated government data network (mạng truyền số liệu chuyên dùng)."""
    provider: ConfigText
    circuit_id: ConfigText | None = None
    a: LinkEnd
    z: LinkEnd
    bandwidth_mbps: int = Field(gt=0)
    routing: Routing
    role: Literal["primary", "backup"] = "primary"


# --- firewall policy ---------------------------------------------------------------------------

FIREWALL_SERVICES: dict[str, tuple[str, str]] = {
    # name → (protocol, port or range); a flow may also name ``tcp/8443`` or ``udp/5000-5010``
    "https": ("tcp", "443"),
    "http": ("tcp", "80"),
    "ssh": ("tcp", "22"),
    "smtp": ("tcp", "25"),
    "syslog": ("udp", "514"),
    "dns": ("udp", "53"),
    "ntp": ("udp", "123"),
    "snmp": ("udp", "161"),
    "sip": ("tcp", "5060-5061"),
    "sip-udp": ("udp", "5060"),
    "h323": ("tcp", "1720"),
    "rtp": ("udp", "16384-32767"),
    "app": ("tcp", "8080"),
    "database": ("tcp", "5432"),
}
"""The services a firewall flow may name (the derived policy uses the same names)."""
FIREWALL_OUTSIDE: tuple[str, ...] = ("wan", "internet")
"""What lies beyond a site's firewall, usable as a flow's source or destination besides the
site's own zones: ``wan`` (the province's other sites) and ``internet``."""

ServiceRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9/-]*$", max_length=32)]
"""A service name of :data:`FIREWALL_SERVICES`, or ``tcp/PORT`` / ``udp/FIRST-LAST``."""


class FirewallFlow(Model):
    """One allowed (or refused) flow through a site's firewall."""

    source: Slug
    """A zone of the site, ``wan`` or ``internet``."""
    destination: Slug
    """A zone of the site, ``wan`` or ``internet``."""
    servers: tuple[Slug, ...] = ()
    """Destination servers (in the destination zone); none and no ``addresses``: the zone."""
    addresses: tuple[IPv4Network, ...] = ()
    """Destination prefixes (e.g. outside the site)."""
    services: tuple[ServiceRef, ...] = Field(min_length=1)
    """Service names (https, ssh, syslog, dns, ntp, sip, ...) or ``tcp/8443``,
    ``udp/5000-5010``."""
    action: Literal["permit", "deny"] = "permit"
    """``permit`` or ``deny``; the rule is placed before the derived ones, so a deny here
    overrides what the model would allow."""
    log: bool = True
    """Log the flow's sessions (a deny is always logged)."""
    name: Slug | None = Field(default=None, max_length=30)
    """The rule's name on the firewall (default: number, source and destination)."""


class PublishedService(Model):
    """A service of a DMZ server published to the Internet: a public address translated
    (FortiOS virtual IP, USG ``nat server``) to the server, admitted for ``services`` only."""

    name: Slug = Field(max_length=30)
    """Names the translation (``vip-<name>``) and the rule (``publish-<name>``)."""
    server: Slug
    """The published server, in a DMZ zone of the site."""
    public_address: IPv4Address
    """The public address the Internet reaches it at."""
    services: tuple[ServiceRef, ...] = Field(min_length=1)
    """What the Internet may reach (names or ``tcp/PORT``), nothing else."""


class FirewallPolicy(Model):
    """The zone policy of one site's firewalls. Flows derived from the model (roles, zone
    kinds) stay unless ``derived`` is false; an explicit flow list replaces the derived flows
    of the same (source, destination) pair and adds the others. Default deny with logging is
    always rendered last."""

    site: Slug
    """The site whose firewalls apply the policy (one policy per site)."""
    derived: bool = True
    """Keep the flows derived from server roles and zone kinds (false: only ``flows`` and
    ``published``)."""
    flows: tuple[FirewallFlow, ...] = ()
    """Explicit flows between zones (they replace derived flows of the same zone pair)."""
    published: tuple[PublishedService, ...] = ()
    """Services of DMZ servers published to the Internet through a public address."""


_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")


class Endpoint(Model):
    """A video-conference endpoint (điểm cầu)."""

    name: Slug
    site: Slug
    zone: Slug
    vendor: Literal["yealink", "poly", "cisco", "huawei", "avaya", "other"]
    model: ConfigText
    firmware: Word
    mac: str
    address: IPv4Address
    sip_uri: SipAddress | None = None
    h323_id: SipAddress | None = None
    mcu: Slug | None = None
    """The server (MCU) it registers to."""
    systems: tuple[Slug, ...] = ()
    credential: Slug | None = None

    @field_validator("mac")
    @classmethod
    def _mac(cls, value: str) -> str:
        value = value.lower().replace("-", ":")
        if not _MAC.fullmatch(value):
            raise ValueError("a MAC address is six hex pairs, e.g. 80:5e:c0:12:34:56")
        return value

    def model_post_init(self, _context: object) -> None:
        if self.sip_uri is None and self.h323_id is None:
            raise ValueError("an endpoint needs a sip_uri or an h323_id")
        if self.sip_uri is not None and not self.sip_uri.startswith(("sip:", "sips:")):
            raise ValueError("a SIP URI starts with sip: or sips:")


class Inventory(Model):
    """A whole estate, loaded and schema-checked (cross references: see validate.py)."""

    estate: Estate
    sites: tuple[Site, ...] = ()
    zones: tuple[Zone, ...] = ()
    systems: tuple[InformationSystem, ...] = ()
    servers: tuple[Server, ...] = ()
    devices: tuple[NetworkDevice, ...] = ()
    links: tuple[Link, ...] = ()
    lan: tuple[SiteLan, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    firewall_policies: tuple[FirewallPolicy, ...] = ()
