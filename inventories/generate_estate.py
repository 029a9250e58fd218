#!/usr/bin/env python3
"""Expand a compact province description into an estate directory.

    python inventories/generate_estate.py                       # inventories/phutho/
    python inventories/generate_estate.py --provinces 34 --out DIR   # synthetic national estate

The output is plain, readable YAML, committed for the reference province. Address plan of
province p (0 for the reference): 10.(6p).0.0/16 data centre, 10.(6p+1) DR site,
10.(6p+2) departments, 10.(6p+3) communes, 10.(6p+4) WAN /30s, 100.64.p.0/24 Internet uplinks.
"""

from __future__ import annotations

import argparse
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DESCRIPTION = HERE / "phutho.description.yml"

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
DR_ZONES = [
    ("mgmt", "management", 0, 24),
    ("server", "server", 10, 24),
    ("backup", "backup", 50, 24),
]
SITE_ZONES = [  # per department/commune /24: (suffix, kind, offset, length, vlan)
    ("mgmt", "management", 0, 28, 10),
    ("perimeter", "perimeter", 16, 28, 90),
    ("vc", "video-conference", 32, 27, 30),
    ("wireless", "wireless", 64, 26, 50),
    ("user", "user", 128, 25, 20),
]
VENDORS = {
    "cisco": ("00:1b:54", "Webex Room Kit", "11.14.2.3"),
    "poly": ("00:04:f2", "G7500", "4.1.2"),
    "yealink": ("80:5e:c0", "VC200", "63.345.0.10"),
}


