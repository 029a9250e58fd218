"""Video-conference endpoint checks (VC.*), from probe facts and the inventory.

Content run by ``capdo endpoints check`` (:func:`capdo.endpoints.checks.evaluate`): each check
takes a :class:`CheckContext`, carries ``@requirement`` and ends through the check contract:
the evidence it returns (pass), ``require`` (fail), ``not_reviewed`` or ``undecided``
(``error``: the endpoint answered but the fact the check needs is missing).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, ip_network
from typing import NoReturn

from pydantic import JsonValue

from capdo.checks.contract import (
    Evidence,
    not_reviewed,
    param,
    require,
    requirement,
    undecided,
)
from capdo.endpoints.checks import CheckContext, from_inventory
from capdo.endpoints.net import cert_valid_now
from capdo.endpoints.policy import at_least
from capdo.endpoints.probe import TLS_UNVERIFIED, UNSUPPORTED_VENDOR

GOOD_TLS = frozenset({"TLSv1.2", "TLSv1.3"})
WEAK_HASHES = frozenset({"md5", "sha1"})


def _config_missing(
    ctx: CheckContext, expected: JsonValue = None, actual: JsonValue = None
) -> NoReturn:
    """End a check that needs the configuration export when there is none."""
    if ctx.facts.config_error == UNSUPPORTED_VENDOR:
        not_reviewed(
            "endpoints.check.unsupported-vendor",
            expected=expected,
            actual=actual if actual is not None else {"vendor": ctx.plan.endpoint.vendor},
        )
    if ctx.facts.config_error == TLS_UNVERIFIED:
        undecided(
            "endpoints.check.tls-unverified",
            expected=expected,
            actual=actual
            if actual is not None
            else {"reason": TLS_UNVERIFIED, "credentials_sent": False},
        )
    undecided(
        "endpoints.check.config-unavailable",
        expected=expected,
        actual=actual
        if actual is not None
        else {"reason": ctx.facts.config_error or "no management interface"},
    )


@requirement("VC.02")
def check_encryption(ctx: CheckContext) -> Evidence:
    """SIP over TLS answers, registration over TLS, SRTP required."""
    tls = ctx.facts.sip["tls"]
    expected: JsonValue = {"sip_tls": "answers", "sip_transport": "tls", "srtp": "required"}
    config = ctx.facts.config
    actual: dict[str, JsonValue] = {
        "sip_tls": "answers" if tls.answered else (tls.error or "no answer"),
        "sip_udp": ctx.facts.sip["udp"].status,
        "sip_tcp": ctx.facts.sip["tcp"].status,
    }
    if config is None:
        require(
            tls.answered, expected=expected, actual=actual, detail="endpoints.check.vc02.no-tls"
        )
        _config_missing(ctx)
    actual.update(sip_transport=config.sip_transport, srtp=config.srtp)
    return require(
        tls.answered and config.sip_transport == "tls" and config.srtp == "required",
        expected=expected,
        actual=actual,
        detail="endpoints.check.vc02.unencrypted",
    )


@requirement("VC.03")
def check_default_login(ctx: CheckContext) -> Evidence:
    """The vendor's default admin login is refused."""
    reply = ctx.facts.default_login
    if reply is None:
        not_reviewed("endpoints.check.vc03.not-tried")
    expected: JsonValue = {"default_login": "refused"}
    if reply.status is None:
        detail = (
            "endpoints.check.tls-unverified"
            if reply.error == TLS_UNVERIFIED
            else "endpoints.check.probe-failed"
        )
        undecided(detail, expected=expected, actual={"error": reply.error})
    refused = reply.status in {401, 403}
    accepted = ctx.facts.default_login_export  # a 200 carrying the configuration export
    actual: JsonValue = {
        "default_login": "refused" if refused else f"http {reply.status}",
        "estate_credential": "accepted" if ctx.facts.config is not None else "not verified",
    }
    if not refused and not accepted:
        undecided("endpoints.check.vc03.unexpected", expected=expected, actual=actual)
    return require(
        refused, expected=expected, actual=actual, detail="endpoints.check.vc03.default-accepted"
    )


