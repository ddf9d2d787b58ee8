"""Every way a data resource arrives (Tables A/B column 其他方式取得): contribution by an investor (CAS 6 art. 14),
acquisition in a business combination (CAS 20), government grant of public data (CAS 16)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from accounting import InvalidEvent, book
from tests.accounting.conftest import CHART, case, ev, resource

OTHER = 2  # Table A column 其他方式取得


def _net(r, kind: str) -> dict[str, D]:  # type: ignore[no-untyped-def]
    out: dict[str, D] = {}
    for e in r.journal:
        if e.entry_type.value == kind:
            for ln in e.lines:
                out[ln.account_code] = out.get(ln.account_code, D("0.00")) + ln.debit - ln.credit
    return out


def test_a_contribution_at_an_agreed_value_above_fair_value_uses_fair_value() -> None:
    res = resource("CON", formation="other", useful_life={"estimated_months": 36})
    r = book(case([res], [ev("contribution", "CON", "2025-03-10", investor="某数据集团", agreed_value="1500000.00",
                             agreed_value_fair=False, fair_value="1200000.00", share_capital="1000000.00",
                             unfair_reason="作价出资评估报告 (2025) 第018号：市场价值 1,200,000.00")]),
             date(2025, 3, 31), chart=CHART)
    # cost = fair value 1,200,000.00; Cr 实收资本 1,000,000.00, 资本公积—资本溢价 200,000.00
    assert _net(r, "contribution") == {"1701.01": D("1200000.00"), "4001": D("-1000000.00"),
                                       "4002.01": D("-200000.00")}
    assert r.table_a.value("cost.increase.other", OTHER) == D("1200000.00")
    # March amortization: 1,200,000.00 / 36 = 33,333.33 → carrying 1,166,666.67
    assert r.table_a.value("carrying.closing", OTHER) == D("1166666.67")
    assert any("not fair" in w for w in r.events[0].rationale)


def test_a_combination_not_under_common_control_at_fair_value_and_one_under_common_control() -> None:
    fv = resource("ACQ", formation="other", useful_life={"estimated_months": 48})
    cc = resource("GRP", formation="other", useful_life={"estimated_months": 48})
    r = book(case([fv, cc], [
        ev("business_combination", "ACQ", "2025-07-01", acquiree="目标公司", common_control=False, fair_value="800000.00"),
        ev("business_combination", "GRP", "2025-07-01", acquiree="集团内子公司", common_control=True,
           carrying_amount="500000.00", consideration="600000.00"),
    ]), date(2025, 7, 31), chart=CHART)
    net = _net(r, "business_combination")
    # fair value 800,000.00 + carrying 500,000.00 = 1,300,000.00 of data intangibles; cash 800,000.00 + 600,000.00;
    # common control: consideration 600,000.00 − carrying 500,000.00 = 100,000.00 taken from 资本公积
    assert net == {"1701.01": D("1300000.00"), "1002": D("-1400000.00"), "4002.01": D("100000.00")}
    assert r.table_a.value("cost.increase.other", OTHER) == D("1300000.00")


def _grant(fair_value: str | None, **policy: str):  # type: ignore[no-untyped-def]
    res = resource("PUB", formation="other", useful_life={"estimated_months": 24})
    extra = {} if fair_value is None else {"fair_value": fair_value}
    return book(case([res], [ev("government_grant", "PUB", "2025-01-15", grantor="市数据局", free=True,
                                basis="公共数据无偿授权；评估报告 (2025) 第002号", **extra)], **policy),
                date(2025, 12, 31), chart=CHART)


def test_a_public_data_grant_at_a_nominal_cny_1_goes_straight_to_profit_or_loss() -> None:
    r = _grant(None)
    assert _net(r, "government_grant") == {"1701.01": D("1.00"), "6117": D("-1.00")}
    assert {ln.key: ln.amount for ln in r.pnl_effects.lines}["government_grants"] == D("1.00")


def test_a_grant_at_fair_value_gross_releases_deferred_income_monthly() -> None:
    r = _grant("240000.00")
    # Dr 无形资产 240,000.00 / Cr 递延收益 240,000.00; 24 months from January 2025:
    # amortization 10,000.00 a month and 递延收益 released 10,000.00 a month to 其他收益
    assert _net(r, "government_grant") == {"1701.01": D("240000.00"), "2401": D("-240000.00")}
    assert _net(r, "grant_release") == {"2401": D("120000.00"), "6117": D("-120000.00")}  # 12 months
    assert r.table_a.value("amortization.increase.charge", OTHER) == D("120000.00")
    pnl = {ln.key: ln.amount for ln in r.pnl_effects.lines}
    assert pnl["government_grants"] == D("120000.00") and pnl["amortization_admin"] == D("120000.00")
    assert r.all_checks_pass


def test_the_same_grant_under_the_net_method_is_deducted_from_the_asset() -> None:
    r = _grant("240000.00", grant_method="net")
    # Dr 无形资产 240,000.00, Cr 无形资产 240,000.00 (其他减少): carrying 0, nothing amortized, nothing released
    assert r.table_a.value("cost.increase.other", OTHER) == D("240000.00")
    assert r.table_a.value("cost.decrease.other", OTHER) == D("240000.00")
    assert r.table_a.value("carrying.closing") == D("0.00")
    assert _net(r, "grant_release") == {}


def test_authorized_operation_with_fees_is_no_grant() -> None:
    res = resource("FEE", formation="other", useful_life={"estimated_months": 24})
    with pytest.raises(InvalidEvent, match="not a government grant"):
        book(case([res], [ev("government_grant", "FEE", "2025-01-15", grantor="市数据局", free=False,
                             fair_value="100000.00", basis="授权运营协议：年费 20 万元")]), date(2025, 12, 31), chart=CHART)


def _granted_then(kind: str, **event: str):  # type: ignore[no-untyped-def]
    res = resource("PUB", formation="other", useful_life={"estimated_months": 24})
    return book(case([res], [
        ev("government_grant", "PUB", "2025-01-15", grantor="市数据局", free=True, fair_value="240000.00",
           basis="公共数据无偿授权；评估报告 (2025) 第002号"),
        ev(kind, "PUB", "2025-06-20", **event)]), date(2025, 12, 31), chart=CHART)


def test_a_granted_asset_disposed_of_early_releases_the_rest_of_its_deferred_income() -> None:
    r = _granted_then("disposal", proceeds="100000.00")
    # 24 months from January: 10,000.00 a month amortized and released; January–May booked (June, the
    # month of disposal, is not amortized): 50,000.00 each. At disposal: carrying 240,000.00 − 50,000.00 =
    # 190,000.00; loss on disposal 100,000.00 − 190,000.00 = −90,000.00; the 递延收益 not yet released,
    # 240,000.00 − 50,000.00 = 190,000.00, goes at once to 资产处置损益 (CAS 16 art. 8)
    assert _net(r, "grant_release") == {"2401": D("240000.00"), "6117": D("-50000.00"), "6115": D("-190000.00")}
    assert r.all_checks_pass


def test_a_granted_asset_whose_rights_lapse_releases_the_rest_to_non_operating_income() -> None:
    r = _granted_then("lapse", reason="授权到期未续 authorization not renewed")
    # carrying 190,000.00 to 营业外支出 (6711); the 190,000.00 of 递延收益 left to 营业外收入 (6301)
    assert _net(r, "lapse") == {"1701.01": D("-240000.00"), "1702.01": D("50000.00"), "6711": D("190000.00")}
    assert _net(r, "grant_release") == {"2401": D("240000.00"), "6117": D("-50000.00"), "6301": D("-190000.00")}
