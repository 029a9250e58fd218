"""Running configs in real-device shape (tests/network/corpus/<platform>/<device>.<variant>.cfg),
written from each vendor's command reference: the compliant ones pass every audit check, the
weak ones fail exactly the checks their weaknesses break. The same configs with CRLF endings,
control bytes, lost indentation, repeated sections or a collector's header read the same.
Every secret in the corpus contains the marker ``Zq9``: none may survive masking."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capdo.compliance.results import ResultRecord
from capdo.network.audit import find_checks_dir, load_targets, read_backup_dir, run_audit
from capdo.network.configtext import ConfigReadError
from capdo.network.estate import NetworkEstate, load_network_estate
from capdo.network.platforms import platform_info
from capdo.network.remediate import remediation

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "corpus"
MARKER = "Zq9"
AUDITED = (
    "NET.03",
    "NET.04",
    "NET.05",
    "NET.09",
    "NET.10",
    "NET.11",
    "ARC.02",
    "NET.12",
    "NET.13",
    "NET.14",
    "NET.16",
)
# what each weak config must fail (and nothing else among AUDITED)
WEAK_FAILS = {
    # access-class ... out, enable password 7, shared priv-15 admin with type 7, con 0 no login,
    # snmp-server host ... version 2c <community>, login block-for 1, IOS 15.2 below 17.9
    "lab-core01.weak": {"NET.09", "NET.10", "NET.11", "ARC.02", "NET.12", "NET.13", "NET.14"},
    # acl 2000 outbound, no authentication-scheme, vty authentication-mode password, console
    # authentication-mode none, sys-info version v2c v3, block-time 1, admin with cipher
    # password, old VRP release
    "lab-wan01.weak": {"NET.09", "NET.10", "NET.11", "ARC.02", "NET.12", "NET.13", "NET.14"},
}


@pytest.fixture(scope="module")
def estate() -> NetworkEstate:
    return load_network_estate(REPO / "inventories" / "lab")


def _corpus() -> list[Path]:
    return sorted(CORPUS.glob("*/*.cfg"))


def _audit(estate: NetworkEstate, device: str, text: str) -> dict[str, str]:
    devices = estate.select([device])
    targets, missing = load_targets(estate, devices, {device: text})
    assert not missing, missing
    _code, records = run_audit(targets, find_checks_dir(estate))
    evidence = " ".join(r.evidence.model_dump_json() for r in records)
    assert MARKER not in evidence  # fail records never quote a secret
    return _by_requirement(records)


def _by_requirement(records: list[ResultRecord]) -> dict[str, str]:
    statuses: dict[str, set[str]] = {}
    for record in records:
        statuses.setdefault(record.requirement_id, set()).add(record.status)
    worst = ("error", "fail", "pass", "not_applicable")
    return {r: next(w for w in worst if w in s) for r, s in statuses.items()}


def _variants(text: str) -> dict[str, str]:
    """The same config as other collectors and terminals deliver it."""
    lf = text.replace("\r\n", "\n")
    flat = "\n".join(line.lstrip(" ") for line in lf.splitlines()) + "\n"
    return {
        "as stored": text,
        "crlf": lf.replace("\n", "\r\n"),
        "lost indentation": flat,
        "collector header": "# RANCID-CONTENT-TYPE: backup\n#\n" + lf,
        "repeated twice": lf + lf,
        "ansi and backspace": lf.replace("hostname", "\x1b[0mhostnamx\x08e"),
    }


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.stem)
def test_corpus_audits_both_ways(estate: NetworkEstate, path: Path) -> None:
    device, variant = path.stem.split(".")
    text = path.read_bytes().decode("utf-8")
    for how, shaped in _variants(text).items():
        statuses = _audit(estate, device, shaped)
        expected_fail = WEAK_FAILS.get(path.stem, set()) if variant == "weak" else set()
        got = {r: statuses.get(r) for r in AUDITED}
        assert {r for r, s in got.items() if s == "fail"} == expected_fail, (how, got)
        assert all(s in ("pass", "fail") for s in got.values()), (how, got)


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.stem)
def test_secrets_masked_after_parsing(estate: NetworkEstate, path: Path) -> None:
    device = path.stem.split(".")[0]
    info = platform_info(estate.templates_dir, estate.context.index.devices[device].platform)
    assert info is not None
    text = path.read_text(encoding="utf-8")
    assert MARKER in text
    read = info.read(text, info.masker())
    assert MARKER not in read.text
    # distinct secrets stay distinct after masking: no two lines became one
    plain = info.read(text)
    assert len(read.text.splitlines()) == len(plain.text.splitlines())
    # remediations and error texts are masked too
    masker = info.masker()
    assert MARKER not in "\n".join(masker.lines(text.splitlines()))


def test_two_communities_stay_two(estate: NetworkEstate) -> None:
    info = platform_info(estate.templates_dir, "cisco_ios")
    assert info is not None
    text = "snmp-server community Zq9one RO\nsnmp-server community Zq9two RO\n"
    masked = info.read(text, info.masker()).text.splitlines()
    assert len(set(masked)) == 2
    assert all("******" in line and MARKER not in line for line in masked)
    # read back (a masked backup): still two lines, no duplicate error
    assert len(info.read("\n".join(masked)).text.splitlines()) == 2


@pytest.mark.parametrize(
    ("platform", "line", "secret"),
    [
        ("cisco_ios", "snmp-server host 192.0.2.1 version 2c Zq9c", "Zq9c"),
        ("cisco_ios", "snmp-server host 192.0.2.1 informs version 3 auth Zq9user", "Zq9user"),
        ("cisco_ios", "snmp-server host 192.0.2.1 Zq9v1", "Zq9v1"),
        ("cisco_ios", "crypto isakmp key Zq9k address 192.0.2.9", "Zq9k"),
        ("cisco_ios", " ip ospf message-digest-key 1 md5 Zq9m", "Zq9m"),
        ("cisco_ios", " ip ospf authentication-key 7 Zq9a", "Zq9a"),
        ("cisco_ios", " standby 1 authentication md5 key-string Zq9s", "Zq9s"),
        ("cisco_ios", " standby 1 authentication Zq9t", "Zq9t"),
        ("cisco_ios", " vrrp 1 authentication text Zq9v", "Zq9v"),
        ("cisco_ios", "username a privilege 15 password 7 Zq9p", "Zq9p"),
        ("cisco_ios", "enable secret level 15 5 Zq9e", "Zq9e"),
        ("cisco_ios", " neighbor 192.0.2.1 password 7 Zq9b", "Zq9b"),
        ("cisco_ios", "tacacs-server key 7 Zq9t", "Zq9t"),
        ("cisco_ios", "radius-server host 192.0.2.5 auth-port 1812 key Zq9r", "Zq9r"),
        ("cisco_ios", "snmp-server user u g v3 auth sha Zq9x priv aes 128 Zq9y", "Zq9"),
        ("cisco_ios", "ntp authentication-key 1 md5 Zq9n 7", "Zq9n"),
        ("cisco_ios", " pre-shared-key address 192.0.2.9 key Zq9psk", "Zq9psk"),
        ("cisco_ios", " key-string 7 Zq9ks", "Zq9ks"),
        ("cisco_ios", " password 7 Zq9line", "Zq9line"),
        ("huawei_vrp", " ospf authentication-mode md5 1 plain Zq9o", "Zq9o"),
        ("huawei_vrp", " ospf authentication-mode simple Zq9s", "Zq9s"),
        ("huawei_vrp", " ospf authentication-mode simple plain Zq9sp", "Zq9sp"),
        ("huawei_vrp", " local-user a password simple Zq9u", "Zq9u"),
        ("huawei_vrp", " local-user a password irreversible-cipher Zq9i", "Zq9i"),
        ("huawei_vrp", "snmp-agent community read Zq9c", "Zq9c"),
        ("huawei_vrp", "snmp-agent community write cipher Zq9w", "Zq9w"),
        (
            "huawei_vrp",
            "snmp-agent target-host trap address udp-domain 192.0.2.1 params securityname Zq9sn"
            " v2c",
            "Zq9sn",
        ),
        ("huawei_vrp", " vrrp vrid 1 authentication-mode md5 Zq9v", "Zq9v"),
        ("huawei_vrp", " peer 192.0.2.1 password cipher Zq9b", "Zq9b"),
        ("huawei_vrp", " hwtacacs-server shared-key cipher Zq9h", "Zq9h"),
        ("huawei_vrp", " radius-server shared-key cipher Zq9r", "Zq9r"),
        ("huawei_vrp", "ntp-service authentication-keyid 1 authentication-mode md5 Zq9n", "Zq9n"),
        ("huawei_vrp", "super password level 15 cipher Zq9super", "Zq9super"),
        ("huawei_vrp", " pre-shared-key cipher Zq9psk", "Zq9psk"),
        ("huawei_vrp", " set authentication password cipher Zq9ui", "Zq9ui"),
        ("huawei_vrp", " isis authentication-mode md5 Zq9is", "Zq9is"),
        ("huawei_vrp", " key-string cipher Zq9kc", "Zq9kc"),
    ],
)
def test_every_secret_line_masked(
    estate: NetworkEstate, platform: str, line: str, secret: str
) -> None:
    info = platform_info(estate.templates_dir, platform)
    assert info is not None
    masked = info.masker().line(line)
    assert secret not in masked, masked
    assert "******" in masked


FORTIOS_SNMP = """config system snmp community
    edit 1
        set name "Zq9comm"
        config hosts
            edit 1
                set ip 192.0.2.1 255.255.255.255
            next
        end
    next
    edit 2
        set name Zq9other
    next
