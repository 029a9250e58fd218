"""The checked view that vendor file writers receive: keys, groups, one-line values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from capdo.endpoints.config import EndpointConfig
from capdo.endpoints.vendors import FORMATS, poly_file, yealink_file
from capdo.endpoints.view import FileView, Setting


def test_vendor_mappings_build_valid_views() -> None:
    config = EndpointConfig(sip_server="198.18.0.10", admin_password="s3cret", snmp="v2c")
    for fmt in FORMATS.values():
        view = fmt.view(fmt.keys(config, "label"), "header")
        assert view.vendor == fmt.vendor
        assert [s.key for s in view.settings] == list(fmt.keys(config, "label"))


def test_view_is_frozen() -> None:
    view = FileView.of("yealink", "h", {"account.1.enable": "1"})
    with pytest.raises(ValidationError):
        view.header = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        view.settings[0].value = "0"  # type: ignore[misc]


@pytest.mark.parametrize(
    "key", ["", "1account", "account..1", "account.1 = x", "a\nb", "reg.1.", "k\u202e"]
)
def test_a_key_that_is_no_parameter_name_is_refused(key: str) -> None:
    with pytest.raises(ValidationError, match="not a parameter name"):
        Setting(key=key, value="1")


def test_a_repeated_key_is_refused() -> None:
    settings = (Setting(key="a.b", value="1"), Setting(key="a.b", value="2"))
    with pytest.raises(ValidationError, match=r"keys repeated: a\.b"):
        FileView(vendor="yealink", header="h", settings=settings)


def test_a_poly_key_outside_the_groups_is_refused_not_dropped() -> None:
    with pytest.raises(ValidationError, match=r"outside the Poly parameter groups: feature\.x"):
        FileView.of("poly", "h", {"reg.1.address": "a", "feature.x": "1"})
    # Yealink files have no groups: the same key is fine there.
    assert FileView.of("yealink", "h", {"feature.x": "1"}).settings[0].key == "feature.x"


def test_values_and_header_are_one_line() -> None:
    view = FileView.of("yealink", "head\ner", {"account.1.label": "a\r\nstatic.x = 1\u202e"})
    assert view.header == "header"
    assert view.settings[0].value == "astatic.x = 1"
    assert yealink_file(view).splitlines()[1:] == ["## header", "account.1.label = astatic.x = 1"]


def test_poly_writer_takes_groups_in_file_order() -> None:
    view = FileView.of("poly", "h", {"video.a": "1", "reg.b": "2", "video.c": "3"})
    text = poly_file(view)
    assert text.index("<reg") < text.index("<video")
    assert 'video.a="1"\n    video.c="3"/>' in text
