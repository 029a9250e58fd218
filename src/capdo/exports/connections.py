"""How to reach each target: address, port, user and key from the model, then an overlay.

The overlay (``connection_overlay`` in estate.yml, or $CAPDO_CONNECTIONS) is a YAML mapping of
target name to fields that replace the model's (``host``, ``port``, ``user``,
``private_key_file``, ``ssh_config``); the lab writes one so that the same estate reaches
hosts in network namespaces and emulated devices on loopback ports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from capdo.inventory.index import Target
from capdo.inventory.model import Estate

ENV_OVERLAY = "CAPDO_CONNECTIONS"


@dataclass(frozen=True, slots=True)
class Connection:
    host: str
    port: int
    user: str
    private_key_file: str | None = None
    ssh_config: str | None = None
    credential: str | None = None
    """Name of the estate credential that holds the secrets (resolved only at connect time)."""


def overlay_path(estate: Estate, root: Path) -> Path | None:
    if os.environ.get(ENV_OVERLAY):
        return Path(os.environ[ENV_OVERLAY])
    if estate.connection_overlay:
        return (root / estate.connection_overlay).resolve()
    return None


def read_overlay(path: Path | None) -> dict[str, dict[str, object]]:
    if path is None or not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): dict(v) for k, v in data.items() if isinstance(v, dict)}


def connection_for(
    target: Target, estate: Estate, overlay: dict[str, dict[str, object]]
) -> Connection:
    defaults = estate.defaults
    default_credential = {
        "server": defaults.server_credential,
        "device": defaults.device_credential,
        "endpoint": defaults.endpoint_credential,
    }[target.kind]
    credential_name = target.obj.credential or default_credential
    credential = estate.credentials.get(credential_name) if credential_name else None
    user = credential.username if credential else defaults.ssh_user
    key_file = None
    if credential and credential.private_key and credential.private_key.file:
        key_file = credential.private_key.file
    conn = Connection(
        host=str(target.obj.address),
        port=defaults.ssh_port,
        user=user,
        private_key_file=key_file,
        credential=credential_name,
    )
    extra = overlay.get(target.name)
    if not extra:
        return conn
    fields = {
        k: extra[k]
        for k in ("host", "port", "user", "private_key_file", "ssh_config")
        if k in extra
    }
    if "port" in fields:
        fields["port"] = int(str(fields["port"]))
    return replace(conn, **fields)  # type: ignore[arg-type]
