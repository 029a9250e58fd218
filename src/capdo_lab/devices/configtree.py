"""A device configuration as a tree of lines, and how one configuration line changes it.

The emulation only needs what a real device does often enough for config pushes to be
meaningful: a line is added once, a negation (``no ...`` / ``undo ...``) removes the line or
section it names, a few single-valued settings replace their previous value, and some
negations are displayed (``no ip http server``) because the default is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Node:
    """One configuration line and the lines nested under it."""

    text: str
    children: list[Node] = field(default_factory=list)

    def find(self, text: str) -> Node | None:
        for child in self.children:
            if child.text == text:
                return child
        return None

    def copy(self) -> Node:
        return Node(self.text, [c.copy() for c in self.children])


@dataclass(frozen=True)
class TreeRules:
    """What a platform's configuration language says about lines (no prompts, no commands)."""

    negation: str
    """``"no "`` or ``"undo "``."""
    displayed_negations: frozenset[str] = frozenset()
    """Settings whose negation is shown in the configuration (the default is on)."""
    single_valued: tuple[str, ...] = ()
    """Prefixes of settings that hold one value: a new line replaces the old one."""
    indent: int = 1


def parse(text: str, indent_hint: int = 1) -> Node:
    """Rebuild a tree from the text the device displays (used to load a seed or startup)."""
    del indent_hint
    root = Node("")
    stack: list[tuple[int, Node]] = [(-1, root)]
    for raw in text.splitlines():
        if not raw.strip() or raw.strip() in ("!", "#", "end", "return", "next"):
            continue
        depth = len(raw) - len(raw.lstrip(" "))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        node = Node(raw.strip())
        stack[-1][1].children.append(node)
        stack.append((depth, node))
    return root


def apply(parent: Node, line: str, rules: TreeRules) -> Node | None:
    """Apply one configuration line under ``parent``; returns the node (for sections)."""
    if line.startswith(rules.negation):
        _negate(parent, line[len(rules.negation) :].strip(), rules)
        return None
    negated = rules.negation + line
    parent.children = [c for c in parent.children if c.text != negated]
    existing = parent.find(line)
    if existing is not None:
        return existing
    for prefix in rules.single_valued:
        if line.startswith(prefix):
            parent.children = [c for c in parent.children if not c.text.startswith(prefix)]
            break
    node = Node(line)
    parent.children.append(node)
    return node


def _negate(parent: Node, target: str, rules: TreeRules) -> None:
    before = len(parent.children)
    exact = [c for c in parent.children if c.text != target]
    if len(exact) == before:
        # "no logging host 1.2.3.4" also removes "logging host 1.2.3.4 transport udp"
        exact = [c for c in parent.children if not c.text.startswith(target + " ")]
    parent.children = exact
    if target in rules.displayed_negations:
        shown = rules.negation + target
        if parent.find(shown) is None:
            parent.children.append(Node(shown))


def render(root: Node, indent: int = 1, separator: str | None = None) -> str:
    """The configuration as the device displays it (``separator`` between top-level blocks)."""
    lines: list[str] = []
    for child in root.children:
        if separator is not None and child.children:
            lines.append(separator)
        lines.extend(_walk(child, 0, indent))
        if separator is not None and child.children:
            lines.append(separator)
    if separator is not None:
        deduped: list[str] = []
        for line in lines:
            if not (deduped and deduped[-1] == separator and line == separator):
                deduped.append(line)
        lines = deduped
        while lines and lines[-1] == separator:
            lines.pop()
    return "\n".join(lines)


def _walk(node: Node, depth: int, indent: int) -> Iterator[str]:
    yield " " * (depth * indent) + node.text
    for child in node.children:
        yield from _walk(child, depth + 1, indent)
