"""Turn pydantic validation errors into messages that name the asset and the field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from base.errors import AssetError, InvalidInput


def dotted(loc: Sequence[int | str]) -> str:
    """('cost', 'lines', 2, 'amount') -> 'cost.lines[2].amount'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe(err: dict[str, Any]) -> str:
    """One pydantic error as 'expected …, got …'."""
    got = err.get("input")
    shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    if len(shown) > 80:
        shown = shown[:77] + "..."
    if err.get("type") == "extra_forbidden":
        return "unknown field (not part of the case format; check the spelling against `dataval schema`)"
    if err.get("type") == "missing":
        return "required field is missing"
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "value_error":
        msg = msg.removeprefix("Value error, ")
        if ", got " in msg:  # the validator's own message already shows what came in
            return msg
    return f"{msg}; got {shown}"


def asset_errors(exc: ValidationError, asset_id: str, *, prefix: Sequence[int | str] = ()) -> list[AssetError]:
    """Every problem of a pydantic error as AssetError records (rule 'invalid_input')."""
    return [
        AssetError(asset_id, "invalid_input", dotted([*prefix, *e["loc"]]) or None, describe(dict(e)))
        for e in exc.errors()
    ]


def invalid(exc: ValidationError, what: str) -> InvalidInput:
    """Every problem of a pydantic error in one refusal: ``{what} is not valid:`` then one line per
    field, ``  path: expected …, got …``."""
    lines = "\n".join(f"  {dotted(e['loc'])}: {describe(dict(e))}" for e in exc.errors())
    return InvalidInput(f"{what} is not valid:\n{lines}")
