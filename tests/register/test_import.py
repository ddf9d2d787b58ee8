"""Import of the batch CSV and the Excel template on SQLite and PostgreSQL: exact money, idempotent
re-import, and bad files refused with an Excel report (sheet, row, column) and the register untouched."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from cli.io import case_from_dict
from cli.main import EXIT_OK, EXIT_REFUSED, main
from ledger_export.case_template import ASSETS, write_case_workbook
from register import ImportRefused, Register
from register.importing import import_file
from register.models import AuditLog, Base, CostLine, DataAsset, Engagement

ROOT = Path(__file__).resolve().parents[2]
BATCH = ROOT / "data" / "examples" / "batch_1000.csv"
CASE = ROOT / "data" / "examples" / "parking_city_investment.json"


def _rows(n: int) -> tuple[list[str], list[list[str]]]:
    with BATCH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:n + 1]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _template(path: Path) -> Path:
    case, errors = case_from_dict(json.loads(CASE.read_text(encoding="utf-8")))
    assert not errors
    write_case_workbook(case, path)
    return path


def snapshot(reg: Register) -> dict[str, int]:
    """Row count of every table, and the last audit id: equal before and after means untouched."""
    with reg.session() as s:
        out = {t.name: int(s.scalar(select(func.count()).select_from(t)) or 0) for t in Base.metadata.sorted_tables}
        out["last_audit"] = int(s.scalar(select(func.max(AuditLog.id))) or 0)
    return out


def test_csv_import_exact_and_idempotent(reg: Register, tmp_path: Path) -> None:
    header, rows = _rows(40)
    path = _write_csv(tmp_path / "assets.csv", header, rows)
    first = import_file(reg, path, company="ACME", actor="fin-1")
    assert (first.rows, first.created, first.changed, first.unchanged) == (40, 40, 0, 0)
    col = header.index("cost_construction")
    with reg.session() as s:
        a = s.scalar(select(DataAsset).where(DataAsset.code == rows[0][0]))
        assert a is not None and a.version == 1
        line = next(c for c in a.cost_lines if c.category == "direct_construction")
        assert line.amount_fen == int(Decimal(rows[0][col]) * 100)  # e.g. 3350095.44 → 335009544 fen
        total = s.scalar(select(func.sum(CostLine.amount_fen)))
    expected = sum(int(Decimal(r[header.index(c)]) * 100) for r in rows
                   for c in ("cost_planning", "cost_construction", "cost_operation", "cost_indirect")
                   if r[header.index(c)])
    assert total == expected
    before = snapshot(reg)
    again = import_file(reg, path, company="ACME", actor="fin-1")
    assert (again.created, again.changed, again.unchanged) == (0, 0, 40)
    after = snapshot(reg)
    assert after["data_assets"] == 40 and after["cost_lines"] == before["cost_lines"]
    assert after["imports"] == before["imports"] + 1  # the run is recorded, nothing else

    rows[3][header.index("name")] = "改名 renamed"
    changed = import_file(reg, _write_csv(tmp_path / "assets2.csv", header, rows), company="ACME", actor="fin-2")
    assert (changed.created, changed.changed, changed.unchanged) == (0, 1, 39)
    with reg.session() as s:
        a = s.scalar(select(DataAsset).where(DataAsset.code == rows[3][0]))
        assert a is not None and a.name == "改名 renamed" and a.version == 2
        upd = s.scalars(select(AuditLog).where(AuditLog.action == "update", AuditLog.table_name == "data_assets")).all()
        assert len(upd) == 1 and upd[0].actor == "fin-2"
        assert upd[0].before is not None and upd[0].after is not None
        assert upd[0].after["name"] == "改名 renamed" and upd[0].before["name"] != "改名 renamed"


def test_template_import_and_reimport(reg: Register, tmp_path: Path) -> None:
    xlsx = _template(tmp_path / "case.xlsx")
    raw = json.loads(CASE.read_text(encoding="utf-8"))
    first = import_file(reg, xlsx, actor="appraiser-1")
    assert first.created == len(raw["assets"]) and first.engagement == raw["engagement"]["case_id"]
    expected = sum(int(Decimal(str(ln["amount"])) * 100) for a in raw["assets"]
                   for ln in (a.get("cost") or {}).get("lines", []))
    with reg.session() as s:
        assert s.scalar(select(func.coalesce(func.sum(CostLine.amount_fen), 0))) == expected
        eng = s.scalar(select(Engagement))
        assert eng is not None and len(eng.inputs_fingerprint) == 64
    before = snapshot(reg)
    again = import_file(reg, xlsx, actor="appraiser-1")
    assert again.created == 0 and again.changed == 0
    after = snapshot(reg)
    assert {k: v for k, v in after.items() if k not in ("imports", "audit_log", "last_audit")} == \
        {k: v for k, v in before.items() if k not in ("imports", "audit_log", "last_audit")}


def _refused(reg: Register, path: Path, company: str | None = "ACME") -> list[tuple[str, int | None, str | None, str]]:
    """Import must be refused, the report must list the same issues, and the register stay untouched."""
    before = snapshot(reg)
    report = path.with_name(path.name + ".report.xlsx")
    with pytest.raises(ImportRefused) as info:
        import_file(reg, path, company=company, actor="x", report=report)
    assert snapshot(reg) == before
    issues = [(i.sheet, i.row, i.column, i.message) for i in info.value.issues]
    ws = load_workbook(report)["错误 Errors"]
    listed = [(r[0], r[1], r[2] or None, r[4]) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert listed == issues
    return issues


@pytest.fixture
def filled(reg: Register, tmp_path: Path) -> Register:
    header, rows = _rows(5)
    import_file(reg, _write_csv(tmp_path / "seed.csv", header, rows), company="ACME", actor="seed")
    return reg


def test_bad_csv_files(filled: Register, tmp_path: Path) -> None:
    header, rows = _rows(6)
    # text in an amount, a duplicate asset code, a negative amount: every one reported with row and column
    bad = [list(r) for r in rows]
    bad[2][header.index("cost_planning")] = "一百万"
    bad[4][0] = bad[1][0]
    bad[5][header.index("cost_indirect")] = "-5"
    issues = _refused(filled, _write_csv(tmp_path / "bad.csv", header, bad))
    where = {(row, col) for _, row, col, _ in issues}
    assert (4, "cost_planning") in where  # data row 3 is file row 4 (header is row 1)
    assert (6, "asset_id") in where
    assert (7, "cost_indirect") in where
    assert any("一百万" in m and "amount" in m for *_, m in issues)
    assert any("duplicate asset code" in m and "row 3" in m for *_, m in issues)

    # missing columns
    drop = header.index("name")
    issues = _refused(filled, _write_csv(tmp_path / "noname.csv", header[:drop] + header[drop + 1:],
                                         [r[:drop] + r[drop + 1:] for r in rows]))
    assert issues == [("noname.csv", 1, "name", "缺少必需列 required column is missing")]
    drop = header.index("cost_planning")
    issues = _refused(filled, _write_csv(tmp_path / "nocost.csv", header[:drop] + header[drop + 1:],
                                         [r[:drop] + r[drop + 1:] for r in rows]))
    assert [(i[1], i[2]) for i in issues] == [(1, "cost_planning")]

    # a 50 MB upload (sparse file: the size is checked before anything is read)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)
    issues = _refused(filled, big)
    assert "too large" in issues[0][3] and "50 MB" in issues[0][3]


def test_bad_workbooks(filled: Register, tmp_path: Path) -> None:
    good = _template(tmp_path / "good.xlsx")

    wb = load_workbook(good)
    wb[ASSETS].title = "Assets"
    wb.save(tmp_path / "sheets.xlsx")
    issues = _refused(filled, tmp_path / "sheets.xlsx")
    assert issues[0][:2] == (ASSETS, None) and "sheet missing" in issues[0][3]
    assert any(i[0] == "Assets" and "unknown sheet" in i[3] for i in issues)

    wb = load_workbook(good)
    ws = wb[ASSETS]
    keys = [c.value for c in ws[1]]
    ws.delete_cols(keys.index("asset.name") + 1)
    wb.save(tmp_path / "nocol.xlsx")
    issues = _refused(filled, tmp_path / "nocol.xlsx")
    assert issues[0][:2] == (ASSETS, 1) and issues[0][2] == "asset.name"

    wb = load_workbook(good)
    ws = wb["表 cost.lines"]
    keys = [c.value for c in ws[1]]
    col = keys.index("amount") + 1
    ws.cell(4, col).value = "一百万元"
    wb.save(tmp_path / "text_amount.xlsx")
    issues = _refused(filled, tmp_path / "text_amount.xlsx")
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[col - 1]
    assert [(s, r, c) for s, r, c, _ in issues] == [("表 cost.lines", 4, f"{letter} (amount)")]
    assert "一百万元" in issues[0][3]

    wb = load_workbook(good)
    ws = wb[ASSETS]
    ws.append([c.value for c in ws[3]])  # the first asset again on row 4
    wb.save(tmp_path / "dup.xlsx")
    issues = _refused(filled, tmp_path / "dup.xlsx")
    assert [(s, r) for s, r, _, _ in issues] == [(ASSETS, 4)] and "duplicate asset code" in issues[0][3]

    data = good.read_bytes()
    (tmp_path / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    issues = _refused(filled, tmp_path / "truncated.xlsx")
    assert "corrupted" in issues[0][3]
    (tmp_path / "noise.xlsx").write_bytes(b"this is not a workbook" * 100)
    assert "corrupted" in _refused(filled, tmp_path / "noise.xlsx")[0][3]

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"\0" * (1 << 20)
            for _ in range(40):
                member.write(zeros)
    assert bomb.stat().st_size < 1 << 20
    issues = _refused(filled, bomb)
    assert "zip bomb" in issues[0][3] and "sheet1.xml" in issues[0][3]


def test_engagement_error_located(filled: Register, tmp_path: Path) -> None:
    good = _template(tmp_path / "good.xlsx")
    wb = load_workbook(good)
    ws = wb["委托 Engagement"]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "engagement.valuation_date")
    ws.cell(row, 2).value = "下个月 next month"
    wb.save(tmp_path / "date.xlsx")
    issues = _refused(filled, tmp_path / "date.xlsx")
    assert [(s, r) for s, r, _, _ in issues] == [("委托 Engagement", row)]
    assert "engagement.valuation_date" in str(issues[0][2]) and "下个月" in issues[0][3]


def test_cli_import(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header, rows = _rows(3)
    good = _write_csv(tmp_path / "a.csv", header, rows)
    assert main(["db", "import", str(good), "--company", "ACME", "--db", db_url, "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["created"] == 3
    rows[1][header.index("income_base_y1")] = "n/a"
    bad = _write_csv(tmp_path / "b.csv", header, rows)
    assert main(["db", "import", str(bad), "--company", "ACME", "--db", db_url]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "b.csv row 3 column income_base_y1" in err and "'n/a'" in err
    assert (tmp_path / "b.csv.errors.xlsx").exists()
