"""Property-based fuzzing of the loader: whatever the files hold, no traceback escapes."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capdo.inventory.validate import load_estate
from tests.conftest import LAB_ESTATE

KIND_FILES = [
    "estate.yml",
    "sites.yml",
    "zones.yml",
    "systems.yml",
    "servers.yml",
    "devices.yml",
    "links.yml",
    "lan.yml",
    "endpoints.yml",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(
        ["10.0.0.1", "10.0.0.0/24", "lab-dc", "cisco_ios", "2026-01-15", "198.18.0.34", "level"]
    ),
)
trees = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "site",
                    "zone",
                    "address",
                    "level",
                    "prefixes",
                    "password",
                    "systems",
                    "a",
                    "z",
                    "vlans",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _check(estate: Path) -> None:
    result = load_estate(estate)
    for finding in result.findings:
        assert finding.message("vi")
        assert finding.message("en")
        assert finding.location()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(KIND_FILES), content=st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(file: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        estate = Path(tmp) / "estate"
        shutil.copytree(LAB_ESTATE, estate)
        (estate / file).write_bytes(content)
        _check(estate)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(KIND_FILES), data=trees)
def test_arbitrary_structures_never_raise(file: str, data: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        estate = Path(tmp) / "estate"
        shutil.copytree(LAB_ESTATE, estate)
        (estate / file).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _check(estate)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, 3),
    field=st.sampled_from(
        ["name", "site", "zone", "address", "roles", "os", "systems", "credential"]
    ),
    value=trees,
)
def test_one_field_of_a_valid_object_replaced(index: int, field: str, value: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        estate = Path(tmp) / "estate"
        shutil.copytree(LAB_ESTATE, estate)
        servers = yaml.safe_load((estate / "servers.yml").read_text(encoding="utf-8"))
        servers[index][field] = value
        (estate / "servers.yml").write_text(yaml.safe_dump(servers, allow_unicode=True))
        _check(estate)
