"""Hostile registers (waivers, evidence, policy, firmware policy), catalogue and overlay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.yaml_source import DataFileError
from capdo.endpoints.policy import load_firmware_policy
from capdo.errors import CapdoError
from capdo.exports.connections import read_overlay
from capdo.safeio import ReadError
from tests.conftest import REPO
from tests.security.conftest import deep_document, run_capdo

REGISTERS = ["waivers.yml", "evidence.yml", "policy/legacy.yml"]


def _evaluate(estate: Path) -> tuple[int, str]:
    done = run_capdo("evaluate", "-i", str(estate), "--lang", "en")
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr


@pytest.mark.parametrize("register", REGISTERS)
def test_alias_bomb_in_a_register_is_refused_fast(
    lab_copy: Path, alias_bomb: str, register: str
) -> None:
    (lab_copy / register).write_text(alias_bomb, encoding="utf-8")
    code, err = _evaluate(lab_copy)  # minutes and gigabytes before the fix (timeout: 60 s)
    assert code == 2
    assert f"{register}:2:10: YAML aliases (*name) are not allowed" in err


@pytest.mark.parametrize("register", REGISTERS)
def test_deep_register_is_refused(lab_copy: Path, register: str) -> None:
    (lab_copy / register).write_text(deep_document(10_000), encoding="utf-8")
    code, err = _evaluate(lab_copy)
    assert code == 2
    assert f"{register}:1:101: nested deeper than 100 levels" in err


@pytest.mark.parametrize("register", REGISTERS)
def test_python_tag_in_a_register_is_refused(lab_copy: Path, register: str) -> None:
    (lab_copy / register).write_text(
        "waivers: !!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8"
    )
    code, err = _evaluate(lab_copy)
    assert code == 2
    assert f"{register}:1:10: YAML tag tag:yaml.org,2002:python/object/apply:os.system" in err


@pytest.mark.parametrize("register", REGISTERS)
def test_non_utf8_register_is_located(lab_copy: Path, register: str) -> None:
    (lab_copy / register).write_bytes(b"# ok\nwaivers: []  # \xff\n")
    code, err = _evaluate(lab_copy)
    assert code == 2
    assert f"{register}:2:16: byte 0xff is not valid UTF-8" in err


@pytest.mark.parametrize("register", REGISTERS)
def test_duplicate_key_in_a_register_is_located(lab_copy: Path, register: str) -> None:
    path = lab_copy / register
    text = path.read_text(encoding="utf-8")
    first_key = next(line for line in text.splitlines() if line and not line.startswith("#"))
    path.write_text(text + first_key + "\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    code, err = _evaluate(lab_copy)
    assert code == 2
    assert f"{register}:{line}:1: key " in err
    assert "appears twice" in err


@pytest.mark.parametrize("register", ["waivers.yml", "evidence.yml"])
def test_fifo_register_never_hangs(lab_copy: Path, register: str) -> None:
    (lab_copy / register).unlink()
    os.mkfifo(lab_copy / register)
    code, err = _evaluate(lab_copy)
    assert code == 2
    assert "not a regular file (fifo)" in err


def test_register_symlink_outside_the_estate_is_refused(lab_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text("waivers: [SECRET-CONTENT\n", encoding="utf-8")
    (lab_copy / "waivers.yml").unlink()
    (lab_copy / "waivers.yml").symlink_to(outside)
    code, err = _evaluate(lab_copy)
    assert code == 2
    assert "waivers.yml:1:1: symbolic link pointing outside" in err
    assert "SECRET-CONTENT" not in err
    assert str(outside) not in err


def test_firmware_policy_alias_bomb_and_duplicates(lab_copy: Path, alias_bomb: str) -> None:
    path = lab_copy / "policy" / "endpoint-firmware.yml"
    path.write_text(alias_bomb, encoding="utf-8")
    with pytest.raises(CapdoError) as bomb:
        load_firmware_policy(lab_copy)
    assert str(bomb.value.params["path"]).endswith("endpoint-firmware.yml:2:10")
    path.write_text("yealink:\n  T54W: '96.1'\npoly:\n  X: '1'\nyealink: {}\n", encoding="utf-8")
    with pytest.raises(CapdoError) as duplicate:
        load_firmware_policy(lab_copy)
    assert str(duplicate.value.params["path"]).endswith("endpoint-firmware.yml:5:1")
    assert "appears twice" in str(duplicate.value.params["detail"])


def test_catalogue_duplicate_key_and_tag_are_located(tmp_path: Path) -> None:
    text = (REPO / "checks" / "catalogue" / "legacy.yml").read_text(encoding="utf-8")
    path = tmp_path / "legacy.yml"
    path.write_text(text + "regime: legacy\n", encoding="utf-8")
    with pytest.raises(DataFileError) as duplicate:
        load_catalogue(path)
    [problem] = duplicate.value.problems
    assert (problem.line, problem.problem.key) == (
        len(text.splitlines()) + 1,
        "reader.duplicate-key",
    )
    path.write_text("regime: !!python/name:os.system\n", encoding="utf-8")
    with pytest.raises(DataFileError) as tagged:
        load_catalogue(path)
    assert tagged.value.problems[0].problem.key == "reader.yaml-tag"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("- a\n- b\n", 1, 1),  # a list, not a mapping
        ("lab-db01: [1, 2]\n", 1, 1),  # an entry that is not a mapping
        ("lab-db01:\n  host: 198.18.0.35\n  port: ssh\n", 3, 3),  # a port that is not a number
        ("lab-db01:\n  port: 70000\n", 2, 3),
        ("lab-db01:\n  host: {nested: true}\n", 2, 3),
    ],
)
def test_overlay_of_the_wrong_shape_is_a_located_error(
    tmp_path: Path, text: str, line: int, column: int
) -> None:
    path = tmp_path / "connections.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as wrong:
        read_overlay(path)
    problem = wrong.value.problem
    assert (problem.rule, problem.line, problem.column) == ("wrong-shape", line, column)


def test_overlay_of_the_wrong_shape_stops_the_export_without_traceback(lab_copy: Path) -> None:
    overlay = lab_copy / "overlay.yml"
    overlay.write_text("- not\n- a mapping\n", encoding="utf-8")
    done = run_capdo(
        "inventory",
        "export",
        "-i",
        str(lab_copy),
        "--format",
        "nornir",
        "--out",
        str(lab_copy / "out"),
        env={"CAPDO_CONNECTIONS": str(overlay)},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{overlay}:1:1: wrong structure" in done.stderr


def test_duplicate_target_in_the_overlay_is_located(tmp_path: Path) -> None:
    path = tmp_path / "connections.yml"
    path.write_text("lab-db01: {port: 22}\nlab-web01: {port: 22}\nlab-db01: {port: 2222}\n")
    with pytest.raises(ReadError) as duplicate:
        read_overlay(path)
    problem = duplicate.value.problem
    assert (problem.rule, problem.line, problem.column) == ("duplicate-key", 3, 1)


@pytest.mark.parametrize("register", REGISTERS)
def test_utf8_bom_in_a_register_is_accepted(lab_copy: Path, register: str) -> None:
    path = lab_copy / register
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, err = _evaluate(lab_copy)
    assert code == 0, err


def test_valid_overlay_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "connections.yml"
    path.write_text(
        "lab-db01:\n  host: 198.18.0.35\n  port: 22\n  sip_udp: 5060\n", encoding="utf-8"
    )
    assert read_overlay(path) == {"lab-db01": {"host": "198.18.0.35", "port": 22, "sip_udp": 5060}}
