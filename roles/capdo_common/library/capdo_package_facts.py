#!/usr/bin/python
"""The installed Debian packages as ``ansible_facts.packages``, read from dpkg's status file.

The same facts as ``ansible.builtin.package_facts`` (manager apt) for the fields the capdo
roles read, in milliseconds: package_facts opens python-apt's whole cache, which costs 0.5 to
1 s of CPU on every host and every run."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: capdo_package_facts
short_description: Installed Debian packages from dpkg's status file, as ansible_facts.packages
description:
  - Reads I(status_file) (dpkg's database) and returns every package whose status is
    C(install ok installed), in the format of M(ansible.builtin.package_facts)
    (name to a list of name, version, arch, source).
  - Read-only; runs in check mode.
options:
  status_file:
    description: dpkg's status file.
    type: path
    default: /var/lib/dpkg/status
author: capdo
"""

EXAMPLES = r"""
- name: Installed packages
  capdo_package_facts:
"""

RETURN = r"""
ansible_facts:
  description: C(packages), name to a list of installed versions.
  type: dict
  returned: always
"""


def parse_status(text: str) -> dict[str, list[dict[str, str]]]:
    """Installed packages of a dpkg status file (paragraphs of ``Field: value`` lines)."""
    packages: dict[str, list[dict[str, str]]] = {}
    for paragraph in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in paragraph.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue  # continuation lines (descriptions, conffiles)
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if fields.get("Status") != "install ok installed" or "Package" not in fields:
            continue
        name = fields["Package"]
        packages.setdefault(name, []).append(
            {"name": name, "version": fields.get("Version", ""),
             "arch": fields.get("Architecture", ""), "source": "apt"}
        )  # fmt: skip
    return packages


def main() -> None:
    module = AnsibleModule(
        argument_spec={"status_file": {"type": "path", "default": "/var/lib/dpkg/status"}},
        supports_check_mode=True,
    )
    try:
        with open(module.params["status_file"], encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError as exc:
        module.fail_json(msg=f"cannot read dpkg's status file: {exc}")
    facts: dict[str, Any] = {"packages": parse_status(text)}
    module.exit_json(changed=False, ansible_facts=facts)


if __name__ == "__main__":
    main()
