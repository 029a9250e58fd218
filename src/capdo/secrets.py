"""Resolve secret references (env, file, Ansible vault) at run time; never show the values.

- ``env``: the environment variable;
- ``file``: the file's first line, stripped (the file lives outside the repository); it must
  be a regular file of at most 64 KiB whose first line is not empty (read by the safe reader:
  a FIFO or a device is refused, never read);
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

from capdo.errors import CapdoError
from capdo.inventory import Credential, Estate, SecretRef
from capdo.safeio import Limits, ReadError, decode_utf8, load_yaml_bytes, read_bytes

ENV_VAULT_FILE = "CAPDO_VAULT_FILE"
ENV_VAULT_PASSWORD_FILE = "CAPDO_VAULT_PASSWORD_FILE"
MASK = "********"
SECRET_FILE_LIMITS = Limits(max_bytes=64 * 1024)
VAULT_FILE_LIMITS = Limits(max_bytes=16 * 1024 * 1024)
_FILE_ERRORS = {
    "not-regular": "secrets.error.file-not-regular",
    "too-large": "secrets.error.file-too-large",
}


class SecretError(CapdoError):
    """A secret that cannot be resolved: a message key and parameters (no secret values).
    Callers catch it apart: one device or endpoint without its credential is reported and the
    run goes on with the others."""


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
        return _first_line(ref)
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


def _first_line(ref: SecretRef) -> str:
    """The non-empty first line of a secret file; errors name the reference only."""
    path = Path(str(ref.file)).expanduser()
    try:
        text = decode_utf8(read_bytes(path, limits=SECRET_FILE_LIMITS), path)
    except ReadError as error:
        key = _FILE_ERRORS.get(error.problem.rule, "secrets.error.file-unreadable")
        raise SecretError(key, ref=ref.describe()) from None
    lines = text.splitlines()
    value = lines[0].strip() if lines else ""
    if not value:
        raise SecretError("secrets.error.file-empty", ref=ref.describe())
    return value


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
        password = read_bytes(Path(password_file), limits=SECRET_FILE_LIMITS).strip()
        if not password:
            raise SecretError("secrets.error.vault-failed", file=vault_file)
        plain = VaultLib([("default", VaultSecret(password))]).decrypt(
            read_bytes(Path(vault_file), limits=VAULT_FILE_LIMITS)
        )
        data = load_yaml_bytes(plain, Path(vault_file), VAULT_FILE_LIMITS) or {}
    except (ReadError, AnsibleError):
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
