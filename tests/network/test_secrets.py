"""Secret references: env, file, ansible-vault; clear errors, values never printed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from capdo.inventory.model import Credential, Estate, SecretRef
from capdo.secrets import SecretError, login_for, mask, resolve


def test_env_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPDO_T_PW", "from-env")
    assert resolve(SecretRef(env="CAPDO_T_PW")) == "from-env"
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    assert resolve(SecretRef(file=str(secret))) == "from-file"
    with pytest.raises(SecretError) as info:
        resolve(SecretRef(file=str(tmp_path / "missing")))
    assert info.value.key == "secrets.error.file-unreadable"
    monkeypatch.delenv("CAPDO_T_PW")
    with pytest.raises(SecretError) as info:
        resolve(SecretRef(env="CAPDO_T_PW"))
    assert info.value.key == "secrets.error.env-missing"


VAULT = str(Path(sys.executable).parent / "ansible-vault")


@pytest.mark.skipif(shutil.which(VAULT) is None, reason="ansible-vault not installed")
def test_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAPDO_VAULT_FILE", raising=False)
    with pytest.raises(SecretError) as info:
        resolve(SecretRef(vault="net_pw"))
    assert info.value.key == "secrets.error.vault-unset"
    password_file = tmp_path / "vault-pass"
    password_file.write_text("vault-key\n")
    vault = tmp_path / "vault.yml"
    vault.write_text("net_pw: from-vault\nnet_enable: en-vault\n")
    subprocess.run(
        [VAULT, "encrypt", "--vault-password-file", str(password_file), str(vault)],
        check=True,
        capture_output=True,
    )
    assert "from-vault" not in vault.read_text()
    monkeypatch.setenv("CAPDO_VAULT_FILE", str(vault))
    monkeypatch.setenv("CAPDO_VAULT_PASSWORD_FILE", str(password_file))
    estate = Estate(
        id="t",
        organisation={"vi": "t"},
        regimes=("legacy",),
        credentials={
            "net": Credential(
                username="capdo",
                password=SecretRef(vault="net_pw"),
                enable_secret=SecretRef(vault="net_enable"),
            )
        },
    )
    login = login_for(estate, "net")
    assert (login.password, login.enable_secret) == ("from-vault", "en-vault")
    assert "from-vault" not in repr(login)
    with pytest.raises(SecretError):
        resolve(SecretRef(vault="absent"))
    wrong = tmp_path / "wrong-pass"
    wrong.write_text("nope\n")
    monkeypatch.setenv("CAPDO_VAULT_PASSWORD_FILE", str(wrong))
    with pytest.raises(SecretError) as info:
        resolve(SecretRef(vault="net_pw"))
    assert info.value.key == "secrets.error.vault-failed"


def test_mask_hides_every_secret() -> None:
    assert mask("user capdo password s3cr3t enable s3cr3t", ["s3cr3t", ""]) == (
        "user capdo password ******** enable ********"
    )
