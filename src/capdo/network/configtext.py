"""Read a running configuration as the device prints it, then mask its secrets.

Real devices and the tools that collect their configs produce text that a strict parser
refuses: CRLF line endings, a collector's header before the config, banners typed with a real
control byte, a line repeated (two ``description`` lines, ``ip dhcp excluded-address`` twice),
a whole section repeated, indentation lost on the way. A device is never wrong for its own
config: this module reads the text as the device would (a repeated line is one line, a
repeated section is one section with both bodies), builds the hier_config tree from that, and
masks secrets *after* parsing, numbering each distinct secret so that distinct lines stay
distinct. What still cannot be read (a banner never closed, bytes that are not UTF-8) is a
:class:`ConfigReadError` with the line number, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hier_config import Platform, get_hconfig
from hier_config.exceptions import DuplicateChildError

from capdo.errors import CapdoError

if TYPE_CHECKING:
    from capdo.network.platforms import PlatformInfo

MASK = "******"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
BANNER_START = re.compile(r"^banner (\S+) ?(.*)$")


class ConfigReadError(CapdoError):
    """A config the reader cannot make sense of: where and why."""

    handled_apart = True

    def __init__(self, line: int, reason: str) -> None:
        super().__init__("network.error.config-read", line=line, reason=reason)
        self.args = (f"line {line}: {reason}",)  # as before the key
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class MaskRule:
    """A secret-bearing line: group 1 is kept, group 2 is the secret; with ``parent``, only
    inside a section one of whose enclosing lines matches it (FortiOS ``set name`` is a
    secret only under ``config system snmp community``, two levels up)."""

    pattern: re.Pattern[str]
    parent: re.Pattern[str] | None = None


@dataclass
class Masker:
    """Masks secrets of one device, the same secret always with the same number."""

    rules: tuple[MaskRule, ...]
    seen: dict[str, int] = field(default_factory=dict)

    def token(self, secret: str) -> str:
        if secret.startswith(MASK):
            return secret
        number = self.seen.setdefault(secret, len(self.seen) + 1)
        return f"{MASK}({number})"

    def line(self, text: str, parent: str | tuple[str, ...] | None = None) -> str:
        """One line (its indentation kept); ``parent`` is the section it sits in, or the
        sections enclosing it (innermost last)."""
        indent = text[: len(text) - len(text.lstrip(" "))]
        text = text.lstrip(" ")
        enclosing = (parent,) if isinstance(parent, str) else parent or ()
        for rule in self.rules:
            if rule.parent is not None and not any(rule.parent.search(p) for p in enclosing):
                continue
            text = rule.pattern.sub(lambda m: f"{m.group(1)} {self.token(m.group(2))}", text)
        return indent + text

    def lines(self, lines: list[str] | tuple[str, ...]) -> list[str]:
        """Indented lines (a remediation): each line masked with its section as context."""
        out: list[str] = []
        stack: list[tuple[int, str]] = []
        for raw in lines:
            depth = len(raw) - len(raw.lstrip(" "))
            while stack and stack[-1][0] >= depth:
                stack.pop()
            out.append(self.line(raw, tuple(text for _, text in stack)))
            stack.append((depth, raw.strip()))
        return out


@dataclass
class Node:
    text: str
    line: int
    children: dict[str, Node] = field(default_factory=dict)

    def add(self, text: str, line: int) -> Node:
        """A repeated line is the same line (its children merge), as on the device."""
        found = self.children.get(text)
        if found is None:
            found = self.children[text] = Node(text, line)
        return found


@dataclass(frozen=True)
class ReadConfig:
    """A config read: the normalised text (masked if asked) and the hier_config tree."""

    text: str
    tree: Any
    merged: int
    """How many repeated lines were read as one."""


def normalise_lines(info: PlatformInfo, text: str) -> list[tuple[int, str]]:
    """(line number, line) after line endings, control bytes, headers and noise are dealt with."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cleaned: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = ANSI.sub("", raw).replace("\x03", "^C").replace("\t", " ")
        while "\x08" in line:  # a backspace erases the character before it
            line = re.sub(r"[^\x08]\x08", "", line, count=1).lstrip("\x08")
        line = CONTROL.sub("", line).rstrip()
        cleaned.append((number, line))
    if info.config_start is not None:
        start = next(
            (i for i, (_, line) in enumerate(cleaned) if info.config_start.search(line)), None
        )
        if start is not None:
            cleaned = cleaned[start:]
    kept: list[tuple[int, str]] = []
    in_banner = False
    base: int | None = None
    for number, shown in cleaned:
        line = shown
        if info.block_separator and line.strip() == info.block_separator:
            base = None  # VRP: "#" closes a block; the next line starts at the top level
            continue
        if info.block_separator and line.strip():
            indent = len(line) - len(line.lstrip(" "))
            if base is None or indent < base:
                base = indent
            line = line[base:]
        if in_banner:
            kept.append((number, line))
            in_banner = not _banner_ends(line, kept)
            continue
        if not line.strip() or any(p.search(line.strip()) for p in info.noise):
            continue
        if BANNER_START.match(line) and info.name == "cisco_ios":
            in_banner = _banner_opens(line)
        kept.append((number, line))
    if not any(line.startswith(" ") for _, line in kept):
        kept = _restore_indentation(info, kept)
    return kept


