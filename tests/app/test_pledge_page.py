"""质押 Pledge page: term sheet, maximum loan and binding constraint, paths, stress, memo, recorded pledge.

Hand figure (data/examples/pledges/logistics_12m_level.json, data/bank_policy.json): the borrower's cash
flow 2,400,000 a year with a DSCR floor of 1.25 allows 2,400,000 / 1.25 / 12 = 160,000 of debt service a
month; a 12-month level-payment loan at 4.5 % a year (0.375 % a month) repaid by 160,000 a month is
160,000 × (1 − 1.00375^−12) / 0.00375 = 1,874,007.62 — the binding (lowest) of the four limits.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from app import services, store
from register import PermissionDenied, Role, User
from tests.app.conftest import COMPANY_PARK, frames, no_exception, texts


def test_max_loan_binding_constraint_and_charts(page: Any, users: dict[Role, User]) -> None:
    at = page(users[Role.BANK], "pledge", company=COMPANY_PARK)
    no_exception(at)
    at.selectbox(key="pl_case").select("file:logistics_12m_level.json")
    at.run()
    no_exception(at)
    r = 0.045 / 12
    dscr_limit = 160_000 * (1 - (1 + r) ** -12) / r
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["最高可贷额度 Maximum loan"] == f"¥{dscr_limit:,.2f}" == "¥1,874,007.62"
    assert metrics["约束条件 Binding constraint"] == "偿债覆盖率"
    limits = next(f for f in frames(at) if "四项额度约束" in f.columns)
    assert len(limits) == 4 and list(limits["约束条件"]).count("◀") == 1
    assert len(at.get("vega_lite_chart")) == 2  # LTV / coverage path, value band
    shown = texts(at)
    assert "押品不足概率 Probability of shortfall=" in shown


def test_stress_slider_lowers_collateral_and_raises_shortfall(page: Any, users: dict[Role, User]) -> None:
    at = page(users[Role.BANK], "pledge", company=COMPANY_PARK)
    at.selectbox(key="pl_case").select("file:logistics_12m_level.json")
    at.run()
    base = {m.label: m.value for m in at.metric}
    key = next(s.key for s in at.slider if s.key.startswith("pl_shock_"))
    at.slider(key=key).set_value(0.5)
    at.run()
    no_exception(at)
    shocked = {m.label: m.value for m in at.metric}

    def cny(v: str) -> float:
        return float(v.strip("¥").replace(",", ""))

    # collateral value = concluded × (1 − method haircut): halving the appraisal halves it exactly
    assert cny(shocked["押品价值"]) == pytest.approx(cny(base["押品价值"]) / 2, abs=0.01)
    pct = {k: float(v.rstrip("%")) for k, v in (("b", base["押品不足概率 Probability of shortfall"]),
                                                ("s", shocked["押品不足概率 Probability of shortfall"]))}
    assert pct["s"] > pct["b"]


def test_pledge_on_a_stored_valuation_is_recorded_and_memo_downloads(page: Any, users: dict[Role, User]) -> None:
    bank = users[Role.BANK]
    stored = store.valuation_results(bank, COMPANY_PARK)
    assert stored, "the first start stores the parking engagement's valuation"
    at = page(bank, "pledge", company=COMPANY_PARK)
    at.selectbox(key="pl_case").select(f"val:{stored[0].id}")
    at.run()
    at.selectbox(key="pl_class").select("public_data_operation")
    at.number_input(key="pl_life").set_value(24)
    at.run()
    no_exception(at)
    assert f"评估值 {stored[0].value:,.2f}".replace(" ", " ¥") in texts(at)
    record = next(b for b in at.button if b.key == "pl_record")
    assert record.disabled  # the example's 1.5 m request is above the maximum loan on this collateral
    amount_key = next(n.key for n in at.number_input if n.key.startswith("pl_amount_"))
    at.number_input(key=amount_key).set_value(200000.0)  # below the maximum loan on the corrected parking valuation (1.50 m)
    next(b for b in at.button if b.label == "测算").click()
    at.run()
    no_exception(at)
    record = next(b for b in at.button if b.key == "pl_record")
    assert not record.disabled
    record.click()
    at.run()
    no_exception(at)
    assert "质押已登记" in texts(at)
    recorded = store.pledges(users[Role.ANALYST], COMPANY_PARK)
    assert len(recorded) == 1
    pcase, presult = store.pledge_record(users[Role.ANALYST], next(iter(recorded)))
    assert pcase.collateral.asset_id == "PARK-001" and pcase.collateral.remaining_life_months == 24
    memo = services.credit_memo_bytes(bank, pcase, presult)
    assert "授信摘要 Summary" in load_workbook(io.BytesIO(memo)).sheetnames
    html = services.credit_memo_html_bytes(bank, pcase, presult).decode("utf-8")
    assert "PARK-001" in html and f"{presult.max_loan.amount:,.2f}" in html
    # a second pledge of the same asset to another loan is refused by the register
    again = pcase.model_copy(update={"term_sheet": pcase.term_sheet.model_copy(update={"loan_id": "OTHER-LOAN"})})
    with pytest.raises(Exception, match="second pledge is refused"):
        store.record_pledge(bank, COMPANY_PARK, again, presult)


def test_other_roles_may_not_assess(users: dict[Role, User]) -> None:
    for role in (Role.FINANCE, Role.APPRAISER, Role.ANALYST):
        with pytest.raises(PermissionDenied, match=r"pledge\.assess"):
            services.pledge_case(users[role], {})
