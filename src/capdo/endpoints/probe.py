"""Probe endpoints concurrently (asyncio, with a limit) and gather facts about each.

Where to probe: the inventory address on the standard ports (SIP 5060/UDP+TCP, 5061/TLS,
HTTPS 443, HTTP 80, telnet 23), unless the connection overlay (``$CAPDO_CONNECTIONS`` or the
estate's ``connection_overlay``) gives ``host`` and per-service ports (``sip_udp``, ``sip_tcp``,
``sip_tls``, ``https``, ``http``, ``telnet``) for the endpoint, as the emulated endpoints do.
"""

from __future__ import annotations

import asyncio
import resource
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from capdo.endpoints.config import EndpointConfig, factory_default
from capdo.endpoints.net import (
    HttpReply,
    SipFact,
    TlsFact,
    client_context,
    https_get,
    legacy_tls_accepted,
    port_open,
    sip_options_stream,
    sip_options_udp,
    tls_facts,
    verified_context,
)
from capdo.endpoints.sip import Product, parse_product
from capdo.endpoints.snmp import DEFAULT_COMMUNITIES, community_answers
from capdo.endpoints.vendors import DEFAULT_PASSWORDS, FORMATS, VendorFormat
from capdo.exports import overlay_path, read_overlay
from capdo.inventory import Endpoint, Estate

STANDARD_PORTS: dict[str, int] = {
    "sip_udp": 5060,
    "sip_tcp": 5060,
    "sip_tls": 5061,
    "https": 443,
    "http": 80,
    "telnet": 23,
    "snmp": 161,
}
OPTIONAL_PORTS = frozenset({"http", "telnet", "snmp"})
"""Ports an emulated endpoint lists in the overlay only when it opens them."""


UNSUPPORTED_VENDOR = "unsupported-vendor"
"""Config error of an endpoint whose vendor has no configuration reader here."""
TLS_UNVERIFIED = "tls-unverified"
"""Config error of an endpoint whose management certificate did not verify: no credential
was sent to it."""


@dataclass(frozen=True)
class ProbeTarget:
    name: str
    vendor: str
    host: str
    ports: dict[str, int]
    admin_user: str = "admin"
    admin_password: str | None = field(default=None, repr=False)


def probe_targets(
    endpoints: Iterable[Endpoint],
    estate: Estate,
    root: Path,
    credentials: Callable[[Endpoint], tuple[str, str | None]],
) -> list[ProbeTarget]:
    overlay = read_overlay(overlay_path(estate, root))
    targets = []
    for endpoint in endpoints:
        extra = overlay.get(endpoint.name, {})
        ports = dict(STANDARD_PORTS)
        for key in STANDARD_PORTS:
            if key in extra:
                ports[key] = int(str(extra[key]))
            elif extra and key in OPTIONAL_PORTS:
                # an emulated endpoint lists the insecure ports it opens; absent = closed,
                # so probe a port known to be closed rather than a standard one on loopback
                ports[key] = 0
        user, password = credentials(endpoint)
        targets.append(
            ProbeTarget(
                endpoint.name,
                endpoint.vendor,
                str(extra.get("host", endpoint.address)),
                ports,
                user,
                password,
            )
        )
    return targets


@dataclass(frozen=True)
class ProbeFacts:
    name: str
    host: str
    sip: dict[str, SipFact]
    mgmt_tls: TlsFact
    open_ports: dict[str, bool | None]
    legacy_tls: bool | None = None
    """Whether management still completes a TLS 1.0/1.1 handshake."""
    snmp_communities: tuple[str, ...] = ()
    """Default SNMP v2c communities that got an answer."""
    default_login: HttpReply | None = None
    config_reply: HttpReply | None = None
    config: EndpointConfig | None = None
    config_error: str | None = None
    tls_verified: bool | None = None
    """Whether the management certificate verified against the trusted CA (None: no HTTPS)."""
    insecure: bool = False
    """Credentials were sent without verifying the peer (the operator's ``--insecure``)."""
    default_login_export: bool = False
    """The vendor's default login returned a readable configuration export (a real login)."""

    @property
    def reachable(self) -> bool:
        return any(f.answered for f in self.sip.values()) or self.mgmt_tls.ok

    @property
    def product(self) -> Product:
        for transport in ("tls", "tcp", "udp"):
            fact = self.sip.get(transport)
            if fact is not None and fact.product:
                return parse_product(fact.product)
        return Product(None, None, None)


@dataclass(frozen=True)
class ProbeSettings:
    timeout: float = 3.0
    limit: int = 128
    ca_file: str | None = None
    """The CA that endpoint certificates must chain to before credentials are sent (None:
    the system trust store)."""
    insecure: bool = False
    """Send credentials even when the peer's certificate does not verify (recorded)."""
    try_default_login: bool = True
    snmp_timeout: float = 1.0
    """An agent stays silent on a wrong community, so every silent community costs this long."""


