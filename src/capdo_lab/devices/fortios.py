"""The command line of an emulated FortiGate (FortiOS 7): no configuration mode, sections.

``config <path>`` opens a section, ``edit <name>`` an entry in it, ``set <key> <value>``
replaces that key's value, ``unset <key>`` drops it, ``delete <name>`` drops an entry,
``next`` closes an entry, ``end`` closes the section (and saves, as FortiOS does). ``show``
prints what was configured; ``get system status`` and ``get system console`` answer what
netmiko's ``fortinet`` driver asks when it connects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from capdo_lab.devices.configtree import Node
from capdo_lab.devices.state import DeviceState

ERROR = "Command fail. Return code -61"
VERSION = "FortiGate-600F v7.2.8,build1639,240313 (GA.M)"


@dataclass
class Reply:
    output: str = ""
    close: bool = False


@dataclass
class FortiShell:
    state: DeviceState
    pending: str | None = None
    path: list[Node] = field(default_factory=list)

    @property
    def prompt(self) -> str:
        if not self.path:
            return f"{self.state.spec.name} # "
        words = self.path[-1].text.split()
        return f"{self.state.spec.name} ({words[-1].strip(chr(34))}) # "

    def feed(self, raw: str) -> Reply:
        line = raw.strip()
        if not line:
            return Reply()
        command, _, grep = line.partition(" | grep ")
        if not self.path:
            answer = self._top(command.strip())
            if answer is not None:
                return Reply(_grep(answer, grep.strip()))
        return self._config(line)

    def _top(self, command: str) -> str | None:
        if command in ("exit", "quit"):
            return None
        if command == "get system status":
            return (
                f"Version: {VERSION}\nSerial-Number: FG6H0F0000000000\n"
                f"Hostname: {self.state.spec.name}\nVirtual domain configuration: disable\n"
                "Current HA mode: standalone"
            )
        if command == "get system console":
            return "output              : standard\nmode                : line"
        if command in ("show", "show full-configuration"):
            return self.state.text("running")
        return None

    def _config(self, line: str) -> Reply:
        words = line.split(maxsplit=1)
        head = words[0]
        with self.state.lock:
            if head == "exit" and not self.path:
                return Reply(close=True)
            if head == "config" and len(words) == 2:
                parent = self.path[-1] if self.path else self.state.running
                self.path.append(_child(parent, line))
                return Reply()
            if not self.path:
                return Reply("Unknown action 0\n" + ERROR)
            current = self.path[-1]
            if head == "edit" and len(words) == 2 and current.text.startswith("config "):
                self.path.append(_child(current, line))
                return Reply()
            if head == "next" and current.text.startswith("edit "):
                self.path.pop()
                return Reply()
            if head == "end":
                while self.path and self.path.pop().text.startswith("edit "):
                    pass
                self.state.save()  # FortiOS writes the configuration on "end"
                return Reply()
            if head == "set" and len(words) == 2:
                key = words[1].split()[0]
                current.children = [
                    c for c in current.children if not c.text.startswith(f"set {key} ")
                ]
                current.children.append(Node(line))
                return Reply()
            if head == "unset" and len(words) == 2:
                key = words[1].strip()
                current.children = [
                    c for c in current.children if not c.text.startswith(f"set {key} ")
                ]
                return Reply()
            if head == "delete" and len(words) == 2:
                target = f"edit {words[1]}"
                current.children = [c for c in current.children if c.text != target]
                return Reply()
            if head in ("abort", "show", "get"):
                return Reply()
        return Reply("Unknown action 0\n" + ERROR)


def _child(parent: Node, text: str) -> Node:
    found = parent.find(text)
    if found is None:
        found = Node(text)
        parent.children.append(found)
    return found


def _grep(text: str, pattern: str) -> str:
    if not pattern:
        return text
    return "\n".join(line for line in text.splitlines() if re.search(pattern, line))
