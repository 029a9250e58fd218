"""How to break each server check on purpose, and how to put it back.

Every entry names the check (the test function without ``test_``), the lab hosts where its
requirement applies, a shell command that breaks exactly that requirement on the live host,
and the command that restores it. ``tests/server/test_breaks.py`` applies them in rounds (one
break per host per round) and asserts that exactly the broken check fails.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY = ("lab-mcu01", "lab-web01", "lab-log01")
L3 = ("lab-web01", "lab-log01")
CLIENT_L3 = ("lab-web01",)
LOGSERVER = ("lab-log01",)


@dataclass(frozen=True)
class Break:
    check: str
    hosts: tuple[str, ...]
    brk: str
    fix: str


def _sshd(setting: str) -> tuple[str, str]:
    path = "/etc/ssh/sshd_config.d/0-break.conf"  # sorts before 00-capdo.conf: first wins
    return f"printf '%s\\n' '{setting}' > {path}", f"rm -f {path}"


def _dummy_package(name: str) -> tuple[str, str]:
    build = (
        "d=$(mktemp -d) && mkdir -p $d/DEBIAN && "
        f"printf 'Package: {name}\\nVersion: 0.0-capdo\\nArchitecture: all\\n"
        "Maintainer: capdo tests <tests@capdo.invalid>\\n"
        "Description: capdo break-on-purpose stand-in\\n' > $d/DEBIAN/control && "
        f"dpkg-deb -b $d /root/{name}.deb >/dev/null && dpkg -i /root/{name}.deb >/dev/null; "
        f"rm -rf $d /root/{name}.deb"
    )
    return build, f"dpkg -P {name} >/dev/null"


def _listener(address: str, port: int) -> tuple[str, str]:
    code = (
        "import socket,time;s=socket.socket();"
        "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);"
        f"s.bind(('{address}',{port}));s.listen();time.sleep(3600)"
    )
    start = (
        f'nohup python3 -c "{code}" >/dev/null 2>&1 </dev/null & '
        "echo $! > /root/capdo-break.pid; sleep 0.5"
    )
    return start, "kill $(cat /root/capdo-break.pid); rm -f /root/capdo-break.pid"


def _edit(path: str, expression: str) -> tuple[str, str]:
    """Edit a file with ``sed -E`` (whatever value the estate's level put there); restore the
    saved copy."""
    backup = "/root/capdo-break.bak"
    return (
        f"cp -p {path} {backup} && sed -i -E '{expression}' {path}",
        f"cp -p {backup} {path} && rm -f {backup}",
    )


def _move(path: str, restart: str = "") -> tuple[str, str]:
    tail = f" && {restart}" if restart else ""
    return (
        f"mv {path} /root/capdo-break.moved{tail}",
        f"mv /root/capdo-break.moved {path}{tail}",
    )


# rsyslog connects when it has something to send: log until the TLS connection is up again.
RECONNECT = (
    "for i in $(seq 30); do logger -t capdo-test reconnect; "
    "ss -Htn state established '( dport = :6514 )' | grep -q . && break; sleep 0.5; done"
)
NFT_DELETE = (
    "h=$(nft -a list chain inet capdo input | awk '/capdo-break/{print $NF}'); "
    "nft delete rule inet capdo input handle $h"
)

BREAKS: tuple[Break, ...] = (
    Break("sshd_no_empty_passwords", ANY, *_sshd("PermitEmptyPasswords yes")),
    Break("sshd_root_login_key_only", ANY, *_sshd("PermitRootLogin yes")),
    Break("sshd_password_login_off_when_keys", ANY, *_sshd("PasswordAuthentication yes")),
    Break("sshd_strong_ciphers", ANY, *_sshd("Ciphers aes128-cbc,aes256-ctr")),
    Break("sshd_strong_macs", ANY, *_sshd("MACs hmac-sha1,hmac-sha2-256-etm@openssh.com")),
    Break("sshd_strong_kex", ANY, *_sshd("KexAlgorithms diffie-hellman-group14-sha1")),
    Break("sshd_max_auth_tries", ANY, *_sshd("MaxAuthTries 10")),
    Break("sshd_idle_timeout", ANY, *_sshd("ClientAliveInterval 0")),
    Break("sshd_port_not_default", L3, *_sshd("Port 2222")),
    Break("sshd_listens_on_management_address_only", ANY, *_sshd("ListenAddress 0.0.0.0")),
    Break("sshd_no_forwarding", ANY, *_sshd("X11Forwarding yes")),
    Break("sshd_log_level", ANY, *_sshd("LogLevel QUIET")),
    Break("sshd_login_banner", ANY, *_sshd("Banner none")),
    Break(
        "pam_no_nullok", ANY, *_edit("/etc/pam.d/common-auth", "s/pam_unix.so$/pam_unix.so nullok/")
    ),
    Break(
        "no_empty_password_hashes",
        ANY,
        "useradd -M -s /usr/sbin/nologin capdobrk && passwd -d capdobrk >/dev/null",
        "userdel capdobrk",
    ),
    Break(
        "system_accounts_cannot_log_in",
        ANY,
        "usermod -s /bin/bash -p abJnggxhB/yWI daemon",
        "usermod -s /usr/sbin/nologin -p '*' daemon",
    ),
    Break(
        "password_min_length",
        ANY,
        *_edit("/etc/security/pwquality.conf", "s/^minlen = .*/minlen = 6/"),
    ),
    Break(
        "password_classes",
        ANY,
        *_edit("/etc/security/pwquality.conf", "s/^minclass = .*/minclass = 1/"),
    ),
    Break(
        "pam_pwquality_in_password_stack",
        ANY,
        "sed -i '/pam_pwquality.so/s/^/#/' /etc/pam.d/common-password",
        "sed -i '/pam_pwquality.so/s/^#//' /etc/pam.d/common-password",
    ),
    Break(
        "pam_pwhistory", L3, *_edit("/etc/pam.d/common-password", "s/remember=[0-9]+/remember=1/")
    ),
    Break(
        "password_max_age",
        ANY,
        *_edit("/etc/login.defs", "s/^PASS_MAX_DAYS.*/PASS_MAX_DAYS 99999/"),
    ),
    Break(
        "password_hashing",
        ANY,
        *_edit("/etc/login.defs", "s/^ENCRYPT_METHOD.*/ENCRYPT_METHOD MD5/"),
    ),
    Break(
        "faillock_threshold", ANY, *_edit("/etc/security/faillock.conf", "s/^deny = .*/deny = 100/")
    ),
    Break(
        "faillock_unlock_time",
        ANY,
        *_edit("/etc/security/faillock.conf", "s/^unlock_time = .*/unlock_time = 60/"),
    ),
    Break(
        "pam_faillock_in_stack",
        ANY,
        "sed -i '/pam_faillock.so preauth/s/^/#/' /etc/pam.d/common-auth",
        "sed -i '/pam_faillock.so preauth/s/^#//' /etc/pam.d/common-auth",
    ),
    Break(
        "new_accounts_inactivity",
        ANY,
        *_edit("/etc/default/useradd", "s/^INACTIVE=.*/INACTIVE=-1/"),
    ),
    Break(
        "no_stale_accounts",
        ANY,
        "useradd -M -s /bin/bash -p '$y$j9T$capdo$capdo' capdostale && "
        "chage -d 2020-01-01 capdostale",
        "userdel capdostale",
    ),
    Break(
        "shell_idle_timeout",
        ANY,
        *_edit("/etc/profile.d/capdo-tmout.sh", "s/typeset -xr TMOUT=/typeset -x TMOUT=/"),
    ),
    Break(
        "firewall_input_policy_drop",
        ANY,
        "nft 'chain inet capdo input { policy accept; }'",
        "nft 'chain inet capdo input { policy drop; }'",
    ),
    Break(
        "firewall_enabled_at_boot",
        ANY,
        "update-rc.d -f nftables remove >/dev/null 2>&1",
        "update-rc.d nftables defaults >/dev/null 2>&1",
    ),
    Break(
        "firewall_ssh_only_from_management",
        ANY,
        "nft add rule inet capdo input tcp dport 22 accept comment capdo-break",
        NFT_DELETE,
    ),
    Break(
        "firewall_management_rule_first",
        ANY,
        "nft insert rule inet capdo input ip saddr 192.0.2.0/24 drop comment capdo-break",
        NFT_DELETE,
    ),
    Break("no_cleartext_admin_packages", ANY, *_dummy_package("telnetd")),
    Break("no_cleartext_admin_listeners", ANY, *_listener("127.0.0.1", 23)),
    Break("no_insecure_service_packages", ANY, *_dummy_package("talkd")),
    Break("only_expected_listeners", ANY, *_listener("0.0.0.0", 8081)),
    Break("audit_rules", ANY, *_move("/etc/audit/rules.d/50-capdo.rules")),
    Break(
        "audit_enabled_at_boot",
        ANY,
        "update-rc.d -f auditd remove >/dev/null 2>&1",
        "update-rc.d auditd defaults >/dev/null 2>&1",
    ),
    Break(
        "syslog_running",
        ("lab-mcu01",),
        "service rsyslog stop >/dev/null",
        "service rsyslog start >/dev/null",
    ),
    Break("local_log_rotation", ANY, *_move("/etc/logrotate.d/rsyslog")),
    Break(
        "forwarding_connected_over_tls",
        CLIENT_L3,
        *_move(
            "/etc/rsyslog.d/60-capdo-forward.conf",
            "service rsyslog restart >/dev/null && " + RECONNECT,
        ),
    ),
    Break(
        "log_server_certificate_valid",
        CLIENT_L3,
        "cp /etc/capdo/pki/ca.pem /root/capdo-ca.pem && "
        "cat /root/capdo-other-ca.pem > /etc/capdo/pki/ca.pem",
        "cp /root/capdo-ca.pem /etc/capdo/pki/ca.pem && rm -f /root/capdo-ca.pem",
    ),
    Break(
        "logserver_retention",
        LOGSERVER,
        *_edit("/etc/logrotate.d/capdo-remote", "s/(rotate|maxage) [0-9]+/\\1 7/"),
    ),
    Break(
        "time_sync_running",
        ANY,
        "update-rc.d -f chrony remove >/dev/null 2>&1",
        "update-rc.d chrony defaults >/dev/null 2>&1",
    ),
    Break(
        "time_sources_are_the_estates",
        ("lab-mcu01", "lab-web01"),
        "chronyc add server 192.0.2.123 offline >/dev/null",
        "chronyc delete 192.0.2.123 >/dev/null",
    ),
    Break(
        "time_offset",
        ("lab-mcu01", "lab-web01"),
        "chronyc reset sources >/dev/null",
        "chronyc burst 4/4 >/dev/null; chronyc waitsync 60 0.5 0 1 >/dev/null",
    ),
    Break(
        "automatic_security_updates",
        ANY,
        *_edit(
            "/etc/apt/apt.conf.d/20auto-upgrades",
            's/Unattended-Upgrade "1"/Unattended-Upgrade "0"/',
        ),
    ),
    Break(
        "update_scheduler_running",
        ANY,
        "chmod -x /etc/cron.daily/apt-compat",
        "chmod +x /etc/cron.daily/apt-compat",
    ),
    Break(
        "antimalware_updater_running",
        ANY,
        "service clamav-freshclam stop >/dev/null 2>&1; sleep 0.5",
        "service clamav-freshclam start >/dev/null 2>&1",
    ),
    Break("file_integrity_baseline", L3, *_move("/var/lib/aide/capdo.db")),
    # Last: the clients reconnect to the log server only after their retry interval.
    Break(
        "logserver_listens_tls",
        LOGSERVER,
        *_move("/etc/rsyslog.d/20-capdo-logserver.conf", "service rsyslog restart >/dev/null"),
    ),
)


def rounds(breaks: tuple[Break, ...] = BREAKS) -> list[dict[str, Break]]:
    """Group the breaks into rounds of at most one per host, keeping their order."""
    planned: list[dict[str, Break]] = []
    for brk in breaks:
        for current in planned[-3:] if brk.check != "logserver_listens_tls" else []:
            host = next((h for h in brk.hosts if h not in current), None)
            if host is not None:
                current[host] = brk
                break
        else:
            planned.append({brk.hosts[0]: brk})
    return planned
