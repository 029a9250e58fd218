"""Parse ARF and XCCDF result files (and data streams) safely into plain records.

Safety: a document type declaration is refused outright (OpenSCAP output and SSG content
never carry one, and that is where entity expansion and external entities live); the lxml
parser also runs with entities unresolved, no network, no DTD loading and without the
huge-tree switch. Parsing is streamed (``iterparse`` with elements cleared as they are read),
so a 14 MB intermediary ARF takes a fraction of a second and little memory.

An ARF holds the data stream the scan used (rule titles and severities) and the XCCDF
``TestResult`` (one ``rule-result`` per rule); a plain ``--results`` XCCDF file holds both as
well. Rule results are returned in document order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from lxml import etree

from capdo.scap.errors import ScapError

XCCDF_NS: Final[tuple[str, ...]] = (
    "http://checklists.nist.gov/xccdf/1.2",
    "http://checklists.nist.gov/xccdf/1.1",
)
RULE_PREFIX = "xccdf_org.ssgproject.content_rule_"
PROFILE_PREFIX = "xccdf_org.ssgproject.content_profile_"
RESULTS: Final[frozenset[str]] = frozenset(
    {
        "pass",
        "fail",
        "error",
        "unknown",
        "notapplicable",
        "notchecked",
        "notselected",
        "informational",
        "fixed",
    }
)
_HEAD_BYTES = 64 * 1024
_FORBIDDEN = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One ``rule-result``: the short rule id (without the SSG prefix) and what oscap found."""

    rule_id: str
    result: str
    severity: str
    title: str
    messages: tuple[str, ...] = ()


