"""Property tests of parameter inheritance on generated linear level chains."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.compile import compile_level

from .conftest import MINI

SETTINGS = st.dictionaries(st.integers(1, 4), st.integers(1, 99), min_size=1, max_size=4)


def _catalogue_text(settings_by_level: dict[int, int], first: int) -> str:
    lines = "\n".join(
        f"      {lvl}:\n        min_len: "
        f"{{value: {value}, source: DOC {lvl}, confidence: secondary}}"
        for lvl, value in sorted(settings_by_level.items())
    )
    head, _, _ = MINI.partition("requirements:\n")
    return (
        head
        + "requirements:\n  - id: SRV.01\n    title: {vi: A, en: A}\n    group: server\n"
        + f"    first_level: {first}\n    check: server\n    confidence: secondary\n"
        + "    sources: [{ref: DOC, confidence: secondary}]\n    parameters:\n"
        + lines
        + "\n"
    )


@settings(max_examples=40, deadline=None)
@given(SETTINGS)
def test_value_comes_from_the_highest_setting_level_not_above(
    tmp_path_factory: pytest.TempPathFactory, settings_by_level: dict[int, int]
) -> None:
    first = min(settings_by_level)
    path = tmp_path_factory.mktemp("prop") / "c.yml"
    path.write_text(_catalogue_text(settings_by_level, first), encoding="utf-8")
    cat = load_catalogue(path)
    for level in range(1, 5):
        compiled = compile_level(cat, level).get("SRV.01")
        if level < first:
            assert compiled is None
            continue
        assert compiled is not None
        source_level = max(lvl for lvl in settings_by_level if lvl <= level)
        param = compiled.parameters["min_len"]
        assert param.value == settings_by_level[source_level]
        assert param.set_at_level == source_level
