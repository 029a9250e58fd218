"""Plain-text secrets in inventory data: keys that name a secret must hold a reference."""

from __future__ import annotations

import re
from typing import Final

from capdo.inventory.findings import YamlPath

SECRET_KEY: Final = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|token|api_?key|private_key|community|psk)($|_)",
    re.IGNORECASE,
)


def find_plain_secrets(data: object, path: YamlPath = ()) -> list[YamlPath]:
    """Paths of scalar values stored under secret-looking keys (references are mappings)."""
    found: list[YamlPath] = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = (*path, str(key))
            if isinstance(key, str) and SECRET_KEY.search(key) and _is_plain(value):
                found.append(child)
            elif isinstance(value, dict | list):
                found.extend(find_plain_secrets(value, child))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if isinstance(value, dict | list):
                found.extend(find_plain_secrets(value, (*path, index)))
    return found


def _is_plain(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and value != ""


PLACEHOLDER: Final = {"env": "CAPDO_PLAIN_SECRET_REMOVED"}


def redact_plain_secrets(data: object, paths: list[YamlPath]) -> object:
    """A copy of ``data`` with each plain secret replaced by a placeholder reference, so that
    the object still validates and the rest of it is checked."""
    copy = copy_tree(data)
    for path in paths:
        parent = copy
        for step in path[:-1]:
            parent = parent[step]  # type: ignore[index]
        parent[path[-1]] = dict(PLACEHOLDER)  # type: ignore[index]
    return copy


def copy_tree(data: object) -> object:
    if isinstance(data, dict):
        return {key: copy_tree(value) for key, value in data.items()}
    if isinstance(data, list):
        return [copy_tree(value) for value in data]
    return data
