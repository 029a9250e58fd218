"""Small asyncio network primitives for the probes: SIP over UDP/TCP/TLS, TLS facts, HTTP GET,
TCP port state. Each returns a fact and never raises for network trouble."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import ssl
import warnings
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from capdo.endpoints.sip import (
    SipParseError,
    SipResponse,
    message_length,
    options_request,
    parse_response,
)


def verified_context(ca_file: str | None) -> ssl.SSLContext:
    """A TLS client context that checks the peer's chain (against ``ca_file``, else the
    system trust store) and its name or address: the only one that carries credentials.
    A ``ca_file`` that cannot be read trusts nothing (every peer fails verification)."""
    if ca_file is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, with no trust anchor


def client_context(verify_file: str | None = None) -> ssl.SSLContext:
    """A TLS client context for observing (certificate dates, strength, SIP over TLS): no
    chain check unless a CA file is given. Never used to send credentials unless the operator
    opted out of verification (``--insecure``)."""
    if verify_file:
        return verified_context(verify_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _error(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ssl.SSLError):
        return f"tls: {exc.reason or exc}"
    return f"{type(exc).__name__}: {exc}"


# --- SIP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SipFact:
    transport: str
    port: int
    status: int | None = None
    product: str | None = None
    error: str | None = None

    @property
    def answered(self) -> bool:
        return self.status is not None


class _UdpClient(asyncio.DatagramProtocol):
    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        self.done: asyncio.Future[SipResponse] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        try:
            response = parse_response(data)
        except SipParseError:
            return
        if response.header("call-id") == self.call_id and not self.done.done():
            self.done.set_result(response)

    def error_received(self, exc: Exception) -> None:
        if not self.done.done():
            self.done.set_exception(exc)


async def sip_options_udp(host: str, port: int, timeout: float) -> SipFact:
    loop = asyncio.get_running_loop()
    transport: asyncio.DatagramTransport | None = None
    try:
        protocol = _UdpClient("")
        transport, _ = await loop.create_datagram_endpoint(
            lambda: protocol, remote_addr=(host, port)
        )
        local_host, local_port = transport.get_extra_info("sockname")[:2]
        request = options_request(host, port, "udp", local_host, local_port)
        protocol.call_id = request.call_id
        deadline = loop.time() + timeout
        interval = 0.5
        while True:
            transport.sendto(request.text.encode())
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            try:
                response = await asyncio.wait_for(
                    asyncio.shield(protocol.done), min(interval, remaining)
                )
                return SipFact("udp", port, response.status, response.product)
            except TimeoutError:
                interval *= 2
    except (OSError, TimeoutError) as exc:
        return SipFact("udp", port, error=_error(exc))
    finally:
        if transport is not None:
            transport.close()


async def sip_options_stream(
    host: str, port: int, timeout: float, tls: ssl.SSLContext | None
) -> SipFact:
    name = "tls" if tls is not None else "tcp"
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port, ssl=tls)
            local_host, local_port = writer.get_extra_info("sockname")[:2]
            request = options_request(host, port, name, local_host, local_port)
            writer.write(request.text.encode())
            await writer.drain()
            buffer = b""
            while (size := message_length(buffer)) is None:
                chunk = await reader.read(4096)
                if not chunk:
                    raise ConnectionResetError("closed before a full response")
                buffer += chunk
            response = parse_response(buffer[:size])
            return SipFact(name, port, response.status, response.product)
    except (OSError, TimeoutError, SipParseError, ssl.SSLError) as exc:
        return SipFact(name, port, error=_error(exc))
    finally:
        await _close(writer)


async def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is None:
        return
    writer.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(writer.wait_closed(), 1.0)


# --- TLS and HTTP --------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsFact:
    port: int
    version: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    signature_hash: str | None = None
    key_bits: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.version is not None


async def tls_facts(host: str, port: int, timeout: float, context: ssl.SSLContext) -> TlsFact:
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(host, port, ssl=context)
            ssl_object: ssl.SSLObject = writer.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(binary_form=True)
            version = ssl_object.version()
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        return TlsFact(port, error=_error(exc))
    finally:
        await _close(writer)
    if not der:
        return TlsFact(port, version=version, error="no certificate")
    cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    bits = key.key_size if isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey) else None
    algorithm = cert.signature_hash_algorithm
    return TlsFact(
        port,
        version=version,
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        signature_hash=algorithm.name if algorithm else None,
        key_bits=bits,
    )


def cert_valid_now(fact: TlsFact, now: dt.datetime) -> bool:
    if fact.not_before is None or fact.not_after is None:
        return False
    return (
        dt.datetime.fromisoformat(fact.not_before)
        <= now
        <= dt.datetime.fromisoformat(fact.not_after)
    )


@dataclass(frozen=True)
class HttpReply:
    status: int | None = None
    body: str = ""
    error: str | None = None


async def https_get(
    host: str,
    port: int,
    path: str,
    auth: tuple[str, str] | None,
    timeout: float,
    context: ssl.SSLContext | None,
) -> HttpReply:
    """``GET path`` (HTTP/1.1, Connection: close), with Basic authentication when given."""
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port, ssl=context)
            lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
            if auth is not None:
                token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
                lines.append(f"Authorization: Basic {token}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            await writer.drain()
            data = await reader.read(1 << 20)
            while chunk := await reader.read(1 << 16):
                data += chunk
    except (OSError, TimeoutError, ssl.SSLError) as exc:
        return HttpReply(error=_error(exc))
    finally:
        await _close(writer)
    head, _, body = data.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return HttpReply(error=f"not HTTP: {status_line[:40]!r}")
    return HttpReply(int(parts[1]), body.decode("utf-8", errors="replace"))


async def port_open(host: str, port: int, timeout: float) -> bool | None:
    """True if a TCP connection succeeds; False if refused or silently dropped (filtered);
    None for other errors (e.g. no route)."""
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(host, port)
            return True
    except (ConnectionRefusedError, TimeoutError):
        return False
    except OSError:
        return None
    finally:
        await _close(writer)


def legacy_client_context() -> ssl.SSLContext:
    """A client that offers only TLS 1.0/1.1 (and old ciphers): a server that completes this
    handshake still accepts deprecated protocol versions."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    return context


async def legacy_tls_accepted(host: str, port: int, timeout: float) -> bool | None:
    """True if a TLS 1.0/1.1 handshake succeeds, False if the server refuses it, None when
    the port cannot be reached at all."""
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            _, writer = await asyncio.open_connection(host, port, ssl=legacy_client_context())
            return True
    except ssl.SSLError:
        return False
    except (ConnectionResetError, asyncio.IncompleteReadError):
        return False
    except (OSError, TimeoutError):
        return None
    finally:
        await _close(writer)
