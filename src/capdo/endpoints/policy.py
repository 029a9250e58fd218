"""Estate policy for endpoints: minimum firmware per vendor and model, and version order.

The policy lives in ``<estate>/policy/endpoint-firmware.yml`` as ``{vendor: {model: version}}``
(the inventory loader skips the ``policy`` folder; this module is its only reader).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from capdo.errors import CapdoError
from capdo.i18n import t
from capdo.safeio import ReadError, read_yaml

FIRMWARE_POLICY = Path("policy") / "endpoint-firmware.yml"


@dataclass(frozen=True)
class FirmwarePolicy:
    minimums: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str | None = None

    def minimum(self, vendor: str, model: str) -> str | None:
        models = self.minimums.get(vendor, {})
        if model in models:
            return models[model]
        folded = {k.casefold(): v for k, v in models.items()}
        return folded.get(model.casefold())


def load_firmware_policy(estate_root: Path) -> FirmwarePolicy:
    return load_minimums(estate_root, FIRMWARE_POLICY, "vendor")


def load_minimums(estate_root: Path, relative: Path, group: str) -> FirmwarePolicy:
    """A ``{<group>: {model: version}}`` policy file of the estate, read by the safe reader
    (absent: an empty policy)."""
    path = estate_root / relative
    if not os.path.lexists(path):
        return FirmwarePolicy()
    try:
        data = read_yaml(path, root=estate_root) or {}
    except ReadError as exc:
        problem = exc.problem
        where = f"{path}:{problem.line}:{problem.column}" if problem.line else str(path)
        raise CapdoError(
            "endpoints.policy.invalid",
            path=where,
            detail=f"{t(problem.key, 'vi', **problem.params)} / "
            f"{t(problem.key, 'en', **problem.params)}",
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        shape = f"expected {{{group}: {{model: version}}}}"
        raise CapdoError("endpoints.policy.invalid", path=path, detail=shape)
    minimums = {
        str(name): {str(model): str(version) for model, version in models.items()}
        for name, models in data.items()
    }
    return FirmwarePolicy(minimums, str(relative))


_NUMBERS = re.compile(r"\d+")


def version_key(version: str) -> tuple[int, ...]:
    """Numbers of a version string in order: '63.345.0.10' → (63, 345, 0, 10); 'ce11.14' →
    (11, 14)."""
    return tuple(int(n) for n in _NUMBERS.findall(version))


def at_least(version: str, minimum: str) -> bool:
    return version_key(version) >= version_key(minimum)
