#!/usr/bin/env python3
"""Regenerate the reference estate, or a synthetic national set, with ``capdo estate new``.

    python inventories/generate_estate.py                            # inventories/phutho/
    python inventories/generate_estate.py --provinces 34 --out DIR   # synthetic national estate

Same as ``capdo estate new inventories/phutho.description.yml --out inventories/phutho``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from capdo.estate_gen.description import load_description
from capdo.estate_gen.write import GENERATED_KINDS, generate

HERE = Path(__file__).resolve().parent
DESCRIPTION = HERE / "phutho.description.yml"
__all__ = ["GENERATED_KINDS", "main"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "phutho")
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--description", type=Path, default=DESCRIPTION)
    args = parser.parse_args()
    desc = load_description(args.description)
    count = generate(desc, args.out, args.description.name, args.provinces)
    print(f"wrote {count} objects to {args.out}")


if __name__ == "__main__":
    main()
