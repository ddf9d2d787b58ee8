"""Valuation → impairment and NRV tests: the recoverable amount and the appraisal reference come from the
valuation that ran; a value in use must be pre-tax (CAS 8 art. 12-13)."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from accounting import BookCase, book
from base.errors import InvalidInput
from bridges.appraisal import resolve_valuation_links
from bridges.data_files import load_chart_of_accounts, load_market_data, load_price_index
from valuation import ValuationCase, value_case

F = 100_000.0  # after-tax flow a year, two years, end of year
I_AFTER = 0.10
T = 0.25


def _valuation(value_type: str = "value_in_use", basis: str = "after_tax") -> Any:
    rate: dict[str, Any] = {"wacc": I_AFTER, "asset_premium": 0.0, "basis": basis}
    raw = {
        "engagement": {"case_id": "VIU-1", "client": "示例公司", "purpose": "financial_reporting",
                       "value_type": value_type, "valuation_date": "2025-12-31",
                       "information_sources": ["management forecast 2026-2027"]},
        "assets": [{
            "asset": {"asset_id": "DS-1", "name": "客户数据集", "rights": ["holding"], "source": "purchase"},
            "methods": [{"method": "income", "weight": 1.0, "reason": "cash flows are forecast"}],
            "income": {"form": "direct", "margin": 1.0, "economic_life": 2, "cash_flow_basis": basis,
                       "forecast": [{"period": 1, "revenue": F}, {"period": 2, "revenue": F}],
                       "discount_rate": rate},
        }],
        "simulation": {"seed": 1, "n_draws": 0},
    }
    case = ValuationCase.model_validate(raw)
    result = value_case(case, default_price_index=load_price_index(), market_data=load_market_data())
    return case.engagement, result.valuations


def _books(link: dict[str, Any], kind: str = "impairment_test", **event: Any) -> dict[str, Any]:
    return {
        "case_id": "B", "company": "示例公司",
        "resources": [{"asset_id": "DS-1", "name": "客户数据集", "purpose": "internal_use", "formation": "purchased",
                       "controlled": True, "separable": True, "benefits_probable": True,
                       "cost_reliably_measurable": True, "useful_life": {"estimated_months": 24}}],
        "events": [
            {"kind": "purchase", "asset_id": "DS-1", "date": "2025-01-10",
             "cost_lines": [{"category": "purchase_price", "amount": "240000.00"}]},
            {"kind": kind, "asset_id": "DS-1", "date": "2025-12-31", "from_valuation": link, **event},
        ],
    }


V = F / 1.1 + F / 1.1**2  # 90,909.09 + 82,644.63 = 173,553.72 CNY


def test_an_after_tax_value_is_refused_as_a_value_in_use() -> None:
    loaded = _valuation()
    with pytest.raises(InvalidInput, match="convert_to_pre_tax") as exc:
        resolve_valuation_links(_books({"result_file": "r.json", "basis": "value_in_use"}), lambda link: loaded)
    assert "税前" in str(exc.value) and "CAS 8 art. 12-13" in str(exc.value)


def test_an_after_tax_value_converted_with_the_solved_pre_tax_rate() -> None:
    loaded = _valuation()
    raw = resolve_valuation_links(_books({"result_file": "r.json", "basis": "value_in_use", "convert_to_pre_tax": True,
                                          "tax_rate": "0.25"}), lambda link: loaded)
    # pre-tax flows F / (1 − T) = 133,333.33; with x = 1 / (1 + r): x + x² = V / F_pre, so
    # x = (−1 + √(1 + 4·V/F_pre)) / 2 and r = 1/x − 1 (the pre-tax rate, not 10 % / 0.75 = 13.33 %)
    f_pre = F / (1 - T)
    x = (-1 + math.sqrt(1 + 4 * V / f_pre)) / 2
    r_pre = 1 / x - 1
    assert r_pre == pytest.approx(0.3411, abs=1e-4)
    ev = raw["events"][1]
    assert D(ev["recoverable_amount"]) == D("173553.72")  # the same value, on the pre-tax basis
    rate = next(p for p in ev["valuation"]["key_parameters"] if p["name"].startswith("税前折现率"))
    assert rate["value"] == f"{r_pre:.4%}"
    # carrying at 2025-12-31: 240,000.00 − 12 × 10,000.00 = 120,000.00 < 173,553.72: no loss
    r = book(BookCase.model_validate(raw), date(2025, 12, 31), chart=load_chart_of_accounts())
    test = r.events[-1]
    assert test.figures["recoverable_amount"] == D("173553.72") and test.figures["loss"] == D("0.00")
    assert test.valuation is not None and test.valuation.report_id == "VIU-1"


def test_a_pre_tax_value_in_use_is_taken_as_it_is() -> None:
    loaded = _valuation(basis="pre_tax")
    raw = resolve_valuation_links(_books({"result_file": "r.json", "basis": "value_in_use"}), lambda link: loaded)
    assert D(raw["events"][1]["recoverable_amount"]) == D("173553.72")  # 100,000 / 1.1 + 100,000 / 1.21


def test_fair_value_less_costs_of_disposal_from_a_market_value_appraisal() -> None:
    loaded = _valuation(value_type="market_value")
    raw = resolve_valuation_links(_books({"result_file": "r.json", "basis": "fair_value_less_costs_of_disposal",
                                          "costs_of_disposal": "53553.72"}), lambda link: loaded)
    # 173,553.72 − 53,553.72 = 120,000.00 = the carrying amount at 2025-12-31: no loss either way
    assert D(raw["events"][1]["recoverable_amount"]) == D("120000.00")
    with pytest.raises(InvalidInput, match="market value"):
        resolve_valuation_links(_books({"result_file": "r.json", "basis": "fair_value_less_costs_of_disposal"}),
                                lambda link: _valuation())


def test_a_recoverable_amount_below_carrying_books_the_loss_from_the_valuation() -> None:
    loaded = _valuation(value_type="market_value")
    raw = resolve_valuation_links(_books({"result_file": "r.json", "basis": "fair_value_less_costs_of_disposal",
                                          "costs_of_disposal": "83553.72"}), lambda link: loaded)
    r = book(BookCase.model_validate(raw), date(2025, 12, 31), chart=load_chart_of_accounts())
    # recoverable 173,553.72 − 83,553.72 = 90,000.00; carrying 120,000.00 → loss 30,000.00 (CAS 8 art. 15)
    assert r.events[-1].figures["loss"] == D("30000.00")
    assert r.table_a.value("impairment.increase.charge") == D("30000.00")


def test_nrv_from_a_valuation_less_the_costs_entered() -> None:
    loaded = _valuation(value_type="market_value")
    raw = _books({"result_file": "r.json"}, kind="nrv_test", costs_to_complete="10000.00", selling_costs="3553.72",
                 related_taxes="0.00")
    raw["resources"][0].update({"purpose": "held_for_sale", "business_model": "transfer_dataset", "useful_life": None})
    resolved = resolve_valuation_links(raw, lambda link: loaded)
    assert D(resolved["events"][1]["estimated_selling_price"]) == D("173553.72")
    r = book(BookCase.model_validate(resolved), date(2025, 12, 31), chart=load_chart_of_accounts())
    # NRV = 173,553.72 − 10,000.00 − 3,553.72 − 0 = 160,000.00 < cost 240,000.00 → write-down 80,000.00
    assert r.table_b.value("provision.increase.charge") == D("80000.00")


def test_dataval_book_reads_the_recoverable_amount_from_a_result_file(tmp_path: Any, capsys: Any) -> None:
    """The CLI path: `dataval value -o result.json`, then a books file naming it (relative path)."""
    import json

    from cli.main import main
    from valuation.engine import CaseResult

    engagement, valuations = _valuation(value_type="market_value")
    result = CaseResult(engagement=engagement, valuations=tuple(valuations), inputs_fingerprint="x", seed=1, n_draws=0)
    (tmp_path / "result.json").write_text(result.model_dump_json(), encoding="utf-8")
    books = _books({"result_file": "result.json", "basis": "fair_value_less_costs_of_disposal",
                    "costs_of_disposal": "83553.72"})
    (tmp_path / "books.json").write_text(json.dumps(books, ensure_ascii=False), encoding="utf-8")
    assert main(["book", str(tmp_path / "books.json"), "--as-of", "2025-12-31", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    loss = next(e for e in out["disclosures"]["impairments"] if e["asset_id"] == "DS-1")
    assert D(loss["recoverable_amount"]) == D("90000.00") and D(loss["loss"]) == D("30000.00")
    appraisal = out["disclosures"]["appraisal"][0]
    assert appraisal["asset_id"] == "DS-1" and "VIU-1" in appraisal["text_zh"]


def test_dataval_db_post_reads_the_recoverable_amount_from_a_saved_valuation(tmp_path: Any, capsys: Any) -> None:
    """The register path: a valuation saved in the register, named by id in the books file's impairment test."""
    import json

    from cli.main import main
    from register import Register
    from register.valuations import store_case_result

    url = f"sqlite:///{tmp_path / 'register.db'}"
    raw = {
        "engagement": {"case_id": "VIU-REG", "client": "示例公司", "purpose": "financial_reporting",
                       "value_type": "market_value", "valuation_date": "2025-12-31"},
        "assets": [{
            "asset": {"asset_id": "DS-1", "name": "客户数据集", "rights": ["holding"], "source": "purchase"},
            "methods": [{"method": "income", "weight": 1.0, "reason": "cash flows are forecast"}],
            "income": {"form": "direct", "margin": 1.0, "economic_life": 2, "cash_flow_basis": "after_tax",
                       "forecast": [{"period": 1, "revenue": F}, {"period": 2, "revenue": F}],
                       "discount_rate": {"wacc": I_AFTER, "asset_premium": 0.0}},
        }],
        "simulation": {"seed": 1, "n_draws": 0},
    }
    case = ValuationCase.model_validate(raw)
    result = value_case(case, default_price_index=load_price_index(), market_data=load_market_data())
    reg = Register(url)
    try:
        with reg.session(actor="test") as s:
            (result_id,) = store_case_result(s, case, result, company="B")
    finally:
        reg.dispose()
    books = _books({"register_valuation": result_id, "basis": "fair_value_less_costs_of_disposal",
                    "costs_of_disposal": "83553.72"})
    (tmp_path / "books.json").write_text(json.dumps(books, ensure_ascii=False), encoding="utf-8")
    assert main(["db", "post", str(tmp_path / "books.json"), "--as-of", "2025-12-31", "--db", url, "--json"]) == 0
    capsys.readouterr()
    from register.ledger import books_case

    reg = Register(url)
    try:
        with reg.session(actor="test") as s:
            stored, _ = books_case(s, "B")
    finally:
        reg.dispose()
    test = next(e for e in stored.events if e.kind.value == "impairment_test")
    # 173,553.72 (the saved valuation's concluded value) − 83,553.72 costs of disposal = 90,000.00
    assert test.recoverable_amount == D("90000.00")  # type: ignore[union-attr]
    assert test.valuation is not None and test.valuation.report_id == "VIU-REG"  # type: ignore[union-attr]
    assert main(["book", str(tmp_path / "books.json"), "--as-of", "2025-12-31"]) == 2  # a file cannot read the register
    assert "dataval db post" in capsys.readouterr().err