def _banner_delimiter(line: str) -> str:
    match = BANNER_START.match(line)
    rest = match.group(2) if match else ""
    return "^C" if rest.startswith("^C") else rest[:1]


def _banner_opens(line: str) -> bool:
    """True when a banner continues below this line (its delimiter is not closed here)."""
    delimiter = _banner_delimiter(line)
    if not delimiter:
        return False
    rest = BANNER_START.match(line).group(2)  # type: ignore[union-attr]
    return delimiter not in rest[len(delimiter) :]


def _banner_ends(line: str, kept: list[tuple[int, str]]) -> bool:
    opener = next(text for _, text in reversed(kept) if BANNER_START.match(text))
    delimiter = _banner_delimiter(opener)
    return line.startswith("^") or delimiter in line


def _restore_indentation(info: PlatformInfo, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Indentation lost on the way (every line flush left): nest the lines a section takes."""
    out: list[tuple[int, str]] = []
    children: re.Pattern[str] | None = None
    for number, line in lines:
        if children is not None and children.search(line):
            out.append((number, " " + line))
            continue
        children = next((kids for head, kids in info.sections if head.search(line)), None)
        out.append((number, line))
    return out


def _tree(info: PlatformInfo, lines: list[tuple[int, str]]) -> tuple[Node, int]:
    root = Node("", 0)
    stack: list[tuple[int, Node]] = [(-1, root)]
    merged = 0
    banner: list[str] = []
    banner_line = 0
    for number, line in lines:
        if banner:
            banner.append(line)
            if _banner_ends(line, [(banner_line, banner[0])]):
                root.add("\n".join(banner), banner_line)
                banner = []
            continue
        if info.name == "cisco_ios" and BANNER_START.match(line) and _banner_opens(line):
            banner, banner_line = [line], number
            stack = [(-1, root)]
            continue
        depth = len(line) - len(line.lstrip(" "))
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        text = " ".join(line.split())
        if text in parent.children:
            merged += 1
        node = parent.add(text, number)
        stack.append((depth, node))
    if banner:
        raise ConfigReadError(banner_line, "banner is never closed")
    return root, merged


def _walk(
    node: Node, depth: int, masker: Masker | None, enclosing: tuple[str, ...]
) -> Iterator[str]:
    for child in node.children.values():
        text = masker.line(child.text, enclosing) if masker is not None else child.text
        yield " " * depth + text
        yield from _walk(child, depth + 1, masker, (*enclosing, child.text))


def read_config(info: PlatformInfo, text: str, masker: Masker | None = None) -> ReadConfig:
    """Read ``text`` as the device prints it; mask secrets (after parsing) with ``masker``."""
    root, merged = _tree(info, normalise_lines(info, text))
    body = "\n".join(_walk(root, 0, masker, ())) + "\n"
    try:
        tree = get_hconfig(Platform[info.hier_config.upper()], body)
    except DuplicateChildError as exc:  # the platform's own rules made two lines equal
        raise ConfigReadError(0, str(exc)) from None
    except ValueError as exc:
        raise ConfigReadError(0, str(exc)) from None
    return ReadConfig(body, tree, merged)


def decode(data: bytes) -> str:
    """A backup's bytes as text; not UTF-8 is a located error (line of the first bad byte)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigReadError(line, f"not UTF-8 (byte {exc.start})") from None