def _within(prefixes: tuple[str, ...], allowed: tuple[str, ...]) -> bool:
    try:
        nets = [ip_network(p, strict=False) for p in prefixes]
        zone = [ip_network(p, strict=False) for p in allowed]
    except ValueError:
        return False
    return bool(nets) and all(any(n.subnet_of(z) for z in zone) for n in nets)  # type: ignore[arg-type]


@requirement("VC.04")
def check_management(ctx: CheckContext) -> Evidence:
    """HTTPS management (TLS >= 1.2, valid certificate), HTTP and telnet closed, management
    restricted to the management zone."""
    tls = ctx.facts.mgmt_tls
    problems = []
    if not tls.ok:
        problems.append(f"https: {tls.error}")
    else:
        if tls.version not in GOOD_TLS:
            problems.append(f"tls version {tls.version}")
        if not cert_valid_now(tls, ctx.now):
            problems.append("certificate outside its validity period")
        if ctx.facts.legacy_tls:
            problems.append("accepts TLS 1.0/1.1")
        if (tls.signature_hash or "").lower() in WEAK_HASHES:
            problems.append(f"certificate signed with {tls.signature_hash}")
        if ctx.facts.tls_verified is False:
            problems.append("certificate not trusted (does not verify against the CA)")
    for name, state in ctx.facts.open_ports.items():
        if state:
            problems.append(f"{name} open")
    config = ctx.facts.config
    wanted = ctx.plan.config.mgmt_allow
    allow: JsonValue = None
    if config is not None:
        allow = list(config.mgmt_allow)
        if wanted and not _within(config.mgmt_allow, wanted):
            problems.append("management not restricted to the management zone")
    actual: JsonValue = {
        "tls_version": tls.version,
        "legacy_tls_accepted": ctx.facts.legacy_tls,
        "certificate": {
            "not_before": tls.not_before,
            "not_after": tls.not_after,
            "signature_hash": tls.signature_hash,
            "key_bits": tls.key_bits,
        },
        "certificate_verified": ctx.facts.tls_verified,
        "open": dict(ctx.facts.open_ports.items()),
        "management_allow": allow,
        "problems": list[JsonValue](problems),
    }
    expected: JsonValue = {
        "https": "TLSv1.2+",
        "certificate": "valid now",
        "http": False,
        "telnet": False,
        "management_allow": list(wanted),
    }
    require(not problems, expected=expected, actual=actual, detail="endpoints.check.vc04.insecure")
    if config is None:
        _config_missing(ctx, expected, actual)
    return require(True, expected=expected, actual=actual)


@requirement("VC.05")
def check_firmware(ctx: CheckContext) -> Evidence:
    """The firmware the endpoint reports is at least the policy minimum for its model."""
    endpoint = ctx.plan.endpoint
    minimum = ctx.firmware.minimum(endpoint.vendor, endpoint.model)
    product = ctx.facts.product
    actual: JsonValue = {
        "reported": product.firmware,
        "model": product.model,
        "inventory": endpoint.firmware,
    }
    if minimum is None:
        not_reviewed("endpoints.check.vc05.no-policy", actual=actual)
    expected: JsonValue = {"minimum": minimum, "policy": ctx.firmware.source}
    if product.firmware is None:
        undecided("endpoints.check.vc05.not-reported", expected=expected, actual=actual)
    return require(
        at_least(product.firmware, minimum),
        expected=expected,
        actual=actual,
        detail="endpoints.check.vc05.too-old",
    )


