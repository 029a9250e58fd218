"""Pure functions as data: SIP responses and product tokens, firmware order, fault specs."""

from __future__ import annotations

import pytest

from capdo.endpoints.policy import at_least, version_key
from capdo.endpoints.sip import message_length, options_request, parse_product, parse_response
from capdo_lab.endpoints import EmulatedSpec, UnknownFault, sip_reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yealink VC200 63.345.0.10", ("yealink", "VC200", "63.345.0.10")),
        ("Yealink SIP-T46S 66.86.0.15", ("yealink", "T46S", "66.86.0.15")),
        ("Poly/G7500 4.1.2", ("poly", "G7500", "4.1.2")),
        ("Cisco/Webex Room Kit ce11.14.2.3", ("cisco", "Webex Room Kit", "11.14.2.3")),
        ("sipp", (None, "sipp", None)),
        (None, (None, None, None)),
    ],
)
def test_product_from_user_agent(text: str | None, expected: tuple[object, ...]) -> None:
    product = parse_product(text)
    assert (product.vendor, product.model, product.firmware) == expected


@pytest.mark.parametrize(
    ("version", "minimum", "ok"),
    [
        ("63.345.0.10", "63.345.0.10", True),
        ("63.345.0.9", "63.345.0.10", False),
        ("4.1.10", "4.1.2", True),
        ("ce11.14.2.3", "11.14.2.4", False),
    ],
)
def test_firmware_order_is_numeric(version: str, minimum: str, ok: bool) -> None:
    assert at_least(version, minimum) is ok
    assert version_key("63.345.0.10") == (63, 345, 0, 10)


def test_emulated_reply_answers_the_probe_request() -> None:
    request = options_request("127.0.0.1", 5061, "tls", "127.0.0.1", 40000)
    assert request.text.startswith("OPTIONS sips:127.0.0.1:5061 SIP/2.0\r\n")
    reply = sip_reply(request.text.encode(), "Poly/G7500 4.1.2")
    assert reply is not None
    assert message_length(reply) == len(reply)
    response = parse_response(reply)
    assert response.status == 200
    assert response.header("call-id") == request.call_id
    assert response.product == "Poly/G7500 4.1.2"
    assert sip_reply(b"GET / HTTP/1.1\r\n\r\n", "x") is None


def test_faults_are_checked_and_firmware_is_lowered() -> None:
    spec = EmulatedSpec("e", "yealink", "VC200", "63.345.0.10", faults=frozenset({"old-firmware"}))
    assert spec.user_agent == "Yealink VC200 62.345.0.10"
    with pytest.raises(UnknownFault):
        EmulatedSpec("e", "yealink", "VC200", "1", faults=frozenset({"melted"}))
    factory = EmulatedSpec("e", "poly", "G7500", "4.1.2").running_config()
    assert (factory.http, factory.auto_answer, factory.snmp) == (True, "any", "v2c")
