#!/usr/bin/python
"""Bring several files of one role to their wanted state in one remote run: whole files with
their content (rendered by the task, on the controller), settings of ``KEY value`` files,
directories, and owner/mode of existing paths. Each file is validated before it replaces the
old one; a ``verify`` command checks the result as a whole. Any failure puts back everything the
task changed, so a run never leaves half a configuration.

One task of this module replaces what took one ``template``/``copy``/``file``/``lineinfile``
task per file (two remote runs each: stat, then copy or file); a re-run of the baseline costs
one remote run per role instead of twenty."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shlex
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: capdo_files
short_description: Files, directories and settings of one role in one run, validated, all or nothing
description:
  - Entries are applied in order. An entry with C(content) is a whole file; with C(settings) a
    set of C(KEY value) lines of an existing file (other lines are kept, a missing key is
    appended); C(state=directory) a directory; C(state=attributes) owner, group and mode of a
    path that must exist.
  - A file whose content differs is written to a temporary file next to it, checked with its
    C(validate) command, then moved into place atomically.
  - After the last entry, C(verify) (if given and anything changed) checks the whole result.
  - If a validation, the verification or a write fails, every entry already changed by this
    task is restored (files to their previous content and attributes, new files and new
    directories removed) and the task fails.
  - Supports check mode (nothing written, nothing validated) and diff mode (one diff per file).
  - Not for secrets - the content travels in the task's arguments (shown at high verbosity and
    kept in job events); copy private keys with M(ansible.builtin.copy) and C(src).
options:
  files:
    description: The entries, applied in order.
    type: list
    elements: dict
    required: true
    suboptions:
      dest: {description: Absolute path., type: path, required: true, aliases: [path]}
      state:
        description: C(file) (from C(content)), C(settings), C(directory) or C(attributes).
        type: str
        choices: [file, settings, directory, attributes]
        default: file
      content: {description: The whole content (state=file)., type: str}
      settings: {description: Key to value (state=settings)., type: dict}
      style:
        description:
          - C(space) writes C(KEY<tab>value) (login.defs), C(equals) C(key = value) (auditd.conf),
            C(assign) C(KEY=value) (/etc/default files).
        type: str
        choices: [space, equals, assign]
        default: space
      owner: {description: Owner (default root; settings keep the file's own)., type: str}
      group: {description: Group (default root; settings keep the file's own)., type: str}
      mode: {description: Octal mode as a string (required for file and directory)., type: str}
      validate: {description: Command run on the new content; C(%s) is its path., type: str}
  verify:
    description: Command run after every entry when something changed; failure restores all.
    type: str
author: capdo
"""

EXAMPLES = r"""
- name: Login banners
  capdo_files:
    files:
      - {dest: /etc/issue, content: "{{ lookup('template', 'banner.j2') }}", mode: "0644"}
      - {dest: /etc/sudoers.d, state: attributes, mode: "0750"}
      - {dest: /etc/login.defs, state: settings, settings: {PASS_MAX_DAYS: 90}}
    verify: /usr/sbin/sshd -t
"""

RETURN = r"""
changed_files:
  description: The paths this task changed (or would change in check mode).
  type: list
  returned: always
keys_changed:
  description: Per settings file, the keys rewritten or appended.
  type: dict
  returned: always
"""

KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class EntryError(Exception):
    """An entry that cannot be applied; everything changed so far is restored."""


@dataclass
class Undo:
    """How to put one path back: its previous content and attributes (``content``), its
    previous attributes only (``attributes``), or remove it (``new``, ``new_dir``)."""

    path: str
    kind: str
    before: bytes = b""
    uid: int = 0
    gid: int = 0
    mode: int = 0

    def restore(self, module: AnsibleModule) -> None:
        if self.kind == "new_dir":
            shutil.rmtree(self.path, ignore_errors=True)
        elif self.kind == "new":
            if os.path.lexists(self.path):
                os.unlink(self.path)
        elif self.kind == "content":
            _write_atomic(module, self.path, self.before, self.uid, self.gid, self.mode)
        else:
            os.chown(self.path, self.uid, self.gid)
            os.chmod(self.path, self.mode)


def _previous(path: str, current: os.stat_result, kind: str, before: bytes = b"") -> Undo:
    return Undo(path, kind, before, current.st_uid, current.st_gid, stat.S_IMODE(current.st_mode))


@dataclass
class Outcome:
    changed_files: list[str] = field(default_factory=list)
    keys_changed: dict[str, list[str]] = field(default_factory=dict)
    diffs: list[dict[str, str]] = field(default_factory=list)
    undo: list[Undo] = field(default_factory=list)


