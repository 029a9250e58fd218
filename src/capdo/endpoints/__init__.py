"""Video-conference endpoints: provisioning files from the inventory, probes and checks.

- :mod:`capdo.endpoints.config`: the vendor-neutral settings of one endpoint;
- :mod:`capdo.endpoints.intended`: those settings derived from the estate at its level;
- :mod:`capdo.endpoints.vendors`: Yealink ``.cfg`` and Poly XML, both ways (render, parse);
- :mod:`capdo.endpoints.render`: the provisioning tree (per-MAC files, mode 0600);
- :mod:`capdo.endpoints.secrets`: the endpoint admin credential (resolved by :mod:`capdo.secrets`);
- :mod:`capdo.endpoints.policy`: minimum firmware per model (estate policy);
- :mod:`capdo.endpoints.sip`, :mod:`capdo.endpoints.snmp`, :mod:`capdo.endpoints.net`: wire
  formats and asyncio probes (SIP OPTIONS over UDP/TCP/TLS, TLS facts, HTTP, SNMP, ports);
- :mod:`capdo.endpoints.probe`: where to probe and all probes of one endpoint, with a limit;
- :mod:`capdo.endpoints.checks`: probe facts → result records per requirement id;
- :mod:`capdo.endpoints.runner`: one check run over an estate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capdo.lazy import lazy_exports

if TYPE_CHECKING:
    from capdo.endpoints.config import EndpointConfig, factory_default
    from capdo.endpoints.intended import Planner
    from capdo.endpoints.policy import FirmwarePolicy, at_least, load_minimums, version_key
    from capdo.endpoints.probe import ProbeFacts, ProbeSettings, raise_fd_limit
    from capdo.endpoints.render import DEFAULT_OUT, render_all, render_plan, write_tree
    from capdo.endpoints.runner import check_estate, probe_plans, select
    from capdo.endpoints.sip import message_length
    from capdo.endpoints.trust import estate_ca_file
    from capdo.endpoints.vendors import DEFAULT_PASSWORDS, FORMATS

_MODULES = frozenset({"snmp"})
_WHERE = {
    "EndpointConfig": "config",
    "factory_default": "config",
    "Planner": "intended",
    "FirmwarePolicy": "policy",
    "at_least": "policy",
    "load_minimums": "policy",
    "version_key": "policy",
    "ProbeFacts": "probe",
    "ProbeSettings": "probe",
    "raise_fd_limit": "probe",
    "DEFAULT_OUT": "render",
    "render_all": "render",
    "render_plan": "render",
    "write_tree": "render",
    "check_estate": "runner",
    "probe_plans": "runner",
    "select": "runner",
    "message_length": "sip",
    "estate_ca_file": "trust",
    "DEFAULT_PASSWORDS": "vendors",
    "FORMATS": "vendors",
}


__getattr__ = lazy_exports(__name__, _WHERE, _MODULES)


__all__ = [
    "DEFAULT_OUT",
    "DEFAULT_PASSWORDS",
    "FORMATS",
    "EndpointConfig",
    "FirmwarePolicy",
    "Planner",
    "ProbeFacts",
    "ProbeSettings",
    "at_least",
    "check_estate",
    "estate_ca_file",
    "factory_default",
    "load_minimums",
    "message_length",
    "probe_plans",
    "raise_fd_limit",
    "render_all",
    "render_plan",
    "select",
    "snmp",
    "version_key",
    "write_tree",
]
