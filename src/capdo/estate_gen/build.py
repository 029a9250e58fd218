"""Expand a description into the collections of an estate (plain data, in writing order).

Address plan: the province's /16 blocks follow ``address_plan.start`` in this order: one per
data centre, departments, districts, communes (256 sites per block), WAN /30s. Copy ``p`` of a
national set shifts every block by ``p * stride`` and prefixes every id with ``pNN-``.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

from capdo.errors import CapdoError
from capdo.estate_gen.description import (
    DatacentreSpec,
    Description,
    EndpointModel,
    RoleSpec,
    Tier,
    TierLinks,
    VendorMix,
)
from capdo.estate_gen.names import generated_names, slug

KINDS = ("sites", "zones", "systems", "servers", "devices", "links", "lan", "endpoints")

DC_ZONES = [  # (suffix, kind, third octet, prefix length, names vi/en)
    ("mgmt", "management", 0, 24, "Vùng quản trị", "Management zone"),
    ("dmz", "dmz", 1, 24, "Vùng DMZ", "DMZ"),
    ("server", "server", 10, 24, "Vùng máy chủ ứng dụng", "Application server zone"),
    ("database", "database", 20, 24, "Vùng cơ sở dữ liệu", "Database zone"),
    ("video-conference", "video-conference", 30, 24, "Vùng hội nghị truyền hình", "VC zone"),
    ("security", "security", 40, 24, "Vùng giám sát an toàn", "Security monitoring zone"),
    ("backup", "backup", 50, 24, "Vùng sao lưu", "Backup zone"),
    ("user", "user", 100, 22, "Vùng người dùng", "User zone"),
    ("perimeter", "perimeter", 254, 24, "Vùng mạng biên", "Perimeter zone"),
]
DR_ZONES = ("mgmt", "server", "backup")
"""A DR site has the data centre's management, server and backup zones, without names."""
SITE_ZONES = [  # per department/district/commune /24: (suffix, kind, offset, length, vlan)
    ("mgmt", "management", 0, 28, 10),
    ("perimeter", "perimeter", 16, 28, 90),
    ("vc", "video-conference", 32, 27, 30),
    ("wireless", "wireless", 64, 26, 50),
    ("user", "user", 128, 25, 20),
]
VC_FIRST, VC_LAST = 40, 62
"""Endpoint addresses in a site's VC /27."""
DEFAULT_DEVICES: dict[str, dict[str, int]] = {
    "datacentre": {
        "core": 2,
        "firewall": 2,
        "wan-router": 2,
        "internet-router": 2,
        "distribution": 4,
        "access": 8,
    },
    "dr-site": {"core": 1, "firewall": 1, "wan-router": 1, "access": 2},
}
ROLE_ORDER = ("core", "firewall", "wan-router", "internet-router", "distribution", "access")
ROLE_PREFIX = {
    "core": "core",
    "firewall": "fw",
    "wan-router": "wan",
    "internet-router": "inet",
    "distribution": "dist",
    "access": "acc",
}
DEFAULT_PORTS: dict[str, tuple[str, ...]] = {
    "cisco_ios": ("GigabitEthernet0/0/0", "GigabitEthernet0/0/1", "GigabitEthernet0/0/2"),
    "huawei_vrp": ("GigabitEthernet0/0/0", "GigabitEthernet0/0/1", "GigabitEthernet0/0/2"),
    "cisco_nxos": ("Ethernet1/1", "Ethernet1/2", "Ethernet1/3"),
    "juniper_junos": ("ge-0/0/0", "ge-0/0/1", "ge-0/0/2"),
    "fortinet": ("port1", "port2", "port3"),
    "other": ("eth0", "eth1", "eth2"),
}
VENDORS: dict[str, EndpointModel] = {
    "cisco": EndpointModel(model="Webex Room Kit", firmware="11.14.2.3", oui="00:1b:54"),
    "poly": EndpointModel(model="G7500", firmware="4.1.2", oui="00:04:f2"),
    "yealink": EndpointModel(model="VC200", firmware="63.345.0.10", oui="80:5e:c0"),
    "huawei": EndpointModel(model="TE30", firmware="V600R019C10", oui="00:e0:fc"),
    "avaya": EndpointModel(model="XT5000", firmware="9.1.10", oui="00:04:0d"),
}
INTERNAL_PORTS: dict[str, tuple[str, str]] = {
    "cisco_ios": ("TenGigabitEthernet1/1/1", "TenGigabitEthernet1/1/2"),
    "huawei_vrp": ("GigabitEthernet0/0/5", "GigabitEthernet0/0/6"),
    "huawei_usg": ("GigabitEthernet1/0/4", "GigabitEthernet1/0/5"),
    "cisco_nxos": ("Ethernet1/47", "Ethernet1/48"),
    "juniper_junos": ("xe-0/0/4", "xe-0/0/5"),
    "fortinet": ("port4", "port5"),
    "other": ("eth4", "eth5"),
}
"""The two ports a data-centre device uses for links inside its data centre."""
DC_LINK_THIRD = 255
"""Third octet of a data centre's block that holds its internal /30 links."""
DEFAULT_LINKS: dict[str, TierLinks] = {
    "datacentre": TierLinks(bandwidth_mbps=1000),
    "dr-site": TierLinks(bandwidth_mbps=1000),
    "department": TierLinks(bandwidth_mbps=100),
    "district": TierLinks(bandwidth_mbps=100),
    "commune": TierLinks(bandwidth_mbps=50),
    "ward": TierLinks(bandwidth_mbps=50),
}
DEFAULT_DUAL_HOMED = {"datacentre": "all", "dr-site": "all"}
TIER_GROUP = {
    "datacentre": "datacentre",
    "dr-site": "datacentre",
    "department": "departments",
    "district": "districts",
    "commune": "communes",
    "ward": "communes",
}
"""Devices and endpoints of one province are written one file per group."""


