"""JUnit XML for CI: one test case per requirement × target.

``fail`` → ``<failure>``, ``error`` → ``<error>``,
``not_reviewed``/``missing_evidence`` → ``<failure type=...>``
(the system does not meet its level until a person decides), ``waived`` and
``not_applicable`` → ``<skipped>``. One test suite per regime and target kind.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from xml.etree.ElementTree import Element, ElementTree, SubElement

from capdo.compliance import Finding
from capdo.i18n import Lang, t
from capdo.reports.data import ReportData
from capdo.reports.text import detail_text, value_text


def _message(f: Finding, lang: Lang) -> str:
    ev = f.evidence
    if ev is None:
        return f.status
    parts = [
        f"{t('report.col.expected', lang)}: {value_text(ev.expected)}",
        f"{t('report.col.actual', lang)}: {value_text(ev.actual)}",
    ]
    if ev.detail:
        parts.append(detail_text(ev.detail, lang))
    return "; ".join(parts)


def junit_tree(report: ReportData, lang: Lang) -> ElementTree:
    root = Element("testsuites", name=f"capdo {report.estate_id}")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for regime in report.regimes:
        groups: dict[str, list[Finding]] = defaultdict(list)
        for host in regime.hosts:
            groups[host.info.kind].extend(host.findings)
        for system in regime.systems:
            groups["system"].extend(r.findings[0] for r in system.management)
        for kind, findings in groups.items():
            suite = SubElement(root, "testsuite", name=f"{regime.regime}.{kind}")
            counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
            for f in findings:
                info = regime.requirements.get(f.requirement_id)
                title = info.title.get(lang) if info else ""
                case = SubElement(
                    suite,
                    "testcase",
                    classname=f"{regime.regime}.{kind}.{f.target}",
                    name=f"{f.requirement_id} {title}".strip(),
                )
                counts["tests"] += 1
                if f.status == "fail":
                    SubElement(case, "failure", message=_message(f, lang), type="fail")
                    counts["failures"] += 1
                elif f.status in ("not_reviewed", "missing_evidence"):
                    SubElement(
                        case,
                        "failure",
                        message=t(f"report.junit.{f.status}", lang),
                        type=f.status,
                    )
                    counts["failures"] += 1
                elif f.status == "error":
                    SubElement(case, "error", message=_message(f, lang), type="error")
                    counts["errors"] += 1
                elif f.status == "waived":
                    text = t("report.junit.waived", lang, waiver=f.waiver_id or "")
                    SubElement(case, "skipped", message=text)
                    counts["skipped"] += 1
                elif f.status == "not_applicable":
                    SubElement(case, "skipped", message=t("report.junit.not_applicable", lang))
                    counts["skipped"] += 1
            for key, value in counts.items():
                suite.set(key, str(value))
                total[key] += value
    for key, value in total.items():
        root.set(key, str(value))
    return ElementTree(root)


def write_junit(report: ReportData, lang: Lang, path: Path) -> Path:
    junit_tree(report, lang).write(path, encoding="utf-8", xml_declaration=True)
    return path
