"""What each emulated platform looks like: prompts, sections, messages and displayed config."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from capdo_lab.devices.configtree import TreeRules


@dataclass(frozen=True)
class Opener:
    """A line that opens a section; ``parent`` names the section it must be nested in."""

    pattern: re.Pattern[str]
    tag: str
    parent: str | None = None


@dataclass(frozen=True)
class Syntax:
    platform: str
    fakenos_platform: str
    rules: TreeRules
    openers: tuple[Opener, ...]
    child_words: frozenset[str]
    enter_config: frozenset[str]
    leave_section: str
    leave_config: str
    error: str
    paging: frozenset[str]
    show_running: frozenset[str]
    show_startup: frozenset[str]
    separator: str
    exec_in_config: str
    """Prefix that runs an exec command from configuration mode (``do `` / ``display ``)."""

    def opener(self, text: str, parent_tag: str | None) -> Opener | None:
        for opener in self.openers:
            if opener.parent == parent_tag and opener.pattern.match(text):
                return opener
        return None

    def exec_prompt(self, name: str, privileged: bool) -> str:
        if self.platform == "fortinet":
            return f"{name} # "
        if self.platform.startswith("huawei"):
            return f"<{name}>"
        return f"{name}{'#' if privileged else '>'}"

    def config_prompt(self, name: str, path: list[tuple[str, str]]) -> str:
        """``path`` holds (tag, line) of each open section, outermost first."""
        if self.platform.startswith("huawei"):
            parts = [name]
            for tag, line in path:
                if tag == "interface":
                    parts.append(line.split(maxsplit=1)[1])
                else:
                    words = line.split()
                    parts.append(f"{tag}-{words[1]}" if len(words) > 1 else tag)
            return "[" + "-".join(p for p in parts if p) + "]"
        mode = path[-1][0] if path else ""
        return f"{name}(config{'-' + mode if mode else ''})#"

    def running_text(self, body: str, name: str) -> str:
        if self.platform == "fortinet":  # sections closed by next/end, as FortiOS shows them
            from capdo.network import fortios_exits  # noqa: PLC0415 (import cycle)

            lines = fortios_exits([line for line in body.splitlines() if line.strip()])
            head = "#config-version=FGT6HF-7.2.8-FW-build1639-240313:opmode=0:vdom=0:user=capdo"
            return head + "\n" + "\n".join(lines)
        if self.platform.startswith("huawei"):
            return f"!Software Version V300R021C10SPC100\n#\n{body}\n#\nreturn"
        head = f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n!"
        return f"{head}\n{body}\n!\nend"


def _re(text: str) -> re.Pattern[str]:
    return re.compile(text)


IOS = Syntax(
    platform="cisco_ios",
    fakenos_platform="cisco_ios",
    rules=TreeRules(
        negation="no ",
        displayed_negations=frozenset(
            {
                "ip http server",
                "ip http secure-server",
                "service password-encryption",
                "ip domain lookup",
                "ip source-route",
                "service pad",
                "cdp run",
                "shutdown",
            }
        ),
        single_valued=(
            "hostname ",
            "description ",
            "ip address ",
            "exec-timeout ",
            "transport input ",
            "access-class ",
            "ip ssh version ",
            "login block-for ",
            "login quiet-mode access-class ",
            "logging trap ",
            "clock timezone ",
            "router-id ",
            "banner login ",
            "banner motd ",
            "banner exec ",
            "ip default-gateway ",
            "name ",
        ),
        indent=1,
    ),
    openers=(
        Opener(_re(r"^interface \S+"), "if"),
        Opener(_re(r"^line \S+"), "line"),
        Opener(_re(r"^router \S+"), "router"),
        Opener(_re(r"^vlan \d+$"), "vlan"),
        Opener(_re(r"^ip access-list \S+ \S+"), "nacl"),
        Opener(_re(r"^archive$"), "archive"),
        Opener(_re(r"^vrf definition \S+"), "vrf"),
        Opener(_re(r"^address-family \S+"), "vrf-af", parent="vrf"),
    ),
    child_words=frozenset(
        {
            "description",
            "shutdown",
            "switchport",
            "transport",
            "exec-timeout",
            "access-class",
            "network",
            "passive-interface",
            "router-id",
            "permit",
            "deny",
            "encapsulation",
            "standby",
            "vrf",
            "address-family",
            "exit-address-family",
        }
    ),
    enter_config=frozenset({"configure terminal", "conf t", "configure", "config t"}),
    leave_section="exit",
    leave_config="end",
    error="% Invalid input detected at '^' marker.",
    paging=frozenset({"terminal length 0", "terminal width 511", "terminal no monitor"}),
    show_running=frozenset({"show running-config", "show run", "sh run"}),
    show_startup=frozenset({"show startup-config", "show start"}),
    separator="!",
    exec_in_config="do ",
)

VRP = Syntax(
    platform="huawei_vrp",
    fakenos_platform="huawei_vrp",
    rules=TreeRules(
        negation="undo ",
        displayed_negations=frozenset(
            {
                "http server enable",
                "http secure-server enable",
                "telnet server enable",
                "ssh server compatible-ssh1x enable",
                "info-center enable",
                "shutdown",
            }
        ),
        single_valued=(
            "sysname ",
            "description ",
            "ip address ",
            "idle-timeout ",
            "protocol inbound ",
            "authentication-mode ",
            "clock timezone ",
            "header login ",
            "local-aaa-user wrong-password ",
            "snmp-agent sys-info version ",
        ),
        indent=1,
    ),
    openers=(
        Opener(_re(r"^interface \S+"), "interface"),
        Opener(_re(r"^user-interface \S+"), "ui"),
        Opener(_re(r"^aaa$"), "aaa"),
        Opener(_re(r"^ospf \d+"), "ospf"),
        Opener(_re(r"^area \S+"), "area", parent="ospf"),
        Opener(_re(r"^vlan \d+$"), "vlan"),
        Opener(_re(r"^acl (number )?\d+"), "acl"),
    ),
    child_words=frozenset(
        {
            "description",
            "shutdown",
            "port",
            "idle-timeout",
            "protocol",
            "authentication-mode",
            "network",
            "rule",
            "local-user",
            "local-aaa-user",
            "silent-interface",
            "dot1q",
            "vrrp",
        }
    ),
    enter_config=frozenset({"system-view", "sys"}),
    leave_section="quit",
    leave_config="return",
    error="Error: Unrecognized command found at '^' position.",
    paging=frozenset({"screen-length 0 temporary", "screen-width 512"}),
    show_running=frozenset({"display current-configuration", "dis cur"}),
    show_startup=frozenset({"display saved-configuration", "dis saved"}),
    separator="#",
    exec_in_config="display ",
)

# Huawei USG firewalls speak VRP, with zones, object sets and a security policy on top
USG = replace(
    VRP,
    platform="huawei_usg",
    openers=(
        *VRP.openers,
        Opener(_re(r"^firewall zone name \S+"), "zone"),
        Opener(_re(r"^security-policy$"), "policy-security"),
        Opener(_re(r"^rule name \S+"), "policy-security-rule", parent="policy-security"),
        Opener(_re(r"^ip (service|address)-set \S+"), "object"),
        Opener(_re(r"^profile type \S+ name \S+"), "profile"),
        Opener(_re(r"^signature-set name \S+"), "signature", parent="profile"),
    ),
    child_words=VRP.child_words
    | frozenset(
        {
            "set",
            "add",
            "source-zone",
            "destination-zone",
            "destination-address",
            "service",
            "profile",
            "policy",
            "action",
            "vlan-type",
            "service-manage",
            "http-detect",
            "smtp-detect",
            "address",
        }
    ),
)

# FortiOS has no configuration mode: its shell is capdo_lab.devices.fortios.FortiShell; this
# entry gives the tree rules and how the configuration is displayed
FORTIOS = Syntax(
    platform="fortinet",
    fakenos_platform="fortinet",
    rules=TreeRules(negation="unset ", indent=4),
    openers=(),
    child_words=frozenset(),
    enter_config=frozenset(),
    leave_section="next",
    leave_config="end",
    error="Command fail. Return code -61",
    paging=frozenset(),
    show_running=frozenset({"show"}),
    show_startup=frozenset(),
    separator="",
    exec_in_config="",
)

SYNTAXES: dict[str, Syntax] = {
    "cisco_ios": IOS,
    "huawei_vrp": VRP,
    "huawei_usg": USG,
    "fortinet": FORTIOS,
}
