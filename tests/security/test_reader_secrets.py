"""Hostile secret files: a regular file of bounded size with a non-empty first line, or an
error naming the reference (never a value, never a hang, never an empty credential)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from ansible.parsing.vault import VaultLib, VaultSecret

from capdo.inventory.model import SecretRef
from capdo.secrets import SecretError, resolve


def _resolve_in_thread(ref: SecretRef) -> str | SecretError:
    """resolve() on a thread: a FIFO that blocks would leave it alive (the test fails)."""
    outcome: list[str | SecretError] = []

    def target() -> None:
        try:
            outcome.append(resolve(ref, environ={}))
        except SecretError as error:
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "resolving the secret hung"
    return outcome[0]


def _file_ref(path: Path | str) -> SecretRef:
    return SecretRef(file=str(path))


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"", "secrets.error.file-empty"),
        (b"\n", "secrets.error.file-empty"),
        (b"   \nhunter2\n", "secrets.error.file-empty"),  # first line empty, value below
        (b"caf\xe9\n", "secrets.error.file-unreadable"),
    ],
)
def test_empty_or_broken_secret_file_is_an_error(tmp_path: Path, content: bytes, key: str) -> None:
    path = tmp_path / "secret"
    path.write_bytes(content)
    outcome = _resolve_in_thread(_file_ref(path))
    assert isinstance(outcome, SecretError)
    assert outcome.key == key
    assert "hunter2" not in repr(outcome.params)


def test_fifo_secret_file_never_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "secret"
    os.mkfifo(fifo)  # no writer: a plain open() would block for ever
    outcome = _resolve_in_thread(_file_ref(fifo))
    assert isinstance(outcome, SecretError)
    assert outcome.key == "secrets.error.file-not-regular"


def test_dev_zero_secret_file_is_never_read() -> None:
    outcome = _resolve_in_thread(_file_ref("/dev/zero"))  # unbounded read: MemoryError before
    assert isinstance(outcome, SecretError)
    assert outcome.key == "secrets.error.file-not-regular"


def test_huge_secret_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    with path.open("wb") as handle:
        handle.truncate(200 << 20)  # 200 MB, sparse
    outcome = _resolve_in_thread(_file_ref(path))
    assert isinstance(outcome, SecretError)
    assert outcome.key == "secrets.error.file-too-large"


def test_good_secret_file_gives_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_bytes(b"\xef\xbb\xbfs3cret  \nignored\n")
    assert _resolve_in_thread(_file_ref(path)) == "s3cret"


def test_empty_vault_password_file_and_alias_bomb_vault(tmp_path: Path, alias_bomb: str) -> None:
    password = tmp_path / "vault-pass"
    password.write_text("pw\n", encoding="utf-8")
    vault = tmp_path / "vault.yml"
    secret = VaultSecret(b"pw")
    vault.write_bytes(VaultLib([("default", secret)]).encrypt(alias_bomb.encode(), secret))
    environ = {"CAPDO_VAULT_FILE": str(vault), "CAPDO_VAULT_PASSWORD_FILE": str(password)}
    with pytest.raises(SecretError) as bomb:
        resolve(SecretRef(vault="a9"), environ)
    assert bomb.value.key == "secrets.error.vault-failed"
    password.write_text("", encoding="utf-8")
    with pytest.raises(SecretError) as empty:
        resolve(SecretRef(vault="a9"), environ)
    assert empty.value.key == "secrets.error.vault-failed"
