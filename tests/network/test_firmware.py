"""NET.14: firmware at least the estate's minimum, compared in each platform's own notation.

Both ways per platform (IOS 15.2(7)E8, IOS-XE 17.9.4a, VRP V200R021C10SPC600, FortiOS 7.2.8
build...), the cases a number-by-number or release-train comparison gets wrong, and the audit
itself: older firmware fails, newer passes, a config that shows only the release train against
a full minimum is an ``error`` (cannot decide), never a ``pass``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from capdo.compliance.results import ResultRecord
from capdo.network.audit import find_checks_dir, load_targets, run_audit
from capdo.network.estate import load_network_estate
from capdo.network.firmware import meets_minimum, parse_version, shown_version
from capdo.network.render import Renderer

REPO = Path(__file__).resolve().parents[2]

# (platform, shown, minimum): True = meets it, False = older, None = cannot be decided
CASES = [
    # Cisco IOS: major.minor(release)train build
    ("cisco_ios", "15.2(7)E8", "15.2(7)E8", True),
    ("cisco_ios", "15.2(7)E10", "15.2(7)E8", True),  # 10 > 8 (a string order says no)
    ("cisco_ios", "15.2(7)E3", "15.2(7)E8", False),
    ("cisco_ios", "15.2(4)E10", "15.2(7)E8", False),
    ("cisco_ios", "12.2(55)SE12", "15.2(7)E8", False),
    ("cisco_ios", "15.2(7a)E8", "15.2(7)E8", True),  # a rebuild of the release
    ("cisco_ios", "15.2(4)M11", "15.2(7)E8", None),  # another train: not ordered
    ("cisco_ios", "15.2", "15.2(7)E8", None),  # the config shows the train only
    ("cisco_ios", "15.0", "15.2(7)E8", False),  # an older train decides even so
    # IOS-XE: major.minor.maintenance[rebuild letter], zero-padded or not
    ("cisco_ios", "17.9.4a", "17.9.4a", True),
    ("cisco_ios", "17.09.04a", "17.9.4a", True),
    ("cisco_ios", "17.9.4", "17.9.4a", False),  # number by number these were equal
    ("cisco_ios", "17.9.4b", "17.9.4a", True),
    ("cisco_ios", "17.9.5", "17.9.4a", True),
    ("cisco_ios", "17.6.6a", "17.9.4a", False),
    ("cisco_ios", "17.12.1", "17.9.4a", True),  # 12 > 9 (a string order says no)
    ("cisco_ios", "17.9", "17.9.4a", None),
    ("cisco_ios", "17.9", "17.9", True),
    ("cisco_ios", "17.9.1", "17.9", True),
    ("cisco_ios", "16.12", "17.9", False),
    # Huawei VRP: V R C SPC (no SPC: the base release)
    ("huawei_vrp", "V200R021C10SPC600", "V200R021C10SPC600", True),
    ("huawei_vrp", "V200R021C10SPC700", "V200R021C10SPC600", True),
    ("huawei_vrp", "V200R021C10SPC500", "V200R021C10SPC600", False),
    ("huawei_vrp", "V200R021C10", "V200R021C10SPC600", False),
    ("huawei_vrp", "V200R021C00SPC900", "V200R021C10SPC600", False),
    ("huawei_vrp", "V200R022C00SPC100", "V200R021C10SPC600", True),
    ("huawei_vrp", "V200R010C00SPC600", "V300R021C10SPC100", False),
    ("huawei_usg", "V600R007C20SPC600", "V600R007C20SPC500", True),
    # FortiOS: major.minor.patch [build]
    ("fortinet", "7.2.8", "7.2.8", True),
    ("fortinet", "v7.2.8,build1639", "7.2.8", True),
    ("fortinet", "7.2.10", "7.2.8", True),  # 10 > 8
    ("fortinet", "7.2.7-FW-build1577", "7.2.8", False),
    ("fortinet", "7.4.1 build2463", "7.2.8", True),
    ("fortinet", "7.0.15", "7.2.8", False),
    ("fortinet", "7.2.8", "7.2.8 build1639", None),  # the build is not shown
    ("fortinet", "7.2.8-FW-build1639", "7.2.8 build1639", True),
    # not a version of the platform: cannot decide
    ("huawei_vrp", "17.9", "V200R021C10SPC600", None),
    ("cisco_ios", "V200R021C10SPC600", "17.9", None),
]


@pytest.mark.parametrize(("platform", "shown", "minimum", "meets"), CASES)
def test_version_against_minimum(platform: str, shown: str, minimum: str, meets: object) -> None:
    verdict, reason = meets_minimum(platform, shown, minimum)
    assert verdict is meets, reason
    assert reason


def test_not_a_minimum_of_the_platform_cannot_decide() -> None:
    verdict, reason = meets_minimum("fortinet", "7.2.8", "V200R021C10SPC600")
    assert verdict is None
    assert "minimum" in reason


def test_parse_keeps_the_ios_train() -> None:
    parsed = parse_version("cisco_ios", "15.2(7)E8")
    assert parsed is not None
    assert (parsed.form, parsed.train) == ("ios", "E")
    assert parse_version("cisco_ios", "garbage") is None


@pytest.mark.parametrize(
    ("platform", "config", "shown"),
    [
        ("cisco_ios", "!\nversion 17.9\nhostname a\n", "17.9"),
        (
            "cisco_ios",
            "!Image: Software: C2960X-UNIVERSALK9-M, 15.2(7)E8, RELEASE SOFTWARE (fc2)\n"
            "version 15.2\n",
            "15.2(7)E8",
        ),
        (
            "cisco_ios",
            "! Cisco IOS XE Software, Version 17.09.04a\n!\nversion 17.9\n",
            "17.09.04a",
        ),
        ("huawei_vrp", "!Software Version V200R021C10SPC600\n#\n", "V200R021C10SPC600"),
        (
            "fortinet",
            "#config-version=FGT600F-7.2.8-FW-build1639-240313:opmode=0:vdom=0\n",
            "7.2.8-FW-build1639",
        ),
        ("cisco_ios", "hostname a\n", None),
    ],
)
def test_shown_version_is_the_most_precise_the_config_holds(
    platform: str, config: str, shown: str | None
) -> None:
    assert shown_version(platform, config) == shown


@pytest.fixture(scope="module")
def lab_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("estate") / "lab"
    shutil.copytree(REPO / "inventories" / "lab", root)
    return root


def _net14(root: Path, minimum: str, header: str) -> ResultRecord:
    policy = root / "policy" / "network-firmware.yml"
    policy.write_text(f'cisco_ios:\n  Catalyst 9300: "{minimum}"\n', encoding="utf-8")
    estate = load_network_estate(root)
    devices = estate.select(["lab-core01"])
    config = Renderer(estate.templates_dir).render_many(estate.context, devices).configs
    targets, missing = load_targets(estate, devices, {"lab-core01": header + config["lab-core01"]})
    assert not missing
    _code, records = run_audit(targets, find_checks_dir(estate))
    (record,) = [r for r in records if r.requirement_id == "NET.14"]
    return record


@pytest.mark.parametrize(
    ("minimum", "header", "status"),
    [
        ("17.9", "version 17.9\n", "pass"),
        ("17.9", "version 17.6\n", "fail"),
        ("17.9", "version 17.12\n", "pass"),
        # the running config shows the train only: a full minimum cannot be decided from it
        ("17.9.4a", "version 17.9\n", "error"),
        ("17.9.4a", "! Cisco IOS XE Software, Version 17.09.05\nversion 17.9\n", "pass"),
        ("17.9.4a", "! Cisco IOS XE Software, Version 17.09.04\nversion 17.9\n", "fail"),
    ],
)
def test_audit_decides_net14_per_platform_notation(
    lab_copy: Path, minimum: str, header: str, status: str
) -> None:
    record = _net14(lab_copy, minimum, header)
    assert record.status == status, record.evidence
    assert record.evidence.expected == f">= {minimum}"  # a pass shows what was seen too
    assert record.evidence.actual
    assert record.evidence.detail