end
config firewall policy
    edit 1
        set name "web-in"
    next
end
"""


def test_fortios_snmp_community_masked(estate: NetworkEstate) -> None:
    """A FortiOS community name (``set name`` two levels under ``config system snmp
    community``) is masked in backups and remediations; other ``set name`` lines are not."""
    info = platform_info(estate.templates_dir, "fortinet")
    assert info is not None
    read = info.read(FORTIOS_SNMP, info.masker()).text
    assert "Zq9" not in read
    assert "set name ******(1)" in read
    assert "set name ******(2)" in read  # distinct secrets stay distinct
    assert 'set name "web-in"' in read
    typed = info.masker().lines(FORTIOS_SNMP.splitlines())
    assert "Zq9" not in "\n".join(typed)
    assert '        set name "web-in"' in typed
    # without the section around it, a ``set name`` line is no secret
    assert info.masker().line('set name "Zq9comm"') == 'set name "Zq9comm"'


def test_ssh_cipher_list_is_not_a_secret(estate: NetworkEstate) -> None:
    info = platform_info(estate.templates_dir, "huawei_vrp")
    assert info is not None
    line = "ssh server cipher aes256_ctr aes128_ctr"
    assert info.masker().line(line) == line


def test_unreadable_backup_is_a_located_error(estate: NetworkEstate, tmp_path: Path) -> None:
    (tmp_path / "lab-core01.cfg").write_bytes(b"hostname lab-core01\nbanner motd \x03\nno end\n")
    (tmp_path / "lab-wan01.cfg").write_bytes(b"sysname lab-wan01\n\xff\xfe bad\n")
    good = (CORPUS / "huawei_vrp" / "lab-wan01.compliant.cfg").read_text(encoding="utf-8")
    (tmp_path / "lab-xa-rtr01.cfg").write_text(good.replace("lab-wan01", "lab-xa-rtr01"))
    texts, errors = read_backup_dir(tmp_path)
    assert re.search(r"lab-wan01\.cfg:line 2: not UTF-8", errors["lab-wan01"][1])
    targets, missing = load_targets(estate, estate.select(None), texts)
    assert missing["lab-core01"][0] == "network.error.unreadable"
    assert "line 2: banner is never closed" in missing["lab-core01"][1]
    assert [t.name for t in targets] == ["lab-xa-rtr01"]  # the run goes on


def test_banner_never_closed_raises_located(estate: NetworkEstate) -> None:
    info = platform_info(estate.templates_dir, "cisco_ios")
    assert info is not None
    with pytest.raises(ConfigReadError) as caught:
        info.read("hostname r\n!\nbanner login ^C\ntext\n")
    assert caught.value.line == 3


def test_defaults_hidden_by_real_devices_converge(estate: NetworkEstate) -> None:
    """A real device does not display default lines: the diff must not ask for them."""
    info = platform_info(estate.templates_dir, "cisco_ios")
    assert info is not None
    intended = "logging trap informational\nline vty 0 4\n login authentication default\n"
    shown = "line vty 0 4\n"
    assert remediation(info, shown, intended).empty
    vrp = platform_info(estate.templates_dir, "huawei_vrp")
    assert vrp is not None
    assert remediation(vrp, "sysname r\n", "sysname r\ninfo-center enable\n").empty
    # but a device showing the negation is asked to turn it back on
    assert remediation(vrp, "undo info-center enable\n", "info-center enable\n").lines


def test_physical_ports_defaulted_not_removed(estate: NetworkEstate) -> None:
    ios = platform_info(estate.templates_dir, "cisco_ios")
    vrp = platform_info(estate.templates_dir, "huawei_vrp")
    assert ios is not None
    assert vrp is not None
    running = "interface GigabitEthernet0/0\n description old\n ip address 192.0.2.1 255.0.0.0\n"
    lines = remediation(ios, running + "interface Loopback5\n", "").lines
    assert "default interface GigabitEthernet0/0" in lines
    assert "no interface Loopback5" in lines
    assert not any(line.startswith("no interface Gigabit") for line in lines)
    # an unused port at its defaults is left alone (the hardware keeps it)
    assert remediation(ios, "interface GigabitEthernet0/1\n shutdown\n", "").empty
    lines = remediation(vrp, "interface GigabitEthernet0/0/0\n description x\n", "").lines
    assert lines == ("clear configuration interface GigabitEthernet0/0/0",)