@requirement("VC.06")
def check_time_and_logs(ctx: CheckContext) -> Evidence:
    """The estate's NTP servers; central syslog where the level needs it."""
    config = ctx.facts.config
    if config is None:
        _config_missing(ctx)
    wanted = ctx.plan.config
    expected: JsonValue = {
        "ntp": list(wanted.ntp_servers),
        "syslog": wanted.syslog_server if ctx.plan.syslog_required else None,
    }
    actual: JsonValue = {"ntp": list(config.ntp_servers), "syslog": config.syslog_server}
    ntp_ok = bool(config.ntp_servers) and (
        not wanted.ntp_servers or bool(set(config.ntp_servers) & set(wanted.ntp_servers))
    )
    syslog_ok = not ctx.plan.syslog_required or (
        config.syslog_server is not None and config.syslog_server == wanted.syslog_server
    )
    require(ntp_ok, expected=expected, actual=actual, detail="endpoints.check.vc06.no-ntp")
    return require(
        syslog_ok, expected=expected, actual=actual, detail="endpoints.check.vc06.no-syslog"
    )


@from_inventory
@requirement("VC.07")
def check_zone(ctx: CheckContext) -> Evidence:
    """In a video-conference zone, its address inside that zone's prefixes."""
    endpoint = ctx.plan.endpoint
    zone = ctx.index.zones.get(endpoint.zone)
    inside = zone is not None and any(
        IPv4Address(str(endpoint.address)) in IPv4Network(p) for p in zone.prefixes
    )
    actual: JsonValue = {
        "zone": endpoint.zone,
        "kind": zone.kind if zone else None,
        "address": str(endpoint.address),
    }
    return require(
        zone is not None and zone.kind == "video-conference" and inside,
        expected={"kind": "video-conference"},
        actual=actual,
        detail="endpoints.check.vc07.zone",
    )


@requirement("VC.08")
def check_auto_answer(ctx: CheckContext) -> Evidence:
    """Auto-answer off or only for the MCU; far-end camera control off."""
    config = ctx.facts.config
    if config is None:
        _config_missing(ctx)
    allowed = set(ctx.plan.config.auto_answer_allow)
    ok = (
        config.auto_answer == "off"
        or (config.auto_answer == "allowlist" and set(config.auto_answer_allow) <= allowed)
    ) and not config.far_end_camera_control
    expected: JsonValue = {
        "auto_answer": "off or allowlist",
        "allow": list[JsonValue](sorted(allowed)),
        "far_end_camera_control": False,
    }
    actual: JsonValue = {
        "auto_answer": config.auto_answer,
        "allow": list(config.auto_answer_allow),
        "far_end_camera_control": config.far_end_camera_control,
    }
    return require(ok, expected=expected, actual=actual, detail="endpoints.check.vc08.auto-answer")


@requirement("VC.09")
def check_snmp(ctx: CheckContext) -> Evidence:
    """SNMP off or v3 only; no default v2c community answers."""
    answered = list[JsonValue](ctx.facts.snmp_communities)
    expected: JsonValue = {"snmp": ["off", "v3"], "default_communities_answer": []}
    config = ctx.facts.config
    require(
        not answered,
        expected=expected,
        actual={"snmp": config.snmp if config else None, "default_communities_answer": answered},
        detail="endpoints.check.vc09.snmp",
    )
    if config is None:
        _config_missing(ctx)
    return require(
        config.snmp in {"off", "v3"},
        expected=expected,
        actual={"snmp": config.snmp, "default_communities_answer": answered},
        detail="endpoints.check.vc09.snmp",
    )


@requirement("VC.11")
def check_session(ctx: CheckContext) -> Evidence:
    """Idle timeout and login lockout no looser than the level's parameters."""
    config = ctx.facts.config
    if config is None:
        _config_missing(ctx)
    idle = int(param(ctx.plan.baseline.params, "idle_timeout_minutes"))  # type: ignore[arg-type]
    attempts = int(param(ctx.plan.baseline.params, "lockout_attempts"))  # type: ignore[arg-type]
    return require(
        0 < config.idle_timeout_minutes <= idle and 0 < config.lockout_attempts <= attempts,
        expected={"idle_timeout_minutes_max": idle, "lockout_attempts_max": attempts},
        actual={
            "idle_timeout_minutes": config.idle_timeout_minutes,
            "lockout_attempts": config.lockout_attempts,
        },
        detail="endpoints.check.vc11.session",
    )
