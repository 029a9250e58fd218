"""Emulated video-conference endpoints for the lab, tests and benchmarks.

    specs = specs_for_estate(inventory, root, {"lab-vc-xa2": frozenset({"http-open"})})
    with EndpointLab(specs) as lab:
        write_overlay(root / "connections.yml", lab.ports)
        ...  # capdo endpoints check, probes, tests

``python -m capdo_lab.endpoints`` runs them in a child process (see ``__main__``).
"""

from capdo_lab.endpoints.estate import overlay_entries, specs_for_estate, write_overlay
from capdo_lab.endpoints.server import EmulatedEndpoint, EndpointLab, sip_reply
from capdo_lab.endpoints.spec import FAULTS, EmulatedSpec, UnknownFault

__all__ = [
    "FAULTS",
    "EmulatedEndpoint",
    "EmulatedSpec",
    "EndpointLab",
    "UnknownFault",
    "overlay_entries",
    "sip_reply",
    "specs_for_estate",
    "write_overlay",
]
