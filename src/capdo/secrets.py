"""Resolve secret references (env, file, Ansible vault) at run time; never show the values.

- ``env``: the environment variable;
- ``file``: the file's first line, stripped (the file lives outside the repository);
- ``vault``: a variable of an ``ansible-vault``-encrypted YAML file named by
  ``$CAPDO_VAULT_FILE``, opened with the password in the file named by
  ``$CAPDO_VAULT_PASSWORD_FILE`` (decrypted in-process with Ansible's vault library).

Errors name the reference, never the value.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from capdo.inventory.model import Credential, Estate, SecretRef

ENV_VAULT_FILE = "CAPDO_VAULT_FILE"
ENV_VAULT_PASSWORD_FILE = "CAPDO_VAULT_PASSWORD_FILE"
MASK = "********"


class SecretError(Exception):
    """A secret that cannot be resolved: a message key and parameters (no secret values)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Login:
    username: str
    password: str | None
    enable_secret: str | None

    def __repr__(self) -> str:  # never print the values
        return f"Login(username={self.username!r}, password=***, enable_secret=***)"


def resolve(ref: SecretRef, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if ref.env is not None:
        value = env.get(ref.env)
        if not value:
            raise SecretError("secrets.error.env-missing", ref=ref.describe())
        return value
    if ref.file is not None:
        try:
            return Path(ref.file).expanduser().read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError):
            raise SecretError("secrets.error.file-unreadable", ref=ref.describe()) from None
    assert ref.vault is not None
    vault_file, password_file = env.get(ENV_VAULT_FILE), env.get(ENV_VAULT_PASSWORD_FILE)
    if not vault_file or not password_file:
        raise SecretError(
            "secrets.error.vault-unset",
            ref=ref.describe(),
            file_env=ENV_VAULT_FILE,
            password_env=ENV_VAULT_PASSWORD_FILE,
        )
    data = _vault_data(vault_file, password_file, _stamp(vault_file), _stamp(password_file))
    found = data.get(ref.vault)
    if found is None or found == "":
        raise SecretError("secrets.error.vault-missing", ref=ref.describe())
    return str(found)


def _stamp(path: str) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return 0


@cache
def _vault_data(
    vault_file: str, password_file: str, _vault_mtime: int, _password_mtime: int
) -> dict[str, object]:
    from ansible.errors import AnsibleError  # noqa: PLC0415 (only vault users pay the import)
    from ansible.parsing.vault import VaultLib, VaultSecret  # noqa: PLC0415

    try:
        password = Path(password_file).read_bytes().strip()
        plain = VaultLib([("default", VaultSecret(password))]).decrypt(
            Path(vault_file).read_bytes()
        )
        data = yaml.safe_load(plain) or {}
    except (OSError, AnsibleError, yaml.YAMLError):
        raise SecretError("secrets.error.vault-failed", file=vault_file) from None
    if not isinstance(data, dict):
        raise SecretError("secrets.error.vault-failed", file=vault_file)
    return {str(k): v for k, v in data.items()}


def credential_named(estate: Estate, name: str | None) -> Credential:
    if not name or name not in estate.credentials:
        raise SecretError("secrets.error.no-credential", name=name or "-")
    return estate.credentials[name]


def login_for(estate: Estate, name: str | None) -> Login:
    """The user name and resolved secrets of the named estate credential."""
    credential = credential_named(estate, name)
    if credential.password is None:
        raise SecretError("secrets.error.no-password", name=name)
    enable = resolve(credential.enable_secret) if credential.enable_secret else None
    return Login(credential.username, resolve(credential.password), enable)


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each (non-empty) secret replaced by ``********``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text
