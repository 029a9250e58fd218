"""Run emulated endpoints in a child process until SIGTERM/SIGINT.

    python -m capdo_lab.endpoints --inventory inventories/lab \
        [--overlay FILE] [--fault lab-vc-xa2=http-open,old-firmware] [--factory]

Prints one JSON line ``{"ports": {name: {...}}, "overlay": FILE|null}`` once every listener is
up, then waits. Exit 0 on a signal, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from capdo.endpoints import estate_ca_file, raise_fd_limit
from capdo.errors import CapdoError
from capdo.i18n import Lang, t
from capdo.inventory import load_estate
from capdo.secrets import SecretError
from capdo_lab.endpoints.estate import specs_for_estate, write_overlay
from capdo_lab.endpoints.server import EndpointLab
from capdo_lab.endpoints.spec import FAULTS, UnknownFault


def _faults(values: list[str]) -> dict[str, frozenset[str]]:
    faults: dict[str, frozenset[str]] = {}
    for value in values:
        name, sep, names = value.partition("=")
        if not sep or not name:
            raise UnknownFault(value)
        faults[name] = faults.get(name, frozenset()) | frozenset(
            n.strip() for n in names.split(",") if n.strip()
        )
    return faults


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m capdo_lab.endpoints")
    parser.add_argument("--inventory", "-i", type=Path, required=True)
    parser.add_argument("--overlay", type=Path)
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        help="NAME=fault[,fault...]; faults: " + ", ".join(sorted(FAULTS)),
    )
    parser.add_argument("--factory", action="store_true", help="run factory defaults")
    parser.add_argument("--lang", default="vi", choices=["vi", "en"])
    args = parser.parse_args(argv)
    lang: Lang = "en" if args.lang == "en" else "vi"
    result = load_estate(args.inventory)
    if result.inventory is None or not result.ok:
        print(
            f"capdo: {t('endpoints.error.inventory', lang, path=args.inventory)}", file=sys.stderr
        )
        return 2
    try:
        faults = _faults(args.fault)
        specs = specs_for_estate(
            result.inventory, args.inventory, faults, provisioned=not args.factory
        )
    except UnknownFault as exc:
        known = ", ".join(sorted(FAULTS))
        print(f"capdo: {t('endpoints.error.fault', lang, fault=exc, known=known)}", file=sys.stderr)
        return 2
    except SecretError as exc:
        print(f"capdo: {exc.message(lang)}", file=sys.stderr)
        return 2
    unknown = sorted(set(faults) - {s.name for s in specs})
    if unknown:
        print(
            f"capdo: {t('endpoints.error.unknown-endpoint', lang, names=', '.join(unknown))}",
            file=sys.stderr,
        )
        return 2
    try:  # the estate's CA signs the emulations' certificates: probes verify them
        ca_file = estate_ca_file(result.inventory.estate, args.inventory)
    except CapdoError as exc:
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        print(f"capdo: {exc.message(lang)}", file=sys.stderr)
        return 2
    raise_fd_limit()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    lab = EndpointLab(specs, ca_file=ca_file)
    try:
        ports = lab.start()
        if args.overlay:
            write_overlay(args.overlay, ports)
        print(
            json.dumps({"ports": ports, "overlay": str(args.overlay) if args.overlay else None}),
            flush=True,
        )
        stop.wait()
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