SEPARATORS = {"space": (r"\s", "\t"), "equals": (r"\s*=", " = "), "assign": (r"=", "=")}


def settings_line(key: str, value: str, style: str) -> str:
    return f"{key}{SEPARATORS[style][1]}{value}"


def rewrite_settings(text: str, settings: dict[str, str], style: str) -> tuple[str, list[str]]:
    """The new text of a ``KEY value`` file and the keys that changed. Comments are left alone;
    every active line that sets a key gets the wanted value; a key set nowhere is appended."""
    separator = SEPARATORS[style][0]
    patterns = {k: re.compile(rf"^\s*{re.escape(k)}{separator}") for k in settings}
    lines = text.splitlines()
    seen: set[str] = set()
    changed: list[str] = []
    for index, line in enumerate(lines):
        for key, pattern in patterns.items():
            if pattern.match(line):
                seen.add(key)
                wanted = settings_line(key, settings[key], style)
                if line != wanted:
                    lines[index] = wanted
                    if key not in changed:
                        changed.append(key)
                break
    for key, value in settings.items():
        if key not in seen:
            lines.append(settings_line(key, value, style))
            changed.append(key)
    return "\n".join(lines) + "\n", changed


def _ids(entry: dict[str, Any], current: os.stat_result | None) -> tuple[int, int]:
    owner, group = entry.get("owner"), entry.get("group")
    try:
        uid = pwd.getpwnam(owner).pw_uid if owner else (current.st_uid if current else 0)
        gid = grp.getgrnam(group).gr_gid if group else (current.st_gid if current else 0)
    except KeyError as exc:
        raise EntryError(f"{entry['dest']}: unknown owner or group {exc}") from exc
    return uid, gid


def _mode(entry: dict[str, Any], current: os.stat_result | None) -> int:
    text = entry.get("mode")
    if text is None:
        if current is None:
            raise EntryError(f"{entry['dest']}: a mode is required")
        return stat.S_IMODE(current.st_mode)
    if not re.fullmatch(r"0?[0-7]{3,4}", str(text)):
        raise EntryError(f"{entry['dest']}: mode {text!r} is not an octal string such as '0644'")
    return int(str(text), 8)


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _write_atomic(
    module: AnsibleModule, path: str, data: bytes, uid: int, gid: int, mode: int
) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".capdo-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o600)
    module.atomic_move(tmp, path)
    # atomic_move gives the file the old file's attributes (or the umask's): set the wanted ones
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def _validate(module: AnsibleModule, entry: dict[str, Any], data: bytes) -> None:
    command = entry.get("validate")
    if not command:
        return
    if "%s" not in command:
        raise EntryError(f"{entry['dest']}: validate must contain %s")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(entry["dest"]), prefix=".capdo-check-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        rc, out, err = module.run_command(command.replace("%s", shlex.quote(tmp)))
    finally:
        os.unlink(tmp)
    if rc != 0:
        raise EntryError(f"{entry['dest']}: rejected by {command!r}: {(err or out).strip()}")


def _attributes_differ(current: os.stat_result, uid: int, gid: int, mode: int) -> bool:
    return (current.st_uid, current.st_gid, stat.S_IMODE(current.st_mode)) != (uid, gid, mode)


def _target(
    entry: dict[str, Any], is_kind: Any, kind: str
) -> tuple[str, os.stat_result | None, int, int, int]:
    """The entry's path, its current state (None: missing) and the wanted owner, group, mode."""
    path = entry["dest"]
    current = _lstat(path)
    if current is not None and not is_kind(current.st_mode):
        raise EntryError(f"{path}: exists and is not a {kind}")
    uid, gid = _ids(entry, current)
    return path, current, uid, gid, _mode(entry, current)


def apply_file(module: AnsibleModule, entry: dict[str, Any], data: bytes, out: Outcome) -> None:
    """Write ``data`` to the entry's path if it or the attributes differ (validated first)."""
    path, current, uid, gid, mode = _target(entry, stat.S_ISREG, "regular file")
    before = b""
    if current is not None:
        with open(path, "rb") as handle:
            before = handle.read()
    same_content = current is not None and before == data
    if same_content and not _attributes_differ(current, uid, gid, mode):  # type: ignore[arg-type]
        return
    out.changed_files.append(path)
    if module._diff:
        out.diffs.append({"before_header": path, "after_header": path,
                          "before": before.decode("utf-8", "replace"),
                          "after": data.decode("utf-8", "replace")})  # fmt: skip
    if module.check_mode:
        return
    if not os.path.isdir(os.path.dirname(path)):
        raise EntryError(f"{path}: the directory {os.path.dirname(path)} does not exist")
    if not same_content:
        _validate(module, entry, data)
    out.undo.append(_previous(path, current, "content", before) if current else Undo(path, "new"))
    _write_atomic(module, path, data, uid, gid, mode)


