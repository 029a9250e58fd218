"""Rule results → result records: statuses, several requirements, informational output."""

from __future__ import annotations

from datetime import UTC, datetime

from capdo.scap.arf import RuleResult
from capdo.scap.mapping import MappingFile, RuleMapping, ScanContext, error_record, map_results
from capdo.scap.tailoring import tailored_profile_id, tailoring_xml

MAPPING = MappingFile(
    content="test",
    rules={
        "sshd_disable_root_login": RuleMapping(requirements=("SRV.02", "SRV.07"), note="n"),
        "accounts_tmout": RuleMapping(requirements=("SRV.08",), note="n"),
    },
)
CTX = ScanContext("lab-web01", "run-1", datetime(2026, 1, 1, tzinfo=UTC), "a.arf.xml", "p")


def _rule(rule: str, result: str) -> RuleResult:
    return RuleResult(rule, result, "medium", f"title of {rule}")


def test_statuses_and_one_record_per_requirement() -> None:
    records, info = map_results([_rule("sshd_disable_root_login", "fail")], MAPPING, CTX)
    assert [(r.requirement_id, r.status) for r in records] == [
        ("SRV.02", "fail"),
        ("SRV.07", "fail"),
    ]
    assert info == []
    for result, status in [
        ("pass", "pass"),
        ("fixed", "pass"),
        ("error", "error"),
        ("unknown", "error"),
        ("notapplicable", "not_applicable"),
    ]:
        records, _ = map_results([_rule("accounts_tmout", result)], MAPPING, CTX)
        assert [r.status for r in records] == [status]


def test_results_without_verdict_and_unmapped_rules_are_informational() -> None:
    rules = [
        _rule("accounts_tmout", "notchecked"),
        _rule("accounts_tmout", "informational"),
        _rule("accounts_tmout", "notselected"),
        _rule("some_unmapped_rule", "fail"),
    ]
    records, info = map_results(rules, MAPPING, CTX)
    assert records == []
    assert [(i.rule_id, i.result, i.mapped) for i in info] == [
        ("accounts_tmout", "notchecked", True),
        ("accounts_tmout", "informational", True),
        ("some_unmapped_rule", "fail", False),
    ]
    assert info[2].to_dict()["title"] == "title of some_unmapped_rule"


def test_error_record() -> None:
    record = error_record("SRV.14", CTX, "cannot reach")
    assert record.status == "error"
    assert record.evidence.detail == "cannot reach"
    assert record.checker == "capdo.scap"


def test_tailoring_unselects_the_skipped_rules() -> None:
    text = tailoring_xml("anssi_bp28_minimal", ["b_rule", "a_rule"], datastream="ds.xml")
    assert tailored_profile_id("anssi_bp28_minimal") in text
    assert 'extends="xccdf_org.ssgproject.content_profile_anssi_bp28_minimal"' in text
    assert text.index("content_rule_a_rule") < text.index("content_rule_b_rule")
    assert text.count('selected="false"') == 2


def test_tailoring_sets_ssg_values_from_the_level_parameters() -> None:
    from capdo.scap.profiles import ValueFromParameter, load_settings
    from capdo.scap.tailoring import tailoring_xml
    from tests.conftest import REPO

    settings = load_settings(REPO / "checks" / "scap")
    values = settings.xccdf_values(
        {"password_min_length": 12, "lockout_duration_hours": 0.5, "idle_timeout_minutes": None}
    )
    assert values == {
        "var_password_pam_minlen": "12",
        "var_accounts_passwords_pam_faillock_unlock_time": "1800",
    }
    assert ValueFromParameter(parameter="x").value({"x": True}) is None
    xml = tailoring_xml("anssi_bp28_intermediary", [], datastream="ds.xml", values=values)
    assert (
        '<xccdf:set-value idref="xccdf_org.ssgproject.content_value_var_password_pam_minlen">'
        "12</xccdf:set-value>" in xml
    )


def test_rule_with_a_known_content_limit_stays_informational() -> None:
    mapping = MappingFile(
        content="x",
        rules={
            "sshd_disable_root_login": RuleMapping(
                requirements=("SRV.02",), note="n", limit="reads only sshd_config"
            ),
            "sshd_disable_empty_passwords": RuleMapping(requirements=("SRV.01",), note="n"),
        },
    )
    ctx = ScanContext("h", "r", datetime(2026, 1, 1, tzinfo=UTC), "a.xml", "p")
    rules = [
        RuleResult("sshd_disable_root_login", "fail", "medium", "t"),
        RuleResult("sshd_disable_empty_passwords", "pass", "medium", "t"),
    ]
    records, info = map_results(rules, mapping, ctx)
    assert [(r.requirement_id, r.status) for r in records] == [("SRV.01", "pass")]
    assert [(i.rule_id, i.limit) for i in info] == [
        ("sshd_disable_root_login", "reads only sshd_config")
    ]
