"""Effective state of one server, read once per run and shared by its checks.

Each reader runs one command over the (multiplexed) SSH connection and caches the parsed
result, so 40+ checks cost about a dozen round trips per host. Readers look at effective
state: ``sshd -T``, the live nft ruleset, ``ss``, dpkg's database, ``apt-config dump``,
``useradd -D``; files are read only where the file *is* the effective configuration
(PAM stacks, pwquality/faillock, login.defs).
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any, Protocol

_PAM_LINE = re.compile(r"^(\S+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$")


class CommandResult(Protocol):
    @property
    def rc(self) -> int: ...

    @property
    def stdout(self) -> str: ...

    @property
    def stderr(self) -> str: ...


class TestinfraHost(Protocol):
    def run(self, command: str, *args: str) -> Any: ...


PREFETCH_FILES = (
    "/etc/shadow",
    "/etc/passwd",
    "/etc/login.defs",
    "/etc/security/pwquality.conf",
    "/etc/security/faillock.conf",
    "/etc/pam.d/common-auth",
    "/etc/pam.d/common-account",
    "/etc/pam.d/common-password",
    "/etc/nftables.conf",
)


class Probe:
    """Cached readers of one host's state."""

    def __init__(self, host: TestinfraHost) -> None:
        self.host = host
        self._cache: dict[str, Any] = {}

    def run(self, command: str) -> CommandResult:
        """Run (once) and cache a command; returns testinfra's CommandResult."""
        key = "run:" + command
        if key not in self._cache:
            # ssh itself exits 255 on a connection failure (testinfra raises then); a
            # command's own 255 is reported as 254 so it stays a result, not an error.
            wrapped = f"( {command} ); r=$?; [ $r -eq 255 ] && r=254; exit $r"
            self._cache[key] = self.host.run(wrapped)
        result: CommandResult = self._cache[key]
        return result

    def prefetch(self) -> None:
        """Read the state most checks need, so the checks themselves hit the cache."""
        self.sshd()
        self.packages()
        self.listening()
        self.processes()
        self.nft()
        self.apt_config()
        for path in PREFETCH_FILES:
            self.text(path)

    def _memo(self, key: str, compute: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # -- sshd ---------------------------------------------------------------------------------

    def sshd(self) -> dict[str, list[str]]:
        """``sshd -T`` as key → values (every key lower-case; repeated keys keep all values)."""

        def compute() -> dict[str, list[str]]:
            out = self.run("/usr/sbin/sshd -T 2>/dev/null").stdout
            values: dict[str, list[str]] = {}
            for line in out.splitlines():
                key, _, value = line.strip().partition(" ")
                if key:
                    values.setdefault(key.lower(), []).append(value.strip())
            return values

        result: dict[str, list[str]] = self._memo("sshd", compute)
        return result

    def sshd_value(self, key: str) -> str | None:
        values = self.sshd().get(key.lower())
        return values[0] if values else None

    # -- packages, sockets, services -------------------------------------------------------

    def packages(self) -> dict[str, str]:
        """Installed packages (dpkg status 'ii' or 'hi') → version."""

        def compute() -> dict[str, str]:
            out = self.run(
                "dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' 2>/dev/null"
            ).stdout
            found: dict[str, str] = {}
            for line in out.splitlines():
                parts = line.split("\t")
                if len(parts) == 3 and parts[1].strip() in ("ii", "hi"):
                    found[parts[0]] = parts[2]
            return found

        result: dict[str, str] = self._memo("packages", compute)
        return result

    def listening(self) -> list[dict[str, str]]:
        """Listening sockets: proto, local address, port and process name."""

        def compute() -> list[dict[str, str]]:
            out = self.run("ss -Htulnp 2>/dev/null").stdout
            sockets: list[dict[str, str]] = []
            for line in out.splitlines():
                fields = line.split()
                if len(fields) < 5:
                    continue
                local = fields[4]
                address, _, port = local.rpartition(":")
                process = ""
                if 'users:(("' in line:
                    process = line.split('users:(("', 1)[1].split('"', 1)[0]
                sockets.append(
                    {"proto": fields[0], "address": address, "port": port, "process": process}
                )
            return sockets

        result: list[dict[str, str]] = self._memo("listening", compute)
        return result

    def processes(self) -> list[str]:
        """Command names of running processes."""
        result: list[str] = self._memo(
            "processes", self.run("ps -eo comm= 2>/dev/null").stdout.split
        )
        return result

    # -- firewall -------------------------------------------------------------------------

    def nft(self) -> list[dict[str, Any]]:
        """``nft -j list ruleset`` entries (tables, chains, rules, sets)."""

        def compute() -> list[dict[str, Any]]:
            res = self.run("nft -j list ruleset 2>/dev/null")
            if res.rc != 0 or not res.stdout.strip():
                return []
            data = json.loads(res.stdout)
            entries: list[dict[str, Any]] = data.get("nftables", [])
            return entries

        result: list[dict[str, Any]] = self._memo("nft", compute)
        return result

    # -- files -----------------------------------------------------------------------------

    def text(self, path: str) -> str | None:
        """A file's text, or None when it does not exist or cannot be read."""

        def compute() -> str | None:
            res = self.run(f"cat {shlex.quote(path)} 2>/dev/null")
            return res.stdout if res.rc == 0 else None

        result: str | None = self._memo("text:" + path, compute)
        return result

    def active_lines(self, path: str) -> list[str]:
        """Non-comment, non-blank lines of a file ([] when missing)."""
        text = self.text(path) or ""
        lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
        return [line for line in lines if line]

    def key_values(self, path: str, sep: str = "=") -> dict[str, str]:
        """``key = value`` (or ``key value`` with sep=None) settings; bare words map to ''."""
        values: dict[str, str] = {}
        for line in self.active_lines(path):
            if sep and sep in line:
                key, _, value = line.partition(sep)
            else:
                words = line.split(None, 1)
                key, value = words[0], words[1] if len(words) > 1 else ""
            values[key.strip()] = value.strip()
        return values

    def pam_lines(self, name: str) -> list[list[str]]:
        """The active lines of /etc/pam.d/<name> as [type, control, module, *arguments]."""
        lines: list[list[str]] = []
        for line in self.active_lines(f"/etc/pam.d/{name}"):
            match = _PAM_LINE.match(line)
            if match:
                kind, control, module, rest = match.groups()
                lines.append([kind, " ".join(control.split()), module, *rest.split()])
        return lines

    def shadow(self) -> list[list[str]]:
        """/etc/shadow entries, split on ':' (root only)."""
        return [line.split(":") for line in (self.text("/etc/shadow") or "").splitlines() if line]

    def passwd(self) -> list[list[str]]:
        return [line.split(":") for line in (self.text("/etc/passwd") or "").splitlines() if line]

    def apt_config(self) -> str:
        """``apt-config dump``: the effective apt configuration."""
        result: str = self._memo("apt", lambda: self.run("apt-config dump 2>/dev/null").stdout)
        return result

    def service_running(self, name: str, process: str) -> bool:
        """A service is up when its daemon process is running (works with and without systemd)."""
        return process in self.processes()

    def service_enabled(self, name: str) -> bool:
        """Enabled at boot: a systemd unit enabled, or sysvinit start links in /etc/rc?.d."""
        quoted = shlex.quote(name)
        res = self.run(
            f"systemctl is-enabled {quoted} 2>/dev/null || "
            f"ls -1 /etc/rc2.d /etc/rcS.d 2>/dev/null | grep -Ex 'S[0-9]+'{quoted}"
        )
        return res.rc == 0 and bool(res.stdout.strip())
