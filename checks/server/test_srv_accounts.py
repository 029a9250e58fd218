"""Accounts and PAM: the live PAM stacks, pwquality as pwscore applies it, shadow ageing."""

from __future__ import annotations

import shlex
import time

from capdo.checks.api import Check
from capdo.checks.contract import requirement

# Candidate passwords scored by the host's own libpwquality (pwscore reads pwquality.conf).
FOUR_CLASSES = "Qz7!mR2#vK9$pL4@wX"


def _pwscore(check: Check, password: str) -> bool:
    res = check.probe.run(f"printf '%s\\n' {shlex.quote(password)} | pwscore 2>&1")
    return res.rc == 0


def _module_lines(check: Check, stack: str, module: str) -> list[list[str]]:
    return [w for w in check.probe.pam_lines(stack) if len(w) >= 3 and w[2].endswith(module)]


@requirement("SRV.01")
def test_pam_no_nullok(check: Check) -> None:
    unix = _module_lines(check, "common-auth", "pam_unix.so")
    nullok = [" ".join(w) for w in unix if any(a.startswith("nullok") for a in w[3:])]
    check.require(
        bool(unix) and not nullok,
        expected="pam_unix without nullok",
        actual=[" ".join(w) for w in unix],
    )


@requirement("SRV.01")
def test_no_empty_password_hashes(check: Check) -> None:
    empty = [e[0] for e in check.probe.shadow() if len(e) > 1 and e[1] == ""]
    check.require(not empty, expected="no account with an empty password", actual=empty)


@requirement("SRV.02")
def test_system_accounts_cannot_log_in(check: Check) -> None:
    shells = {"/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/dash", "/usr/bin/zsh"}
    shadow = {e[0]: e[1] for e in check.probe.shadow() if len(e) > 1}
    bad = [
        e[0]
        for e in check.probe.passwd()
        if len(e) >= 7
        and e[0] != "root"
        and e[2].isdigit()
        and int(e[2]) < 1000
        and e[6] in shells
        and not shadow.get(e[0], "!").startswith(("!", "*"))
    ]
    check.require(not bad, expected="system accounts locked or without a shell", actual=bad)


@requirement("SRV.03")
def test_password_min_length(check: Check) -> None:
    length = int(check.param("password_min_length"))
    short = FOUR_CLASSES[: length - 1]
    long_enough = (FOUR_CLASSES * 3)[: max(length, 16)]
    accepted_short = _pwscore(check, short)
    accepted_long = _pwscore(check, long_enough)
    check.require(
        not accepted_short and accepted_long,
        expected=f"{length - 1} characters rejected, {len(long_enough)} accepted",
        actual={"short_accepted": accepted_short, "long_accepted": accepted_long},
        detail="pwscore with the host's pwquality.conf",
    )


