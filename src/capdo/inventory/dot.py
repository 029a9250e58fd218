"""Graphviz DOT text for ``capdo inventory graph --format dot``, every name quoted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from capdo.inventory.strings import unsafe_char

BACKSLASH_STANDIN = "\u29f5"
"""REVERSE SOLIDUS OPERATOR: shown where a name has a backslash. Graphviz reads ``\\"`` as an
escaped quote even after another backslash, and ``\\l``, ``\\N``... as label escapes, so a
backslash cannot be escaped safely in a DOT string."""


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string that cannot end early or change the graph:
    quotes escaped, backslashes replaced, control and invisible characters dropped (the model
    refuses them; this is the second wall)."""
    while (bad := unsafe_char(text)) is not None:
        text = text.replace(bad, "")
    return '"' + text.replace("\\", BACKSLASH_STANDIN).replace('"', '\\"') + '"'


def wan_graph(nodes: Iterable[tuple[str, str]], edges: Iterable[Mapping[str, object]]) -> str:
    """``graph wan {...}``: nodes as (id, label); edges with ``a``, ``z`` and ``role``."""
    lines = ["graph wan {", "  node [shape=box];"]
    lines.extend(f"  {quote(node)} [label={quote(label)}];" for node, label in nodes)
    for edge in edges:
        style = "solid" if edge["role"] == "primary" else "dashed"
        lines.append(f"  {quote(str(edge['a']))} -- {quote(str(edge['z']))} [style={style}];")
    lines.append("}")
    return "\n".join(lines)
