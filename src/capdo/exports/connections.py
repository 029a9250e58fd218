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

from capdo.inventory import Estate, Target
from capdo.safeio import ReadError, ReadProblem, load_yaml_bytes, locate, read_bytes

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


PORT_KEYS = frozenset({"port", "sip_udp", "sip_tcp", "sip_tls", "https", "http", "telnet", "snmp"})
"""Overlay fields that hold a port number (the endpoints' services besides ``port``)."""
EXPECTED_SHAPE = "{target: {host: text, port: 1-65535, user: text, <service>: port, ...}}"


def read_overlay(path: Path | None) -> dict[str, dict[str, object]]:
    """The overlay file (none: empty); raises :class:`ReadError` on any problem, located."""
    if path is None or not os.path.lexists(path):
        return {}
    raw = read_bytes(path)
    data = load_yaml_bytes(raw, path) or {}
    wrong = _wrong_shape(data)
    if wrong is not None:
        line, column = locate(raw, wrong)
        raise ReadError(
            ReadProblem("wrong-shape", path, line, column, {"expected": EXPECTED_SHAPE})
        )
    assert isinstance(data, dict)
    return {str(k): dict(v) for k, v in data.items()}


def _wrong_shape(data: object) -> tuple[str | int, ...] | None:
    """The path of the first value that does not fit the overlay's shape, or None."""
    if not isinstance(data, dict):
        return ()
    for name, entry in data.items():
        if not isinstance(name, str) or not isinstance(entry, dict):
            return (str(name),)
        for key, value in entry.items():
            where = (name, str(key))
            if not isinstance(key, str) or isinstance(value, bool):
                return where
            if not isinstance(value, str | int):
                return where
            if key in PORT_KEYS and not (isinstance(value, int) and 0 < value < 65536):
                return where
    return None


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
    return replace(conn, **fields)  # type: ignore[arg-type]