@requirement("SRV.03")
def test_password_classes(check: Check) -> None:
    classes = int(check.param("password_classes"))
    length = max(int(check.param("password_min_length")), 16) + 4
    pool = ["qwzxmvkprtyhjgfd", "QWZXMVKPRTYHJGFD", "7392", "!#%@"]
    weaker = "".join(pool[i % (classes - 1)][i // (classes - 1) % 4] for i in range(length))
    accepted_weaker = _pwscore(check, weaker) if classes > 1 else False
    check.require(
        not accepted_weaker,
        expected=f"a password of {classes - 1} classes rejected",
        actual={"accepted": accepted_weaker},
    )


@requirement("SRV.03")
def test_pam_pwquality_in_password_stack(check: Check) -> None:
    lines = _module_lines(check, "common-password", "pam_pwquality.so")
    check.require(
        any(w[1] in ("requisite", "required") for w in lines),
        expected="password requisite pam_pwquality.so",
        actual=[" ".join(w) for w in lines],
    )


@requirement("SRV.03")
def test_pam_pwhistory(check: Check) -> None:
    wanted = check.target.params.get("password_history")
    if wanted is None:
        check.not_applicable("the level does not ask for a password history")
    lines = _module_lines(check, "common-password", "pam_pwhistory.so")
    remember = [int(a.split("=", 1)[1]) for w in lines for a in w[3:] if a.startswith("remember=")]
    check.require(
        bool(remember) and max(remember) >= int(wanted),
        expected=f"pam_pwhistory remember >= {wanted}",
        actual=[" ".join(w) for w in lines],
    )


@requirement("SRV.03")
def test_password_max_age(check: Check) -> None:
    limit = int(check.param("admin_password_max_age_months")) * 30
    defs = check.probe.key_values("/etc/login.defs", sep="")
    max_days = int(defs.get("PASS_MAX_DAYS", "99999"))
    too_old = [
        e[0]
        for e in check.probe.shadow()
        if len(e) > 4 and e[1].startswith("$") and (not e[4] or int(e[4]) > limit)
    ]
    check.require(
        max_days <= limit and not too_old,
        expected=f"PASS_MAX_DAYS <= {limit}; accounts with a password expire within {limit} days",
        actual={"PASS_MAX_DAYS": max_days, "accounts_over_limit": too_old},
    )


@requirement("SRV.03")
def test_password_hashing(check: Check) -> None:
    defs = check.probe.key_values("/etc/login.defs", sep="")
    actual = defs.get("ENCRYPT_METHOD")
    check.require(
        actual in ("YESCRYPT", "SHA512"), expected="ENCRYPT_METHOD YESCRYPT|SHA512", actual=actual
    )


@requirement("SRV.04", "SRV.05")
def test_faillock_threshold(check: Check) -> None:
    limit = int(check.param("lockout_attempts"))
    conf = check.probe.key_values("/etc/security/faillock.conf")
    deny = int(conf.get("deny", "3"))
    check.require(0 < deny <= limit, expected=f"deny <= {limit}", actual=deny)


@requirement("SRV.05")
def test_faillock_unlock_time(check: Check) -> None:
    wanted = int(float(check.param("lockout_duration_hours")) * 3600)
    conf = check.probe.key_values("/etc/security/faillock.conf")
    unlock = int(conf.get("unlock_time", "600"))
    check.require(
        unlock == 0 or unlock >= wanted,
        expected=f"unlock_time >= {wanted} s (or 0: until an admin unlocks)",
        actual=unlock,
    )


@requirement("SRV.04", "SRV.05")
def test_pam_faillock_in_stack(check: Check) -> None:
    auth = _module_lines(check, "common-auth", "pam_faillock.so")
    account = _module_lines(check, "common-account", "pam_faillock.so")
    modes = sorted({a for w in auth for a in w[3:] if a in ("preauth", "authfail")})
    check.require(
        modes == ["authfail", "preauth"] and bool(account),
        expected="auth pam_faillock preauth+authfail; account pam_faillock",
        actual={"auth": [" ".join(w) for w in auth], "account": [" ".join(w) for w in account]},
    )


@requirement("SRV.06")
def test_new_accounts_inactivity(check: Check) -> None:
    limit = int(check.param("inactive_account_days"))
    out = check.probe.run("useradd -D").stdout
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    inactive = int(values.get("INACTIVE", "-1"))
    check.require(
        0 <= inactive <= limit, expected=f"useradd -D INACTIVE <= {limit}", actual=inactive
    )


@requirement("SRV.06")
def test_no_stale_accounts(check: Check) -> None:
    limit = int(check.param("inactive_account_days"))
    today = int(time.time() // 86400)
    shadow = {e[0]: e for e in check.probe.shadow() if len(e) > 2}
    out = check.probe.run(f"lastlog -b {limit} 2>/dev/null | tail -n +2").stdout
    stale_login = {line.split()[0] for line in out.splitlines() if line.split()}
    stale = []
    for entry in check.probe.passwd():
        if len(entry) < 7 or not entry[2].isdigit() or not 1000 <= int(entry[2]) < 60000:
            continue
        s = shadow.get(entry[0])
        if s is None or s[1].startswith(("!", "*")):
            continue
        changed = int(s[2]) if s[2].isdigit() else 0
        if entry[0] in stale_login and today - changed > limit:
            stale.append(entry[0])
    check.require(
        not stale,
        expected=f"no usable account unused for more than {limit} days",
        actual=stale,
    )


@requirement("SRV.08")
def test_shell_idle_timeout(check: Check) -> None:
    limit = int(check.param("idle_timeout_minutes")) * 60
    res = check.probe.run(
        'bash -l -c \'echo "$TMOUT"; readonly -p | grep -c " TMOUT=" || true\' 2>/dev/null'
    )
    lines = res.stdout.split()
    tmout = int(lines[0]) if lines and lines[0].isdigit() else 0
    readonly = len(lines) > 1 and lines[1] != "0"
    check.require(
        0 < tmout <= limit and readonly,
        expected=f"login shells: readonly TMOUT <= {limit}",
        actual={"TMOUT": tmout, "readonly": readonly},
    )