@dataclass(frozen=True)
class RemoteSite:
    id: str
    name: dict[str, str]
    kind: Tier
    parent: str
    index: int
    """Position within its tier (address and decision numbering)."""
    block: int


def _ip(value: int) -> str:
    return str(IPv4Address(value))


def blocks_used(desc: Description) -> int:
    return len(desc.datacentres) + (1 if desc.departments else 0) + (1 if desc.districts else 0)


def commune_names(desc: Description) -> list[tuple[Tier, str]]:
    listed: list[tuple[Tier, str]] = [("ward", n) for n in desc.communes.wards]
    listed += [("commune", n) for n in desc.communes.communes]
    taken = {slug(n) for _, n in listed}
    listed += [("commune", n) for n in generated_names(desc.communes.generate, taken)]
    return listed


def province_stride(desc: Description) -> int:
    communes = len(commune_names(desc))
    needed = blocks_used(desc) + max(1, -(-communes // 256)) + 1
    stride = desc.address_plan.stride or needed
    if stride < needed:
        raise CapdoError("estate.error.stride", stride=stride, needed=needed)
    return stride


class Province:
    """Builds every collection of one province; ``p`` shifts ids and addresses for national
    sets (copy 0 keeps the description's own ids)."""

    def __init__(self, desc: Description, p: int = 0) -> None:
        self.d = desc
        self.p = p
        self.pre = "" if p == 0 else f"p{p:02d}-"
        self.base = int(desc.address_plan.start) + p * province_stride(desc) * 65536
        self.kinds: dict[str, list[Any]] = {k: [] for k in KINDS}
        self.tier_of: dict[str, str] = {}
        self.link_count = 0
        self.wan_ifaces: dict[str, int] = {}
        self._hubs: tuple[list[str], str] | None = None
        self.dc_block = {dc.id: n for n, dc in enumerate(desc.datacentres)}
        block = len(desc.datacentres)
        self.department_block = block
        block += 1 if desc.departments else 0
        self.district_block = block
        block += 1 if desc.districts else 0
        self.commune_block = block
        self.communes = commune_names(desc)
        self.wan_block = block + max(1, -(-len(self.communes) // 256))

    def id(self, text: str) -> str:
        return f"{self.pre}{text}"

    def addr(self, block: int, third: int, fourth: int) -> str:
        return _ip(self.base + block * 65536 + third * 256 + fourth)

    # -- places -------------------------------------------------------------------------------
    def build(self) -> dict[str, list[Any]]:
        province = self.id("tinh")
        self.site(province, self._province_name(), "province")
        for dc in self.d.datacentres:
            self.site(
                self.id(dc.id),
                dc.name.model_dump(),
                dc.kind,
                province,
                dc.address,
                dc.coordinates.model_dump(),
            )
        for n, dc in enumerate(self.d.datacentres):
            self.datacentre(dc, n)
            self.datacentre_links(dc)
        self.systems()
        remote = self.remote_sites(province)
        self.check_dual_homed(remote)
        for site in remote:
            self.remote_site(site)
        for name in self.d.retired_districts:
            self.kinds["sites"].append(
                {
                    "id": self.id(f"huyen-{slug(name)}"),
                    "name": {"vi": name, "en": f"{slug(name)} (former district)"},
                    "kind": "district",
                    "parent": province,
                    "status": "retired",
                }
            )
        self.internet()
        self.endpoints(remote)
        return self.kinds

    def _province_name(self) -> dict[str, str]:
        if self.d.estate.province is not None:
            return self.d.estate.province.model_dump(exclude_none=True)
        name = self.d.estate.organisation.vi.replace("Ủy ban nhân dân ", "")
        return {"vi": name[:1].upper() + name[1:], "en": "Province"}

    def remote_sites(self, province: str) -> list[RemoteSite]:
        """Departments, districts and communes in order, each with its /24 (block, index)."""
        sites = [
            RemoteSite(
                self.id(d.id), d.name.model_dump(), "department", province, i, self.department_block
            )
            for i, d in enumerate(self.d.department_specs())
        ]
        districts = [
            RemoteSite(
                self.id(f"huyen-{slug(_district_label(name))}"),
                {"vi": _district_label(name), "en": f"{name.removeprefix('Huyện ')} district"},
                "district",
                province,
                i,
                self.district_block,
            )
            for i, name in enumerate(self.d.districts)
        ]
        sites += districts
        per = self.d.communes.per_district
        for j, (kind, name) in enumerate(self.communes):
            label = ("Phường " if kind == "ward" else "Xã ") + name
            en = f"{name} {kind}"
            sid = self.id(f"{'phuong' if kind == 'ward' else 'xa'}-{slug(name)}")
            parent = province
            if districts:
                k = j // per if per else j * len(districts) // len(self.communes)
                parent = districts[min(k, len(districts) - 1)].id
            block = self.commune_block + j // 256
            sites.append(RemoteSite(sid, {"vi": label, "en": en}, kind, parent, j % 256, block))
        return sites

    def site(
        self,
        sid: str,
        name: dict[str, str],
        kind: str,
        parent: str | None = None,
        address: str | None = None,
        coords: dict[str, float] | None = None,
    ) -> None:
        site: dict[str, Any] = {"id": sid, "name": name, "kind": kind}
        if parent:
            site["parent"] = parent
        if address:
            site["address"] = address
        if coords:
            site["coordinates"] = coords
        self.kinds["sites"].append(site)
        self.tier_of[sid] = kind

    def zone(
        self, zid: str, site: str, kind: str, prefix: str, name: dict[str, str] | None = None
    ) -> None:
        z: dict[str, Any] = {"id": zid, "site": site, "kind": kind}
        if name:
            z["name"] = name
        z["prefixes"] = [prefix]
        self.kinds["zones"].append(z)

    # -- data centres -------------------------------------------------------------------------
    def datacentre(self, dc: DatacentreSpec, n: int) -> None:
        site, block = self.id(dc.id), self.dc_block[dc.id]
        full = dc.kind == "datacentre"
        zones = [z for z in DC_ZONES if full or z[0] in DR_ZONES]
        vlans = []
        for suffix, kind, third, length, vi, en in zones:
            prefix = f"{self.addr(block, third, 0)}/{length}"
            self.zone(
                f"{site}-{suffix}", site, kind, prefix, {"vi": vi, "en": en} if full else None
            )
            vlans.append(
                {
                    "id": 100 + third,
                    "name": suffix,
                    "zone": f"{site}-{suffix}",
                    "prefix": prefix,
                    "gateway": self.addr(block, third, 1),
                }
            )
        self.kinds["lan"].append({"site": site, "vlans": vlans})
        counts = dc.devices if dc.devices is not None else DEFAULT_DEVICES[dc.kind]
        address = 10
        for role in ROLE_ORDER:
            count = counts.get(role, 0)  # type: ignore[call-overload]
            spec = self.role_spec(dc.kind, role) if count else None
            for k in range(1, count + 1):
                assert spec is not None
                group = ROLE_PREFIX[role] if count > 1 and role != "access" else None
                system = self.d.wan.system if role == "wan-router" else self.d.infrastructure_system
                self.device(
                    f"{site}-{ROLE_PREFIX[role]}-{k:02d}",
                    spec,
                    role,
                    site,
                    f"{site}-mgmt",
                    self.addr(block, 0, address),
                    f"{site}-{group}" if group else None,
                    [self.id(system)],
                )
                address += 1
        if n > 0 and counts.get("wan-router", 0):
            spec = self.role_spec(dc.kind, "wan-router")
            self.uplinks(f"{site}-wan-01", site, dc.kind, spec, n)

    def datacentre_links(self, dc: DatacentreSpec) -> None:
        """Links inside one data centre: core k – WAN router k (the estate's routing: the
        management zone), core k – firewall k and firewall k – WAN router k (static: the zones
        behind the firewall, see capdo.network.routing)."""
        site = self.id(dc.id)
        devices = {d["name"]: d for d in self.kinds["devices"] if d["site"] == site}
        used: dict[str, int] = {}

        def end(name: str, address: str) -> dict[str, str]:
            port = INTERNAL_PORTS.get(devices[name]["platform"], INTERNAL_PORTS["other"])
            used[name] = used.get(name, -1) + 1
            return {"device": name, "interface": port[used[name]], "address": address}

        n = 0
        for k in range(1, 100):
            core, wan, fw = (
                f"{site}-{ROLE_PREFIX[r]}-{k:02d}" for r in ("core", "wan-router", "firewall")
            )
            if core not in devices:
                break
            pairs = [("core-wan", core, wan, self.d.wan.routing)] if wan in devices else []
            if fw in devices:
                pairs.append(("core-firewall", core, fw, "static"))
                if wan in devices:
                    pairs.append(("firewall-wan", fw, wan, "static"))
            for kind, a, z, protocol in pairs:
                base, n = 4 * n, n + 1
                routing: dict[str, str] = {"protocol": protocol}
                if protocol == "ospf":
                    routing["area"] = "0.0.0.0"
                self.kinds["links"].append(
                    {
                        "id": f"{site}-{a.rsplit('-', 2)[-2]}{k}-{z.rsplit('-', 2)[-2]}{k}",
                        "kind": kind,
                        "network": "private",
                        "provider": "internal",
                        "a": end(
                            a, f"{self.addr(self.dc_block[dc.id], DC_LINK_THIRD, base + 1)}/30"
                        ),
                        "z": end(
                            z, f"{self.addr(self.dc_block[dc.id], DC_LINK_THIRD, base + 2)}/30"
                        ),
                        "bandwidth_mbps": 10000,
                        "routing": routing,
                    }
                )

    def role_spec(self, tier: str, role: str) -> RoleSpec:
        spec = self.d.platforms.get(tier, {}).get(role)  # type: ignore[call-overload]
        if spec is None:
            raise CapdoError("estate.error.platform", tier=tier, role=role)
        return spec  # type: ignore[no-any-return]

    def device(
        self,
        name: str,
        spec: RoleSpec,
        role: str,
        site: str,
        zone: str,
        address: str,
        group: str | None,
        systems: list[str],
    ) -> None:
        dev: dict[str, Any] = {
            "name": name,
            "platform": spec.platform,
            "role": role,
            "site": site,
            "zone": zone,
            "address": address,
            "model": spec.model,
        }
        if group:
            dev["redundancy_group"] = group
        dev["systems"] = systems
        self.kinds["devices"].append(dev)

    # -- systems and servers -----------------------------------------------------------------
    def systems(self) -> None:
        owner = self.d.estate.organisation.model_dump(exclude_none=True)
        operator = self.d.estate.operator.model_dump(exclude_none=True)
        hosts: dict[tuple[str, str], int] = {}
        thirds = {z[0]: z[2] for z in DC_ZONES}
        kinds = {dc.id: dc.kind for dc in self.d.datacentres}
        for s in self.d.systems:
            system: dict[str, Any] = {
                "id": self.id(s.id),
                "name": s.name.model_dump(exclude_none=True),
                "owner": owner,
                "operator": operator,
            }
            for key in (
                "type",
                "scope",
                "information",
                "users",
                "data_subjects",
                "public_service_level",
                "administrative_procedures",
            ):
                value = getattr(s, key)
                if value is not None:
                    system[key] = list(value) if isinstance(value, tuple) else value
            system["level"] = s.level.model_dump(exclude_none=True, mode="python")
            self.kinds["systems"].append(system)
            for spec in s.server_specs():
                dc = spec.datacentre or self.d.datacentres[0].id
                if spec.zone not in thirds or (
                    kinds[dc] == "dr-site" and spec.zone not in DR_ZONES
                ):
                    raise CapdoError("estate.error.zone", system=s.id, zone=spec.zone)
                site = self.id(dc)
                for k in range(1, spec.count + 1):
                    slot = (spec.zone, dc)
                    hosts[slot] = hosts.get(slot, 49) + 1
                    if hosts[slot] > 254:
                        raise CapdoError("estate.error.zone-full", zone=f"{site}-{spec.zone}")
                    self.server(
                        self.id(f"{spec.prefix}{k:02d}"),
                        site,
                        f"{site}-{spec.zone}",
                        self.addr(self.dc_block[dc], thirds[spec.zone], hosts[slot]),
                        list(spec.roles),
                        [system["id"]],
                    )

    def server(
        self, name: str, site: str, zone: str, address: str, roles: list[str], systems: list[str]
    ) -> None:
        self.kinds["servers"].append(
            {
                "name": name,
                "site": site,
                "zone": zone,
                "address": address,
                "roles": roles,
                "os": {"family": "debian", "version": "12"},
                "systems": systems,
            }
        )

    # -- departments, districts, communes ------------------------------------------------------
    def remote_site(self, rs: RemoteSite) -> None:
        sid, i, block = rs.id, rs.index, rs.block
        self.site(sid, rs.name, rs.kind, rs.parent)
        vlans = []
        for suffix, zkind, offset, length, vlan in SITE_ZONES:
            prefix = f"{self.addr(block, i, offset)}/{length}"
            self.zone(f"{sid}-{suffix}", sid, zkind, prefix)
            vlans.append(
                {
                    "id": vlan,
                    "name": suffix,
                    "zone": f"{sid}-{suffix}",
                    "prefix": prefix,
                    "gateway": self.addr(block, i, offset + 1),
                }
            )
        self.kinds["lan"].append({"site": sid, "vlans": vlans})
        wan_systems = [self.id(self.d.wan.system)]
        lan_systems: list[str] = []
        spec = self.d.site_systems
        if spec is not None:
            lan_system = f"{sid}-lan"
            lan_systems = [lan_system]
            level: dict[str, Any] = {"level": spec.level, "status": spec.status}
            if spec.status == "approved":
                level["decision"] = (
                    f"{spec.decision_start + i}/QĐ-{slug(rs.name['vi'])[:12].upper()}"
                )
                level["date"] = spec.date
            self.kinds["systems"].append(
                {
                    "id": lan_system,
                    "name": {"vi": f"Mạng nội bộ {rs.name['vi']}", "en": f"LAN of {rs.name['en']}"},
                    "owner": rs.name,
                    "operator": rs.name,
                    "type": "shared-infrastructure",
                    "scope": "agency",
                    "information": ["private"],
                    "users": spec.users.get(rs.kind, 40),
                    "level": level,
                }
            )
        router_spec = self.role_spec(rs.kind, "wan-router")
        switch_spec = self.role_spec(rs.kind, "access")
        router, switch = f"{sid}-rtr-01", f"{sid}-sw-01"
        mgmt = f"{sid}-mgmt"
        self.device(
            router,
            router_spec,
            "wan-router",
            sid,
            mgmt,
            self.addr(block, i, 2),
            None,
            wan_systems + lan_systems,
        )
        # without a LAN system of its own, the site's switch serves the provincial network
        self.device(
            switch,
            switch_spec,
            "access",
            sid,
            mgmt,
            self.addr(block, i, 3),
            None,
            lan_systems or wan_systems,
        )
        self.uplinks(router, sid, rs.kind, router_spec, i)

    def check_dual_homed(self, remote: list[RemoteSite]) -> None:
        """Site ids listed as dual-homed exist in their tier."""
        for tier, rule in self.d.wan.dual_homed.items():
            if isinstance(rule, tuple):
                known = {s.id.removeprefix(self.pre) for s in remote if s.kind == tier}
                for site in rule:
                    if site not in known:
                        raise CapdoError("estate.error.dual-homed", tier=tier, site=site)

    def dual_homed(self, tier: str, site: str, index: int) -> bool:
        rule = self.d.wan.dual_homed.get(tier, DEFAULT_DUAL_HOMED.get(tier, "none"))  # type: ignore[call-overload]
        if rule == "all":
            return True
        if rule == "none":
            return False
        if isinstance(rule, int):
            return index < rule
        return site.removeprefix(self.pre) in rule

    def uplinks(self, device: str, site: str, tier: str, spec: RoleSpec, index: int) -> None:
        links = self.d.wan.tiers.get(tier) or DEFAULT_LINKS[tier]  # type: ignore[call-overload]
        ports = spec.ports or DEFAULT_PORTS[spec.platform]
        self.wan_link(device, ports[0], links.bandwidth_mbps, "primary", links.area)
        if self.dual_homed(tier, site, index):
            if len(ports) < 2:
                raise CapdoError("estate.error.ports", tier=tier, platform=spec.platform)
            mbps = links.backup_bandwidth_mbps or links.bandwidth_mbps
            self.wan_link(device, ports[1], mbps, "backup", links.area)

    def wan_link(self, device: str, iface: str, mbps: int, role: str, area: str) -> None:
        n = self.link_count
        self.link_count += 1
        if n >= 16384:
            raise CapdoError("estate.error.wan-full")
        hubs, hub_port = self.hubs()
        hub = hubs[0] if role == "primary" or len(hubs) == 1 else hubs[1]
        sub = self.wan_ifaces[hub] = self.wan_ifaces.get(hub, 0) + 1
        base = 4 * n
        third, fourth = base // 256, base % 256
        self.kinds["links"].append(
            {
                "id": f"{device.removesuffix('-rtr-01').removesuffix('-wan-01')}-{role}",
                "kind": "wan",
                "network": "tslcd",
                "provider": self.d.wan.provider,
                "circuit_id": f"{self.d.wan.circuit_prefix}-{self.p:02d}-{n + 1:04d}",
                "a": {
                    "device": hub,
                    "interface": f"{hub_port}.{1000 + sub}",
                    "address": f"{self.addr(self.wan_block, third, fourth + 1)}/30",
                },
                "z": {
                    "device": device,
                    "interface": iface,
                    "address": f"{self.addr(self.wan_block, third, fourth + 2)}/30",
                },
                "bandwidth_mbps": mbps,
                "routing": (
                    {"protocol": "ospf", "area": area}
                    if self.d.wan.routing == "ospf"
                    else {"protocol": "static"}
                ),
                "role": role,
            }
        )

    def hubs(self) -> tuple[list[str], str]:
        """The first data centre's WAN routers (primary, backup) and their downlink port."""
        if self._hubs is None:
            first = self.d.datacentres[0]
            site = self.id(first.id)
            names = [
                d["name"]
                for d in self.kinds["devices"]
                if d["site"] == site and d["role"] == "wan-router"
            ][:2]
            if not names:
                raise CapdoError("estate.error.hub", datacentre=first.id)
            spec = self.role_spec(first.kind, "wan-router")
            self._hubs = (names, (spec.ports or DEFAULT_PORTS[spec.platform])[0])
        return self._hubs

    def internet(self) -> None:
        routers = [d for d in self.kinds["devices"] if d["role"] == "internet-router"]
        providers = self.d.internet_providers
        net = int(self.d.address_plan.internet.network_address) + self.p * 256
        for n, device in enumerate(routers):
            if not providers:
                break
            provider = providers[n % len(providers)]
            spec = self.role_spec(self.tier_of[device["site"]], "internet-router")
            port = (spec.ports or DEFAULT_PORTS[spec.platform])[0]
            self.kinds["links"].append(
                {
                    "id": self.id(f"internet-{slug(provider)}")
                    + ("" if n < len(providers) else f"-{n + 1}"),
                    "kind": "internet",
                    "network": "internet",
                    "provider": provider,
                    "a": {
                        "device": device["name"],
                        "interface": port,
                        "address": f"{_ip(net + 4 * n + 2)}/30",
                    },
                    "z": {"external": provider, "address": f"{_ip(net + 4 * n + 1)}/30"},
                    "bandwidth_mbps": 1000,
                    "routing": {"protocol": "static"},
                    "role": "primary" if n == 0 else "backup",
                }
            )

    # -- video-conference endpoints ------------------------------------------------------------
    def endpoints(self, remote: list[RemoteSite]) -> None:
        spec = self.d.endpoints
        first = self.d.datacentres[0]
        dc = self.id(first.id)
        places: list[tuple[str, str, str, str]] = []  # site, zone, address, tier
        for k in range(spec.datacentre):
            address = self.addr(self.dc_block[first.id], 30, 100 + k)
            places.append((dc, f"{dc}-video-conference", address, "datacentre"))
        communes = [s for s in remote if s.kind in ("commune", "ward")]
        per_site = {"department": spec.per_department, "district": spec.per_district}
        for rs in remote:
            if rs.kind in per_site:
                for k in range(per_site[rs.kind]):
                    places.append((rs.id, f"{rs.id}-vc", self._vc(rs, k), rs.kind))
        rest = spec.total - len(places)
        if rest < 0 or (rest > 0 and not communes):
            raise CapdoError("estate.error.endpoint-total", total=spec.total, placed=len(places))
        counts = [1 if j < rest else 0 for j in range(len(communes))]
        for j in range(rest - len(communes)):
            counts[j % len(communes)] += 1
        for rs, count in zip(communes, counts, strict=True):
            for k in range(count):
                places.append((rs.id, f"{rs.id}-vc", self._vc(rs, k), rs.kind))
        vendors = self._vendors([tier for *_, tier in places])
        mcus = [s["name"] for s in self.kinds["servers"] if "mcu" in s["roles"]]
        domain = self.d.estate.domain
        for n, ((site, zone, address, _), vendor) in enumerate(zip(places, vendors, strict=True)):
            model = spec.models.get(vendor) or VENDORS.get(vendor)  # type: ignore[call-overload]
            if model is None:
                raise CapdoError("estate.error.vendor", vendor=vendor)
            name = self.id(f"vc-{site.removeprefix(self.pre)}-{n % 1000 + 1:03d}")
            mac = f"{model.oui}:{self.p & 0xFF:02x}:{n // 256 % 256:02x}:{n % 256:02x}"
            endpoint: dict[str, Any] = {
                "name": name,
                "site": site,
                "zone": zone,
                "vendor": vendor,
                "model": model.model,
                "firmware": model.firmware,
                "mac": mac,
                "address": address,
                "sip_uri": f"sip:{name}@vc.{domain}",
            }
            if mcus:
                endpoint["mcu"] = mcus[n % len(mcus)]
            endpoint["systems"] = [self.id(spec.system)]
            self.kinds["endpoints"].append(endpoint)

    def _vc(self, rs: RemoteSite, k: int) -> str:
        if VC_FIRST + k > VC_LAST:
            raise CapdoError(
                "estate.error.endpoints-per-site", site=rs.id, most=VC_LAST - VC_FIRST + 1
            )
        return self.addr(rs.block, rs.index, VC_FIRST + k)

    def _vendors(self, tiers: list[str]) -> list[str]:
        """The vendor of each endpoint: per tier a vendor, or a mix split by largest remainder
        (blocks in the order the mix lists them)."""
        out: list[str] = [""] * len(tiers)
        by_tier: dict[str, list[int]] = {}
        for n, tier in enumerate(tiers):
            by_tier.setdefault(tier, []).append(n)
        for tier, positions in by_tier.items():
            mix: VendorMix = self.d.endpoints.vendors.get(tier, "yealink")  # type: ignore[call-overload]
            for n, vendor in zip(positions, _split(mix, len(positions)), strict=True):
                out[n] = vendor
        return out


def _split(mix: VendorMix, count: int) -> list[str]:
    if isinstance(mix, str):
        return [mix] * count
    total = sum(mix.values()) or 1
    exact = {v: count * w / total for v, w in mix.items()}
    shares = {v: int(x) for v, x in exact.items()}
    left = count - sum(shares.values())
    for vendor in sorted(exact, key=lambda v: shares[v] - exact[v])[:left]:
        shares[vendor] += 1
    return [v for v in mix for _ in range(shares[v])]


def _district_label(name: str) -> str:
    return name if name.startswith(("Huyện ", "Thị xã ", "Thành phố ")) else f"Huyện {name}"


def build_province(desc: Description, p: int = 0) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """One province's collections, and the tier (site kind) of each of its sites."""
    province = Province(desc, p)
    return province.build(), province.tier_of