def apply_settings(module: AnsibleModule, entry: dict[str, Any], out: Outcome) -> None:
    path = entry["dest"]
    settings = {str(k): str(v) for k, v in (entry.get("settings") or {}).items()}
    for key, value in settings.items():
        if not KEY.fullmatch(key) or "\n" in value or "\r" in value:
            raise EntryError(f"{path}: bad setting {key!r}: keys are words, values one line")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise EntryError(f"cannot read {path}: {exc}") from exc
    after, keys = rewrite_settings(text, settings, entry.get("style") or "space")
    if keys:
        out.keys_changed[path] = keys
    apply_file(module, entry, after.encode("utf-8"), out)


def apply_directory(module: AnsibleModule, entry: dict[str, Any], out: Outcome) -> None:
    path, current, uid, gid, mode = _target(entry, stat.S_ISDIR, "directory")
    if current is not None and not _attributes_differ(current, uid, gid, mode):
        return
    out.changed_files.append(path)
    if module.check_mode:
        return
    if current is None:
        os.makedirs(path)
        out.undo.append(Undo(path, "new_dir"))
    else:
        out.undo.append(_previous(path, current, "attributes"))
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def apply_attributes(module: AnsibleModule, entry: dict[str, Any], out: Outcome) -> None:
    path = entry["dest"]
    current = _lstat(path)
    if current is None:
        raise EntryError(f"{path}: does not exist")
    uid, gid = _ids(entry, current)
    mode = _mode(entry, current)
    if not _attributes_differ(current, uid, gid, mode):
        return
    out.changed_files.append(path)
    if module.check_mode:
        return
    out.undo.append(_previous(path, current, "attributes"))
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def rollback(module: AnsibleModule, out: Outcome) -> list[str]:
    """Put back every change of this task, newest first; the paths that could not be restored."""
    failed: list[str] = []
    for undo in reversed(out.undo):
        try:
            undo.restore(module)
        except OSError:
            failed.append(undo.path)
    return failed


def apply_entry(module: AnsibleModule, entry: dict[str, Any], out: Outcome) -> None:
    if not os.path.isabs(entry["dest"]):
        raise EntryError(f"{entry['dest']}: the path must be absolute")
    state = entry.get("state") or "file"
    if state == "file":
        if entry.get("content") is None:
            raise EntryError(f"{entry['dest']}: a file entry needs content")
        apply_file(module, entry, entry["content"].encode("utf-8"), out)
    elif state == "settings":
        apply_settings(module, entry, out)
    elif state == "directory":
        apply_directory(module, entry, out)
    else:
        apply_attributes(module, entry, out)


def main() -> None:
    entry_spec = {
        "dest": {"type": "path", "required": True, "aliases": ["path"]},
        "state": {"type": "str", "default": "file",
                  "choices": ["file", "settings", "directory", "attributes"]},
        "content": {"type": "str"},
        "settings": {"type": "dict"},
        "style": {"type": "str", "choices": ["space", "equals", "assign"], "default": "space"},
        "owner": {"type": "str"},
        "group": {"type": "str"},
        "mode": {"type": "str"},
        "validate": {"type": "str"},
    }  # fmt: skip
    module = AnsibleModule(
        argument_spec={
            "files": {"type": "list", "elements": "dict", "required": True, "options": entry_spec},
            "verify": {"type": "str"},
        },
        supports_check_mode=True,
    )
    out = Outcome()
    try:
        for entry in module.params["files"]:
            if entry["state"] in ("file", "directory"):
                entry["owner"] = entry.get("owner") or "root"
                entry["group"] = entry.get("group") or "root"
            apply_entry(module, entry, out)
        verify = module.params.get("verify")
        if verify and out.undo and not module.check_mode:
            rc, stdout, stderr = module.run_command(verify)
            if rc != 0:
                raise EntryError(
                    f"{verify!r} failed after the change: {(stderr or stdout).strip()}"
                )
    except (EntryError, OSError) as exc:
        unrestored = rollback(module, out)
        module.fail_json(
            msg=f"{exc}; every change of this task was undone"
            + (f" except {', '.join(unrestored)}" if unrestored else ""),
            changed=bool(unrestored),
            restored_files=[u.path for u in out.undo if u.path not in unrestored],
        )
    result: dict[str, Any] = {"changed": bool(out.changed_files),
                              "changed_files": out.changed_files,
                              "keys_changed": out.keys_changed}  # fmt: skip
    if module._diff and out.diffs:
        result["diff"] = out.diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
