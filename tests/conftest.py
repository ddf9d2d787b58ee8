"""Shared test settings. With CI=true, a test may not skip for a missing system component."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, component: str) -> None:
    """Skip when a system component is missing; on CI, fail instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{component} is required on CI but missing (scripts/test.sh installs it)")
    pytest.skip(f"{component} not installed")


@pytest.fixture(autouse=True)
def _restore_main_module() -> Iterator[None]:
    """Streamlit's AppTest runs a page as ``__main__`` and leaves it in sys.modules; a later test that
    spawns processes (Dask workers) would then re-run that page in every child. Put the real one back."""
    main = sys.modules.get("__main__")
    yield
    if main is not None and sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main
