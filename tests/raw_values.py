"""What a reader must never see: an enum's raw value (``value_in_use``, ``ltv_max``) or an untranslated
library message. Shared by the CLI and dashboard scans (tests/test_no_raw_values.py,
tests/app/test_no_raw_values_pages.py)."""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from collections.abc import Iterable

PACKAGES = ("accounting", "valuation", "pledge", "register", "ledger_export")
# library phrasings that mean an exception's own text reached the reader
LIBRARY_PHRASES = ("Input should be", "Traceback (most recent call last)", "Field required", "validation error for",
                   "object has no attribute", "NoneType", "KeyError", "ValueError:", "TypeError:")
TOKEN = re.compile(r"(?<![A-Za-z0-9_./#:=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_(./])")


def raw_values() -> frozenset[str]:
    """Every snake_case string value of an Enum defined in the project's packages."""
    out: set[str] = set()
    for top in PACKAGES:
        pkg = importlib.import_module(top)
        names = [top] + [m.name for m in pkgutil.walk_packages(pkg.__path__, f"{top}.")
                         if ".migrations" not in m.name]
        for name in names:
            try:
                mod = importlib.import_module(name)
            except Exception:  # a module that needs an optional component: not a place for enums
                continue
            for obj in vars(mod).values():
                if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == mod.__name__:
                    out |= {m.value for m in obj if isinstance(m.value, str) and "_" in m.value}
    return frozenset(out)


def offending(texts: Iterable[str], values: frozenset[str]) -> list[str]:
    """The raw enum values and library phrases found in ``texts`` (each with a little context)."""
    found: list[str] = []
    for text in texts:
        for m in TOKEN.finditer(text):
            if m.group(0) in values:
                found.append(f"{m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 40]}…")
        found += [f"{p!r} in …{text[:120]}…" for p in LIBRARY_PHRASES if p in text]
    return found
