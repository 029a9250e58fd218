"""The admin credential of a video-conference endpoint (resolution: :mod:`capdo.secrets`)."""

from __future__ import annotations

from capdo.inventory import Estate, SecretRef


def endpoint_credential(
    estate: Estate, credential_name: str | None
) -> tuple[str, SecretRef | None]:
    """(user name, password reference) of an endpoint's admin credential."""
    name = credential_name or estate.defaults.endpoint_credential
    credential = estate.credentials.get(name) if name else None
    if credential is None:
        return "admin", None
    return credential.username, credential.password
