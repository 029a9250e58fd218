"""Emulated endpoints: asyncio listeners on 127.0.0.1 kernel-chosen ports.

Each endpoint answers SIP OPTIONS over UDP, TCP and (unless broken) TLS with a vendor-like
User-Agent, serves HTTPS management (a login page and the running-configuration export behind
Basic authentication) and, when misconfigured, plain HTTP and telnet. One event loop runs them
all; :class:`EndpointLab` runs that loop in a thread, so a test or the lab can start hundreds
and probe them from the same process.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import ssl
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import cast

from capdo.endpoints import FORMATS, EndpointConfig, message_length, snmp
from capdo_lab.endpoints.certs import ServerContexts, lab_ca, make_contexts
from capdo_lab.endpoints.spec import EmulatedSpec

HOST = "127.0.0.1"
Ports = dict[str, int]


def sip_reply(request: bytes, user_agent: str) -> bytes | None:
    """The response to one SIP request: 200 to OPTIONS, 486 to INVITE, 405 otherwise."""
    text = request.decode("utf-8", errors="replace")
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("SIP/2.0"):
        return None
    method = parts[0]
    if method == "ACK":
        return None
    status = {"OPTIONS": "200 OK", "INVITE": "486 Busy Here"}.get(method, "405 Method Not Allowed")
    copied = [
        line
        for line in lines[1:]
        if line.split(":", 1)[0].strip().lower()
        in {"via", "v", "from", "f", "call-id", "i", "cseq"}
    ]
    to = next((ln for ln in lines[1:] if ln.split(":", 1)[0].strip().lower() in {"to", "t"}), "")
    if to and ";tag=" not in to:
        to += ";tag=capdo-emu"
    out = [
        f"SIP/2.0 {status}",
        *copied,
        to,
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO",
        "Accept: application/sdp",
        f"User-Agent: {user_agent}",
        "Content-Length: 0",
    ]
    return ("\r\n".join(line for line in out if line) + "\r\n\r\n").encode()


class _SipUdp(asyncio.DatagramProtocol):
    def __init__(self, endpoint: EmulatedEndpoint) -> None:
        self.endpoint = endpoint
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if self.endpoint.silent or self.transport is None:
            return
        reply = sip_reply(data, self.endpoint.spec.user_agent)
        if reply is not None:
            self.transport.sendto(reply, addr)


class _Snmp(asyncio.DatagramProtocol):
    """Answers v2c GETs that carry the configured community (like an agent left on v2c)."""

    def __init__(self, endpoint: EmulatedEndpoint, community: str) -> None:
        self.endpoint = endpoint
        self.community = community
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if self.transport is None or self.endpoint.silent:
            return
        with contextlib.suppress(ValueError):
            community, tag, request_id = snmp.parse(data)
            if tag == snmp.GET and community == self.community:
                value = snmp.octets(self.endpoint.spec.user_agent.encode())
                self.transport.sendto(
                    snmp.message(community, snmp.RESPONSE, request_id, value), addr
                )


class EmulatedEndpoint:
    def __init__(self, spec: EmulatedSpec, contexts: ServerContexts) -> None:
        self.spec = spec
        self.contexts = contexts
        self.config: EndpointConfig = spec.running_config()
        self.exported = spec.exported_config(self.config).encode("utf-8")
        self.logins = {
            base64.b64encode(f"{u}:{p}".encode()).decode() for u, p in spec.logins(self.config)
        }
        self.silent = "silent" in spec.faults
        self.ports: Ports = {}
        self._servers: list[asyncio.Server] = []
        self._datagrams: list[asyncio.DatagramTransport] = []

    async def start(self) -> Ports:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _SipUdp(self), local_addr=(HOST, 0)
        )
        self._datagrams.append(transport)
        self.ports["sip_udp"] = transport.get_extra_info("sockname")[1]
        await self._listen("sip_tcp", self._sip_stream, None)
        if self.config.sip_transport == "tls":
            await self._listen("sip_tls", self._sip_stream, self.contexts.valid)
        if self.config.https:
            context = self.contexts.valid
            if "expired-cert" in self.spec.faults:
                context = self.contexts.expired
            elif "weak-tls" in self.spec.faults:
                context = self.contexts.legacy
            await self._listen("https", self._http, context)
        if self.config.snmp == "v2c":
            community = self.config.snmp_community or "public"
            snmp_transport, _ = await loop.create_datagram_endpoint(
                lambda: _Snmp(self, community), local_addr=(HOST, 0)
            )
            self._datagrams.append(snmp_transport)
            self.ports["snmp"] = snmp_transport.get_extra_info("sockname")[1]
        if self.config.http:
            await self._listen("http", self._http, None)
        if self.config.telnet:
            await self._listen("telnet", self._telnet, None)
        return dict(self.ports)

    async def _listen(
        self,
        key: str,
        handler: object,
        context: ssl.SSLContext | None,
    ) -> None:
        server = await asyncio.start_server(handler, HOST, 0, ssl=context, backlog=64)  # type: ignore[arg-type]
        self._servers.append(server)
        self.ports[key] = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        for transport in self._datagrams:
            transport.close()
        for server in self._servers:
            server.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2.0)

    async def _sip_stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            buffer = b""
            while True:
                chunk = await reader.read(4096)
                if not chunk:
                    break
                if self.silent:
                    continue
                buffer += chunk
                while (size := message_length(buffer)) is not None:
                    reply = sip_reply(buffer[:size], self.spec.user_agent)
                    buffer = buffer[size:]
                    if reply is not None:
                        writer.write(reply)
                        await writer.drain()
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            if self.silent:
                await reader.read()
                return
            writer.write(self._http_response(head.decode("latin-1")))
            await writer.drain()
        except (
            OSError,
            ssl.SSLError,
            asyncio.IncompleteReadError,
            TimeoutError,
            asyncio.LimitOverrunError,
        ):
            pass
        finally:
            writer.close()

    def _http_response(self, head: str) -> bytes:
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        path = parts[1] if len(parts) > 1 else "/"
        auth = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in lines
                if ln.lower().startswith("authorization:")
            ),
            "",
        )
        fmt = FORMATS.get(self.spec.vendor)
        status, body, ctype = "404 Not Found", b"not found\n", "text/plain"
        if path == "/":
            status, ctype = "200 OK", "text/html"
            body = f"<html><title>{self.spec.model}</title><form>login</form></html>\n".encode()
        elif fmt is not None and path == fmt.export_path:
            token = auth[6:] if auth.startswith("Basic ") else ""
            if token in self.logins:
                status, body = "200 OK", self.exported
            else:
                status, body = "401 Unauthorized", b"authentication required\n"
        extra = 'WWW-Authenticate: Basic realm="management"\r\n' if status.startswith("401") else ""
        return (
            f"HTTP/1.1 {status}\r\nServer: {self.spec.vendor}-web\r\nContent-Type: {ctype}\r\n"
            f"{extra}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body

    async def _telnet(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            writer.write(f"{self.spec.model} login: ".encode())
            await writer.drain()
            await asyncio.wait_for(reader.read(64), 5)
        except (OSError, TimeoutError):
            pass
        finally:
            writer.close()


class EndpointLab:
    """Many emulated endpoints in one event loop on a background thread.

    ``start()`` returns ``{name: ports}``; ``stop()`` closes every listener and the thread.
    """

    def __init__(
        self,
        specs: Sequence[EmulatedSpec],
        workdir: Path | None = None,
        ca_file: Path | None = None,
    ) -> None:
        """``ca_file``: the CA (see :func:`~capdo_lab.endpoints.certs.lab_ca`) that signs the
        endpoints' certificates, e.g. the estate's ``endpoint_ca``; by default one made for
        this lab alone (its certificate then in :attr:`ca_file`)."""
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError("emulated endpoint names must be unique")
        self.specs = tuple(specs)
        self._own_dir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="capdo-vc-"))
        self.endpoints: list[EmulatedEndpoint] = []
        self.ports: dict[str, Ports] = {}
        self.cert_file: Path | None = None
        self.ca_file = ca_file
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> dict[str, Ports]:
        if self._loop is not None:
            return self.ports
        ca = lab_ca(self.ca_file) if self.ca_file is not None else None
        contexts = make_contexts(self.workdir / "tls", ca)
        self.cert_file = contexts.cert_file
        self.ca_file = contexts.ca_file
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="capdo-vc-lab", daemon=True)
        self._thread.start()
        self.endpoints = [EmulatedEndpoint(spec, contexts) for spec in self.specs]
        future = asyncio.run_coroutine_threadsafe(self._start_all(), loop)
        try:
            future.result(timeout=120)
        except BaseException:
            self.stop()
            raise
        return self.ports

    async def _start_all(self) -> None:
        for endpoint in self.endpoints:
            self.ports[endpoint.spec.name] = await endpoint.start()

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:

            async def close_all() -> None:
                for endpoint in self.endpoints:
                    await endpoint.close()

            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(close_all(), loop).result(timeout=30)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=30)
            loop.close()
        self._loop = None
        self._thread = None
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> EndpointLab:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
