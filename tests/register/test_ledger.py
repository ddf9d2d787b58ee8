"""The posted ledger on SQLite and PostgreSQL: posting from accounting.book, immutability enforced by the
database, closed periods, reversals, the hash chain and `dataval db verify` catching tampering."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from accounting import BookCase, ChartOfAccounts
from cli.main import EXIT_OK, EXIT_PARTIAL, main
from register import PeriodClosed, PostedEntryImmutable, Register
from register.ledger import balances, close_period, post, posted_entries, record_books, reverse_entry, verify

ROOT = Path(__file__).resolve().parents[2]
CHART = ChartOfAccounts.model_validate_json((ROOT / "data" / "chart_of_accounts.json").read_text("utf-8"))
CO = "CO-T1"


def _case(*extra_events: dict[str, Any]) -> BookCase:
    """A purchased dataset: 360,000.00 on 2024-01-10, ready the same day, 36 months straight-line."""
    return BookCase.model_validate({
        "case_id": CO, "company": "测试公司 Test Co.",
        "resources": [{
            "asset_id": "D-T1", "name": "测试数据集 test dataset", "purpose": "internal_use",
            "formation": "purchased", "controlled": True, "separable": True, "benefits_probable": True,
            "cost_reliably_measurable": True, "rights": [{"right": "processing_use", "source": "purchase"}],
            "useful_life": {"estimated_months": 36},
        }],
        "events": [
            {"kind": "purchase", "event_id": "P1", "asset_id": "D-T1", "date": "2024-01-10",
             "cost_lines": [{"category": "purchase_price", "amount": "360000.00"}]},
            {"kind": "ready_for_use", "event_id": "R1", "asset_id": "D-T1", "date": "2024-01-10"},
            *extra_events,
        ],
    })


def _post(reg: Register, case: BookCase, as_of: date, *, recorded_on: date | None = None) -> Any:
    with reg.session(actor="fin-1") as s:
        record_books(s, case, recorded_on=recorded_on)
        return post(s, CO, as_of, chart=CHART, actor="fin-1")


def test_post_is_exact_and_idempotent(reg: Register) -> None:
    first = _post(reg, _case(), date(2024, 3, 31))
    # purchase + amortization Jan, Feb, Mar (360,000 / 36 = 10,000.00 a month)
    assert len(first.posted) == 4 and first.checks_pass and not first.rejected
    with reg.session() as s:
        bal = balances(s, CO)
        assert bal["1701.01"] == Decimal("360000.00")
        assert bal["1702.01"] == Decimal("-30000.00")
        assert bal["1002"] == Decimal("-360000.00")
        assert sum(bal.values()) == 0
    again = _post(reg, _case(), date(2024, 3, 31))
    assert again.posted == [] and again.unchanged == 4 and again.reversed == []
    with reg.session() as s:
        rep = verify(s)
    assert rep.ok and rep.entries == 4


def test_backdated_cost_in_open_period_is_corrected_by_reversal(reg: Register) -> None:
    _post(reg, _case(), date(2024, 3, 31))
    extra = {"kind": "purchase", "event_id": "P2", "asset_id": "D-T1", "date": "2024-02-20",
             "cost_lines": [{"category": "purchase_price", "amount": "36000.00"}]}
    res = _post(reg, _case(extra), date(2024, 3, 31))
    # Feb and Mar amortization are reversed and rebooked at (396,000 - 10,000) / 35 = 11,028.571 → 11,028.57
    assert len(res.reversed) == 2
    assert len(res.posted) == 3  # the purchase + new Feb and Mar (the 2 reversals are counted apart)
    with reg.session() as s:
        bal = balances(s, CO)
        assert bal["1701.01"] == Decimal("396000.00")
        assert bal["1702.01"] == Decimal("-" + str(Decimal("10000.00") + 2 * Decimal("11028.57")))
        entries = posted_entries(s, CO)
        reversals = [e for e in entries if e.reverses_seq is not None]
        assert sorted(e.reverses_seq for e in reversals) == sorted(res.reversed)  # type: ignore[type-var]
        assert all(e.description_zh.startswith("冲销") for e in reversals)
        assert verify(s).ok


def test_posted_rows_are_immutable_in_the_database(reg: Register) -> None:
    _post(reg, _case(), date(2024, 1, 31))
    for sql in ("UPDATE journal_lines SET debit_fen = debit_fen + 100 WHERE debit_fen > 0",
                "DELETE FROM journal_lines",
                "UPDATE journal_entries SET description_en = 'edited'",
                "DELETE FROM journal_entries",
                "UPDATE accounting_events SET payload = NULL",
                "DELETE FROM audit_log"):
        with pytest.raises(PostedEntryImmutable, match="immutable"), reg.session() as s:
            s.execute(text(sql))
    with reg.session() as s:
        assert balances(s, CO)["1701.01"] == Decimal("360000.00")
        assert verify(s).ok


def test_closed_period_refuses_posting_and_reopening(reg: Register) -> None:
    _post(reg, _case(), date(2024, 3, 31), recorded_on=date(2024, 1, 10))
    with reg.session(actor="fin-1") as s:
        close_period(s, CO, date(2024, 1, 1), date(2024, 3, 31), actor="fin-1")
    late = {"kind": "purchase", "event_id": "P3", "asset_id": "D-T1", "date": "2024-02-20",
            "cost_lines": [{"category": "purchase_price", "amount": "36000.00"}]}
    res = _post(reg, _case(late), date(2024, 4, 30), recorded_on=date(2024, 4, 15))
    assert [r.split(" ")[0] for r in res.rejected] == ["P3"]  # the engine refuses the late event
    assert len(res.posted) == 1  # April amortization only, at the old 10,000.00
    with reg.session() as s:
        assert balances(s, CO)["1702.01"] == Decimal("-40000.00")
        assert balances(s, CO)["1701.01"] == Decimal("360000.00")
    # the database refuses an entry dated in the closed period even when Python is bypassed
    with pytest.raises(PeriodClosed, match="closed period"), reg.session() as s:
        s.execute(text("INSERT INTO journal_entries (seq, company_id, source_key, engine_entry_id, entry_date, "
                       "asset_code, event_id, entry_type, description_zh, description_en, rationale, posted_at, "
                       "posted_by, prev_hash, hash) SELECT 999, id, 'x', '', :d, 'D-T1', 'x', 'purchase', 'x', 'x', "
                       "'', :now, 'x', 'p999', 'h999' FROM companies"),
                  {"d": date(2024, 2, 1), "now": "2024-04-30 00:00:00"})
    with pytest.raises(PeriodClosed), reg.session() as s:
        s.execute(text("UPDATE periods SET status = 'open'"))
    with pytest.raises(PeriodClosed, match="closed period"), reg.session() as s:
        seq = posted_entries(s, CO)[1].seq
        reverse_entry(s, seq, on=date(2024, 3, 1), reason="wrong", actor="fin-1")


def test_manual_reversal_nets_to_zero(reg: Register) -> None:
    _post(reg, _case(), date(2024, 1, 31))
    with reg.session(actor="fin-2") as s:
        purchase = next(e for e in posted_entries(s, CO) if e.event_id == "P1")
        rev = reverse_entry(s, purchase.seq, on=date(2024, 1, 31), reason="invoice cancelled", actor="fin-2")
    with reg.session() as s:
        bal = balances(s, CO)
        assert bal["1701.01"] == Decimal("0.00") and bal["1002"] == Decimal("0.00")
        assert posted_entries(s, CO)[-1].seq == rev
        assert verify(s).ok


def _bypass_trigger(reg: Register) -> None:
    """Tamper the way a database owner could: take the guard off, then edit a posted line."""
    with reg.engine.begin() as c:
        if reg.dialect == "sqlite":
            c.exec_driver_sql("DROP TRIGGER journal_lines_no_update")
        else:
            c.exec_driver_sql("ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_immutable")
        c.exec_driver_sql("UPDATE journal_lines SET debit_fen = debit_fen + 100, credit_fen = 0 "
                          "WHERE id = (SELECT MIN(id) FROM journal_lines WHERE debit_fen > 0)")


def test_verify_catches_a_tampered_row(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    reg = Register(db_url)
    try:
        _post(reg, _case(), date(2024, 3, 31))
        assert main(["db", "verify", "--db", db_url, "--json"]) == EXIT_OK
        report = json.loads(capsys.readouterr().out)
        assert report["ok"] is True and report["entries"] == 4
        head = report["head_hash"]
        _bypass_trigger(reg)
        with reg.session() as s:
            rep = verify(s)
        assert not rep.ok
        assert [(p.seq, p.kind) for p in rep.problems] == [(1, "altered"), (1, "unbalanced")]
        assert main(["db", "verify", "--db", db_url, "--expect-head", head]) == EXIT_PARTIAL
        out = capsys.readouterr().out
        assert "#1" in out and "altered" in out
    finally:
        reg.dispose()


def test_verify_catches_a_removed_tail_and_a_rewritten_chain(reg: Register) -> None:
    _post(reg, _case(), date(2024, 3, 31))
    with reg.session() as s:
        head = verify(s).head_hash
    with reg.engine.begin() as c:
        if reg.dialect == "sqlite":
            c.exec_driver_sql("DROP TRIGGER journal_lines_no_delete")
            c.exec_driver_sql("DROP TRIGGER journal_entries_no_delete")
        else:
            c.exec_driver_sql("ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_immutable")
            c.exec_driver_sql("ALTER TABLE journal_entries DISABLE TRIGGER journal_entries_immutable")
        c.exec_driver_sql("DELETE FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries WHERE seq = 4)")
        c.exec_driver_sql("DELETE FROM journal_entries WHERE seq = 4")
    with reg.session() as s:
        rep = verify(s, expect_head=head)
    assert {p.kind for p in rep.problems} == {"head mismatch", "anchor mismatch"}
    assert rep.entries == 3
