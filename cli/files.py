"""The lowest file edge of the shell: size limit and JSON parsing, shared by every reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from base.errors import InvalidInput

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Largest input file read (50 MiB), the same limit as the dashboard's uploads and the register's import."""


def check_size(path: Path) -> None:
    """Refuse a missing file or one over :data:`MAX_INPUT_BYTES`."""
    if not path.exists():
        raise InvalidInput(f"file not found: {path}")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InvalidInput(f"{path.name} is {size / 2**20:.1f} MB; the limit is {MAX_INPUT_BYTES / 2**20:.0f} MB")


def read_json(path: Path) -> Any:
    """Parse a JSON file, refusing oversized, non-UTF-8 or malformed files with the position."""
    check_size(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path.name}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name}: not UTF-8 text") from None
