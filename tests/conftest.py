"""Shared test settings. With CI=true, a test may not skip for a missing system component."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, component: str) -> None:
    """Skip when a system component is missing; on CI, fail instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{component} is required on CI but missing (scripts/test.sh installs it)")
    pytest.skip(f"{component} not installed")
