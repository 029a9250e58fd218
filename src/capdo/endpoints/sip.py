"""SIP messages (RFC 3261): an OPTIONS request, a response parser, and the product token.

Only what a capability probe needs: the request is complete (Via with branch, Max-Forwards,
From with tag, To, Call-ID, CSeq, Contact, Accept, Content-Length) so real user agents and
``sipp`` answer it; the parser reads the status line and the headers (compact forms too).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

CRLF = "\r\n"
COMPACT = {
    "v": "via",
    "f": "from",
    "t": "to",
    "i": "call-id",
    "m": "contact",
    "l": "content-length",
}


@dataclass(frozen=True)
class SipRequest:
    text: str
    call_id: str
    branch: str


def options_request(
    target_host: str,
    target_port: int,
    transport: str,
    local_host: str,
    local_port: int,
    *,
    user: str = "capdo",
    request_user: str | None = None,
) -> SipRequest:
    """An OPTIONS request to ``sip(s):[user@]host:port``."""
    scheme = "sips" if transport == "tls" else "sip"
    ruser = f"{request_user}@" if request_user else ""
    uri = f"{scheme}:{ruser}{target_host}:{target_port}"
    branch = "z9hG4bK" + secrets.token_hex(8)
    call_id = secrets.token_hex(12) + "@capdo"
    tag = secrets.token_hex(4)
    via_transport = {"udp": "UDP", "tcp": "TCP", "tls": "TLS"}[transport]
    lines = [
        f"OPTIONS {uri} SIP/2.0",
        f"Via: SIP/2.0/{via_transport} {local_host}:{local_port};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: <{scheme}:{user}@{local_host}>;tag={tag}",
        f"To: <{uri}>",
        f"Call-ID: {call_id}",
        "CSeq: 1 OPTIONS",
        f"Contact: <{scheme}:{user}@{local_host}:{local_port}>",
        "Accept: application/sdp",
        "User-Agent: capdo-probe",
        "Content-Length: 0",
    ]
    return SipRequest(CRLF.join(lines) + CRLF + CRLF, call_id, branch)


@dataclass(frozen=True)
class SipResponse:
    status: int
    reason: str
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def product(self) -> str | None:
        """The User-Agent (or Server) header: vendor, model and firmware."""
        return self.header("user-agent") or self.header("server")


class SipParseError(ValueError):
    pass


_STATUS = re.compile(r"^SIP/2\.0 (\d{3}) ?(.*)$")


def parse_response(data: bytes) -> SipResponse:
    text = data.decode("utf-8", errors="replace")
    head = text.split(CRLF + CRLF, 1)[0]
    lines = head.split(CRLF) if CRLF in head else head.split("\n")
    match = _STATUS.match(lines[0].strip()) if lines else None
    if match is None:
        raise SipParseError(f"not a SIP response: {lines[0][:60]!r}" if lines else "empty")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        headers.setdefault(COMPACT.get(key, key), value.strip())
    return SipResponse(int(match.group(1)), match.group(2).strip(), headers)


def message_length(buffer: bytes) -> int | None:
    """Bytes of the first complete message in a stream buffer, or None if incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].decode("utf-8", errors="replace")
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() in {"content-length", "l"}:
            try:
                length = int(value.strip())
            except ValueError:
                length = 0
    total = end + 4 + length
    return total if len(buffer) >= total else None


@dataclass(frozen=True)
class Product:
    vendor: str | None
    model: str | None
    firmware: str | None


_VERSION = re.compile(r"(?:^|[\s/])(?:ce|v)?(\d+(?:\.\d+){1,4})(?=$|[\s;,)/])")
_VENDORS = {
    "yealink": "yealink",
    "polycom": "poly",
    "poly": "poly",
    "cisco": "cisco",
    "huawei": "huawei",
    "avaya": "avaya",
}
_VENDOR_TOKENS = re.compile(r"\b(?:Yealink|Polycom|Poly|Cisco|Huawei|Avaya)\b|\bSIP-", re.I)


def parse_product(text: str | None) -> Product:
    """Vendor, model and firmware from a User-Agent/Server value, e.g.
    ``Yealink VC200 63.345.0.10``, ``Poly/G7500 4.1.2``, ``Cisco/Webex Room Kit ce11.14.2.3``."""
    if not text:
        return Product(None, None, None)
    lowered = text.lower()
    vendor = next((v for k, v in _VENDORS.items() if lowered.startswith(k)), None)
    versions = list(_VERSION.finditer(text))
    firmware = versions[-1].group(1) if versions else None
    model_text = (
        text[: versions[-1].start()] + " " + text[versions[-1].end() :] if versions else text
    )
    model_text = _VENDOR_TOKENS.sub(" ", model_text)
    model = re.sub(r"[/\s]+", " ", model_text).strip(" -/") or None
    return Product(vendor, model, firmware)
