"""From probe facts to result records: one record per requirement id the endpoint's level asks
for (the catalogue baseline of kind ``endpoint``). An endpoint that answers nothing gets an
``error`` record per requirement; the run goes on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv4Network, ip_network

from pydantic import JsonValue

from capdo.compliance.results import Evidence, ResultRecord, Status
from capdo.endpoints.intended import EndpointPlan
from capdo.endpoints.net import cert_valid_now
from capdo.endpoints.policy import FirmwarePolicy, at_least
from capdo.endpoints.probe import TLS_UNVERIFIED, UNSUPPORTED_VENDOR, ProbeFacts
from capdo.inventory.index import EstateIndex

CHECKER = "capdo.endpoints"
GOOD_TLS = frozenset({"TLSv1.2", "TLSv1.3"})
WEAK_HASHES = frozenset({"md5", "sha1"})


@dataclass(frozen=True)
class Verdict:
    status: Status
    expected: JsonValue = None
    actual: JsonValue = None
    detail: str | None = None


@dataclass(frozen=True)
class CheckContext:
    plan: EndpointPlan
    facts: ProbeFacts
    index: EstateIndex
    firmware: FirmwarePolicy
    now: dt.datetime


def _config_missing(ctx: CheckContext) -> Verdict:
    if ctx.facts.config_error == UNSUPPORTED_VENDOR:
        return Verdict(
            "not_reviewed",
            detail="endpoints.check.unsupported-vendor",
            actual={"vendor": ctx.plan.endpoint.vendor},
        )
    if ctx.facts.config_error == TLS_UNVERIFIED:
        return Verdict(
            "error",
            detail="endpoints.check.tls-unverified",
            actual={"reason": TLS_UNVERIFIED, "credentials_sent": False},
        )
    return Verdict(
        "error",
        detail="endpoints.check.config-unavailable",
        actual={"reason": ctx.facts.config_error or "no management interface"},
    )


def check_encryption(ctx: CheckContext) -> Verdict:
    """VC.02: SIP over TLS answers, registration over TLS, SRTP required."""
    tls = ctx.facts.sip["tls"]
    expected: JsonValue = {"sip_tls": "answers", "sip_transport": "tls", "srtp": "required"}
    config = ctx.facts.config
    actual: dict[str, JsonValue] = {
        "sip_tls": "answers" if tls.answered else (tls.error or "no answer"),
        "sip_udp": ctx.facts.sip["udp"].status,
        "sip_tcp": ctx.facts.sip["tcp"].status,
    }
    if config is None:
        if not tls.answered:
            return Verdict("fail", expected, actual, "endpoints.check.vc02.no-tls")
        return _config_missing(ctx)
    actual.update(sip_transport=config.sip_transport, srtp=config.srtp)
    ok = tls.answered and config.sip_transport == "tls" and config.srtp == "required"
    return Verdict(
        "pass" if ok else "fail",
        expected,
        actual,
        None if ok else "endpoints.check.vc02.unencrypted",
    )


def check_default_login(ctx: CheckContext) -> Verdict:
    """VC.03: the vendor's default admin login is refused."""
    reply = ctx.facts.default_login
    if reply is None:
        return Verdict("not_reviewed", detail="endpoints.check.vc03.not-tried")
    expected: JsonValue = {"default_login": "refused"}
    if reply.status is None:
        detail = (
            "endpoints.check.tls-unverified"
            if reply.error == TLS_UNVERIFIED
            else "endpoints.check.probe-failed"
        )
        return Verdict("error", expected, {"error": reply.error}, detail)
    refused = reply.status in {401, 403}
    accepted = ctx.facts.default_login_export  # a 200 carrying the configuration export
    actual: JsonValue = {
        "default_login": "refused" if refused else f"http {reply.status}",
        "estate_credential": "accepted" if ctx.facts.config is not None else "not verified",
    }
    if refused:
        return Verdict("pass", expected, actual)
    if accepted:
        return Verdict("fail", expected, actual, "endpoints.check.vc03.default-accepted")
    return Verdict("error", expected, actual, "endpoints.check.vc03.unexpected")


def _within(prefixes: tuple[str, ...], allowed: tuple[str, ...]) -> bool:
    try:
        nets = [ip_network(p, strict=False) for p in prefixes]
        zone = [ip_network(p, strict=False) for p in allowed]
    except ValueError:
        return False
    return bool(nets) and all(any(n.subnet_of(z) for z in zone) for n in nets)  # type: ignore[arg-type]


def check_management(ctx: CheckContext) -> Verdict:
    """VC.04: HTTPS management (TLS ≥ 1.2, valid certificate), HTTP and telnet closed,
    management restricted to the management zone."""
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
    if problems:
        return Verdict("fail", expected, actual, "endpoints.check.vc04.insecure")
    if config is None:
        missing = _config_missing(ctx)
        return Verdict(missing.status, expected, actual, missing.detail)
    return Verdict("pass", expected, actual)


def check_firmware(ctx: CheckContext) -> Verdict:
    """VC.05: the firmware the endpoint reports is at least the policy minimum for its model."""
    endpoint = ctx.plan.endpoint
    minimum = ctx.firmware.minimum(endpoint.vendor, endpoint.model)
    product = ctx.facts.product
    actual: JsonValue = {
        "reported": product.firmware,
        "model": product.model,
        "inventory": endpoint.firmware,
    }
    if minimum is None:
        return Verdict("not_reviewed", None, actual, "endpoints.check.vc05.no-policy")
    expected: JsonValue = {"minimum": minimum, "policy": ctx.firmware.source}
    if product.firmware is None:
        return Verdict("error", expected, actual, "endpoints.check.vc05.not-reported")
    ok = at_least(product.firmware, minimum)
    return Verdict(
        "pass" if ok else "fail", expected, actual, None if ok else "endpoints.check.vc05.too-old"
    )


