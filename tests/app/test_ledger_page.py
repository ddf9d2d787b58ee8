"""账务 Ledger page and 入表判断 Recognition page on the sample self-developed dataset (BOOK-SELF-01).

Figures by hand from data/examples/books/self_developed_dataset.json:
- capitalized development spending 500,000 + 200,000 + 100,000 + 400,000 = 1,200,000.00 (training 20,000
  and research 350,000 expensed); ready for use 2024-07-01; 36 months straight-line: 33,333.33 a month;
- 2024: 6 months = 199,999.98; carrying 1,000,000.02; recoverable 600,000.00 → impairment 400,000.02;
- 2025: 600,000.00 / 30 months left = 20,000.00 a month, 12 months = 240,000.00; carrying at 2025-12-31
  360,000.00; the 2025 recoverable amount 900,000.00 reverses nothing under CAS 8 art. 17.
The first start posted 2024 (13 entries); posting 2025 posts the 12 monthly amortizations.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app import store
from register import PermissionDenied, Role, User
from tests.app.conftest import COMPANY_SELF, frames, no_exception, texts


def _df(at: Any, must_have: str) -> Any:
    return next(f for f in frames(at) if must_have in f.columns)


def test_recognition_decision_reasons_and_five_criteria(page: Any, users: dict[Role, User]) -> None:
    at = page(users[Role.ANALYST], "recognition", company=COMPANY_SELF)
    no_exception(at)
    shown = texts(at)
    assert "内部研发（开发支出—数据资源，达到预定用途后转入无形资产）" in shown
    assert "《企业会计准则第6号——无形资产》第九条五项条件均有证据，于2024年4月1日首次同时满足" in shown
    assert "CAS 6 art. 7-10" in shown  # the articles cited
    # all five met on 2024-04-01 (the criteria_met event date): capitalization starts then
    assert "**资本化起点**: 2024-04-01" in shown
    # the five criteria are in the facts form, as saved (read-only for the analyst)
    met = [c for c in at.checkbox if c.key and c.key.endswith(".met")]
    assert len(met) == 5 and all(c.value for c in met) and all(c.disabled for c in met)


def test_ledger_period_figures_post_and_close(page: Any, users: dict[Role, User]) -> None:
    fin = users[Role.FINANCE]
    at = page(fin, "ledger", company=COMPANY_SELF)
    no_exception(at)
    at.date_input(key="ledger_start").set_value(date(2025, 1, 1))
    at.date_input(key="ledger_end").set_value(date(2025, 12, 31))
    at.run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"记账凭证": "12", "试算平衡表": "借贷平衡", "校验": "全部校验通过", "被拒绝的事项": "0"}
    bs = _df(at, "期末")
    intangible = bs[bs.iloc[:, 0].str.startswith("无形资产")].iloc[0]
    assert (intangible["期末"], intangible["期初"]) == ("¥360,000.00", "¥600,000.00")
    journal = _df(at, "借方")
    debits = [d for d in journal["借方"] if d]
    assert debits == ["¥20,000.00"] * 12  # 600,000.00 / 30 months, each month of 2025

    next(b for b in at.button if b.key == "ledger_post").click()
    at.run()
    no_exception(at)
    assert "已过账: 12 笔凭证已过账 · 冲销 0 · 未变 13" in texts(at)
    posted = store.posted_entries(fin, COMPANY_SELF)
    assert len(posted) == 25 and posted[-1].date == date(2025, 12, 31)

    at.checkbox(key="ledger_close_confirm").check()
    at.run()
    next(b for b in at.button if b.key == "ledger_close").click()
    at.run()
    no_exception(at)
    assert [(p.start, p.end, p.status, p.closed_by) for p in store.periods(fin, COMPANY_SELF)] == [
        (date(2025, 1, 1), date(2025, 12, 31), "closed", "finance1")]
    assert "**期间状态**: 已结账 (finance1)" in texts(at)
    with pytest.raises(Exception, match="already closed"):  # never reopened, never closed twice
        store.close_period(fin, COMPANY_SELF, date(2025, 1, 1), date(2025, 12, 31))


def test_analyst_reads_the_ledger_but_may_not_post(page: Any, users: dict[Role, User]) -> None:
    ana = users[Role.ANALYST]
    at = page(ana, "ledger", company=COMPANY_SELF)
    no_exception(at)
    post = next(b for b in at.button if b.key == "ledger_post")
    assert post.disabled
    with pytest.raises(PermissionDenied, match=r"ledger\.post"):
        store.post_period(ana, COMPANY_SELF, date(2026, 12, 31))
    with pytest.raises(PermissionDenied):
        store.close_period(ana, COMPANY_SELF, date(2026, 1, 1), date(2026, 12, 31))
