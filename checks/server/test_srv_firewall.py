"""Host firewall, read from the live nft ruleset (`nft -j list ruleset`)."""

from __future__ import annotations

import ipaddress
from typing import Any

from capdo.checks.api import Check
from capdo.checks.contract import requirement


def _input_chains(check: Check) -> list[dict[str, Any]]:
    return [
        e["chain"]
        for e in check.probe.nft()
        if "chain" in e and e["chain"].get("hook") == "input" and e["chain"].get("type") == "filter"
    ]


def _rules(check: Check, chain: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [
        e["rule"]["expr"]
        for e in check.probe.nft()
        if "rule" in e
        and e["rule"].get("chain") == chain["name"]
        and e["rule"].get("table") == chain["table"]
        and e["rule"].get("family") == chain["family"]
    ]


def _set_elements(check: Check, chain: dict[str, Any], name: str) -> list[str]:
    for e in check.probe.nft():
        s = e.get("set")
        if s and s.get("name") == name and s.get("table") == chain["table"]:
            out = []
            for elem in s.get("elem", []):
                if isinstance(elem, dict) and "prefix" in elem:
                    out.append(f"{elem['prefix']['addr']}/{elem['prefix']['len']}")
                elif isinstance(elem, dict) and "range" in elem:
                    out.append("-".join(str(x) for x in elem["range"]))
                else:
                    out.append(str(elem))
            return out
    return []


def _match(expr: list[dict[str, Any]], field: str) -> Any:
    for item in expr:
        m = item.get("match")
        if m and m["left"].get("payload", {}).get("field") == field:
            return m["right"]
    return None


def _verdict(expr: list[dict[str, Any]]) -> str | None:
    for item in expr:
        for key in ("accept", "drop", "reject", "jump", "goto"):
            if key in item:
                return key
    return None


def _ssh_rules(check: Check, chain: dict[str, Any], port: int) -> list[list[dict[str, Any]]]:
    found = []
    for expr in _rules(check, chain):
        dport = _match(expr, "dport")
        ports = dport.get("set", []) if isinstance(dport, dict) else [dport]
        if port in ports and _verdict(expr) == "accept":
            found.append(expr)
    return found


def _sources(check: Check, chain: dict[str, Any], expr: list[dict[str, Any]]) -> list[str] | None:
    """Source prefixes a rule admits; None when it admits any source."""
    saddr = _match(expr, "saddr")
    if saddr is None:
        return None
    if isinstance(saddr, str) and saddr.startswith("@"):
        return _set_elements(check, chain, saddr[1:])
    if isinstance(saddr, dict) and "prefix" in saddr:
        return [f"{saddr['prefix']['addr']}/{saddr['prefix']['len']}"]
    if isinstance(saddr, dict) and "set" in saddr:
        return [str(x) for x in saddr["set"]]
    return [str(saddr)]


def _inside(prefixes: list[str], allowed: tuple[str, ...]) -> bool:
    nets = [ipaddress.ip_network(a, strict=False) for a in allowed]
    for text in prefixes:
        try:
            net = ipaddress.ip_network(text.split("-")[0], strict=False)
        except ValueError:
            return False
        if not any(net.version == a.version and net.subnet_of(a) for a in nets):  # type: ignore[arg-type]
            return False
    return True


def _ssh_port(check: Check) -> int:
    """The port administrators (and this check) reach sshd on: the estate's ssh port."""
    return check.target.port


@requirement("SRV.11")
def test_firewall_input_policy_drop(check: Check) -> None:
    chains = _input_chains(check)
    policies = [c.get("policy") for c in chains]
    check.require(
        bool(chains) and all(p == "drop" for p in policies),
        expected="an input filter chain with policy drop",
        actual=[f"{c['family']} {c['table']} {c['name']}: {c.get('policy')}" for c in chains],
    )


@requirement("SRV.11")
def test_firewall_enabled_at_boot(check: Check) -> None:
    conf = check.probe.text("/etc/nftables.conf") or ""
    enabled = check.probe.service_enabled("nftables")
    check.require(
        enabled and "hook input" in conf,
        expected="nftables enabled at boot with a ruleset in /etc/nftables.conf",
        actual={"enabled": enabled, "ruleset_file_has_input_chain": "hook input" in conf},
    )


@requirement("SRV.10")
def test_firewall_ssh_only_from_management(check: Check) -> None:
    allowed = check.target.management_prefixes
    port = _ssh_port(check)
    found: list[list[str] | None] = []
    for chain in _input_chains(check):
        found.extend(_sources(check, chain, expr) for expr in _ssh_rules(check, chain, port))
    open_to_all = any(s is None for s in found)
    outside = [s for s in found if s is not None and not _inside(s, allowed)]
    check.require(
        bool(found) and not open_to_all and not outside,
        expected=f"tcp/{port} accepted only from {list(allowed)}",
        actual=found,
    )


@requirement("SRV.10")
def test_firewall_management_rule_first(check: Check) -> None:
    port = _ssh_port(check)
    firsts = []
    for chain in _input_chains(check):
        rules = _rules(check, chain)
        firsts.append(bool(rules) and rules[0] in _ssh_rules(check, chain, port))
    check.require(
        bool(firsts) and all(firsts),
        expected="the management SSH rule is the first rule of the input chain",
        actual=firsts,
    )
