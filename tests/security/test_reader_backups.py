"""Device backups read from disk: refused files are located problems, the others are read."""

from __future__ import annotations

import os
from pathlib import Path

from capdo.network.audit import read_backup_dir
from capdo.safeio import ReadProblem


def test_hostile_backup_files_are_left_out_with_a_located_problem(tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "good.cfg").write_text("hostname good\n", encoding="utf-8")
    os.mkfifo(folder / "fifo.cfg")
    (folder / "latin1.cfg").write_bytes(b"hostname r1\ndescription caf\xe9\n")
    outside = tmp_path / "shadow.cfg"
    outside.write_text("SECRET-LINE\n", encoding="utf-8")
    (folder / "link.cfg").symlink_to(outside)
    (folder / "dir.cfg").mkdir()
    problems: list[ReadProblem] = []
    texts, errors = read_backup_dir(folder, problems)
    assert texts == {"good": "hostname good\n"}
    assert set(errors) == {"dir", "fifo", "latin1", "link"}
    assert "latin1.cfg:line 2: not UTF-8" in errors["latin1"][1]
    found = {(p.file.name, p.rule, p.line, p.column) for p in problems}
    assert found == {
        ("dir.cfg", "not-regular", None, None),
        ("fifo.cfg", "not-regular", None, None),
        ("link.cfg", "outside-root", None, None),
    }
    assert "SECRET-LINE" not in repr(problems) + repr(errors)
