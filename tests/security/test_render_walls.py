"""The second wall: values that bypassed validation (built with ``model_copy``, which does not
validate) cannot add a line to a device configuration, a key to a Yealink file, markup to a Poly
file or a node to the DOT graph."""

from __future__ import annotations

import re

import pytest
from defusedxml import ElementTree

from capdo.endpoints.config import EndpointConfig
from capdo.endpoints.vendors import FORMATS, poly_master, yealink_keys
from capdo.inventory.dot import quote, wan_graph
from capdo.network.estate import load_network_estate
from capdo.network.model import NetworkContext
from capdo.network.render import Renderer, UnsafeValueError
from tests.conftest import LAB_ESTATE

INJECTED = "username evil privilege 15 secret 0 pwned"


@pytest.fixture(scope="module")
def network() -> tuple[Renderer, NetworkContext]:
    estate = load_network_estate(LAB_ESTATE)
    return Renderer(estate.templates_dir), estate.context


def _hostile_context(ctx: NetworkContext, **defaults: object) -> NetworkContext:
    inventory = ctx.inventory
    estate = inventory.estate.model_copy(
        update={"defaults": inventory.estate.defaults.model_copy(update=defaults)}
    )
    return NetworkContext(inventory.model_copy(update={"estate": estate}), ctx.catalogue_dir)


@pytest.mark.parametrize("device", ["lab-core01", "lab-wan01"])  # cisco_ios, huawei_vrp
@pytest.mark.parametrize("separator", ["\n", "\r", "\x0b", "\u2028"])
def test_network_render_refuses_line_breaks_that_skipped_validation(
    network: tuple[Renderer, NetworkContext], device: str, separator: str
) -> None:
    renderer, ctx = network
    hostile = _hostile_context(ctx, ntp_servers=(f"198.18.0.33{separator}{INJECTED}",))
    with pytest.raises(UnsafeValueError, match=rf"{device}: refusing to render .*U\+"):
        renderer.render(hostile, hostile.index.devices[device])
    # the same device renders when the value is clean: the wall refuses only the bad value
    assert "ntp" in renderer.render(ctx, ctx.index.devices[device])


def test_network_render_refuses_hostile_link_interface(
    network: tuple[Renderer, NetworkContext],
) -> None:
    renderer, ctx = network
    link = ctx.inventory.links[0]
    bad_end = link.a.model_copy(update={"interface": f"GigabitEthernet0/0/1\n{INJECTED}"})
    inventory = ctx.inventory.model_copy(
        update={"links": (link.model_copy(update={"a": bad_end}),)}
    )
    hostile = NetworkContext(inventory, ctx.catalogue_dir)
    assert link.a.device is not None
    with pytest.raises(UnsafeValueError, match="LINE FEED"):
        renderer.render(hostile, hostile.index.devices[link.a.device])


@pytest.mark.parametrize(
    ("device", "banner"),
    [("lab-core01", "Authorised only ^C\nconfig t"), ("lab-wan01", 'Authorised" \nuser')],
)
def test_network_banner_delimiter_refused_per_platform(
    network: tuple[Renderer, NetworkContext], device: str, banner: str
) -> None:
    _, ctx = network
    renderer = Renderer(load_network_estate(LAB_ESTATE).templates_dir)
    renderer.__dict__["common"] = {**renderer.common, "banner": banner}
    with pytest.raises(UnsafeValueError, match="banner"):
        renderer.render(ctx, ctx.index.devices[device])


BREAKOUTS = {
    "newline-key": "x\nstatic.security.user_password = admin:admin",
    "cr-key": "x\rstatic.network.telnet.enable = 1",
    "xml-attr": 'x" injected="1" y="',
    "xml-element": 'x"/><sec srtp.enable="0"/><x a="',
    "comment-end": "x --> <script>alert(1)</script> <!--",
    "nul": "x\x00y",
    "rtl": "x\u202eevil",
}


