"""Network config checks: run by ``capdo network audit`` (the capdo.network.audit plugin
provides the ``device`` fixture). Run alone, with no plugin, every check is skipped."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requirement(*ids): requirement ids a check verifies")


@pytest.fixture
def device() -> None:
    pytest.skip("run through `capdo network audit` (it provides the devices)")
