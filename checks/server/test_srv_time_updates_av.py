"""Time sync (chronyc), automatic updates (apt-config dump), anti-malware, file integrity."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from capdo.checks.api import Check
from capdo.checks.contract import requirement


@requirement("SRV.16")
def test_time_sync_running(check: Check) -> None:
    running = check.probe.service_running("chrony", "chronyd")
    enabled = check.probe.service_enabled("chrony")
    check.require(
        running and enabled,
        expected="chronyd running and enabled",
        actual={"running": running, "enabled": enabled},
    )


@requirement("SRV.16")
def test_time_sources_are_the_estates(check: Check) -> None:
    wanted = set(check.target.ntp_servers) - {check.target.host}
    out = check.probe.run("chronyc -n -c sources 2>/dev/null").stdout
    actual = {line.split(",")[2] for line in out.splitlines() if line.count(",") > 2}
    if not wanted:
        check.require(
            "ntp" in check.target.roles,
            expected="a time server (ntp role) serving from its own clock",
            actual=sorted(actual),
        )
        return
    check.require(
        actual == wanted,
        expected=sorted(wanted),
        actual=sorted(actual),
        detail="chronyc sources",
    )


@requirement("SRV.16")
def test_time_offset(check: Check) -> None:
    limit = float(check.param("time_offset_max_seconds"))
    out = check.probe.run("chronyc -c tracking 2>/dev/null").stdout.strip().split(",")
    if len(out) < 14:
        check.require(False, expected=f"synchronised, |offset| < {limit} s", actual="no tracking")
    leap = out[-1]
    offset = abs(float(out[4]))
    synced = leap in ("Normal", "Insert second", "Delete second") and out[1] != "00000000"
    check.require(
        synced and offset < limit,
        expected=f"synchronised, |offset| < {limit} s",
        actual={"reference": out[1], "leap": leap, "offset_s": offset},
    )


@requirement("SRV.13")
def test_automatic_security_updates(check: Check) -> None:
    dump = check.probe.apt_config()
    periodic = 'APT::Periodic::Unattended-Upgrade "1";' in dump
    lists = 'APT::Periodic::Update-Package-Lists "1";' in dump
    security = bool(re.search(r'Origins-Pattern:: "[^"]*Debian-Security', dump))
    installed = "unattended-upgrades" in check.probe.packages()
    check.require(
        periodic and lists and security and installed,
        expected="unattended-upgrades installed; daily lists and upgrades; security origin",
        actual={
            "installed": installed,
            "update_lists": lists,
            "unattended_upgrade": periodic,
            "security_origin": security,
        },
    )


@requirement("SRV.13")
def test_update_scheduler_running(check: Check) -> None:
    timers = check.probe.run("systemctl is-active apt-daily-upgrade.timer 2>/dev/null").stdout
    if timers.strip() == "active":
        check.require(True, expected="apt-daily-upgrade.timer active", actual="active")
        return
    cron = check.probe.service_running("cron", "cron")
    job = check.probe.run("test -x /etc/cron.daily/apt-compat").rc == 0
    check.require(
        cron and job,
        expected="cron running with /etc/cron.daily/apt-compat (hosts without systemd)",
        actual={"cron": cron, "apt_compat": job},
    )


@requirement("SRV.20")
def test_antimalware_updater_running(check: Check) -> None:
    installed = {"clamav", "clamav-freshclam"} <= set(check.probe.packages())
    running = check.probe.service_running("clamav-freshclam", "freshclam")
    check.require(
        installed and running,
        expected="ClamAV installed, freshclam running",
        actual={"installed": installed, "freshclam": running},
    )


@requirement("SRV.20")
def test_antimalware_definitions_fresh(check: Check) -> None:
    limit = int(check.param("definitions_max_age_hours"))
    out = check.probe.run(
        "for f in /var/lib/clamav/daily.cld /var/lib/clamav/daily.cvd; do "
        '[ -f "$f" ] && sigtool --info "$f" 2>/dev/null | grep "^Build time:" && break; done'
    ).stdout.strip()
    if not out:
        check.require(
            False,
            expected=f"daily definitions younger than {limit} h",
            actual="no definitions in /var/lib/clamav",
            detail="freshclam has not downloaded any definitions (no reachable mirror?)",
        )
    stamp = out.split(":", 1)[1].strip()
    built = datetime.strptime(stamp[:20].strip(), "%d %b %Y %H-%M").replace(tzinfo=UTC)
    age = (datetime.now(UTC) - built).total_seconds() / 3600
    check.require(age <= limit, expected=f"<= {limit} h old", actual=f"{age:.1f} h old ({stamp})")


@requirement("DAT.03")
def test_file_integrity_baseline(check: Check) -> None:
    installed = "aide" in check.probe.packages()
    db = check.probe.run("test -s /var/lib/aide/capdo.db").rc == 0
    valid = check.probe.run("aide --config /etc/aide/capdo-aide.conf --config-check").rc == 0
    daily = check.probe.run("test -x /etc/cron.daily/capdo-aide").rc == 0
    check.require(
        installed and db and valid and daily,
        expected="AIDE installed, baseline database, valid configuration, daily check",
        actual={"installed": installed, "database": db, "config_valid": valid, "daily": daily},
    )
