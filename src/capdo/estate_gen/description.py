"""The description of a province: what ``capdo estate new`` expands into an estate.

Everything province-specific lives here, never in the engine: the site tree's tiers, data
centres, departments, communes, systems, platforms per tier and role, dual-homed sites, the
endpoint vendor mix and the address plan. Unknown keys are errors (like the estate model).
"""

from __future__ import annotations

import datetime as dt
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from capdo.errors import CapdoError
from capdo.inventory import (
    Coordinates,
    DeviceRole,
    InformationType,
    LevelDecision,
    Localized,
    Platform,
    Regime,
    Slug,
    SystemScope,
    SystemType,
)
from capdo.safeio import ReadError, read_yaml

EndpointVendor = Literal["yealink", "poly", "cisco", "huawei", "avaya", "other"]
Tier = Literal["datacentre", "dr-site", "department", "district", "commune", "ward"]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleSpec(Spec):
    """The platform and model of one device role in one tier, and its link ports in order."""

    platform: Platform
    model: str
    ports: tuple[str, ...] = ()
    """Interfaces used for links, in order (uplink, backup uplink; on a hub: the downlink).
    Empty: the platform's defaults."""


class ServerSpec(Spec):
    prefix: Slug
    roles: tuple[Slug, ...]
    count: int = Field(ge=1, le=99)
    zone: Slug
    """A data-centre zone suffix (server, dmz, database, security, ...)."""
    datacentre: Slug | None = None
    """The data centre it runs in (default: the first one)."""


CompactServer = tuple[str, tuple[str, ...], int, str] | tuple[str, tuple[str, ...], int, str, str]


class SystemSpec(Spec):
    id: Slug
    name: Localized
    type: SystemType
    scope: SystemScope = "agency"
    information: tuple[InformationType, ...] = Field(min_length=1)
    users: int | None = Field(default=None, ge=0)
    data_subjects: int | None = Field(default=None, ge=0)
    public_service_level: int | None = Field(default=None, ge=1, le=4)
    administrative_procedures: bool | None = None
    level: LevelDecision
    servers: tuple[ServerSpec | CompactServer, ...] = ()
    """Servers as mappings or compact ``[prefix, roles, count, zone(, datacentre)]``."""

    def server_specs(self) -> list[ServerSpec]:
        specs = []
        for item in self.servers:
            if isinstance(item, ServerSpec):
                specs.append(item)
            else:
                keys = ("prefix", "roles", "count", "zone", "datacentre")
                specs.append(ServerSpec.model_validate(dict(zip(keys, item, strict=False))))
        return specs


class DatacentreSpec(Spec):
    id: Slug
    name: Localized
    kind: Literal["datacentre", "dr-site"] = "datacentre"
    address: str | None = None
    coordinates: Coordinates
    devices: dict[DeviceRole, int] | None = None
    """Devices per role (default: a full layout for a data centre, a small one for a DR site)."""


class DepartmentSpec(Spec):
    id: Slug
    name: Localized


CompactDepartment = tuple[str, str, str]


class CommuneList(Spec):
    """Commune-level units: names (wards and communes) or a number of generated names."""

    wards: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    generate: int = Field(default=0, ge=0, le=2000)
    """Extra communes with generated names."""
    per_district: int | None = Field(default=None, ge=1)
    """Three-tier provinces: communes per district, in order (default: spread evenly)."""


class TierLinks(Spec):
    bandwidth_mbps: int = Field(gt=0)
    backup_bandwidth_mbps: int | None = Field(default=None, gt=0)
    area: str = "0.0.0.0"


class WanSpec(Spec):
    provider: str = "VNPT"
    circuit_prefix: str = "TSLCD"
    system: Slug
    """The information system of the provincial WAN (its routers belong to it)."""
    tiers: dict[Tier, TierLinks] = {}
    dual_homed: dict[Tier, Literal["all", "none"] | int | tuple[str, ...]] = {}
    """Per tier: all, none, the first N sites, or a list of site ids."""
    routing: Literal["ospf", "static"] = "ospf"
    """How routes travel between the sites and the data centres (the estate's ``routing``):
    OSPF (areas per tier) or static routes."""


class EndpointModel(Spec):
    model: str
    firmware: str
    oui: str = Field(pattern=r"^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$")


VendorMix = EndpointVendor | dict[EndpointVendor, int]


class EndpointSpec(Spec):
    total: int = Field(ge=0)
    datacentre: int = 0
    per_department: int = 0
    per_district: int = 0
    """The rest goes to the communes: one each, the remainder to the first ones in order."""
    vendors: dict[Tier, VendorMix] = {}
    """Vendor per tier, or a mix (vendor: share)."""
    models: dict[EndpointVendor, EndpointModel] = {}
    system: Slug
    """The video-conference system (its MCU servers are the servers with role ``mcu``)."""