def check_time_and_logs(ctx: CheckContext) -> Verdict:
    """VC.06: the estate's NTP servers; central syslog where the level needs it."""
    config = ctx.facts.config
    if config is None:
        return _config_missing(ctx)
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
    if ntp_ok and syslog_ok:
        return Verdict("pass", expected, actual)
    detail = "endpoints.check.vc06.no-ntp" if not ntp_ok else "endpoints.check.vc06.no-syslog"
    return Verdict("fail", expected, actual, detail)


def check_zone(ctx: CheckContext) -> Verdict:
    """VC.07: in a video-conference zone, its address inside that zone's prefixes."""
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
    ok = zone is not None and zone.kind == "video-conference" and inside
    return Verdict(
        "pass" if ok else "fail",
        {"kind": "video-conference"},
        actual,
        None if ok else "endpoints.check.vc07.zone",
    )


def check_auto_answer(ctx: CheckContext) -> Verdict:
    """VC.08: auto-answer off or only for the MCU; far-end camera control off."""
    config = ctx.facts.config
    if config is None:
        return _config_missing(ctx)
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
    return Verdict(
        "pass" if ok else "fail",
        expected,
        actual,
        None if ok else "endpoints.check.vc08.auto-answer",
    )


def check_snmp(ctx: CheckContext) -> Verdict:
    """VC.09: SNMP off or v3 only; no default v2c community answers."""
    answered = list[JsonValue](ctx.facts.snmp_communities)
    expected: JsonValue = {"snmp": ["off", "v3"], "default_communities_answer": []}
    config = ctx.facts.config
    if answered:
        actual: JsonValue = {
            "snmp": config.snmp if config else None,
            "default_communities_answer": answered,
        }
        return Verdict("fail", expected, actual, "endpoints.check.vc09.snmp")
    if config is None:
        return _config_missing(ctx)
    ok = config.snmp in {"off", "v3"}
    actual = {"snmp": config.snmp, "default_communities_answer": answered}
    return Verdict(
        "pass" if ok else "fail", expected, actual, None if ok else "endpoints.check.vc09.snmp"
    )


def check_session(ctx: CheckContext) -> Verdict:
    """VC.11: idle timeout and login lockout no looser than the level's parameters."""
    config = ctx.facts.config
    if config is None:
        return _config_missing(ctx)
    wanted = ctx.plan.config
    ok = (
        0 < config.idle_timeout_minutes <= wanted.idle_timeout_minutes
        and 0 < config.lockout_attempts <= wanted.lockout_attempts
    )
    expected: JsonValue = {
        "idle_timeout_minutes_max": wanted.idle_timeout_minutes,
        "lockout_attempts_max": wanted.lockout_attempts,
    }
    actual: JsonValue = {
        "idle_timeout_minutes": config.idle_timeout_minutes,
        "lockout_attempts": config.lockout_attempts,
    }
    return Verdict(
        "pass" if ok else "fail", expected, actual, None if ok else "endpoints.check.vc11.session"
    )


CHECKS: dict[str, Callable[[CheckContext], Verdict]] = {
    "VC.02": check_encryption,
    "VC.03": check_default_login,
    "VC.04": check_management,
    "VC.05": check_firmware,
    "VC.06": check_time_and_logs,
    "VC.07": check_zone,
    "VC.08": check_auto_answer,
    "VC.09": check_snmp,
    "VC.11": check_session,
}
MODEL_ONLY = frozenset({"VC.07"})


def _insecure(verdict: Verdict) -> Verdict:
    """The verdict of a run made with ``--insecure``: its evidence says that credentials went
    over TLS whose peer was not verified."""
    actual = verdict.actual
    marked: JsonValue = (
        {**actual, "insecure_tls": True}
        if isinstance(actual, dict)
        else {"observed": actual, "insecure_tls": True}
    )
    return replace(verdict, actual=marked)


def evaluate(ctx: CheckContext, run_id: str) -> list[ResultRecord]:
    """One record per requirement of the endpoint's baseline that has a check here."""
    records = []
    for requirement in ctx.plan.baseline.requirements:
        check = CHECKS.get(requirement)
        if check is None:
            continue
        if not ctx.facts.reachable and requirement not in MODEL_ONLY:
            verdict = Verdict(
                "error",
                detail="endpoints.check.unreachable",
                actual={
                    "host": ctx.facts.host,
                    "sip": {k: f.error for k, f in ctx.facts.sip.items()},
                    "https": ctx.facts.mgmt_tls.error,
                },
            )
        else:
            verdict = check(ctx)
        if ctx.facts.insecure and requirement not in MODEL_ONLY:
            verdict = _insecure(verdict)
        records.append(
            ResultRecord(
                requirement_id=requirement,
                target=ctx.plan.name,
                target_kind="endpoint",
                status=verdict.status,
                evidence=Evidence(
                    expected=verdict.expected, actual=verdict.actual, detail=verdict.detail
                ),
                checker=CHECKER,
                time=ctx.now,
                run_id=run_id,
            )
        )
    return records
