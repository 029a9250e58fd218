"""Strings are constrained where they are used: a newline (or another control or invisible
character) in a string that reaches a device configuration is rejected by validation, at the
file:line of the value, before anything is rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.inventory.strings import banner_problem
from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE

INJECTED = "username evil privilege 15 secret 0 pwned"


def _edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, file: str, fragment: str) -> int:
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


CASES = [
    pytest.param(
        "links.yml",
        "interface: GigabitEthernet0/0/1,",
        f'interface: "GigabitEthernet0/0/1\\n{INJECTED}",',
        "a.interface",
        id="link-interface-newline",
    ),
    pytest.param(
        "links.yml",
        "circuit_id: TSLCD-LAB-0001",
        'circuit_id: "TSLCD-LAB-0001\\nsnmp-server community pwned RW"',
        "circuit_id",
        id="circuit-id-newline",
    ),
    pytest.param(
        "estate.yml",
        "ntp_servers: [198.18.0.33]",
        f'ntp_servers: ["198.18.0.33\\n{INJECTED}"]',
        "defaults.ntp_servers.0",
        id="ntp-server-newline",
    ),
    pytest.param(
        "links.yml",
        "circuit_id: TSLCD-LAB-0001",
        'circuit_id: "TSLCD-LAB-0001\\rsnmp-server community pwned RW"',
        "circuit_id",
        id="circuit-id-carriage-return",
    ),
    pytest.param(
        "endpoints.yml",
        "model: VC200",
        'model: "VC200\\nstatic.security.user_password = admin:admin"',
        "model",
        id="endpoint-model-newline",
    ),
    pytest.param(
        "endpoints.yml",
        "sip_uri: sip:lab-vc-xa1@vc.lab.capdo.test",
        'sip_uri: "sip:lab-vc-xa1@vc.lab.capdo.test -->\\n<x/>"',
        "sip_uri",
        id="sip-uri-xml-breakout",
    ),
    pytest.param(
        "estate.yml",
        "ntp_servers: [198.18.0.33]",
        'ntp_servers: ["198.18.0.33"]\n'
        '  timezone: "Asia/Ho_Chi_Minh\\nlocal_time.ntp_server1 = evil"',
        "defaults.timezone",
        id="timezone-newline",
    ),
    pytest.param(
        "sites.yml",
        "vi: Xã Thanh Ba (mô phỏng)",
        'vi: "Xã Thanh Ba\\u202egnp.exe"',
        "name.vi",
        id="site-name-rtl-override",
    ),
    pytest.param(
        "links.yml",
        "provider: VNPT",
        'provider: "VNPT\\u200b"',
        "provider",
        id="provider-zero-width",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "field"), CASES)
def test_hostile_string_rejected_with_location(
    lab_copy: Path, file: str, old: str, new: str, field: str
) -> None:
    _edit(lab_copy, file, old, new)
    result = load_estate(lab_copy)
    schema = [f for f in result.findings if f.rule == "schema"]
    assert not result.ok
    assert len(schema) == 1, [(f.rule, f.message("en")) for f in result.findings]
    finding = schema[0]
    assert finding.origin.file == lab_copy / file
    assert finding.params["field"].endswith(field)
    assert finding.line == _line_of(lab_copy, file, new.rsplit("\n", 1)[-1].strip())
    message = finding.message("en")
    assert "not allowed" in message, message
    assert "U+" in message  # the invisible character is named by its code point
    assert "không được phép" in finding.message("vi")


def test_lab_estate_still_valid() -> None:
    result = load_estate(LAB_ESTATE)
    assert result.ok, [(f.rule, f.message("en")) for f in result.findings]


@pytest.mark.parametrize(
    ("text", "platform", "bad"),
    [
        ("Authorised access only.\nCANH BAO", "cisco_ios", None),
        ("Authorised ^C access\nline", "cisco_ios", "'^'"),
        ('Authorised "access"', "huawei_vrp", "'\"'"),
        ("Authorised\x1b[2J", "cisco_ios", "U+001B"),
        ("Authorised\r\nline", "huawei_vrp", "U+000D"),
    ],
)
def test_banner_rules_per_platform(text: str, platform: str, bad: str | None) -> None:
    problem = banner_problem(text, platform)
    assert (problem is None) == (bad is None)
    if bad is not None:
        assert problem is not None
        assert problem.startswith(bad)
