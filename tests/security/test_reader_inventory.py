"""Hostile estate files: every one is a located finding, never a traceback, hang or leak."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.security.conftest import deep_document, findings_of, run_capdo, validate_json


def _single(payload: dict[str, object], rule: str) -> dict[str, object]:
    found = findings_of(payload, rule)
    assert len(found) == 1, payload["findings"]
    return found[0]


def test_alias_bomb_in_an_estate_file_is_refused_at_the_alias(
    lab_copy: Path, alias_bomb: str
) -> None:
    (lab_copy / "servers.yml").write_text(alias_bomb, encoding="utf-8")
    code, payload = validate_json(lab_copy)
    assert code == 1
    finding = _single(payload, "reader.yaml-alias")
    assert (finding["file"], finding["line"], finding["column"]) == ("servers.yml", 2, 10)


def test_ten_thousand_deep_document_is_refused(lab_copy: Path) -> None:
    (lab_copy / "links.yml").write_text(deep_document(10_000), encoding="utf-8")
    code, payload = validate_json(lab_copy)
    assert code == 1
    finding = _single(payload, "reader.too-deep")
    assert finding["file"] == "links.yml"
    assert finding["line"] == 1
    assert finding["column"] == 101  # the 101st bracket passes the default limit of 100


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!binary", "!custom", "!!str"])
def test_explicit_tags_are_refused(lab_copy: Path, tag: str) -> None:
    (lab_copy / "zones.yml").write_text(f"- id: z1\n  name: {tag} x\n", encoding="utf-8")
    code, payload = validate_json(lab_copy)
    assert code == 1
    finding = _single(payload, "reader.yaml-tag")
    assert (finding["line"], finding["column"]) == (2, 9)
    assert tag.lstrip("!").split("/")[0] in str(finding["message"])


def test_non_utf8_byte_is_located(lab_copy: Path) -> None:
    text = (lab_copy / "sites.yml").read_bytes()
    lines = text.split(b"\n")
    lines[2] = lines[2] + b" # caf\xe9"  # Latin-1 é on line 3
    (lab_copy / "sites.yml").write_bytes(b"\n".join(lines))
    code, payload = validate_json(lab_copy)
    assert code == 1
    finding = _single(payload, "reader.bad-utf8")
    column = len(lines[2].decode("latin-1"))
    assert (finding["line"], finding["column"]) == (3, column)
    assert "0xe9" in str(finding["message"])


def test_utf8_bom_is_accepted(lab_copy: Path) -> None:
    path = lab_copy / "sites.yml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, payload = validate_json(lab_copy)
    assert (code, payload["findings"]) == (0, [])


def test_fifo_as_an_estate_file_is_an_operational_error(lab_copy: Path) -> None:
    (lab_copy / "links.yml").unlink()
    os.mkfifo(lab_copy / "links.yml")  # nobody writes: an open+read would block for ever
    code, payload = validate_json(lab_copy)
    assert code == 2
    assert "fifo" in str(_single(payload, "reader.not-regular")["message"])


def test_directory_named_like_an_estate_file_is_an_operational_error(lab_copy: Path) -> None:
    (lab_copy / "endpoints").mkdir()
    (lab_copy / "endpoints" / "commune.yml").mkdir()
    code, payload = validate_json(lab_copy)
    assert code == 2
    finding = _single(payload, "reader.not-regular")
    assert finding["file"] == "endpoints/commune.yml"


def test_device_as_an_estate_file_is_never_read(lab_copy: Path) -> None:
    (lab_copy / "links.yml").unlink()
    os.mknod(lab_copy / "links.yml", 0o600 | 0o020000, os.makedev(1, 5))  # /dev/zero's numbers
    code, payload = validate_json(lab_copy)
    assert code == 2
    assert "device" in str(_single(payload, "reader.not-regular")["message"])


def test_symlink_outside_the_estate_is_refused_without_its_content(
    lab_copy: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "shadow.yml"
    secret.write_text("- id: TOP-SECRET-LINE\n  bogus: [\n", encoding="utf-8")
    (lab_copy / "zones.yml").unlink()
    (lab_copy / "zones.yml").symlink_to(secret)
    code, payload = validate_json(lab_copy)
    assert code == 1
    finding = _single(payload, "reader.outside-root")
    assert finding["file"] == "zones.yml"
    assert "TOP-SECRET" not in str(payload)
    assert "shadow" not in str(payload)


def test_symlink_inside_the_estate_is_read(lab_copy: Path) -> None:
    (lab_copy / "shared").mkdir()
    (lab_copy / "zones.yml").rename(lab_copy / "shared" / "zones.data")
    (lab_copy / "zones.yml").symlink_to(Path("shared") / "zones.data")
    code, payload = validate_json(lab_copy)
    assert code == 0, payload["findings"]


def test_duplicate_key_in_an_estate_file_is_a_finding(lab_copy: Path) -> None:
    path = lab_copy / "estate.yml"
    path.write_text(path.read_text(encoding="utf-8") + "id: other\n", encoding="utf-8")
    code, payload = validate_json(lab_copy)
    assert code == 1
    finding = _single(payload, "reader.duplicate-key")
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert (finding["file"], finding["line"], finding["column"]) == ("estate.yml", last, 1)


def test_file_over_the_size_cap_is_refused_without_reading_it(lab_copy: Path) -> None:
    (lab_copy / "links.yml").write_bytes(b"# padding\n" * 30_000)  # 300 kB
    done = run_capdo(
        "--max-file-size", "100K", "inventory", "validate", "-i", str(lab_copy), "--lang", "en"
    )
    assert done.returncode == 1
    assert "links.yml" in done.stdout
    assert "102400 bytes" in done.stdout
    assert "Traceback" not in done.stderr


def test_symlinked_kind_folder_outside_the_estate_is_not_walked(lab_copy: Path) -> None:
    (lab_copy / "endpoints").symlink_to("/", target_is_directory=True)  # would walk the disk
    code, payload = validate_json(lab_copy)
    assert code == 1
    finding = _single(payload, "reader.outside-root")
    assert finding["file"] == "endpoints"
