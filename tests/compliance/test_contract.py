"""The check contract: require, param without a code default, requirement marks, one Evidence."""

from __future__ import annotations

import pytest

from capdo.checks import api, contract
from capdo.compliance import results
from capdo.estate_checks.registry import estate_checks
from tests.conftest import REPO


def test_require_returns_evidence_or_fails_with_it() -> None:
    found = contract.require(True, expected={"max": 5}, actual=3)
    assert found == results.Evidence(expected={"max": 5}, actual=3)
    with pytest.raises(contract.CheckFailed) as failed:
        contract.require(0, expected=">= 14", actual={8}, detail="pwquality minlen")
    assert failed.value.evidence.actual == "{8}"  # a set is not JSON: kept as its text
    assert failed.value.evidence.detail == "pwquality minlen"
    assert isinstance(failed.value, AssertionError)  # a finding (fail), not an error


def test_param_has_no_code_default() -> None:
    assert contract.param({"lockout_attempts": 5}, "lockout_attempts") == 5
    with pytest.raises(contract.ParameterMissing) as missing:
        contract.param({"lockout_attempts": None}, "lockout_attempts")
    assert missing.value.name == "lockout_attempts"
    with pytest.raises(contract.ParameterMissing):
        contract.param({}, "idle_timeout_minutes")


def test_requirement_marks_pytest_and_plain_checks() -> None:
    @contract.requirement("SRV.08", "SRV.04")
    def check_tmout() -> None: ...

    assert contract.requirements_of(check_tmout) == ("SRV.08", "SRV.04")
    marks = [m for m in getattr(check_tmout, "pytestmark", []) if m.name == "requirement"]
    assert marks[0].args == ("SRV.08", "SRV.04")
    with pytest.raises(ValueError, match="at least one"):
        contract.requirement()


def test_one_evidence_type_and_one_failure_class() -> None:
    assert contract.Evidence is results.Evidence
    assert contract.ResultRecord is results.ResultRecord
    assert api.CheckFailed is contract.CheckFailed
    checks = estate_checks(REPO / "checks" / "catalogue")
    assert checks
    for check in checks:
        assert contract.requirements_of(check)
        assert isinstance(check, contract.Checker)


def test_outcome_is_the_one_mapping_from_how_a_check_ended() -> None:
    found = contract.require(True, expected=">= 14", actual=14, detail="minlen too short")
    assert found.detail is None  # the detail says what a failure means
    assert contract.outcome(None, found) == ("pass", found)
    with pytest.raises(contract.CheckFailed) as failed:
        contract.require(False, expected=">= 14", actual=8, detail="minlen too short")
    assert contract.outcome(failed.value) == ("fail", failed.value.evidence)
    for end, status in (
        (contract.not_applicable, "not_applicable"),
        (contract.not_reviewed, "not_reviewed"),
        (contract.undecided, "error"),
    ):
        with pytest.raises(contract.CheckEnded) as ended:
            end("why", expected=1, actual=2)
        assert contract.outcome(ended.value) == (
            status,
            results.Evidence(expected=1, actual=2, detail="why"),
        )
    with pytest.raises(contract.ParameterMissing) as missing:
        contract.param({}, "lockout_attempts")
    status, evidence = contract.outcome(missing.value)
    assert status == "not_reviewed"
    assert evidence.detail is not None
    assert "lockout_attempts" in evidence.detail
    status, evidence = contract.outcome(KeyError("hostname"))
    assert (status, evidence.detail) == ("error", "KeyError: 'hostname'")


def test_recording_keeps_the_evidence_of_requires_that_held() -> None:
    with contract.recording() as found:
        contract.require(True, expected=5, actual=3)
        with pytest.raises(contract.CheckFailed):
            contract.require(False, expected=5, actual=9, detail="too long")
    assert found == [results.Evidence(expected=5, actual=3)]
    contract.require(True, expected=1, actual=1)  # outside the block: nothing recorded
    assert len(found) == 1
