"""One emulated device's state, shared by all its SSH sessions: running and saved config."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from capdo.network import is_default
from capdo_lab.devices.configtree import Node, parse, render
from capdo_lab.devices.syntax import SYNTAXES, Syntax


def hide_defaults(tree: Node, platform: str) -> Node:
    """What the device displays: lines at their default value are not shown (as on a real
    device: ``logging trap informational``, ``info-center enable``...)."""

    def keep(node: Node, section: str | None) -> Node:
        kids = [
            keep(c, c.text if section is None else section)
            for c in node.children
            if not is_default(platform, c.text, section)
        ]
        return Node(node.text, kids)

    return Node(
        tree.text,
        [keep(c, c.text) for c in tree.children if not is_default(platform, c.text, None)],
    )


@dataclass(frozen=True)
class DeviceSpec:
    """An emulated device: its name (the prompt), platform and starting configuration."""

    name: str
    platform: str
    seed: str | None = None
    """Starting configuration text; None means the platform's factory configuration."""

    def __post_init__(self) -> None:
        if self.platform not in SYNTAXES:
            known = ", ".join(sorted(SYNTAXES))
            raise ValueError(f"no emulation for platform {self.platform!r} (have {known})")


def factory_config(spec: DeviceSpec, username: str) -> str:
    """A plausible out-of-the-box configuration: reachable, and not hardened.

    Settings the device shows in both states (``ip http server`` / ``no ip http server``)
    are listed in their default state, as a real device shows them."""
    if spec.platform == "fortinet":
        return "\n".join(
            [
                "config system global",
                f'    set hostname "{spec.name}"',
                "    set admin-telnet enable",
                "    set admintimeout 480",
                "config system interface",
                '    edit "mgmt"',
                "        set ip 192.168.1.99 255.255.255.0",
                "        set allowaccess ping https ssh http telnet",
            ]
        )
    if spec.platform.startswith("huawei"):
        return "\n".join(
            [
                f"sysname {spec.name}",
                "telnet server enable",
                "http server enable",
                "http secure-server enable",
                "ssh server compatible-ssh1x enable",
                "snmp-agent community read cipher %^%#public%^%#",
                "snmp-agent sys-info version v2c v3",
                "aaa",
                f" local-user {username} password irreversible-cipher $1c$fakehash$",
                f" local-user {username} privilege level 15",
                f" local-user {username} service-type ssh telnet",
                "user-interface vty 0 4",
                " authentication-mode aaa",
                " protocol inbound all",
            ]
        )
    return "\n".join(
        [
            "version 15.2",
            "no service password-encryption",
            f"hostname {spec.name}",
            f"username {username} privilege 15 secret 9 $9$fakehashfakehash",
            "service pad",
            "ip http server",
            "ip http secure-server",
            "ip source-route",
            "snmp-server community public RO",
            "line con 0",
            " logging synchronous",
            "line vty 0 4",
            " login local",
            " transport input telnet ssh",
        ]
    )


@dataclass
class DeviceState:
    spec: DeviceSpec
    username: str
    running: Node = field(default_factory=lambda: Node(""))
    startup: Node = field(default_factory=lambda: Node(""))
    reject: list[re.Pattern[str]] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.reset()

    @property
    def syntax(self) -> Syntax:
        return SYNTAXES[self.spec.platform]

    @property
    def hostname(self) -> str:
        key = "sysname " if self.spec.platform.startswith("huawei") else "hostname "
        for child in self.running.children:
            if child.text.startswith(key):
                return child.text[len(key) :].strip() or self.spec.name
        return self.spec.name

    def reset(self) -> None:
        """Back to the seed: running and saved configuration, no injected faults."""
        with self.lock:
            seed = self.spec.seed or factory_config(self.spec, self.username)
            self.running = parse(seed)
            self.startup = self.running.copy()
            self.reject = []

    def save(self) -> None:
        with self.lock:
            self.startup = self.running.copy()

    def text(self, which: str = "running") -> str:
        with self.lock:
            tree = self.running if which == "running" else self.startup
            body = render(
                hide_defaults(tree, self.spec.platform),
                self.syntax.rules.indent,
                self.syntax.separator,
            )
        return self.syntax.running_text(body, self.hostname)

    def rejects(self, line: str) -> bool:
        return any(p.search(line) for p in self.reject)
