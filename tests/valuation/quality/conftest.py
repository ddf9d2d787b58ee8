"""Shared data of the quality tests: the bundled sample with planted defects and its generator."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

import pandas as pd

from valuation.quality import QualityRules

DATA = Path(__file__).resolve().parents[3] / "data"
QUALITY = DATA / "quality"
ORDERS = QUALITY / "orders.csv"
RULES = QUALITY / "orders_rules.json"


@cache
def generator() -> ModuleType:
    """data/generators/quality_sample.py: its plan() lists the records of each planted defect."""
    spec = importlib.util.spec_from_file_location("quality_sample", DATA / "generators" / "quality_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_rules() -> QualityRules:
    return QualityRules.model_validate_json(RULES.read_text(encoding="utf-8"))


def read_text_csv(path: Path) -> pd.DataFrame:
    """A CSV with every value as text and empty fields kept as '' (what the shell's reader gives)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def references() -> dict[str, pd.DataFrame]:
    return {"customers.csv": read_text_csv(QUALITY / "customers.csv")}
