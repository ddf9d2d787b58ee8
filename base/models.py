"""The base of every input and result model (docs/architecture.md): frozen, unknown fields refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """Immutable pydantic model: a result is a value, never edited after it is made; unknown fields
    are refused so a misspelt key in a case file is an error, not silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
