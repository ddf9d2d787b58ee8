"""Base of every accounting model: frozen, unknown fields refused (same contract as valuation.models)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """Immutable pydantic model; unknown fields are refused (DESIGN.md "Models")."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
