"""Resolve secret references (env, file, Ansible vault) at run time; never log the values.

``vault`` references name a variable in an ``ansible-vault``-encrypted YAML file given by
$CAPDO_VAULT_FILE, opened with the password file in $CAPDO_VAULT_PASSWORD_FILE.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from capdo.inventory.model import Credential, Estate, SecretRef

ENV_VAULT_FILE = "CAPDO_VAULT_FILE"
ENV_VAULT_PASSWORD_FILE = "CAPDO_VAULT_PASSWORD_FILE"


class SecretError(Exception):
    """A secret that cannot be resolved: message key and parameters (no secret values)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Login:
    username: str
    password: str | None
    enable_secret: str | None

    def __repr__(self) -> str:  # never print the values
        return f"Login(username={self.username!r}, password=***, enable_secret=***)"


def resolve(ref: SecretRef) -> str:
    if ref.env is not None:
        value = os.environ.get(ref.env)
        if not value:
            raise SecretError("secrets.error.env-missing", ref=ref.describe())
        return value
    if ref.file is not None:
        path = Path(ref.file).expanduser()
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError:
            raise SecretError("secrets.error.file-unreadable", ref=ref.describe()) from None
    assert ref.vault is not None
    data = _vault_data(
        os.environ.get(ENV_VAULT_FILE, ""), os.environ.get(ENV_VAULT_PASSWORD_FILE, "")
    )
    found = data.get(ref.vault)
    if found is None or found == "":
        raise SecretError("secrets.error.vault-missing", ref=ref.describe())
    return str(found)


@cache
def _vault_data(vault_file: str, password_file: str) -> dict[str, object]:
    if not vault_file or not password_file:
        raise SecretError(
            "secrets.error.vault-unset",
            file_env=ENV_VAULT_FILE,
            password_env=ENV_VAULT_PASSWORD_FILE,
        )
    try:
        done = subprocess.run(
            [_vault_command(), "view", "--vault-password-file", password_file, vault_file],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        raise SecretError("secrets.error.vault-failed", file=vault_file) from None
    if done.returncode != 0:
        raise SecretError("secrets.error.vault-failed", file=vault_file)
    loaded = yaml.safe_load(done.stdout) or {}
    if not isinstance(loaded, dict):
        raise SecretError("secrets.error.vault-failed", file=vault_file)
    return {str(k): v for k, v in loaded.items()}


def _vault_command() -> str:
    """ansible-vault next to this Python (a venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "ansible-vault"
    return str(beside) if beside.is_file() else (shutil.which("ansible-vault") or "ansible-vault")


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
