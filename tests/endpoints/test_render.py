"""Provisioning files: golden files per vendor, round trip, modes, masking, secret references."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from capdo.endpoints.intended import Planner
from capdo.endpoints.render import render_all, write_tree
from capdo.endpoints.vendors import FORMATS
from capdo.inventory.model import SecretRef
from capdo.secrets import SecretError, mask, resolve

from .conftest import LAB_ESTATE, TEST_PASSWORD, copy_estate, load

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "lab-vc-xa1": ("yealink/805ec0000001.cfg", "yealink-805ec0000001.cfg"),
    "lab-vc-dc": ("poly/00e0db000001-capdo.cfg", "poly-00e0db000001-capdo.cfg"),
}


def _rendered(root: Path) -> dict[str, dict[str, str]]:
    planner = Planner(load(root), root)
    rendered, skipped = render_all(planner, planner.plans())
    assert skipped == []
    return {r.name: {f.relpath: f.text for f in r.files} for r in rendered}


@pytest.mark.parametrize("name", CASES)
def test_golden_file_per_vendor(name: str, password_env: str) -> None:
    relpath, golden = CASES[name]
    text = _rendered(LAB_ESTATE)[name][relpath]
    assert password_env in text
    masked = mask(text, [password_env])
    if os.environ.get("CAPDO_UPDATE_GOLDEN"):
        (GOLDEN / golden).write_text(masked, encoding="utf-8")
    assert masked == (GOLDEN / golden).read_text(encoding="utf-8")


def test_poly_master_file_points_at_the_config(password_env: str) -> None:
    files = _rendered(LAB_ESTATE)["lab-vc-dc"]
    assert 'CONFIG_FILES="00e0db000001-capdo.cfg"' in files["poly/00e0db000001.cfg"]


@pytest.mark.parametrize("name", CASES)
def test_render_then_parse_gives_the_intended_settings(name: str, password_env: str) -> None:
    planner = Planner(load(LAB_ESTATE), LAB_ESTATE)
    plan = planner.plan(planner.index.endpoints[name])
    fmt = FORMATS[plan.endpoint.vendor]
    intended = replace(plan.config, admin_password=password_env)
    parsed = fmt.read(fmt.render(intended, name, "t"))
    if plan.endpoint.vendor == "yealink":
        parsed = replace(parsed, sip_domain=intended.sip_domain)  # Yealink keeps no domain key
    assert parsed == intended
    stripped = fmt.read(fmt.strip_secrets(fmt.render(intended, name, "t")))
    assert stripped.admin_password != password_env


def test_level_three_renders_syslog_and_level_two_does_not(
    tmp_path: Path, password_env: str
) -> None:
    level3 = copy_estate(tmp_path / "l3", level=3, extra=False)
    assert (
        "static.syslog.server = 198.18.0.33"
        in _rendered(level3)["lab-vc-xa1"]["yealink/805ec0000001.cfg"]
    )
    assert (
        "static.syslog.enable = 0"
        in _rendered(LAB_ESTATE)["lab-vc-xa1"]["yealink/805ec0000001.cfg"]
    )


def test_tree_modes_and_manifest_without_secrets(tmp_path: Path, password_env: str) -> None:
    planner = Planner(load(LAB_ESTATE), LAB_ESTATE)
    rendered, _ = render_all(planner, planner.plans())
    out = tmp_path / "prov"
    manifest = write_tree(out, rendered)
    secret_file = out / "yealink" / "805ec0000001.cfg"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "poly").stat().st_mode) == 0o700
    assert password_env not in manifest.read_text()


def test_secret_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "pw"
    secret_file.write_text("from-a-file\n")
    assert resolve(SecretRef(file=str(secret_file))) == "from-a-file"
    assert resolve(SecretRef(env="X_PW"), {"X_PW": "from-env"}) == "from-env"
    with pytest.raises(SecretError) as missing:
        resolve(SecretRef(env="X_PW"), {})
    assert missing.value.key == "secrets.error.env-missing"
    with pytest.raises(SecretError) as unconfigured:
        resolve(SecretRef(vault="vault_vc_admin_password"), {})
    assert unconfigured.value.key == "secrets.error.vault-unset"


def test_vault_reference_is_decrypted_with_ansible_vault(tmp_path: Path) -> None:
    vault_pw = tmp_path / "vault-pass"
    vault_pw.write_text("vault-test-pass\n")
    vault = tmp_path / "vault.yml"
    vault.write_text("vault_vc_admin_password: from-the-vault\n")
    ansible_vault = Path(sys.executable).parent / "ansible-vault"
    subprocess.run(
        [str(ansible_vault), "encrypt", "--vault-password-file", str(vault_pw), str(vault)],
        check=True,
        capture_output=True,
    )
    assert b"$ANSIBLE_VAULT" in vault.read_bytes()
    env = {"CAPDO_VAULT_FILE": str(vault), "CAPDO_VAULT_PASSWORD_FILE": str(vault_pw)}
    assert resolve(SecretRef(vault="vault_vc_admin_password"), env) == "from-the-vault"
    wrong = tmp_path / "wrong"
    wrong.write_text("nope\n")
    with pytest.raises(SecretError) as bad:
        resolve(
            SecretRef(vault="vault_vc_admin_password"),
            {**env, "CAPDO_VAULT_PASSWORD_FILE": str(wrong)},
        )
    assert bad.value.key == "secrets.error.vault-failed"


def _capdo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "capdo.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_cli_render_writes_masks_and_refuses_without_secret(tmp_path: Path) -> None:
    env = {"CAPDO_LAB_ENDPOINT_PASSWORD": TEST_PASSWORD}
    out = tmp_path / "prov"
    done = _capdo("endpoints", "render", "-i", str(LAB_ESTATE), "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert TEST_PASSWORD not in done.stdout + done.stderr
    assert (out / "yealink" / "805ec0000002.cfg").is_file()
    shown = _capdo("endpoints", "render", "-i", str(LAB_ESTATE), "--show", "lab-vc-xa1", env=env)
    assert shown.returncode == 0
    assert "static.security.user_password = admin:********" in shown.stdout
    assert TEST_PASSWORD not in shown.stdout
    clean = {k: v for k, v in os.environ.items() if k != "CAPDO_LAB_ENDPOINT_PASSWORD"}
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "capdo.cli",
            "endpoints",
            "render",
            "-i",
            str(LAB_ESTATE),
            "-o",
            str(tmp_path / "x"),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
    )
    assert refused.returncode == 2
    assert "CAPDO_LAB_ENDPOINT_PASSWORD" in refused.stderr
    assert "Traceback" not in refused.stderr
