"""Resolve a :class:`~capdo.inventory.model.SecretRef` to its value, at run time only.

- ``env``: the environment variable;
- ``file``: the file's content (first line, stripped);
- ``vault``: a variable of an Ansible-Vault encrypted YAML file named by ``$CAPDO_VAULT_FILE``,
  opened with the password in the file named by ``$CAPDO_VAULT_PASSWORD_FILE``.

A value is never logged or printed; errors name the reference, not the value.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from ansible.errors import AnsibleError
from ansible.parsing.vault import VaultLib, VaultSecret

from capdo.inventory.model import Estate, SecretRef

ENV_VAULT_FILE = "CAPDO_VAULT_FILE"
ENV_VAULT_PASSWORD_FILE = "CAPDO_VAULT_PASSWORD_FILE"


class SecretError(Exception):
    """A secret could not be resolved; ``key`` and ``params`` form a message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


def resolve_secret(ref: SecretRef, environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if ref.env is not None:
        value = env.get(ref.env)
        if not value:
            raise SecretError("endpoints.secret.env-missing", ref=ref.describe(), var=ref.env)
        return value
    if ref.file is not None:
        path = Path(ref.file).expanduser()
        try:
            return path.read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError):
            raise SecretError("endpoints.secret.file-unreadable", ref=ref.describe()) from None
    assert ref.vault is not None
    return _from_vault(ref.vault, env)


def _from_vault(name: str, env: dict[str, str] | os._Environ[str]) -> str:
    vault_file = env.get(ENV_VAULT_FILE)
    password_file = env.get(ENV_VAULT_PASSWORD_FILE)
    if not vault_file or not password_file:
        raise SecretError(
            "endpoints.secret.vault-unconfigured",
            ref=f"vault:{name}",
            file_var=ENV_VAULT_FILE,
            password_var=ENV_VAULT_PASSWORD_FILE,
        )
    try:
        password = Path(password_file).read_bytes().strip()
        ciphertext = Path(vault_file).read_bytes()
        plain = VaultLib([("default", VaultSecret(password))]).decrypt(ciphertext)
        data = yaml.safe_load(plain) or {}
    except (OSError, AnsibleError, yaml.YAMLError):
        raise SecretError("endpoints.secret.vault-unreadable", ref=f"vault:{name}") from None
    value = data.get(name) if isinstance(data, dict) else None
    if value is None or value == "":
        raise SecretError("endpoints.secret.vault-missing", ref=f"vault:{name}")
    return str(value)


def endpoint_credential(
    estate: Estate, credential_name: str | None
) -> tuple[str, SecretRef | None]:
    """(user name, password reference) of an endpoint's admin credential."""
    name = credential_name or estate.defaults.endpoint_credential
    credential = estate.credentials.get(name) if name else None
    if credential is None:
        return "admin", None
    return credential.username, credential.password


def mask(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "********")
    return text
