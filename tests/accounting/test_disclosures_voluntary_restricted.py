"""Voluntary disclosure, item by item, for recognized and unrecognized data resources, and restricted
resources for any reason (财会〔2023〕11号 三 (二))."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import book
from tests.accounting.conftest import CHART, case, cost, ev, resource

FACTS = {
    "use_cases": "用于城市停车诱导与定价，按调用量向平台收费",
    "raw_data": "地磁与视频桩采集的泊位状态数据，约1.2亿条/年，来源自建设备，权属为数据资源持有权",
    "processing": "清洗、脱敏后每5分钟更新；等保三级；专职数据团队6人",
    "operation": "通过API向两家导航平台提供服务",
    "major_transactions": "已质押于某城商行，贷款300万元；违约时质权人可处置",
    "restrictions": "仅限本市范围使用，不得出境",
    "other": "",
}


def test_a_recognized_asset_shows_its_eight_items_and_says_which_were_not_recorded() -> None:
    res = resource("PARK", useful_life={"estimated_months": 36}, voluntary=FACTS)
    r = book(case([res], [ev("purchase", "PARK", "2025-01-10", cost_lines=[cost("360000.00")])]),
             date(2025, 12, 31), chart=CHART)
    (item,) = r.disclosures.voluntary
    assert item.recognized and [e.number for e in item.items] == [1, 2, 3, 4, 5, 6, 7, 8]
    by = {e.number: e for e in item.items}
    assert by[1].text == FACTS["use_cases"] and by[1].disclosed
    assert by[7].text == FACTS["restrictions"]
    # (6) lapse and (8) other were not recorded: shown as not disclosed, never invented
    assert not by[6].disclosed and by[6].text == "未披露 not disclosed"
    assert not by[8].disclosed


def test_an_unrecognized_data_resource_is_disclosed_with_its_reason() -> None:
    res = resource("RAW", controlled=False, voluntary={"raw_data": "政务公开数据的爬取副本，无独占权利"})
    r = book(case([res], []), date(2025, 12, 31), chart=CHART)
    (item,) = r.disclosures.voluntary
    assert not item.recognized and item.reason  # why it is not an asset (CAS basic standard art. 20-22)
    assert next(e for e in item.items if e.number == 2).disclosed


def test_a_court_seized_asset_is_restricted_with_its_carrying_amount_and_amortization() -> None:
    res = resource("SEIZED", useful_life={"estimated_months": 36})
    r = book(case([res], [
        ev("purchase", "SEIZED", "2025-01-10", cost_lines=[cost("360000.00")]),
        ev("pledge", "SEIZED", "2025-09-01", restriction="court_seizure", pledgee="某区人民法院 (2025)民保字第12号"),
    ]), date(2025, 12, 31), chart=CHART)
    (item,) = r.disclosures.restricted_items
    assert item.restriction.value == "court_seizure" and item.restriction_zh == "司法查封、冻结"
    # 360,000.00 / 36 = 10,000.00 a month from January: 12 months → carrying 240,000.00, amortization 120,000.00
    assert item.carrying_amount == D("240000.00") and item.period_amortization == D("120000.00")
    assert item.pledged_at_period_end
