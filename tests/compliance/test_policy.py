"""Organisation overrides: stronger is accepted, weaker needs a waiver."""

from __future__ import annotations

from datetime import date

import pytest

from capdo.compliance.catalogue_model import Catalogue, Direction
from capdo.compliance.compile import compile_level
from capdo.compliance.policy import (
    OrganisationPolicy,
    ParameterOverride,
    apply_policy,
    compare,
)
from capdo.compliance.waivers import Waiver, WaiverBook, WaiverScope


@pytest.mark.parametrize(
    ("direction", "standard", "value", "expected"),
    [
        (Direction.higher, 12, 14, 1),
        (Direction.higher, 12, 8, -1),
        (Direction.higher, 12, 12, 0),
        (Direction.lower, 6, 3, 1),
        (Direction.lower, 6, 12, -1),
        (Direction.higher, False, True, 1),
        (Direction.higher, True, False, -1),
        (Direction.superset, ["a", "b"], ["a", "b", "c"], 1),
        (Direction.superset, ["a", "b"], ["a"], -1),
        (Direction.exact, "12-20", "12-25", -1),
    ],
)
def test_compare(direction: Direction, standard: object, value: object, expected: int) -> None:
    assert compare(direction, standard, value) == expected  # type: ignore[arg-type]


def override(
    rid: str, param: str, value: object, levels: list[int] | None = None
) -> ParameterOverride:
    return ParameterOverride(
        requirement_id=rid,
        parameter=param,
        value=value,
        justification="provincial rule",
        levels=levels or [],
    )


def policy(*items: ParameterOverride) -> OrganisationPolicy:
    return OrganisationPolicy(organisation="UBND tỉnh", regime="new", overrides=list(items))


def weak_waiver(expires: date) -> Waiver:
    return Waiver(
        id="W-PW",
        requirement_id="SRV.01",
        parameter="min_len",
        scope=WaiverScope(estate=True),
        reason="vendor limit",
        approver="CISO",
        approved_on=date(2026, 1, 1),
        expires_on=expires,
    )


TODAY = date(2026, 11, 21)


def test_stronger_value_applies(mini: Catalogue) -> None:
    result = apply_policy(mini, compile_level(mini, 3), policy(override("SRV.01", "min_len", 16)))
    assert not result.issues
    param = result.parameters["SRV.01"]["min_len"]
    assert (param.value, param.origin, param.standard.value) == (16, "organisation", 12)  # type: ignore[union-attr]


def test_weaker_value_is_an_error_without_waiver(mini: Catalogue) -> None:
    result = apply_policy(mini, compile_level(mini, 3), policy(override("SRV.01", "min_len", 10)))
    assert result.has_errors
    assert result.issues[0].key == "compliance.policy.weaker"
    assert result.value("SRV.01", "min_len") == 12  # the standard stays


def test_weaker_value_covered_by_active_waiver(mini: Catalogue) -> None:
    book = WaiverBook((weak_waiver(date(2027, 1, 1)),), TODAY)
    result = apply_policy(
        mini, compile_level(mini, 3), policy(override("SRV.01", "min_len", 10)), book
    )
    assert not result.has_errors
    assert result.issues[0].severity == "warning"
    assert result.parameters["SRV.01"]["min_len"].waiver_id == "W-PW"
    assert result.value("SRV.01", "min_len") == 10
    assert book.report()[0].applied == 1


def test_expired_waiver_does_not_cover(mini: Catalogue) -> None:
    book = WaiverBook((weak_waiver(date(2026, 6, 1)),), TODAY)
    result = apply_policy(
        mini, compile_level(mini, 3), policy(override("SRV.01", "min_len", 10)), book
    )
    assert result.has_errors


def test_same_value_at_lower_level_is_weaker_at_higher(mini: Catalogue) -> None:
    ov = policy(override("SRV.01", "min_len", 10))
    assert not apply_policy(mini, compile_level(mini, 2), ov).has_errors  # 10 >= 8
    assert apply_policy(mini, compile_level(mini, 3), ov).has_errors  # 10 < 12


def test_lower_is_stronger_for_intervals(mini: Catalogue) -> None:
    assert not apply_policy(
        mini, compile_level(mini, 4), policy(override("GOV.01", "review_months", 3))
    ).has_errors
    assert apply_policy(
        mini, compile_level(mini, 4), policy(override("GOV.01", "review_months", 12))
    ).has_errors


def test_override_fills_a_missing_value(mini: Catalogue) -> None:
    result = apply_policy(
        mini, compile_level(mini, 1), policy(override("GOV.01", "review_months", 24))
    )
    assert not result.has_errors
    assert result.issues[0].key == "compliance.policy.defines"
    assert result.value("GOV.01", "review_months") == 24


def test_levels_limit_an_override(mini: Catalogue) -> None:
    ov = policy(override("SRV.01", "min_len", 10, levels=[1, 2]))
    assert not apply_policy(mini, compile_level(mini, 3), ov).issues
    assert apply_policy(mini, compile_level(mini, 2), ov).value("SRV.01", "min_len") == 10


@pytest.mark.parametrize(
    ("item", "key"),
    [
        (override("ZZZ.01", "min_len", 10), "compliance.policy.unknown-req"),
        (override("SRV.01", "max_len", 10), "compliance.policy.unknown-param"),
        (override("SRV.01", "min_len", "ten"), "compliance.policy.type"),
    ],
)
def test_invalid_overrides(mini: Catalogue, item: ParameterOverride, key: str) -> None:
    result = apply_policy(mini, compile_level(mini, 3), policy(item))
    assert [i.key for i in result.issues] == [key]
    assert result.has_errors


def test_unselected_requirement_is_a_warning(mini: Catalogue) -> None:
    result = apply_policy(mini, compile_level(mini, 1), policy(override("SRV.02", "min_len", 10)))
    assert [(i.severity, i.key) for i in result.issues] == [
        ("warning", "compliance.policy.not-selected")
    ]


def test_real_catalogue_password_floor(new: Catalogue) -> None:
    compiled = compile_level(new, 3)
    weak = apply_policy(
        new,
        compiled,
        OrganisationPolicy(
            organisation="x",
            regime="new",
            overrides=[override("SRV.03", "password_min_length", 12)],
        ),
    )
    assert weak.has_errors
    wrong = apply_policy(new, compiled, OrganisationPolicy(organisation="x", regime="legacy"))
    assert wrong.issues[0].key == "compliance.policy.regime"
