"""Valuation results, pledges, evidence files, concurrent posting and the migration (both backends)."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from cli.main import EXIT_OK, main
from register import LedgerConflict, Register
from register.assets import add_cost_line, attach_evidence, get_asset
from register.ledger import post, record_books, verify
from register.models import AuditLog, Base, EvidenceFile, JournalEntry, ValuationResult
from register.valuations import record_pledge
from tests.register.test_import import _template
from tests.register.test_ledger import CHART, _case

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "data" / "examples" / "parking_city_investment.json"


def test_migration_matches_models(reg: Register) -> None:
    with reg.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_import_with_valuation_stores_results(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = _template(tmp_path / "case.xlsx")
    args = ["db", "import", str(xlsx), "--company", "CITY", "--db", db_url, "--value", "--json"]
    assert main(args) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    n_assets = len(json.loads(CASE.read_text(encoding="utf-8"))["assets"])
    assert out["valuation_results"] == n_assets
    assert main(args) == EXIT_OK  # the same run again: nothing new
    assert json.loads(capsys.readouterr().out)["valuation_results"] == 0
    reg = Register(db_url)
    try:
        with reg.session() as s:
            rows = s.scalars(select(ValuationResult)).all()
            assert len(rows) == n_assets
            for r in rows:
                from base import __version__

                assert r.engine_version == __version__ and len(r.inputs_fingerprint) == 64
                concluded = Decimal(repr(r.result["conclusion"]["value"]))
                assert r.value_fen == int((concluded * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
                weights = {w["method"]: Decimal(repr(w["weight"])) for w in r.result["conclusion"]["weights"]}
                assert set(r.method_values_fen) == set(weights)
    finally:
        reg.dispose()


def test_pledge_and_evidence(reg: Register, tmp_path: Path) -> None:
    with reg.session(actor="fin-1") as s:
        record_books(s, _case())
        line = add_cost_line(s, "CO-T1", "D-T1", category="planning", item="可研报告 feasibility study",
                             amount="12345.675", incurred_on=date(2023, 11, 1), evidence="INV-001")
        assert line.amount_fen == 1234568  # half-up to the fen: 12,345.68
        invoice = tmp_path / "INV-001.pdf"
        invoice.write_bytes(b"%PDF-1.4 invoice 12345.68")
        ev = attach_evidence(s, line.id, invoice)
        assert ev.sha256 == hashlib.sha256(invoice.read_bytes()).hexdigest()
        record_pledge(s, "CO-T1", "D-T1", loan_id="L-1", pledgee="某城商行 city bank", secured_amount="1000000",
                      start=date(2024, 6, 1), end=date(2025, 5, 31), registration="动产融资登记 001")
    with pytest.raises(LedgerConflict, match="already pledged"), reg.session() as s:
        record_pledge(s, "CO-T1", "D-T1", loan_id="L-2", pledgee="another bank", secured_amount="1")
    with reg.session() as s:
        assert s.scalar(select(func.count()).select_from(EvidenceFile)) == 1
        assert get_asset(s, "CO-T1", "D-T1").cost_lines[0].files[0].file_name == "INV-001.pdf"
        logged = {(a.table_name, a.action) for a in s.scalars(select(AuditLog).where(AuditLog.actor == "fin-1"))}
        assert {("cost_lines", "insert"), ("evidence_files", "insert"), ("pledges", "insert")} <= logged
        audit = s.scalar(select(AuditLog).where(AuditLog.table_name == "evidence_files"))
        assert audit is not None and audit.after is not None
        assert audit.after["content"] == {"sha256": ev.sha256, "bytes": len(b"%PDF-1.4 invoice 12345.68")}


def test_concurrent_posting_keeps_one_chain(db_url: str) -> None:
    """Five companies post at once: the chain head lock keeps one unbroken chain."""
    seed = Register(db_url)
    cases = []
    for k in range(5):
        raw = _case().model_dump(mode="json")
        raw["case_id"] = f"CO-{k}"
        cases.append(type(_case()).model_validate(raw))
    with seed.session() as s:
        for c in cases:
            record_books(s, c)
    seed.dispose()
    barrier = threading.Barrier(len(cases))
    errors: list[BaseException] = []

    def poster(code: str) -> None:
        reg = Register(db_url, migrate=False)
        try:
            barrier.wait()
            with reg.session(actor=code) as s:
                post(s, code, date(2024, 6, 30), chart=CHART, actor=code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            reg.dispose()

    threads = [threading.Thread(target=poster, args=(c.case_id,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    reg = Register(db_url)
    try:
        with reg.session() as s:
            seqs = list(s.scalars(select(JournalEntry.seq).order_by(JournalEntry.seq)))
            assert seqs == list(range(1, 5 * 7 + 1))  # each: purchase + 6 months of amortization
            assert verify(s).ok
    finally:
        reg.dispose()


def test_concurrent_posts_of_one_company_post_once(db_url: str) -> None:
    """Four clerks press "post" at the same moment: every entry is posted exactly once."""
    seed = Register(db_url)
    with seed.session() as s:
        record_books(s, _case())
    seed.dispose()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def poster(i: int) -> None:
        reg = Register(db_url, migrate=False)
        try:
            barrier.wait()
            with reg.session(actor=f"clerk-{i}") as s:
                post(s, "CO-T1", date(2024, 6, 30), chart=CHART, actor=f"clerk-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            reg.dispose()

    threads = [threading.Thread(target=poster, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    reg = Register(db_url)
    try:
        with reg.session() as s:
            keys = list(s.scalars(select(JournalEntry.source_key)))
            assert len(keys) == 7 and len(set(keys)) == 7  # purchase + Jan..Jun amortization, once each
            assert verify(s).ok
    finally:
        reg.dispose()


def test_reimport_never_changes_the_inputs_behind_stored_valuations(db_url: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The engagement is imported and valued; the same engagement id comes back with another cost amount:
    refused naming the id and a free one, the stored engagement and results untouched. Before any
    valuation is stored, the same file updates the engagement's inputs as before."""
    from openpyxl import load_workbook

    from register.errors import ImportRefused
    from register.importing import import_file
    from register.models import Engagement

    xlsx = _template(tmp_path / "case.xlsx")
    changed = tmp_path / "changed.xlsx"
    wb = load_workbook(xlsx)
    ws = wb["表 cost.lines"]
    col = [c.value for c in ws[1]].index("amount") + 1
    ws.cell(3, col).value = float(ws.cell(3, col).value) + 1000.0
    wb.save(changed)

    reg = Register(db_url)
    try:
        import_file(reg, xlsx, company="CITY", actor="appraiser-1")
        import_file(reg, changed, company="CITY", actor="appraiser-1")  # not valued yet: inputs updated
        import_file(reg, xlsx, company="CITY", actor="appraiser-1")
    finally:
        reg.dispose()
    assert main(["db", "import", str(xlsx), "--company", "CITY", "--db", db_url, "--value", "--json"]) == EXIT_OK
    capsys.readouterr()
    reg = Register(db_url)
    try:
        with reg.session() as s:
            eng = s.scalar(select(Engagement))
            assert eng is not None
            fingerprint, case_id = eng.inputs_fingerprint, eng.case_id
            results = s.scalar(select(func.count()).select_from(ValuationResult))
        with pytest.raises(ImportRefused) as info:
            import_file(reg, changed, company="CITY", actor="appraiser-1")
        (issue,) = info.value.issues
        assert (issue.sheet, issue.column) == ("委托 Engagement", "case_id")
        assert issue.message.startswith(f"委托编号 {case_id} 已有 {results} 项已保存的估值结论")
        assert f"(e.g. {case_id}-2)" in issue.message
        with reg.session() as s:
            eng = s.scalar(select(Engagement))
            assert eng is not None and eng.inputs_fingerprint == fingerprint
            assert s.scalar(select(func.count()).select_from(ValuationResult)) == results
    finally:
        reg.dispose()