def slug(text: str) -> str:
    """ASCII slug of a Vietnamese name: 'Xã Hạ Hòa' -> 'ha-hoa'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(ascii_text.lower().replace(",", " ").split())


class Province:
    """Builds every kind of one province; ``p`` shifts ids and addresses for national runs."""

    def __init__(self, desc: dict[str, Any], p: int) -> None:
        self.d = desc
        self.p = p
        self.pre = "" if p == 0 else f"p{p:02d}-"
        self.o = 6 * p
        self.kinds: dict[str, list[Any]] = {
            k: []
            for k in (
                "sites",
                "zones",
                "systems",
                "servers",
                "devices",
                "links",
                "lan",
                "endpoints",
            )
        }
        self.link_count = 0
        self.wan_ifaces: dict[str, int] = {}

    def id(self, text: str) -> str:
        return f"{self.pre}{text}"

    # -- places -------------------------------------------------------------------------------
    def build(self) -> dict[str, list[Any]]:
        e = self.d["estate"]
        province = self.id("tinh")
        name_vi = e["organisation"]["vi"].replace("Ủy ban nhân dân ", "")
        self.site(province, {"vi": name_vi.capitalize(), "en": "Province"}, "province")
        self.site(
            self.id("pdc"),
            {"vi": "Trung tâm Dữ liệu số tỉnh", "en": "Provincial data centre"},
            "datacentre",
            province,
            e["address"],
            e["coordinates"],
        )
        self.site(
            self.id("drc"),
            {"vi": "Trung tâm dữ liệu dự phòng", "en": "Disaster-recovery site"},
            "dr-site",
            province,
            e["dr_address"],
            e["dr_coordinates"],
        )
        self.datacentre()
        self.dr_site()
        self.systems()
        for i, (sid, vi, en) in enumerate(self.d["departments"]):
            self.remote_site(self.id(sid), {"vi": vi, "en": en}, "department", i, 2)
        communes = [("phuong", n) for n in self.d["communes"]["phuong"]]
        communes += [("xa", n) for n in self.d["communes"]["xa"]]
        for j, (kind, name) in enumerate(communes):
            label = ("Phường " if kind == "phuong" else "Xã ") + name
            en = f"{name} {'ward' if kind == 'phuong' else 'commune'}"
            sid = self.id(f"{kind}-{slug(name)}")
            self.remote_site(
                sid, {"vi": label, "en": en}, "ward" if kind == "phuong" else "commune", j, 3
            )
        for name in self.d["former_districts"]:
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
        self.datacentre_links()
        self.endpoints(communes)
        return self.kinds

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

    def zone(
        self, zid: str, site: str, kind: str, prefix: str, name: dict[str, str] | None = None
    ) -> None:
        z: dict[str, Any] = {"id": zid, "site": site, "kind": kind}
        if name:
            z["name"] = name
        z["prefixes"] = [prefix]
        self.kinds["zones"].append(z)

    def central_site(
        self, site: str, b: int, zones: list[tuple[str, str, int, int, dict[str, str] | None]]
    ) -> None:
        """Zones, one VLAN per zone (id 100 + third octet) and the LAN plan of a data centre."""
        vlans = []
        for suffix, kind, third, length, name in zones:
            prefix = f"10.{b}.{third}.0/{length}"
            self.zone(f"{site}-{suffix}", site, kind, prefix, name)
            vlans.append(
                {
                    "id": 100 + third,
                    "name": suffix,
                    "zone": f"{site}-{suffix}",
                    "prefix": prefix,
                    "gateway": f"10.{b}.{third}.1",
                }
            )
        self.kinds["lan"].append({"site": site, "vlans": vlans})

    def central_devices(
        self, site: str, b: int, devices: list[tuple[str, str, str, str, str | None]]
    ) -> None:
        """Devices managed from the site's management /24 (.10 upwards)."""
        for n, (name, platform, role, model, group) in enumerate(devices):
            systems = ["wan-tinh"] if role == "wan-router" else ["ttdl"]
            self.device(
                f"{site}-{name}",
                platform,
                role,
                site,
                f"{site}-mgmt",
                f"10.{b}.0.{10 + n}",
                model,
                f"{site}-{group}" if group else None,
                [self.id(s) for s in systems],
            )

    def datacentre(self) -> None:
        site, b = self.id("pdc"), self.o
        self.central_site(
            site, b, [(sx, k, t, n, {"vi": vi, "en": en}) for sx, k, t, n, vi, en in DC_ZONES]
        )
        devices: list[
            tuple[str, str, str, str, str | None]
        ] = [  # name, platform, role, model, group
            ("core-01", "cisco_ios", "core", "Catalyst 9500", "core"),
            ("core-02", "cisco_ios", "core", "Catalyst 9500", "core"),
            ("fw-01", "fortinet", "firewall", "FortiGate 600F", "fw"),
            ("fw-02", "fortinet", "firewall", "FortiGate 600F", "fw"),
            ("wan-01", "huawei_vrp", "wan-router", "NetEngine AR6280", "wan"),
            ("wan-02", "huawei_vrp", "wan-router", "NetEngine AR6280", "wan"),
            ("inet-01", "cisco_ios", "internet-router", "ISR 4451", "inet"),
            ("inet-02", "cisco_ios", "internet-router", "ISR 4451", "inet"),
        ]
        devices += [
            (f"dist-0{i}", "cisco_ios", "distribution", "Catalyst 9300", "dist")
            for i in (1, 2, 3, 4)
        ]
        devices += [(f"acc-0{i}", "huawei_vrp", "access", "S5735", None) for i in range(1, 9)]
        self.central_devices(site, b, devices)

    def dr_site(self) -> None:
        site, b = self.id("drc"), self.o + 1
        self.central_site(site, b, [(sx, k, t, n, None) for sx, k, t, n in DR_ZONES])
        self.central_devices(
            site,
            b,
            [
                ("core-01", "cisco_ios", "core", "Catalyst 9300", None),
                ("fw-01", "fortinet", "firewall", "FortiGate 200F", None),
                ("wan-01", "huawei_vrp", "wan-router", "NetEngine AR6140", None),
                ("acc-01", "huawei_vrp", "access", "S5735", None),
                ("acc-02", "huawei_vrp", "access", "S5735", None),
            ],
        )
        for role in ("primary", "backup"):
            self.wan_link(
                f"{site}-wan-01",
                f"GigabitEthernet0/0/{1 if role == 'primary' else 2}",
                1000,
                role,
                "0.0.0.0",
            )

    def device(
        self,
        name: str,
        platform: str,
        role: str,
        site: str,
        zone: str,
        address: str,
        model: str,
        group: str | None,
        systems: list[str],
    ) -> None:
        dev: dict[str, Any] = {
            "name": name,
            "platform": platform,
            "role": role,
            "site": site,
            "zone": zone,
            "address": address,
            "model": model,
        }
        if group:
            dev["redundancy_group"] = group
        dev["systems"] = systems
        self.kinds["devices"].append(dev)

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

    def systems(self) -> None:
        owner = self.d["estate"]["organisation"]
        operator = self.d["estate"]["operator"]
        hosts: dict[str, int] = {}
        for s in self.d["systems"]:
            system = {k: v for k, v in s.items() if k not in ("servers", "dr_servers")}
            system["id"] = self.id(s["id"])
            system = {
                "id": system.pop("id"),
                "name": system.pop("name"),
                "owner": owner,
                "operator": operator,
                **system,
            }
            self.kinds["systems"].append(system)
            for site_key, specs in (
                ("pdc", s.get("servers", [])),
                ("drc", s.get("dr_servers", [])),
            ):
                site = self.id(site_key)
                b = self.o + (0 if site_key == "pdc" else 1)
                for prefix, roles, count, zone_suffix in specs:
                    third = next(z[2] for z in DC_ZONES if z[0] == zone_suffix)
                    for k in range(1, count + 1):
                        hosts[zone_suffix + site_key] = hosts.get(zone_suffix + site_key, 49) + 1
                        self.server(
                            self.id(f"{prefix}{k:02d}"),
                            site,
                            f"{site}-{zone_suffix}",
                            f"10.{b}.{third}.{hosts[zone_suffix + site_key]}",
                            roles,
                            [system["id"]],
                        )

    def remote_site(self, sid: str, name: dict[str, str], kind: str, i: int, block: int) -> None:
        b = self.o + block
        parent = self.id("tinh")
        self.site(sid, name, kind, parent)
        vlans = []
        for suffix, zkind, offset, length, vlan in SITE_ZONES:
            prefix = f"10.{b}.{i}.{offset}/{length}"
            self.zone(f"{sid}-{suffix}", sid, zkind, prefix)
            vlans.append(
                {
                    "id": vlan,
                    "name": suffix,
                    "zone": f"{sid}-{suffix}",
                    "prefix": prefix,
                    "gateway": f"10.{b}.{i}.{offset + 1}",
                }
            )
        self.kinds["lan"].append({"site": sid, "vlans": vlans})
        lan_system = f"{sid}-lan"
        self.kinds["systems"].append(
            {
                "id": lan_system,
                "name": {"vi": f"Mạng nội bộ {name['vi']}", "en": f"LAN of {name['en']}"},
                "owner": name,
                "operator": name,
                "type": "shared-infrastructure",
                "scope": "agency",
                "information": ["private"],
                "users": 40 if kind != "department" else 120,
                "level": {
                    "level": 2,
                    "status": "approved",
                    "decision": f"{20 + i}/QĐ-{slug(name['vi'])[:12].upper()}",
                    "date": "2024-09-16",
                },
            }
        )
        platform = "cisco_ios" if kind == "department" else "huawei_vrp"
        router, switch = f"{sid}-rtr-01", f"{sid}-sw-01"
        wan_iface = "GigabitEthernet0/0" if platform == "cisco_ios" else "GigabitEthernet0/0/0"
        self.device(
            router,
            platform,
            "wan-router",
            sid,
            f"{sid}-mgmt",
            f"10.{b}.{i}.2",
            "ISR 1111" if platform == "cisco_ios" else "NetEngine AR651",
            None,
            [self.id("wan-tinh"), lan_system],
        )
        self.device(
            switch,
            platform,
            "access",
            sid,
            f"{sid}-mgmt",
            f"10.{b}.{i}.3",
            "Catalyst 1000" if platform == "cisco_ios" else "S1730S",
            None,
            [lan_system],
        )
        self.wan_link(
            router,
            wan_iface,
            100 if kind == "department" else 50,
            "primary",
            "0.0.0.1" if kind == "department" else "0.0.0.2",
        )
        if kind == "department":
            backup_iface = "GigabitEthernet0/1"
            self.wan_link(router, backup_iface, 50, "backup", "0.0.0.1")

    def wan_link(self, device: str, iface: str, mbps: int, role: str, area: str) -> None:
        n = self.link_count
        self.link_count += 1
        b = self.o + 4
        hub = self.id("pdc-wan-01" if role == "primary" else "pdc-wan-02")
        sub = self.wan_ifaces[hub] = self.wan_ifaces.get(hub, 0) + 1
        base = 4 * n
        self.kinds["links"].append(
            {
                "id": f"{device.removesuffix('-rtr-01').removesuffix('-wan-01')}-{role}",
                "kind": "wan",
                "network": "tslcd",
                "provider": "VNPT",
                "circuit_id": f"TSLCD-{self.p:02d}-{n + 1:04d}",
                "a": {
                    "device": hub,
                    "interface": f"GigabitEthernet0/0/1.{1000 + sub}",
                    "address": f"10.{b}.{base // 256}.{base % 256 + 1}/30",
                },
                "z": {
                    "device": device,
                    "interface": iface,
                    "address": f"10.{b}.{base // 256}.{base % 256 + 2}/30",
                },
                "bandwidth_mbps": mbps,
                "routing": {"protocol": "ospf", "area": area},
                "role": role,
            }
        )

    def datacentre_links(self) -> None:
        """Links inside each data centre (10.(6p+4).255.0/24): core–WAN router (OSPF, so that
        the sites learn the data-centre zones), core–firewall and firewall–WAN router."""
        pairs = [
            ("pdc", "core-01", "wan-01", "fw-01"),
            ("pdc", "core-02", "wan-02", "fw-02"),
            ("drc", "core-01", "wan-01", "fw-01"),
        ]
        n = 0
        for site, core, wan, fw in pairs:
            ends = [
                ("core-wan", core, "TenGigabitEthernet1/1/1", wan, "GigabitEthernet0/0/5", "ospf"),
                ("core-firewall", core, "TenGigabitEthernet1/1/2", fw, "port4", "static"),
                ("firewall-wan", fw, "port5", wan, "GigabitEthernet0/0/6", "static"),
            ]
            for kind, a, a_if, z, z_if, protocol in ends:
                base = 4 * n
                n += 1
                routing: dict[str, str] = {"protocol": protocol}
                if protocol == "ospf":
                    routing["area"] = "0.0.0.0"
                self.kinds["links"].append(
                    {
                        "id": self.id(f"{site}-{a.split('-')[0]}{a[-1]}-{z.split('-')[0]}{z[-1]}"),
                        "kind": kind,
                        "network": "private",
                        "provider": "internal",
                        "a": {
                            "device": self.id(f"{site}-{a}"),
                            "interface": a_if,
                            "address": f"10.{self.o + 4}.255.{base + 1}/30",
                        },
                        "z": {
                            "device": self.id(f"{site}-{z}"),
                            "interface": z_if,
                            "address": f"10.{self.o + 4}.255.{base + 2}/30",
                        },
                        "bandwidth_mbps": 10000,
                        "routing": routing,
                    }
                )

    def internet(self) -> None:
        for n, provider in enumerate(("VNPT", "Viettel")):
            device = self.id(f"pdc-inet-0{n + 1}")
            self.kinds["links"].append(
                {
                    "id": self.id(f"internet-{slug(provider)}"),
                    "kind": "internet",
                    "network": "internet",
                    "provider": provider,
                    "a": {
                        "device": device,
                        "interface": "GigabitEthernet0/0/0",
                        "address": f"100.64.{self.p}.{4 * n + 2}/30",
                    },
                    "z": {"external": provider, "address": f"100.64.{self.p}.{4 * n + 1}/30"},
                    "bandwidth_mbps": 1000,
                    "routing": {"protocol": "static"},
                    "role": "primary" if n == 0 else "backup",
                }
            )

    def endpoints(self, communes: list[tuple[str, str]]) -> None:
        spec = self.d["endpoints"]
        dc, b = self.id("pdc"), self.o
        places: list[tuple[str, str, str, str]] = []  # site, zone, address, vendor
        for k in range(spec["datacentre"]):
            places.append((dc, f"{dc}-video-conference", f"10.{b}.30.{100 + k}", "cisco"))
        for i, (sid, _, _) in enumerate(self.d["departments"]):
            for k in range(spec["per_department"]):
                places.append(
                    (self.id(sid), f"{self.id(sid)}-vc", f"10.{b + 2}.{i}.{40 + k}", "poly")
                )
        per_commune = [1] * len(communes)
        for j in range(spec["total"] - len(places) - len(communes)):
            per_commune[j % len(communes)] += 1
        for j, (kind, name) in enumerate(communes):
            sid = self.id(f"{kind}-{slug(name)}")
            for k in range(per_commune[j]):
                places.append((sid, f"{sid}-vc", f"10.{b + 3}.{j}.{40 + k}", "yealink"))
        domain = self.d["estate"]["domain"]
        for n, (site, zone, address, vendor) in enumerate(places):
            oui, model, firmware = VENDORS[vendor]
            site_part = site.removeprefix(self.pre)
            name = self.id(f"vc-{site_part}-{n % 1000 + 1:03d}")
            mac = f"{oui}:{(self.p >> 0) & 0xFF:02x}:{n // 256:02x}:{n % 256:02x}"
            self.kinds["endpoints"].append(
                {
                    "name": name,
                    "site": site,
                    "zone": zone,
                    "vendor": vendor,
                    "model": model,
                    "firmware": firmware,
                    "mac": mac,
                    "address": address,
                    "sip_uri": f"sip:{name}@vc.{domain}",
                    "mcu": self.id(f"vc-mcu0{n % 2 + 1}"),
                    "systems": [self.id("hntt")],
                }
            )


