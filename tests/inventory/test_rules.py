"""One broken estate per validation rule: the rule fires, at the right file:line:column,
with its message and hint; the untouched lab estate gives no finding at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE


@dataclass(frozen=True)
class Case:
    rule: str
    file: str
    old: str
    new: str
    line_text: str
    """The text on the line the finding must point at (after the edit)."""
    message: str
    """A fragment of the English message."""
    occurrence: int = -1
    """Which occurrence of ``line_text`` (default: the last, where a duplicate repeats)."""


CASES = [
    Case("yaml-syntax", "servers.yml", "  roles: [web]", "  roles: [web", "  os:", "YAML", 0),
    Case(
        "schema",
        "servers.yml",
        "  roles: [web]",
        "  roles: [web]\n  colour: red",
        "  colour: red",
        "field not allowed",
    ),
    Case(
        "schema",
        "devices.yml",
        "platform: cisco_ios",
        "platform: cisco_iox",
        "  platform: cisco_iox",
        "must be one of",
    ),
    Case(
        "schema",
        "servers.yml",
        "address: 198.18.0.34",
        "address: 198.18.0.340",
        "  address: 198.18.0.340",
        "IPv4",
    ),
    Case(
        "schema",
        "systems.yml",
        "level: {level: 2, status: proposed}",
        "level: {level: 6, status: proposed}",
        "  level: {level: 6",
        "less than or equal",
    ),
    Case(
        "schema", "sites.yml", "- id: lab-xa\n", "- id: Lab XA\n", "- id: Lab XA", "does not match"
    ),
    Case(
        "plain-secret",
        "estate.yml",
        "password: {env: CAPDO_LAB_DEVICE_PASSWORD}",
        "password: hunter2",
        "    password: hunter2",
        "plain text",
    ),
    Case(
        "duplicate-id",
        "servers.yml",
        "- name: lab-db01",
        "- name: lab-web01",
        "- name: lab-web01",
        "Duplicate servers id",
    ),
    Case(
        "unresolved-reference",
        "servers.yml",
        "systems: [lab-hatang]",
        "systems: [lab-hatag]",
        "  systems: [lab-hatag]",
        "system 'lab-hatag'",
    ),
    Case(
        "unresolved-reference",
        "endpoints.yml",
        "  mcu: lab-mcu01\n  systems: [lab-hntt]\n- name: lab-vc-xa1",
        "  mcu: lab-mcu99\n  systems: [lab-hntt]\n- name: lab-vc-xa1",
        "  mcu: lab-mcu99",
        "server 'lab-mcu99'",
    ),
    Case(
        "unresolved-reference",
        "links.yml",
        "device: lab-xa-rtr01",
        "device: lab-xa-rtr02",
        "  z: {device: lab-xa-rtr02",
        "device 'lab-xa-rtr02'",
    ),
    Case(
        "site-cycle",
        "sites.yml",
        "  kind: province",
        "  kind: province\n  parent: lab-dc",
        "  parent: lab-dc",
        "cycle",
    ),
    Case(
        "zone-other-site",
        "servers.yml",
        "  zone: lab-dc-server\n  address: 198.18.0.35",
        "  zone: lab-xa-user\n  address: 198.18.0.35",
        "  zone: lab-xa-user",
        "belongs to site",
    ),
    Case(
        "duplicate-address",
        "servers.yml",
        "address: 198.18.0.35",
        "address: 198.18.0.34",
        "  address: 198.18.0.34",
        "already used by 'lab-web01'",
    ),
    Case(
        "address-outside-zone",
        "servers.yml",
        "address: 198.18.0.36",
        "address: 198.18.0.99",
        "  address: 198.18.0.99",
        "outside zone 'lab-dc-server'",
    ),
    Case(
        "vlan-outside-zone",
        "lan.yml",
        "prefix: 198.18.1.0/27, gateway: 198.18.1.30",
        "prefix: 198.18.1.64/27, gateway: 198.18.1.65",
        "{id: 30, name: vc, zone: lab-dc-vc",
        "outside zone 'lab-dc-vc'",
    ),
    Case(
        "gateway-outside-prefix",
        "lan.yml",
        "gateway: 198.18.2.65",
        "gateway: 198.18.3.65",
        "{id: 40, name: user",
        "outside prefix",
    ),
    Case(
        "prefix-overlap",
        "zones.yml",
        "prefixes: [198.18.2.64/26]",
        "prefixes: [198.18.2.0/26]",
        "  prefixes: [198.18.2.0/27]",
        "overlaps",
    ),
    Case(
        "link-subnet",
        "links.yml",
        "address: 198.18.255.2/30",
        "address: 198.18.255.6/30",
        "  z: {device: lab-xa-rtr01",
        "not on one valid subnet",
    ),
    Case(
        "link-prefix-length",
        "links.yml",
        "198.18.255.1/30",
        "198.18.255.1/29",
        "  a: {device: lab-wan01",
        "/29",
    ),
    Case(
        "duplicate-vlan",
        "lan.yml",
        "{id: 40, name: user",
        "{id: 30, name: user",
        "{id: 30, name: user",
        "VLAN 30 is declared twice",
    ),
    Case(
        "server-without-system",
        "servers.yml",
        "  systems: [lab-hntt]\n",
        "",
        "- name: lab-mcu01",
        "serves no information system",
    ),
    Case("site-unreachable", "links.yml", "kind: wan", "kind: wan", "", "not connected"),
    Case(
        "level-too-low",
        "systems.yml",
        "level: {level: 3, status: approved, decision: 01/QĐ-LAB",
        "level: {level: 2, status: approved, decision: 01/QĐ-LAB",
        "  level: {level: 2, status: approved, decision: 01",
        "below the minimum level 3",
    ),
    Case(
        "retired-site-in-use",
        "sites.yml",
        "  kind: commune",
        "  kind: commune\n  status: retired",
        "  site: lab-xa",
        "retired",
    ),
    Case("unknown-file", "", "", "", "", "not of a known kind"),
    Case(
        "firewall-zone",
        "firewall_policies.yml",
        "      source: wan",
        "      source: lab-xa-user",
        "      source: lab-xa-user",
        "which is not a zone of that site",
    ),
    Case(
        "firewall-service",
        "firewall_policies.yml",
        "services: [https, tcp/8443]",
        "services: [https, tcp/70000]",
        "      services: [https, tcp/70000]",
        "its port is invalid",
    ),
    Case(
        "firewall-server",
        "firewall_policies.yml",
        "destination: lab-dc-server",
        "destination: lab-dc-vc",
        "      servers: [lab-web01]",
        "not in the flow's destination zone 'lab-dc-vc'",
    ),
]


def _apply(estate: Path, case: Case) -> Path:
    if case.rule == "site-unreachable":
        (estate / "links.yml").write_text("[]\n", encoding="utf-8")
        return estate / "sites.yml"
    if case.rule == "unknown-file":
        path = estate / "serverz.yml"
        path.write_text("[]\n", encoding="utf-8")
        return path
    path = estate / case.file
    text = path.read_text(encoding="utf-8")
    assert case.old in text, f"fixture drift: {case.old!r} not in {case.file}"
    path.write_text(text.replace(case.old, case.new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, fragment: str, occurrence: int = -1) -> int:
    found = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.startswith(fragment) or (fragment.startswith("{") and fragment in line)
    ]
    assert found, f"{fragment!r} not in {path}"
    return found[occurrence]


def test_lab_estate_has_no_finding() -> None:
    result = load_estate(LAB_ESTATE)
    assert result.findings == []
    assert result.ok


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}:{c.message[:20]}")
def test_rule_fires_at_its_location(lab_copy: Path, case: Case) -> None:
    edited = _apply(lab_copy, case)
    result = load_estate(lab_copy)
    matching = [f for f in result.findings if f.rule == case.rule]
    assert matching, [(f.rule, f.message("en")) for f in result.findings]
    finding = matching[0]
    assert case.message in finding.message("en")
    assert finding.message("vi") != finding.message("en")  # both languages exist
    if case.rule in {"unknown-file", "site-unreachable", "retired-site-in-use"}:
        return
    assert finding.origin.file == edited
    assert finding.line == _line_of(edited, case.line_text, case.occurrence), finding.location()
    assert finding.column is not None
    if case.rule != "yaml-syntax":
        assert finding.hint("en")


def test_site_unreachable_points_at_the_site(lab_copy: Path) -> None:
    (lab_copy / "links.yml").write_text("[]\n", encoding="utf-8")
    result = load_estate(lab_copy)
    finding = next(f for f in result.findings if f.rule == "site-unreachable")
    assert finding.params == {"site": "lab-xa"}
    assert (
        finding.location(lab_copy)
        == f"sites.yml:{_line_of(lab_copy / 'sites.yml', '- id: lab-xa')}:3"
    )


def test_nested_zone_declared_within_is_not_an_overlap(lab_copy: Path) -> None:
    zones = lab_copy / "zones.yml"
    zones.write_text(
        zones.read_text(encoding="utf-8") + "- id: lab-xa-cams\n  site: lab-xa\n  kind: security\n"
        "  prefixes: [198.18.2.96/28]\n  within: lab-xa-user\n",
        encoding="utf-8",
    )
    assert load_estate(lab_copy).findings == []
    zones.write_text(zones.read_text(encoding="utf-8").replace("  within: lab-xa-user\n", ""))
    assert [f.rule for f in load_estate(lab_copy).findings] == ["prefix-overlap"]


def test_all_findings_in_one_run(lab_copy: Path) -> None:
    chosen = [CASES[i] for i in (4, 6, 8, 13, 14, 20)]
    for case in chosen:
        _apply(lab_copy, case)
    rules = {f.rule for f in load_estate(lab_copy).findings}
    assert rules == {c.rule for c in chosen}


def test_a_schema_failure_does_not_cascade_into_unresolved_references(lab_copy: Path) -> None:
    _apply(lab_copy, CASES[2])  # lab-core01 gets an unknown platform
    rules = [f.rule for f in load_estate(lab_copy).findings]
    assert rules == ["schema"]


def test_missing_directory_and_estate_file(tmp_path: Path) -> None:
    assert [f.rule for f in load_estate(tmp_path / "nope").findings] == ["no-estate-dir"]
    assert [f.rule for f in load_estate(tmp_path).findings] == ["missing-estate-file"]


def test_collection_file_must_be_a_list(lab_copy: Path) -> None:
    (lab_copy / "servers.yml").write_text("name: lab-web01\n", encoding="utf-8")
    assert "not-a-list" in {f.rule for f in load_estate(lab_copy).findings}


def test_kind_split_over_a_folder(lab_copy: Path) -> None:
    folder = lab_copy / "endpoints"
    folder.mkdir()
    text = (lab_copy / "endpoints.yml").read_text(encoding="utf-8")
    first, second = text.split("- name: lab-vc-xa1")
    (folder / "dc.yml").write_text(first, encoding="utf-8")
    (folder / "xa.yml").write_text("- name: lab-vc-xa1" + second, encoding="utf-8")
    (lab_copy / "endpoints.yml").unlink()
    result = load_estate(lab_copy)
    assert result.findings == []
    assert result.inventory is not None
    assert len(result.inventory.endpoints) == 3