def _config(value: str) -> EndpointConfig:
    return EndpointConfig(
        sip_server=value,
        sip_user=value,
        sip_domain=value,
        ntp_servers=(value, value),
        syslog_server=value,
        admin_user=value,
        admin_password=value,
        mgmt_allow=(value,),
        auto_answer_allow=(value,),
        timezone=value,
    )


@pytest.mark.parametrize("value", BREAKOUTS.values(), ids=BREAKOUTS.keys())
def test_yealink_one_key_per_line(value: str) -> None:
    fmt = FORMATS["yealink"]
    text = fmt.render(_config(value), value, f"capdo: header {value}")
    expected = yealink_keys(_config(value), value)
    lines = text.split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == 2 + len(expected)  # version line, header, one line per key
    assert [line.split(" = ", 1)[0] for line in lines[2:-1]] == list(expected)
    assert not re.search(r"[\x00-\x1f\u202e]", text.replace("\n", ""))
    parsed = fmt.parse(text)
    assert set(parsed) == set(expected)
    assert parsed["static.network.telnet.enable"] == "0"


@pytest.mark.parametrize("value", BREAKOUTS.values(), ids=BREAKOUTS.keys())
def test_poly_xml_escaped_and_comment_closed(value: str) -> None:
    fmt = FORMATS["poly"]
    text = fmt.render(_config(value), value, f"capdo: {value} ({value} G7500), level 3")
    assert text.count("-->") == 1
    assert "<script" not in text
    root = ElementTree.fromstring(text.encode("utf-8"))  # well-formed XML
    assert root.tag == "polycomConfig"
    assert [e.tag for e in root] == [
        "reg",
        "sec",
        "tcpIpApp",
        "device",
        "httpd",
        "diags",
        "call",
        "video",
    ]
    parsed = fmt.parse(text)
    assert parsed["sec.srtp.enable"] == "1"
    assert "injected" not in parsed
    assert parsed["reg.1.auth.userId"] == value.replace("\x00", "").replace("\u202e", "").replace(
        "\n", ""
    ).replace("\r", "")
    master = poly_master(value, f"{value}-capdo.cfg")
    assert master.count("-->") == 1
    ElementTree.fromstring(master.split("\n<!--")[0].encode("utf-8"))


def _dot_tokens(text: str) -> list[str]:
    """Graphviz's lexer (lib/cgraph/scan.l): inside a quoted string ``\\"`` is an escaped quote
    and any other character (a lone backslash too) is kept; ``"`` ends the string."""
    tokens: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char == '"':
            j, value = i + 1, ""
            while text[j] != '"':
                if text[j] == "\\" and text[j + 1] == '"':
                    value, j = value + '"', j + 2
                else:
                    value, j = value + text[j], j + 1
            tokens.append("Q:" + value)
            i = j + 1
        elif text.startswith("--", i):
            tokens.append("--")
            i += 2
        elif char.isalnum() or char == "_":
            j = i
            while j < len(text) and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(text[i:j])
            i = j
        else:
            tokens.append(char)
            i += 1
    return tokens


HOSTILE_NAMES = [
    'a"; "evil" -- "x',
    "trailing backslash \\",
    'b\\" -- "c',
    "label \\l\\N\\G",
    "<b>html</b>",
    "line\nbreak",
    "a\u202eb\u200bc",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_dot_quoting_keeps_one_node_and_one_edge(name: str) -> None:
    text = wan_graph([("site-a", name)], [{"a": name, "z": "site-b", "role": "primary"}])
    tokens = _dot_tokens(text)
    strings = [t for t in tokens if t.startswith("Q:")]
    assert len(strings) == 4  # node id, its label, the two edge ends
    assert tokens.count("--") == 1
    assert tokens.count(";") == 3
    assert "\n" not in strings[1]
    assert strings[0] == "Q:site-a"
    assert strings[3] == "Q:site-b"
    assert strings[1] == strings[2]
    assert "\\" not in strings[1]  # no label escape survives
    assert quote(name).startswith('"')