def estate_file(desc: dict[str, Any], provinces: int) -> dict[str, Any]:
    e = desc["estate"]
    log_servers = ["log01", "log02"]
    return {
        "id": e["id"] if provinces == 1 else "vn-national-synthetic",
        "organisation": e["organisation"],
        "security_unit": e["security_unit"],
        "regimes": ["legacy", "new"],
        "defaults": {
            "ssh_user": "capdo",
            "server_credential": "server-admin",
            "device_credential": "network-admin",
            "endpoint_credential": "vc-admin",
            "ntp_servers": ["10.0.10.20", "10.0.10.21"],
            "dns_servers": ["10.0.10.20", "10.0.10.21"],
            "log_servers": log_servers,
            "domain": e["domain"],
        },
        "credentials": {
            "server-admin": {
                "username": "capdo",
                "private_key": {"file": "/etc/capdo/keys/capdo_ed25519"},
            },
            "network-admin": {
                "username": "capdo",
                "password": {"vault": "vault_network_admin_password"},
                "enable_secret": {"vault": "vault_network_enable_secret"},
            },
            "vc-admin": {"username": "admin", "password": {"env": "CAPDO_VC_ADMIN_PASSWORD"}},
        },
    }


GENERATED_KINDS = (
    "estate",
    "sites",
    "zones",
    "systems",
    "servers",
    "devices",
    "links",
    "lan",
    "endpoints",
)
HEADER = (
    "# Generated by inventories/generate_estate.py from {source}; edit the description and\n"
    "# run the script again (or edit here and keep the description in step).\n"
)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # no &id001 anchors: plain, readable YAML
        return True


