"""sshd, read from `sshd -T` (the effective configuration, drop-ins and defaults included)."""

from __future__ import annotations

from pathlib import Path

import yaml

from capdo.checks.api import Check
from capdo.checks.contract import requirement

# The strong lists are written once, in the role that configures them.
_ALGORITHMS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "roles/capdo_sshd/defaults/main.yml").read_text()
)
STRONG_CIPHERS = set(_ALGORITHMS["capdo_sshd_ciphers"])
STRONG_MACS = set(_ALGORITHMS["capdo_sshd_macs"])
STRONG_KEX = set(_ALGORITHMS["capdo_sshd_kex"]) | set(_ALGORITHMS["capdo_sshd_kex_newer"])


def _set(check: Check, key: str) -> set[str]:
    value = check.probe.sshd_value(key) or ""
    return {v for v in value.split(",") if v}


@requirement("SRV.01")
def test_sshd_no_empty_passwords(check: Check) -> None:
    actual = check.probe.sshd_value("permitemptypasswords")
    check.require(actual == "no", expected="permitemptypasswords no", actual=actual)


@requirement("SRV.02")
def test_sshd_root_login_key_only(check: Check) -> None:
    actual = check.probe.sshd_value("permitrootlogin")
    check.require(
        actual in ("no", "prohibit-password", "without-password"),
        expected="permitrootlogin no|prohibit-password",
        actual=actual,
    )


@requirement("SRV.02", "SRV.07")
def test_sshd_password_login_off_when_keys(check: Check) -> None:
    keys = check.probe.run(
        "grep -Ecs '^(ssh-|ecdsa-|sk-)' ~" + check.target.user + "/.ssh/authorized_keys || true"
    ).stdout.strip()
    if not keys or int(keys) == 0:
        check.not_applicable("the admin account has no key: password logins stay on")
    actual = {
        "passwordauthentication": check.probe.sshd_value("passwordauthentication"),
        "kbdinteractiveauthentication": check.probe.sshd_value("kbdinteractiveauthentication"),
    }
    check.require(
        set(actual.values()) == {"no"}, expected="both no (the admin has a key)", actual=actual
    )


@requirement("SRV.07")
def test_sshd_strong_ciphers(check: Check) -> None:
    actual = _set(check, "ciphers")
    weak = sorted(actual - STRONG_CIPHERS)
    check.require(bool(actual) and not weak, expected=sorted(STRONG_CIPHERS), actual=sorted(actual))


@requirement("SRV.07")
def test_sshd_strong_macs(check: Check) -> None:
    actual = _set(check, "macs")
    weak = sorted(actual - STRONG_MACS)
    check.require(bool(actual) and not weak, expected=sorted(STRONG_MACS), actual=sorted(actual))


@requirement("SRV.07")
def test_sshd_strong_kex(check: Check) -> None:
    actual = _set(check, "kexalgorithms")
    weak = sorted(actual - STRONG_KEX)
    check.require(bool(actual) and not weak, expected=sorted(STRONG_KEX), actual=sorted(actual))


@requirement("SRV.04")
def test_sshd_max_auth_tries(check: Check) -> None:
    limit = int(check.param("lockout_attempts"))
    actual = int(check.probe.sshd_value("maxauthtries") or 6)
    check.require(actual <= limit, expected=f"maxauthtries <= {limit}", actual=actual)


@requirement("SRV.08")
def test_sshd_idle_timeout(check: Check) -> None:
    limit = int(check.param("idle_timeout_minutes")) * 60
    interval = int(check.probe.sshd_value("clientaliveinterval") or 0)
    count = int(check.probe.sshd_value("clientalivecountmax") or 3)
    total = interval * max(count, 1)
    check.require(
        0 < total <= limit,
        expected=f"0 < clientaliveinterval x clientalivecountmax <= {limit} s",
        actual={"clientaliveinterval": interval, "clientalivecountmax": count},
    )


@requirement("SRV.09")
def test_sshd_port_not_default(check: Check) -> None:
    ports = check.probe.sshd().get("port", [])
    if ports == ["22"]:
        check.manual(
            "sshd on 22: the catalogue recommends another port where policy does not accept "
            "equivalent controls (management-only firewall, SRV.10)",
            expected="port != 22",
            actual=ports,
        )
    check.require(bool(ports) and "22" not in ports, expected="port != 22", actual=ports)


@requirement("SRV.10")
def test_sshd_listens_on_management_address_only(check: Check) -> None:
    actual = check.probe.sshd().get("listenaddress", [])
    wildcard = [a for a in actual if a.startswith(("0.0.0.0", "[::]", "::"))]
    check.require(
        bool(actual) and not wildcard,
        expected=f"listenaddress {check.target.host}:<port> (no wildcard)",
        actual=actual,
    )


@requirement("SRV.12")
def test_sshd_no_forwarding(check: Check) -> None:
    keys = ("x11forwarding", "allowtcpforwarding", "allowagentforwarding", "permittunnel")
    actual = {k: check.probe.sshd_value(k) for k in keys}
    check.require(set(actual.values()) == {"no"}, expected=dict.fromkeys(keys, "no"), actual=actual)


@requirement("SRV.15")
def test_sshd_log_level(check: Check) -> None:
    actual = check.probe.sshd_value("loglevel")
    check.require(actual in ("VERBOSE", "INFO"), expected="loglevel VERBOSE|INFO", actual=actual)


@requirement("SRV.01")
def test_sshd_login_banner(check: Check) -> None:
    banner = check.probe.sshd_value("banner")
    text = check.probe.text(banner) if banner and banner != "none" else None
    check.require(
        bool(text and text.strip()),
        expected="banner <file with a legal notice>",
        actual={"banner": banner, "chars": len(text or "")},
    )
