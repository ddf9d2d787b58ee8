"""What every command shares: exit codes, JSON printing, argument types."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

EXIT_OK, EXIT_REFUSED, EXIT_PARTIAL = 0, 2, 3


def dump(obj: Any) -> str:
    """JSON text, UTF-8 characters kept (Chinese labels stay readable)."""
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None
