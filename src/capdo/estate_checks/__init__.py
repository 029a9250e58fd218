"""Checks decided from the estate model alone: results without touching any host.

Each check is registered with the requirement ids it decides and yields result records in the
same format as every other checker (target kind ``system`` for system-wide requirements).
"""

from capdo.estate_checks.registry import EstateContext, run_estate_checks

__all__ = ["EstateContext", "run_estate_checks"]
