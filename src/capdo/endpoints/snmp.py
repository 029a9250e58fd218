"""A minimal SNMPv2c GET (sysDescr.0) in BER, to test whether default communities answer.

VC.09 asks that SNMP be off or v3 only: an answer to a v2c GET with ``public`` or ``private``
is a failure whatever the configuration says. Only the few BER forms these messages use are
encoded and decoded (short and long lengths, INTEGER, OCTET STRING, NULL, OID, SEQUENCE).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)
DEFAULT_COMMUNITIES = ("public", "private")
GET, RESPONSE = 0xA0, 0xA2


def _length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def integer(value: int) -> bytes:
    return tlv(0x02, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def octets(value: bytes) -> bytes:
    return tlv(0x04, value)


def oid(parts: tuple[int, ...]) -> bytes:
    body = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        rest = part >> 7
        while rest:
            chunk.append(0x80 | (rest & 0x7F))
            rest >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def message(community: str, pdu_tag: int, request_id: int, value: bytes = b"\x05\x00") -> bytes:
    varbind = tlv(0x30, oid(SYS_DESCR) + value)
    pdu = tlv(pdu_tag, integer(request_id) + integer(0) + integer(0) + tlv(0x30, varbind))
    return tlv(0x30, integer(1) + octets(community.encode()) + pdu)


def read_tlv(data: bytes, at: int) -> tuple[int, bytes, int]:
    """(tag, value, next offset) of the element at ``at``; raises ValueError when truncated."""
    if at + 2 > len(data):
        raise ValueError("truncated")
    tag, size, at = data[at], data[at + 1], at + 2
    if size & 0x80:
        count = size & 0x7F
        size = int.from_bytes(data[at : at + count], "big")
        at += count
    if at + size > len(data):
        raise ValueError("truncated")
    return tag, data[at : at + size], at + size


def parse(data: bytes) -> tuple[str, int, int]:
    """(community, PDU tag, request id) of a v2c message; raises ValueError otherwise."""
    tag, body, _ = read_tlv(data, 0)
    if tag != 0x30:
        raise ValueError("not a sequence")
    _, version, at = read_tlv(body, 0)
    if version != b"\x01":
        raise ValueError("not v2c")
    _, community, at = read_tlv(body, at)
    pdu_tag, pdu, _ = read_tlv(body, at)
    _, request_id, _ = read_tlv(pdu, 0)
    return (
        community.decode(errors="replace"),
        pdu_tag,
        int.from_bytes(request_id, "big", signed=True),
    )


class _Client(asyncio.DatagramProtocol):
    def __init__(self, request_id: int) -> None:
        self.request_id = request_id
        self.done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        with contextlib.suppress(ValueError):
            _, tag, request_id = parse(data)
            if tag == RESPONSE and request_id == self.request_id and not self.done.done():
                self.done.set_result(True)

    def error_received(self, exc: Exception) -> None:
        if not self.done.done():
            self.done.set_result(False)


async def community_answers(host: str, port: int, community: str, timeout: float) -> bool:
    """True when a v2c GET with ``community`` gets a response (no answer in time: False)."""
    request_id = secrets.randbelow(2**31 - 1) + 1
    loop = asyncio.get_running_loop()
    protocol = _Client(request_id)
    try:
        transport, _ = await loop.create_datagram_endpoint(
            lambda: protocol, remote_addr=(host, port)
        )
    except OSError:
        return False
    try:
        transport.sendto(message(community, GET, request_id))
        return await asyncio.wait_for(protocol.done, timeout)
    except TimeoutError:
        return False
    finally:
        transport.close()
