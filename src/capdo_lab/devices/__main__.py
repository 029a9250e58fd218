"""``python -m capdo_lab.devices --device NAME=PLATFORM ... [--overlay FILE]``.

Runs emulated devices in their own process (keeps their threads off the caller's GIL),
prints one JSON line ``{"ports": {name: port}, "host": "127.0.0.1"}`` when every device
listens, and stops on SIGTERM or SIGINT. The password is read from the environment variable
named by ``--password-env`` (default CAPDO_LAB_DEVICE_PASSWORD), never from the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from capdo_lab.devices.lab import DeviceLab
from capdo_lab.devices.state import DeviceSpec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m capdo_lab.devices")
    parser.add_argument("--device", action="append", default=[], help="NAME=PLATFORM")
    parser.add_argument("--username", default="capdo")
    parser.add_argument("--password-env", default="CAPDO_LAB_DEVICE_PASSWORD")
    parser.add_argument("--overlay", type=Path, help="write a connections overlay here")
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env, "")
    if not password:
        print(f"capdo: set {args.password_env} to the devices' password", file=sys.stderr)
        return 2
    try:
        specs = [DeviceSpec(*item.split("=", 1)) for item in args.device]
    except (TypeError, ValueError) as exc:
        print(f"capdo: bad --device: {exc}", file=sys.stderr)
        return 2
    if not specs:
        print("capdo: give at least one --device NAME=PLATFORM", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    lab = DeviceLab(specs, username=args.username, password=password).start()
    try:
        if args.overlay is not None:
            lab.write_overlay(args.overlay)
        print(json.dumps({"host": lab.host, "ports": lab.ports}), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
