"""Malformed or hostile XML is refused with a clear error, never expanded or fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.scap.arf import datastream_rules, parse_results
from capdo.scap.errors import ScapError

X = "http://checklists.nist.gov/xccdf/1.2"
RULE = "xccdf_org.ssgproject.content_rule_"


def _result_doc(results: str) -> str:
    return (
        f'<?xml version="1.0"?>\n<Benchmark xmlns="{X}" id="b">'
        f'<Rule id="{RULE}a" severity="high"><title>Rule A</title></Rule>'
        f'<Rule id="{RULE}b" severity="low"><title>Rule B</title></Rule>'
        f'<TestResult id="tr1"><profile idref="xccdf_org.ssgproject.content_profile_p"/>'
        f"<target>h1</target>{results}<score>50.0</score></TestResult></Benchmark>"
    )


def _rr(rule: str, result: str) -> str:
    return f'<rule-result idref="{RULE}{rule}"><result>{result}</result></rule-result>'


def _write(tmp_path: Path, text: str | bytes, name: str = "x.xml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_minimal_results_document_parses(tmp_path: Path) -> None:
    scan = parse_results(_write(tmp_path, _result_doc(_rr("a", "fail") + _rr("b", "pass"))))
    assert [(r.rule_id, r.result, r.severity, r.title) for r in scan.rules] == [
        ("a", "fail", "high", "Rule A"),
        ("b", "pass", "low", "Rule B"),
    ]
    assert scan.profile == "p"
    assert scan.target == "h1"
    assert scan.score == 50.0


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2"><title>&lol3;</title></Benchmark>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2" id="b">
<TestResult id="t"><rule-result idref="r"><result>pass</result><message>&x;</message>
</rule-result></TestResult></Benchmark>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_are_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(ScapError) as info:
        parse_results(_write(tmp_path, text))
    assert info.value.key == "scap.error.xml-dtd"
    assert "root:" not in info.value.message("en")


def test_doctype_after_a_long_prolog_is_refused(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * 100_000 + " -->\n"
    text = '<?xml version="1.0"?>\n' + padding + XXE.split("\n", 1)[1]
    with pytest.raises(ScapError) as info:
        parse_results(_write(tmp_path, text))
    assert info.value.key == "scap.error.xml-dtd"


def test_external_dtd_reference_is_refused(tmp_path: Path) -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE b SYSTEM "http://198.18.0.1/x.dtd">\n<b/>'
    with pytest.raises(ScapError) as info:
        datastream_rules(_write(tmp_path, text))
    assert info.value.key == "scap.error.xml-dtd"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "scap.error.xml-invalid"),
        (
            "<Benchmark xmlns='http://checklists.nist.gov/xccdf/1.2'><Rule>",
            "scap.error.xml-invalid",
        ),
        ("not xml at all", "scap.error.xml-invalid"),
        (b"\xff\xfe<\x00a\x00", "scap.error.xml-invalid"),
        (
            _result_doc("").replace("<TestResult", "<Other").replace("</TestResult>", "</Other>"),
            "scap.error.no-test-result",
        ),
        (_result_doc(_rr("a", "maybe")), "scap.error.xml-invalid"),
    ],
    ids=["empty", "truncated", "text", "binary", "no-test-result", "unknown-result"],
)
def test_malformed_input_gives_a_clear_error(tmp_path: Path, text: str | bytes, key: str) -> None:
    with pytest.raises(ScapError) as info:
        parse_results(_write(tmp_path, text))
    assert info.value.key == key
    assert info.value.message("vi")
    assert info.value.message("en")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScapError) as info:
        parse_results(tmp_path / "missing.xml")
    assert info.value.key == "scap.error.xml-unreadable"


def test_datastream_without_rules_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScapError) as info:
        datastream_rules(_write(tmp_path, f'<Benchmark xmlns="{X}"/>'))
    assert info.value.key == "scap.error.no-rules"
