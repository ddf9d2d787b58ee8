"""The lowest file edge of the shell: size limit and JSON parsing, shared by every reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from base.errors import InvalidInput

MAX_JSON_DEPTH = 64
"""Deepest nesting of objects and lists in an input JSON file (a case needs fewer than 10)."""

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Largest input file read (50 MiB), the same limit as the dashboard's uploads and the register's import."""


def check_size(path: Path) -> None:
    """Refuse a missing file or one over :data:`MAX_INPUT_BYTES`."""
    if not path.exists():
        raise InvalidInput(f"文件不存在 file not found: {path}")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InvalidInput(f"文件过大 {path.name} is {size / 2**20:.1f} MB; the limit is {MAX_INPUT_BYTES / 2**20:.0f} MB")


def read_json(path: Path) -> Any:
    """Parse a JSON file, refusing oversized, non-UTF-8 or malformed files with the position."""
    check_size(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"JSON 格式错误 {path.name}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"不是 UTF-8 文本 {path.name}: not UTF-8 text") from None
    except ValueError:  # a number of more than 4,300 digits (Python's limit on int conversion)
        raise InvalidInput(f"数字过长 {path.name}: a number has too many digits to be an input") from None
    except RecursionError:
        raise InvalidInput(f"JSON 嵌套过深 {path.name}: nested deeper than {MAX_JSON_DEPTH} levels") from None
    check_depth(data, path.name)
    return data


def check_depth(data: Any, source: str) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(f"JSON 嵌套过深 {source}: nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
