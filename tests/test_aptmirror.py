"""capdo.aptmirror: the machine's Debian mirror, shared by the SCAP fetcher and the lab."""

from __future__ import annotations

from pathlib import Path

from capdo.aptmirror import AptMirror, find_mirror


def _sources(apt_dir: Path) -> Path:
    (apt_dir / "sources.list.d").mkdir(parents=True)
    (apt_dir / "sources.list").write_text(
        "# deb http://commented.example/debian bookworm main\n"
        "deb [arch=amd64] http://mirror.example:8080/debian bookworm main\n"
    )
    (apt_dir / "sources.list.d" / "off.sources").write_text(
        "Types: deb\nURIs: http://disabled.example/debian\nSuites: trixie\nEnabled: no\n"
    )
    return apt_dir


def test_one_line_entry_with_options_and_port(tmp_path: Path) -> None:
    mirror = find_mirror("bookworm", _sources(tmp_path))
    assert mirror == AptMirror("http://mirror.example:8080/debian", ("bookworm",))
    assert (mirror.host, mirror.port) == ("mirror.example", 8080)


def test_disabled_or_absent_suite_is_none_and_override_wins(tmp_path: Path) -> None:
    apt_dir = _sources(tmp_path)
    assert find_mirror("trixie", apt_dir) is None
    assert find_mirror("trixie", apt_dir, "http://given.example/debian/") == AptMirror(
        "http://given.example/debian", ("trixie",)
    )