class SiteSystems(Spec):
    """A LAN system per department/district/commune site (omit for none)."""

    level: int = Field(ge=1, le=5)
    status: Literal["approved", "proposed"] = "approved"
    date: dt.date | None = None
    decision_start: int = 1
    users: dict[Tier, int] = {}


class AddressPlan(Spec):
    start: IPv4Address = IPv4Address("10.0.0.0")
    """First /16 of the province; blocks follow in order: data centres, departments,
    districts, communes (256 sites per block), WAN links."""
    stride: int | None = Field(default=None, ge=1)
    """/16 blocks per province in a national set (default: what the province uses)."""
    internet: IPv4Network = IPv4Network("100.64.0.0/24")


class EstateSpec(Spec):
    id: Slug
    organisation: Localized
    security_unit: Localized | None = None
    operator: Localized
    domain: str
    regimes: tuple[Regime, ...] = ("legacy", "new")
    province: Localized | None = None
    """The province site's name (default: the organisation's name without its prefix)."""
    ntp_servers: tuple[IPv4Address, ...] | None = None
    dns_servers: tuple[IPv4Address, ...] | None = None
    """Default: the servers with role ntp / dns."""


class Description(Spec):
    """A whole province (see docs/estate-description.md)."""

    estate: EstateSpec
    tiers: tuple[Literal["province", "district", "commune"], ...] = ("province", "commune")
    address_plan: AddressPlan = AddressPlan()
    datacentres: tuple[DatacentreSpec, ...] = Field(min_length=1, max_length=4)
    infrastructure_system: Slug
    """The system of the data centres' own devices and servers."""
    systems: tuple[SystemSpec, ...] = Field(min_length=1)
    departments: tuple[DepartmentSpec | CompactDepartment, ...] = Field(default=(), max_length=256)
    districts: tuple[str, ...] = Field(default=(), max_length=256)
    """Three-tier provinces: district names (sites of kind district with their own LAN)."""
    communes: CommuneList = CommuneList()
    retired_districts: tuple[str, ...] = ()
    """Pre-2025 district-level units kept as retired sites."""
    platforms: dict[Tier, dict[DeviceRole, RoleSpec]]
    wan: WanSpec
    internet_providers: tuple[str, ...] = ("VNPT", "Viettel")
    site_systems: SiteSystems | None = None
    endpoints: EndpointSpec
    schema_dir: str | None = None
    """Where the JSON schemas are, relative to the estate directory (default: written into
    ``.schema/`` of the estate)."""

    @model_validator(mode="after")
    def _consistent(self) -> Description:
        if self.tiers not in (("province", "commune"), ("province", "district", "commune")):
            raise ValueError("tiers: [province, commune] or [province, district, commune]")
        three = "district" in self.tiers
        if three and not self.districts:
            raise ValueError("a three-tier province lists its districts")
        if not three and self.districts:
            raise ValueError("districts are listed but the tiers have no district level")
        ids = {d.id for d in self.datacentres}
        if len(ids) != len(self.datacentres):
            raise ValueError("two data centres share an id")
        if self.datacentres[0].kind != "datacentre":
            raise ValueError("the first data centre is a full data centre (kind datacentre)")
        system_ids = {s.id for s in self.systems}
        for name in (self.infrastructure_system, self.wan.system, self.endpoints.system):
            if name not in system_ids:
                raise ValueError(f"system {name!r} is not among the systems")
        for system in self.systems:
            for server in system.server_specs():
                if server.datacentre is not None and server.datacentre not in ids:
                    raise ValueError(f"{system.id}: unknown data centre {server.datacentre!r}")
        return self

    def department_specs(self) -> list[DepartmentSpec]:
        return [
            d
            if isinstance(d, DepartmentSpec)
            else DepartmentSpec(id=d[0], name=Localized(vi=d[1], en=d[2]))
            for d in self.departments
        ]


def load_description(path: Path) -> Description:
    """Read and check a description file; problems raise :class:`DescriptionFileError`."""
    try:
        data = read_yaml(path, root=path.parent)
    except ReadError as error:
        problem = error.problem
        line = f"{problem.render('vi')} / {problem.message('en')}"
        raise DescriptionFileError([line]) from None
    try:
        return Description.model_validate(data)
    except ValidationError as error:
        lines = []
        for item in error.errors(include_url=False):
            where = ".".join(str(p) for p in item["loc"]) or "-"
            lines.append(f"{path}: {where}: {item['msg']}")
        raise DescriptionFileError(lines) from None


class DescriptionFileError(CapdoError):
    """A description file with problems; ``lines`` are ready to print (exit code 2)."""

    handled_apart = True

    def __init__(self, lines: list[str]) -> None:
        super().__init__("estate.error.description-file", lines="\n".join(lines))
        self.args = ("\n".join(lines),)  # as before the key
        self.lines = lines