@dataclass
class ScanResults:
    """The parsed result file: the test result's identity, target, profile and rule results."""

    path: Path
    test_result_id: str = ""
    benchmark_id: str = ""
    profile: str = ""
    target: str = ""
    start_time: str = ""
    end_time: str = ""
    score: float | None = None
    rules: list[RuleResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for rule in self.rules:
            out[rule.result] = out.get(rule.result, 0) + 1
        return dict(sorted(out.items()))

    def failed(self) -> list[RuleResult]:
        return [r for r in self.rules if r.result == "fail"]


def short_rule_id(idref: str) -> str:
    return idref[len(RULE_PREFIX) :] if idref.startswith(RULE_PREFIX) else idref


def short_profile_id(idref: str) -> str:
    return idref[len(PROFILE_PREFIX) :] if idref.startswith(PROFILE_PREFIX) else idref


def _local(tag: object) -> tuple[str, str]:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return "", str(tag)
    ns, _, name = tag[1:].partition("}")
    return ns, name


def check_safe(path: Path) -> None:
    """Refuse a file that is not there, is empty, or declares a DTD or entities."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        raise ScapError("scap.error.xml-unreadable", path=str(path), detail=str(exc)) from exc
    if not head.strip():
        raise ScapError("scap.error.xml-invalid", path=str(path), detail="empty file")
    if _FORBIDDEN.search(head):
        raise ScapError("scap.error.xml-dtd", path=str(path))


def _events(path: Path, tags: tuple[str, ...] | None = None) -> Iterator[tuple[str, Any]]:
    check_safe(path)
    context = etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    first = True
    try:
        for event, element in context:
            if first:
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise ScapError("scap.error.xml-dtd", path=str(path))
                first = False
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise ScapError("scap.error.xml-invalid", path=str(path), detail=str(exc)) from exc


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _release(element: Any) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def parse_results(path: Path) -> ScanResults:  # noqa: C901, PLR0912 -- one pass over hostile XML
    """The last XCCDF ``TestResult`` of an ARF or XCCDF results file, with titles."""
    titles: dict[str, tuple[str, str]] = {}
    found: list[ScanResults] = []
    current: ScanResults | None = None
    depth_rule: list[str] = []
    pending: list[tuple[str, str, str, tuple[str, ...]]] = []
    messages: list[str] = []
    result_value = ""
    for event, el in _events(path):
        ns, name = _local(el.tag)
        if ns not in XCCDF_NS:
            if event == "end" and current is None and not depth_rule:
                _release(el)
            continue
        if event == "start":
            if name == "Rule":
                depth_rule.append(el.get("id", ""))
            elif name == "TestResult":
                current = ScanResults(path, test_result_id=el.get("id", ""))
                current.start_time = el.get("start-time", "")
                current.end_time = el.get("end-time", "")
            elif name == "rule-result":
                messages, result_value = [], ""
            continue
        if name == "title" and depth_rule and el.getparent() is not None:
            _parent_ns, parent_name = _local(el.getparent().tag)
            if parent_name == "Rule" and depth_rule[-1] not in titles:
                titles[depth_rule[-1]] = (_text(el), "")
        elif name == "Rule":
            rule_id = depth_rule.pop() if depth_rule else ""
            title = titles.get(rule_id, ("", ""))[0]
            titles[rule_id] = (title, el.get("severity", "unknown"))
            _release(el)
        elif current is not None:
            if name == "result" and _local(el.getparent().tag)[1] == "rule-result":
                result_value = (el.text or "").strip()
            elif name == "message":
                messages.append(_text(el))
            elif name == "rule-result":
                if result_value not in RESULTS:
                    raise ScapError(
                        "scap.error.xml-invalid",
                        path=str(path),
                        detail=f"unknown result {result_value!r} for {el.get('idref')}",
                    )
                pending.append(
                    (el.get("idref", ""), result_value, el.get("severity", ""), tuple(messages))
                )
                _release(el)
            elif name == "profile" and _local(el.getparent().tag)[1] == "TestResult":
                current.profile = short_profile_id(el.get("idref", ""))
            elif name == "benchmark" and _local(el.getparent().tag)[1] == "TestResult":
                current.benchmark_id = el.get("id", "") or el.get("href", "")
            elif name == "target" and _local(el.getparent().tag)[1] == "TestResult":
                current.target = (el.text or "").strip()
            elif name == "score" and _local(el.getparent().tag)[1] == "TestResult":
                try:
                    current.score = float((el.text or "").strip())
                except ValueError:
                    current.score = None
            elif name == "TestResult":
                current.rules = [
                    RuleResult(
                        short_rule_id(idref),
                        result,
                        severity or titles.get(idref, ("", "unknown"))[1] or "unknown",
                        titles.get(idref, ("", ""))[0],
                        msgs,
                    )
                    for idref, result, severity, msgs in pending
                ]
                found.append(current)
                current, pending = None, []
                _release(el)
    if not found:
        raise ScapError("scap.error.no-test-result", path=str(path))
    return found[-1]


def datastream_rules(path: Path) -> dict[str, str]:
    """Every XCCDF rule of a data stream (short id → title), read in one streamed pass."""
    rules: dict[str, str] = {}
    stack: list[str] = []
    for event, el in _events(path):
        ns, name = _local(el.tag)
        if ns not in XCCDF_NS:
            if event == "end" and not stack:
                _release(el)
            continue
        if name == "Rule":
            if event == "start":
                stack.append(short_rule_id(el.get("id", "")))
                rules.setdefault(stack[-1], "")
            else:
                stack.pop()
                _release(el)
        elif (
            event == "end"
            and name == "title"
            and stack
            and _local(el.getparent().tag)[1] == "Rule"
            and not rules[stack[-1]]
        ):
            rules[stack[-1]] = _text(el)
    if not rules:
        raise ScapError("scap.error.no-rules", path=str(path))
    return rules


def datastream_profiles(path: Path) -> dict[str, str]:
    """Profiles of a data stream (short id → title)."""
    profiles: dict[str, str] = {}
    current: str | None = None
    for event, el in _events(path):
        ns, name = _local(el.tag)
        if ns not in XCCDF_NS:
            if event == "end" and current is None:
                _release(el)
            continue
        if name == "Profile":
            if event == "start":
                current = short_profile_id(el.get("id", ""))
                profiles.setdefault(current, "")
            else:
                current = None
                _release(el)
        elif event == "end" and name == "title" and current and not profiles[current]:
            profiles[current] = _text(el)
        elif event == "end" and name == "Rule":
            _release(el)
    return profiles