def dump(path: Path, data: Any, source: str) -> None:
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=100,
    )
    path.write_text(HEADER.format(source=source) + text, encoding="utf-8")


def generate(out: Path, provinces: int = 1, description: Path = DESCRIPTION) -> int:
    """Write the estate directory; returns the number of objects written."""
    desc = yaml.safe_load(description.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for kind in GENERATED_KINDS:  # hand-written files (waivers, evidence, policy) stay
        for stale in (out / f"{kind}.yml", out / kind):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
    dump(out / "estate.yml", estate_file(desc, provinces), description.name)
    total = 0
    merged: dict[str, list[Any]] = {}
    for p in range(provinces):
        for kind, items in Province(desc, p).build().items():
            merged.setdefault(kind, []).extend(items)
    for kind, items in merged.items():
        total += len(items)
        if kind in ("endpoints", "devices") and provinces == 1:
            folder = out / kind
            folder.mkdir()
            by_site_kind: dict[str, list[Any]] = {}
            for item in items:
                group = _group_of(item["site"])
                by_site_kind.setdefault(group, []).append(item)
            for group, group_items in by_site_kind.items():
                dump(folder / f"{group}.yml", group_items, description.name)
        else:
            dump(out / f"{kind}.yml", items, description.name)
    return total


def _group_of(site: str) -> str:
    if site.startswith(("pdc", "drc")):
        return "datacentre"
    if site.startswith(("xa-", "phuong-")):
        return "communes"
    return "departments"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "phutho")
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--description", type=Path, default=DESCRIPTION)
    args = parser.parse_args()
    count = generate(args.out, args.provinces, args.description)
    print(f"wrote {count} objects to {args.out}")


if __name__ == "__main__":
    main()
