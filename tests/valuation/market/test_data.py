"""The bundled market data: the illustrative comparables database and the X5 coefficient table."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pandas as pd

from tests.valuation.market.conftest import DATA, adjustments, database
from valuation.market import DeliveryForm
from valuation.market.adjustments import Exclusivity
from valuation.models import DataRight


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "comparables_generator", DATA / "generators" / "comparables.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_csv_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "comparables.csv"
    generator().write_csv(out)
    assert out.read_bytes() == (DATA / "comparables.csv").read_bytes()


def test_database_is_labelled_illustrative_and_plausible() -> None:
    frame = pd.read_csv(DATA / "comparables.csv")
    assert len(frame) >= 120 and frame["comp_id"].is_unique
    assert frame["note"].str.contains("ILLUSTRATIVE").all()
    assert "ILLUSTRATIVE" in (generator().__doc__ or "") and "SYNTHETIC" in (generator().__doc__ or "")
    assert frame["date"].between("2022-01-01", "2026-12-31").all()
    assert set(frame["rights_type"]) == {r.value for r in DataRight}
    assert set(frame["delivery_form"]) == {d.value for d in DeliveryForm}
    assert {
        "上海数据交易所",
        "深圳数据交易所",
        "北京国际大数据交易所",
        "贵阳大数据交易所",
        "浙江大数据交易中心",
    } <= set(frame["venue"])
    assert frame["field"].nunique() >= 8 and frame["quality"].between(0, 1).all()
    assert frame["price"].quantile(0.05) > 50_000 and frame["price"].quantile(0.95) < 5_000_000
    assert len(database()) == len(frame)  # every row reads as a Comparable


def test_adjustment_table_matches_the_generating_model() -> None:
    # The illustrative coefficients are the rounded exponentials of the generator's effects.
    g, table = generator(), adjustments()
    for right, effect in g.RIGHTS_EFFECT.items():
        assert table.rights_type[DataRight(right)].coefficient == round(math.exp(effect), 2)
    for form, effect in g.DELIVERY_EFFECT.items():
        assert table.delivery_form[DeliveryForm(form)].coefficient == round(math.exp(effect), 2)
    assert table.exclusivity[Exclusivity.EXCLUSIVE].coefficient == round(math.exp(0.30), 2)
    tiers = {t.tier: t for t in table.region_tiers}
    for region, effect in g.REGION_TIER_EFFECT.items():
        tier = next(t for t in tiers.values() if region in t.regions)
        assert tier.coefficient == round(math.exp(effect), 2), region
    terms = [b.coefficient for b in table.remaining_term]
    assert terms == [round(math.exp(e), 2) for e in g.TERM_EFFECT]
    assert [b.max_years for b in table.remaining_term] == [1, 2, 3, 5, None]
    assert all(row.basis for row in table.rights_type.values())
