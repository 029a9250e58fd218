"""Ansible inventory plugin: ``ansible-inventory -i inventories/<estate>`` reads the model.

Ansible walks an inventory directory file by file; every file of a capdo estate is accepted,
the whole estate is loaded (and validated) once, and later files of the same estate are
no-ops. An estate with errors stops Ansible with the findings, never with a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin

from capdo.compliance import DataFileError
from capdo.exports.ansible import build_view
from capdo.i18n import Lang
from capdo.inventory import load_estate

_PARSED: set[tuple[int, Path]] = set()


def estate_root(path: Path) -> Path | None:
    """The estate directory that ``path`` (a file or directory) belongs to."""
    start = path if path.is_dir() else path.parent
    for candidate in (start, *list(start.parents)[:2]):
        if (candidate / "estate.yml").is_file():
            return candidate
    return None


class InventoryModule(BaseInventoryPlugin):  # type: ignore[misc]
    NAME = "capdo"

    def verify_file(self, path: str) -> bool:
        return estate_root(Path(path)) is not None

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        root = estate_root(Path(path))
        if root is None:
            raise AnsibleParserError(f"{path} is not inside a capdo estate directory")
        key = (id(inventory), root.resolve())
        if key in _PARSED:
            return
        _PARSED.add(key)
        result = load_estate(root)
        lang: Lang = "en" if os.environ.get("CAPDO_LANG") == "en" else "vi"
        errors = [f for f in result.findings if f.severity == "error"]
        if errors or result.inventory is None:
            lines = [f"{f.location()}: [{f.rule}] {f.message(lang)}" for f in errors[:50]]
            raise AnsibleParserError("capdo estate has errors:\n" + "\n".join(lines))
        try:
            view = build_view(result.inventory, root)
        except DataFileError as error:
            lines = [p.render(lang) for p in error.problems[:50]]
            message = "capdo estate policy has errors:\n" + "\n".join(lines)
            raise AnsibleParserError(message) from None
        for group in sorted(set(view.groups) | set(view.children)):
            self.inventory.add_group(group)
        for parent, kids in sorted(view.children.items()):
            for kid in sorted(kids):
                self.inventory.add_group(kid)
                self.inventory.add_child(parent, kid)
        for group, hosts in sorted(view.groups.items()):
            for host in sorted(hosts):
                self.inventory.add_host(host, group=group)
        for host, variables in view.hostvars.items():
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
        for group, variables in sorted(view.groupvars.items()):
            for name, value in variables.items():
                self.inventory.set_variable(group, name, value)
