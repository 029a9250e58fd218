"""Fixtures for the endpoint tests: a lab estate copy with one extra endpoint per deliberate
fault, emulated endpoints on loopback, and the connections overlay that points at them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import yaml

from capdo.endpoints.trust import estate_ca_file
from capdo.inventory.model import Inventory
from capdo.inventory.validate import load_estate
from capdo_lab.endpoints import EndpointLab, specs_for_estate, write_overlay

REPO = Path(__file__).resolve().parents[2]
LAB_ESTATE = REPO / "inventories" / "lab"
PASSWORD_ENV = "CAPDO_LAB_ENDPOINT_PASSWORD"
TEST_PASSWORD = "Vc-test-Passw0rd!"  # a throw-away value for emulated endpoints only

# fault → (vendor, the requirement it must break)
FAULT_CASES: dict[str, tuple[str, str]] = {
    "no-tls": ("yealink", "VC.02"),
    "srtp-optional": ("poly", "VC.02"),
    "default-password": ("yealink", "VC.03"),
    "http-open": ("yealink", "VC.04"),
    "telnet-open": ("poly", "VC.04"),
    "expired-cert": ("poly", "VC.04"),
    "weak-tls": ("yealink", "VC.04"),
    "mgmt-anywhere": ("yealink", "VC.04"),
    "old-firmware": ("yealink", "VC.05"),
    "no-ntp": ("poly", "VC.06"),
    "auto-answer-any": ("yealink", "VC.08"),
    "snmp-v2c": ("poly", "VC.09"),
    "long-idle": ("yealink", "VC.11"),
}
MODELS = {"yealink": ("VC200", "63.345.0.10", "80:5e:c0"), "poly": ("G7500", "4.1.2", "00:e0:db")}


def fault_endpoint_name(fault: str) -> str:
    return f"lab-vc-f-{fault}"


def copy_estate(target: Path, *, level: int | None = None, extra: bool = True) -> Path:
    """A copy of the lab estate, with the VC system at ``level`` and one endpoint per fault."""
    shutil.copytree(LAB_ESTATE, target)
    (target / "estate.yml").write_text(
        (target / "estate.yml")
        .read_text(encoding="utf-8")
        .replace("connection_overlay: ../../.cache/lab/connections.yml", ""),
        encoding="utf-8",
    )
    if level is not None:
        systems = yaml.safe_load((target / "systems.yml").read_text(encoding="utf-8"))
        for system in systems:
            if system["id"] == "lab-hntt":
                system["level"] = {"level": level, "status": "proposed"}
        (target / "systems.yml").write_text(yaml.safe_dump(systems), encoding="utf-8")
    if extra:
        endpoints = yaml.safe_load((target / "endpoints.yml").read_text(encoding="utf-8"))
        for number, (fault, (vendor, _)) in enumerate(FAULT_CASES.items(), start=10):
            model, firmware, oui = MODELS[vendor]
            name = fault_endpoint_name(fault)
            endpoints.append(
                {
                    "name": name,
                    "site": "lab-xa",
                    "zone": "lab-xa-vc",
                    "vendor": vendor,
                    "model": model,
                    "firmware": firmware,
                    "mac": f"{oui}:00:01:{number:02x}",
                    "address": f"198.18.2.{number + 32}",
                    "sip_uri": f"sip:{name}@vc.lab.capdo.test",
                    "mcu": "lab-mcu01",
                    "systems": ["lab-hntt"],
                }
            )
        (target / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return target


def load(root: Path) -> Inventory:
    result = load_estate(root)
    assert result.ok, [f.rule for f in result.findings]
    assert result.inventory is not None
    return result.inventory


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_ENV, TEST_PASSWORD)
    return TEST_PASSWORD


class Emulation:
    """Emulated endpoints for an estate, with the overlay exported in $CAPDO_CONNECTIONS."""

    def __init__(self, root: Path, lab: EndpointLab, overlay: Path) -> None:
        self.root = root
        self.lab = lab
        self.overlay = overlay


def start_emulation(
    root: Path,
    faults: Mapping[str, frozenset[str]],
    monkeypatch: pytest.MonkeyPatch,
    *,
    provision_from: Path | None = None,
) -> Emulation:
    """Start emulations provisioned from ``provision_from`` (default: the same estate)."""
    source = provision_from or root
    specs = specs_for_estate(load(source), source, faults, password=TEST_PASSWORD)
    # signed by the estate's CA (endpoint_ca), as `capdo lab up` does: the probes verify it
    lab = EndpointLab(specs, ca_file=estate_ca_file(load(root).estate, root))
    ports = lab.start()
    overlay = write_overlay(root.parent / f"{root.name}-connections.yml", ports, merge=False)
    monkeypatch.setenv("CAPDO_CONNECTIONS", str(overlay))
    return Emulation(root, lab, overlay)


@pytest.fixture
def emulate(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    started: list[EndpointLab] = []

    def _start(
        root: Path,
        faults: Mapping[str, frozenset[str]] | None = None,
        provision_from: Path | None = None,
    ) -> Emulation:
        emulation = start_emulation(root, faults or {}, monkeypatch, provision_from=provision_from)
        started.append(emulation.lab)
        return emulation

    yield _start
    for lab in started:
        lab.stop()
