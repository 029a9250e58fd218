#!/usr/bin/python
"""Set several ``KEY value`` settings of one configuration file in one pass (one task and one
remote run instead of one lineinfile per key)."""

from __future__ import annotations

import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: capdo_keyvalue
short_description: Set several KEY value lines of one configuration file at once
description:
  - Every active line that sets one of the keys (comments are left alone) is rewritten to the
    wanted value; a key set nowhere is appended. Other lines are kept as they are.
  - Supports check mode and diff mode. The file's owner, group and mode are kept.
options:
  path:
    description: The file (it must exist).
    type: path
    required: true
  settings:
    description: Key to value.
    type: dict
    required: true
  style:
    description:
      - C(space) writes C(KEY<tab>value) (login.defs).
      - C(equals) writes C(key = value) (auditd.conf).
    type: str
    choices: [space, equals]
    default: space
author: capdo
"""

EXAMPLES = r"""
- name: login.defs ageing
  capdo_keyvalue:
    path: /etc/login.defs
    settings: {PASS_MAX_DAYS: 90, PASS_MIN_DAYS: 1}
"""

RETURN = r"""
keys_changed:
  description: The keys whose line was rewritten or appended.
  type: list
  returned: always
"""


def _line(key: str, value: str, style: str) -> str:
    return f"{key}\t{value}" if style == "space" else f"{key} = {value}"


def rewrite(text: str, settings: dict[str, str], style: str) -> tuple[str, list[str]]:
    """The new file text and the keys that changed."""
    separator = r"\s" if style == "space" else r"\s*="
    patterns = {k: re.compile(rf"^\s*{re.escape(k)}{separator}") for k in settings}
    lines = text.splitlines()
    seen: set[str] = set()
    changed: list[str] = []
    for index, line in enumerate(lines):
        for key, pattern in patterns.items():
            if pattern.match(line):
                seen.add(key)
                wanted = _line(key, settings[key], style)
                if line != wanted:
                    lines[index] = wanted
                    if key not in changed:
                        changed.append(key)
                break
    for key, value in settings.items():
        if key not in seen:
            lines.append(_line(key, value, style))
            changed.append(key)
    return "\n".join(lines) + "\n", changed


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "settings": {"type": "dict", "required": True},
            "style": {"type": "str", "choices": ["space", "equals"], "default": "space"},
        },
        supports_check_mode=True,
    )
    path = module.params["path"]
    settings = {str(k): str(v) for k, v in module.params["settings"].items()}
    for key, value in settings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) or "\n" in value:
            module.fail_json(msg=f"bad setting {key!r}: keys are words, values one line")
    try:
        with open(path, encoding="utf-8") as handle:
            before = handle.read()
    except OSError as exc:
        module.fail_json(msg=f"cannot read {path}: {exc}")
    after, changed = rewrite(before, settings, module.params["style"])
    result = {"changed": bool(changed), "keys_changed": changed}
    if module._diff:
        result["diff"] = {"before": before, "after": after, "before_header": path,
                          "after_header": path}  # fmt: skip
    if changed and not module.check_mode:
        stat = os.stat(path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".capdo-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(after)
        os.chown(tmp, stat.st_uid, stat.st_gid)
        os.chmod(tmp, stat.st_mode & 0o7777)
        module.atomic_move(tmp, path)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
