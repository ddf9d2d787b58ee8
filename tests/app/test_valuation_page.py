"""估值 Valuation page: a register asset by the cost method, a stored engagement, batch upload.

Hand figures: cost lines incurred in the valuation month are not restated (I(v)/I(t) = 1); with δ on
remaining life, δ = remaining / (elapsed + remaining) = 3 / (1 + 3) = 0.75 (docs/valuation.md §Cost method), so
P = C × δ = (400,000.00 + 600,000.00) × 0.75 = 750,000.00. Batch row B-1: (100,000 + 300,000) × 0.75
= 300,000.00; row B-2 has a negative amount and fails alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from app import services, store
from register import Role, User
from tests.app.conftest import COMPANY_PARK, no_exception, register_env, texts

CO = "TEST-VAL-CO"
BATCH_CSV = (
    "asset_id,name,source,rights,w_cost,cost_planning,cost_construction,cost_operation,cost_indirect,"
    "cost_incurred_on,cost_delta_basis,cost_elapsed_years,cost_remaining_years,valuation_date\n"
    "B-1,批量一 batch one,purchase,holding,1,100000,300000,,,2025-12-10,life,1,3,2025-12-31\n"
    "B-2,批量二 batch two,purchase,holding,1,-5,300000,,,2025-12-10,life,1,3,2025-12-31\n"
)


@pytest.fixture(scope="module")
def asset(sample_register: str, users: dict[Role, User]) -> str:
    with register_env(sample_register):
        fin = users[Role.FINANCE]
        store.add_asset(fin, CO, {"asset_id": "V-001", "name": "估值测试数据集 valuation test dataset",
                                  "source": "own_collection", "rights": "holding;processing_use"})
        store.save_cost_lines(fin, CO, "V-001", [
            {"category": "direct_construction", "item": "采集与清洗", "amount": 400000.0,
             "incurred_on": date(2025, 12, 5), "evidence": "合同 V-1", "restate": True},
            {"category": "direct_operation", "item": "存储与安全", "amount": 600000.0,
             "incurred_on": date(2025, 12, 20), "evidence": "账单 V-2", "restate": True},
        ], {})
    return "V-001"


def test_value_a_register_asset_and_save_the_conclusion(page: Any, users: dict[Role, User], asset: str) -> None:
    app = users[Role.APPRAISER]
    at = page(app, "valuation", company=CO)
    no_exception(at)
    at.radio(key="val_source").set_value("assets")
    at.run()
    at.multiselect(key="val_assets").select(asset)
    at.date_input(key="val_vdate").set_value(date(2025, 12, 31))
    at.selectbox(key="val_purpose").select("financial_reporting")
    at.selectbox(key="val_vtype").select("value_in_use")
    at.selectbox(key="val_basis").select("life")
    at.number_input(key="val_el").set_value(1.0)
    at.number_input(key="val_rem").set_value(3.0)
    at.text_input(key="val_case_id").input("VAL-TEST-01")
    next(b for b in at.button if b.key == "val_run").click()
    at.run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["评估值 Concluded value"] == "¥750,000.00"
    assert metrics["成本法"] == "¥750,000.00"
    assert float(metrics["P5"].strip("¥").replace(",", "")) < 750000 < float(metrics["P95"].strip("¥").replace(",", ""))
    assert "P = C × δ" in texts(at)
    next(b for b in at.button if b.key == "val_save").click()
    at.run()
    no_exception(at)
    assert "评估结论已保存到登记簿" in texts(at)
    stored = store.valuation_results(users[Role.BANK], CO)
    assert [(v.asset_code, v.case_id, str(v.value)) for v in stored] == [("V-001", "VAL-TEST-01", "750000.00")]


def test_stored_engagement_tabs_and_histogram_draws(page: Any, users: dict[Role, User]) -> None:
    app = users[Role.APPRAISER]
    at = page(app, "valuation", company=COMPANY_PARK)
    no_exception(at)
    assert at.selectbox(key="val_engagement").value is not None
    next(b for b in at.button if b.key == "val_run").click()
    at.run()
    no_exception(at)
    inner = [t.label for t in at.tabs if t.label not in ("评估委托 Engagement", "批量评估 Batch valuation")]
    assert inner == ["成本法 Cost method", "收益法 Income method", "市场法 Market method",
                                              "评估结论 Conclusion", "敏感性分析（龙卷风图） Sensitivity (tornado)",
                                              "蒙特卡洛模拟 Monte Carlo simulation", "评估披露 Appraisal disclosure"]
    assert len(at.get("vega_lite_chart")) == 6  # build-up ×3, comparison, tornado, histogram
    result = at.session_state["val_result"]
    case = at.session_state["val_case"]
    v = result.valuations[0]
    # the histogram's draws are the engine's: V = Σ w_m V_m draw by draw; the parking case weighs cost 0.3,
    # income 0.7 and market 0 — their percentiles are the conclusion's range
    draws = services.simulated_values(app, case, v.asset.asset_id)
    assert draws.shape == (case.simulation.n_draws,)
    p5, p50, p95 = np.percentile(draws, [5, 50, 95])
    assert (p5, p50, p95) == pytest.approx((v.conclusion.value_range.p5, v.conclusion.value_range.p50,
                                            v.conclusion.value_range.p95), rel=1e-12)
    assert v.conclusion.value == pytest.approx(0.3 * v.cost.value + 0.7 * v.income.value, rel=1e-12)


def test_batch_upload_progress_results_and_downloads(page: Any, users: dict[Role, User]) -> None:
    at = page(users[Role.APPRAISER], "valuation", company=COMPANY_PARK)
    at.file_uploader(key="batch_upload").set_value(("two.csv", BATCH_CSV.encode(), "text/csv"))
    at.run()
    next(b for b in at.button if b.key == "batch_run").click()
    at.run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["已估值"], metrics["失败"], metrics["合计"]) == ("1", "1", "¥300,000.00")
    assert at.get("progress")[0].value == 100
    table = next(d.value for d in at.dataframe if "asset_id" in d.value.columns)
    assert list(table["asset_id"]) == ["B-1", "B-2"] and list(table["status"]) != ["ok", "ok"]
    assert table.loc[0, "value"] == pytest.approx(300000.0, abs=1e-6)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载 CSV", "下载 Parquet"]


def test_other_roles_may_not_value(users: dict[Role, User]) -> None:
    from register import PermissionDenied

    for role in (Role.FINANCE, Role.BANK, Role.ANALYST):
        with pytest.raises(PermissionDenied, match=r"valuation\.run"):
            services.read_batch_upload(users[role], "two.csv", BATCH_CSV.encode())
