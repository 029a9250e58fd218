"""The command line of one SSH session: exec and configuration modes, show/display, save."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from capdo_lab.devices.configtree import Node, apply
from capdo_lab.devices.state import DeviceState

BANNER = re.compile(r"^banner (login|motd|exec) (\S.*)$")
RESET_INTERFACE = {
    "cisco_ios": "default interface ",
    "huawei_vrp": "clear configuration interface ",
    "huawei_usg": "clear configuration interface ",
}
ExtraOutput = Callable[[str], str | None]


@dataclass
class Section:
    tag: str
    node: Node
    indent: int


@dataclass
class Reply:
    output: str = ""
    close: bool = False


@dataclass
class Shell:
    """Feed it one line at a time; it answers with output and knows its prompt."""

    state: DeviceState
    extra: ExtraOutput = lambda _command: None
    """Answers for other exec commands (fakenos's platform data: show version, ...)."""
    enable_secret: str | None = None
    privileged: bool = False
    config: bool = False
    sections: list[Section] = field(default_factory=list)
    pending: str | None = None
    """A question waiting for its answer: "enable", "save" or "copy"."""
    banner: list[str] | None = None
    """Lines of a multi-line banner being typed, until its delimiter comes back."""
    banner_end: str = "^C"

    def __post_init__(self) -> None:
        if self.state.spec.platform.startswith("huawei"):
            self.privileged = True

    @property
    def prompt(self) -> str:
        if self.pending == "enable":
            return "Password: "
        if self.pending == "save":
            return ""
        if self.pending == "copy":
            return "Destination filename [startup-config]? "
        syntax = self.state.syntax
        name = self.state.hostname
        if self.config:
            return syntax.config_prompt(name, [(s.tag, s.node.text) for s in self.sections])
        return syntax.exec_prompt(name, self.privileged)

    def feed(self, raw: str) -> Reply:
        if self.pending is not None:
            return self._answer(raw.strip())
        line = raw.rstrip()
        if not line.strip():
            return Reply()
        if self.config:
            return self._config_line(line)
        return self._exec(line.strip())

    # --- questions --------------------------------------------------------------------------

    def _answer(self, answer: str) -> Reply:
        question, self.pending = self.pending, None
        if question == "enable":
            if answer == (self.enable_secret or ""):
                self.privileged = True
                return Reply()
            return Reply("% Access denied")
        if question == "save":
            if answer.lower().startswith("y"):
                self.state.save()
                return Reply(
                    "Now saving the current configuration to the slot 0.\n"
                    "Info: Save the configuration successfully."
                )
            return Reply()
        self.state.save()
        return Reply("Building configuration...\n[OK]")

    # --- exec mode --------------------------------------------------------------------------

    def _exec(self, command: str) -> Reply:  # noqa: C901, PLR0912 -- one branch per emulated command
        syntax = self.state.syntax
        vrp = self.state.spec.platform.startswith("huawei")
        if command in syntax.paging:
            if vrp:
                return Reply(
                    "Info: The configuration takes effect on the current user terminal "
                    "interface only."
                )
            return Reply()
        if command in ("exit", "quit", "logout") and not (vrp and self.config):
            return Reply(close=True)
        if not vrp and command in ("enable", "en"):
            if self.enable_secret:
                self.pending = "enable"
            else:
                self.privileged = True
            return Reply()
        if not vrp and command == "disable":
            self.privileged = False
            return Reply()
        if not self.privileged:
            return Reply(syntax.error)
        if command in syntax.show_running:
            return Reply(self.state.text("running"))
        if command in syntax.show_startup:
            return Reply(self.state.text("startup"))
        if command in syntax.enter_config:
            self.config, self.sections = True, []
            if vrp:
                return Reply("Enter system view, return user view with return command.")
            return Reply("Enter configuration commands, one per line.  End with CNTL/Z.")
        if vrp and command == "save":
            self.pending = "save"
            return Reply(
                "Warning: The current configuration will be written to the device. Continue? [Y/N]:"
            )
        if not vrp and command in ("write", "write memory", "write mem", "wr"):
            self.state.save()
            return Reply("Building configuration...\n[OK]")
        if not vrp and command in ("copy running-config startup-config", "copy run start"):
            self.pending = "copy"
            return Reply()
        answer = self.extra(command)
        if answer is not None:
            return Reply(answer)
        return Reply(syntax.error)

    # --- configuration mode -----------------------------------------------------------------

    def _config_line(self, line: str) -> Reply:
        syntax = self.state.syntax
        text = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if self.banner is not None or BANNER.match(text):
            return self._banner_line(text)
        if text in (syntax.leave_config, "\x1a"):
            self.config, self.sections = False, []
            return Reply()
        if text == syntax.leave_section:
            if self.sections:
                self.sections.pop()
            elif self.state.spec.platform.startswith("huawei"):
                self.config = False
            else:
                self.config = False
            return Reply()
        if text.startswith(syntax.exec_in_config):
            command = text if syntax.exec_in_config == "display " else text[3:].strip()
            return self._exec(command)
        if self.state.rejects(text):
            return Reply(syntax.error)
        reset = RESET_INTERFACE.get(self.state.spec.platform)
        if reset is not None and indent == 0 and text.startswith(reset):
            return self._reset_interface(text[len(reset) :].strip())
        with self.state.lock:
            self._place(text, indent)
        return Reply()

    def _reset_interface(self, name: str) -> Reply:
        """``default interface X`` (IOS) / ``clear configuration interface X`` (VRP): the
        port keeps existing with its factory settings."""
        with self.state.lock:
            node = self.state.running.find(f"interface {name}")
            if node is None:
                return Reply(self.state.syntax.error)
            node.children = []
        self.sections = []
        return Reply()

    def _banner_line(self, text: str) -> Reply:
        """IOS banners: ``banner login ^C`` then text lines then ``^C`` (or all on one line)."""
        if self.banner is None:
            match = BANNER.match(text)
            assert match is not None
            rest = match.group(2)
            self.banner_end = "^C" if rest.startswith("^C") else rest[:1]
            self.banner = [text]
            if rest[len(self.banner_end) :].find(self.banner_end) < 0:
                return Reply()
        else:
            self.banner.append(text)
            if self.banner_end not in text:
                return Reply()
        lines, self.banner = self.banner, None
        if self.banner_end != "^C":  # IOS displays any typed delimiter as ^C
            lines = [line.replace(self.banner_end, "^C") for line in lines]
        with self.state.lock:
            apply(self.state.running, "\n".join(lines), self.state.syntax.rules)
        self.sections = []
        return Reply()

    def _place(self, text: str, indent: int) -> None:
        syntax = self.state.syntax
        if indent > 0:
            while self.sections and self.sections[-1].indent >= indent:
                self.sections.pop()
        elif self.sections and not self._stays_inside(text):
            self.sections = []
        parent_tag = self.sections[-1].tag if self.sections else None
        opener = syntax.opener(text, parent_tag)
        if opener is None and parent_tag is not None and indent == 0:
            # a nested opener typed flat (VRP "area 0.0.0.1" inside "ospf 1")
            opener = syntax.opener(text, None)
            if opener is not None:
                self.sections = []
        parent = self.sections[-1].node if self.sections else self.state.running
        node = apply(parent, text, syntax.rules)
        if opener is not None and node is not None:
            self.sections.append(Section(opener.tag, node, indent))

    def _stays_inside(self, text: str) -> bool:
        syntax = self.state.syntax
        if syntax.opener(text, self.sections[-1].tag) is not None:
            return True
        words = text.split()
        first = words[0]
        if first == syntax.rules.negation.strip() and len(words) > 1:
            first = words[1]
        if syntax.opener(text, None) is not None:
            return False
        return first in syntax.child_words