async def probe_one(target: ProbeTarget, settings: ProbeSettings) -> ProbeFacts:
    context = client_context()  # observing only: no credentials go over this one
    host, ports, timeout = target.host, target.ports, settings.timeout

    async def closed_or_open(key: str) -> bool | None:
        port = ports[key]
        if port == 0:
            return False
        return await port_open(host, port, timeout)

    async def communities() -> tuple[str, ...]:
        if ports["snmp"] == 0:
            return ()
        answers = await asyncio.gather(
            *(
                community_answers(host, ports["snmp"], c, min(timeout, settings.snmp_timeout))
                for c in DEFAULT_COMMUNITIES
            )
        )
        return tuple(c for c, ok in zip(DEFAULT_COMMUNITIES, answers, strict=True) if ok)

    sip_and_tls = asyncio.gather(
        sip_options_udp(host, ports["sip_udp"], timeout),
        sip_options_stream(host, ports["sip_tcp"], timeout, None),
        sip_options_stream(host, ports["sip_tls"], timeout, context),
        tls_facts(host, ports["https"], timeout, context),
    )
    exposure = asyncio.gather(
        legacy_tls_accepted(host, ports["https"], timeout),
        closed_or_open("http"),
        closed_or_open("telnet"),
        communities(),
    )
    (udp, tcp, tls, mgmt), (legacy, http, telnet, snmp) = await asyncio.gather(
        sip_and_tls, exposure
    )
    facts = ProbeFacts(
        target.name,
        host,
        {"udp": udp, "tcp": tcp, "tls": tls},
        mgmt,
        {"http": http, "telnet": telnet},
        legacy,
        snmp,
    )
    if not mgmt.ok:
        return facts
    trusted = verified_context(settings.ca_file)
    verified = (await tls_facts(host, ports["https"], timeout, trusted)).ok
    facts = replace(facts, tls_verified=verified, insecure=settings.insecure)
    if not verified and not settings.insecure:
        # never send a credential (not even a vendor default) to a peer we cannot verify
        refused = HttpReply(error=TLS_UNVERIFIED)
        return _with(facts, refused, None, None, TLS_UNVERIFIED)
    return await _management(target, settings, facts, trusted if verified else context)


async def _management(
    target: ProbeTarget, settings: ProbeSettings, facts: ProbeFacts, context: ssl.SSLContext
) -> ProbeFacts:
    fmt = FORMATS.get(target.vendor)
    if fmt is None:
        return _with(facts, None, None, None, UNSUPPORTED_VENDOR)
    port, timeout = target.ports["https"], settings.timeout
    default_login = None
    if settings.try_default_login and target.vendor in DEFAULT_PASSWORDS:
        default_login = await https_get(
            target.host, port, fmt.export_path, DEFAULT_PASSWORDS[target.vendor], timeout, context
        )
        facts = replace(facts, default_login_export=_is_export(fmt, default_login))
        default_login = HttpReply(default_login.status, "", default_login.error)
    if target.admin_password is None:
        return _with(facts, default_login, None, None, "credential-unresolved")
    reply = await https_get(
        target.host,
        port,
        fmt.export_path,
        (target.admin_user, target.admin_password),
        timeout,
        context,
    )
    if reply.status != 200:
        return _with(facts, default_login, reply, None, reply.error or f"http {reply.status}")
    if not _is_export(fmt, reply):
        return _with(facts, default_login, reply, None, "unreadable: not a configuration export")
    try:
        config = fmt.read(reply.body)
    except Exception as exc:  # a malformed export is a fact, not a crash
        return _with(facts, default_login, reply, None, f"unreadable: {type(exc).__name__}")
    return _with(facts, default_login, reply, config.without_secrets(), None)


def _is_export(fmt: VendorFormat, reply: HttpReply) -> bool:
    """A login really succeeded only when it returned the configuration export: a 200 whose
    body the vendor's reader parses and that sets at least one of the vendor's keys (a portal
    or error page answered with 200 is not a login)."""
    if reply.status != 200:
        return False
    try:
        keys = fmt.parse(reply.body)
        fmt.read(reply.body)
    except Exception:  # a page that is not the export
        return False
    return not keys.keys().isdisjoint(fmt.keys(factory_default(""), ""))


def _with(
    facts: ProbeFacts,
    default_login: HttpReply | None,
    reply: HttpReply | None,
    config: EndpointConfig | None,
    error: str | None,
) -> ProbeFacts:
    return replace(
        facts,
        default_login=default_login,
        config_reply=HttpReply(reply.status, "", reply.error) if reply is not None else None,
        config=config,
        config_error=error,
    )


async def probe_all(targets: list[ProbeTarget], settings: ProbeSettings) -> list[ProbeFacts]:
    """Facts for every target, in order; at most ``settings.limit`` endpoints at once."""
    semaphore = asyncio.Semaphore(max(1, settings.limit))

    async def guarded(target: ProbeTarget) -> ProbeFacts:
        async with semaphore:
            return await probe_one(target, settings)

    return list(await asyncio.gather(*(guarded(t) for t in targets)))


def raise_fd_limit() -> None:
    """Up to ~12 sockets per endpoint at once: lift the soft descriptor limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run_probes(targets: list[ProbeTarget], settings: ProbeSettings) -> list[ProbeFacts]:
    raise_fd_limit()
    return asyncio.run(probe_all(targets, settings))
