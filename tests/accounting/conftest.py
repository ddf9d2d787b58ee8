"""Shared fixtures: the default chart from data/, and small builders for resources and events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from accounting import BookCase, ChartOfAccounts, DataResource, Event

ROOT = Path(__file__).resolve().parents[2]
CHART = ChartOfAccounts.model_validate_json((ROOT / "data" / "chart_of_accounts.json").read_text("utf-8"))
EVENT = TypeAdapter(Event)

CRITERIA_2024 = {
    name: {"met": True, "evidence": f"{name} evidence", "date_met": "2024-04-01"}
    for name in ("technical_feasibility", "intention", "benefit_demonstrated", "adequate_resources",
                 "reliable_measurement")
}


@pytest.fixture(scope="session")
def chart() -> ChartOfAccounts:
    return CHART


def resource(asset_id: str, **kw: Any) -> DataResource:
    """A recognized data resource; override any fact with keywords."""
    base: dict[str, Any] = {
        "asset_id": asset_id, "name": f"dataset {asset_id}", "purpose": "internal_use", "formation": "purchased",
        "controlled": True, "separable": True, "benefits_probable": True, "cost_reliably_measurable": True,
        "useful_life": {"estimated_months": 36},
    }
    base.update(kw)
    return DataResource.model_validate(base)


def self_developed(asset_id: str, **kw: Any) -> DataResource:
    kw = {"formation": "self_developed", "research_start": "2024-01-01", "development_start": "2024-04-01",
          "criteria": CRITERIA_2024, **kw}
    return resource(asset_id, **kw)


def inventory(asset_id: str, **kw: Any) -> DataResource:
    kw = {"purpose": "held_for_sale", "business_model": "transfer_dataset", "useful_life": None, **kw}
    return resource(asset_id, **kw)


def ev(kind: str, asset_id: str, on: str | date, **kw: Any) -> Any:
    return EVENT.validate_python({"kind": kind, "asset_id": asset_id, "date": str(on), **kw})


def cost(amount: str, category: str = "purchase_price", **kw: Any) -> dict[str, Any]:
    return {"category": category, "amount": amount, **kw}


def net_by_account(result: Any, entry_type: Any) -> dict[str, Decimal]:
    """Debit-positive amounts by account code of the first journal entry of ``entry_type``."""
    e = next(e for e in result.journal if e.entry_type == entry_type)
    out: dict[str, Decimal] = {}
    for ln in e.lines:
        out[ln.account_code] = out.get(ln.account_code, Decimal("0")) + ln.debit - ln.credit
    return out


def case(resources: list[DataResource], events: list[Any], **policy: Any) -> BookCase:
    return BookCase(case_id="T", resources=tuple(resources), events=tuple(events), policy=policy or {})
