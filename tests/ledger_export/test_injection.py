"""Formula injection: hostile names and descriptions come out of every workbook as inert text.

The hostile case (conftest.HOSTILE) puts formulas, DDE payloads, leading + - @ tab and CR, control
characters and a 40,000-character description into the company, the data resource, the valued asset,
a cost line, a method reason, the collateral and the lender. Wherever they land (cover, journal,
ledgers, notes, workpapers, credit memo), the cell must hold text, not a formula — in the file as
written and after LibreOffice opened, recalculated and saved it.
"""

from __future__ import annotations

from typing import Any

from openpyxl import load_workbook

from ledger_export.cells import FORMULA_LEADERS, MAX_CELL_TEXT, TRUNCATED, clean_text, set_text_or_value
from tests.ledger_export.conftest import HOSTILE, Exported

MARKERS = ("HYPERLINK", "cmd|", "@SUM", "=1+1", "IMPORTXML", "@evil", "-1+1", "WEBSERVICE", "=1+2")


def _hostile_cells(path: Any) -> dict[tuple[str, str], Any]:
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and any(m in c.value for m in MARKERS):
                    out[(ws.title, c.coordinate)] = c
    return out


def test_every_hostile_text_is_stored_as_text(workbooks: dict[str, Exported]) -> None:
    w = workbooks["hostile"]
    cells = _hostile_cells(w.path)
    ours = {(e.sheet, e.cell) for e in w.report.expectations}
    assert not set(cells) & ours  # no hostile text sits in a formula cell of ours
    sheets = {s for s, _ in cells}
    assert {"封面 Cover", "凭证 Journal", "附注 Notes", "成本法 Cost", "评估结论 Conclusion", "授信摘要 Summary"} <= sheets
    for (sheet, ref), c in cells.items():
        assert c.data_type == "s", f"{sheet}!{ref} is {c.data_type}: {c.value[:60]!r}"
        if c.value.startswith(FORMULA_LEADERS):
            assert c.quotePrefix, f"{sheet}!{ref} starts with a formula character but has no quote prefix"
    whole = {c.value for c in cells.values()}
    for key in ("company", "asset_name", "cost_item", "collateral_name", "resource_name"):
        assert HOSTILE[key] in whole, key  # kept literally, as text
    # CR LF is legal in a cell (kept, or read back as LF when the XML writer did not escape the CR)
    evidence = clean_text(HOSTILE["evidence"])
    assert evidence in whole or evidence.replace("\r\n", "\n") in whole


def test_control_characters_and_long_text(workbooks: dict[str, Exported]) -> None:
    cells = _hostile_cells(workbooks["hostile"].path)
    long = [c.value for c in cells.values() if c.value.startswith("@SUM(1+1)")]
    assert long, "the long description is shown (material item content)"
    for text in long:
        assert "\x01" not in text and "\x07" not in text and "\ufffd\ufffd" in text
        assert len(text) == MAX_CELL_TEXT and text.endswith(TRUNCATED)
    described = [c.value for c in cells.values() if "vertical tab" in c.value]
    assert described and all("\x0b" not in t and "\ufffd vertical tab" in t for t in described)


def test_hostile_text_stays_text_after_libreoffice(recalculated: dict[str, Exported]) -> None:
    w = recalculated["hostile"]
    before = _hostile_cells(w.path)
    assert w.recalculated is not None
    after = load_workbook(w.recalculated)
    values = load_workbook(w.recalculated, data_only=True)
    for (sheet, ref), c in before.items():
        again = after[sheet][ref]
        assert again.data_type == "s", f"{sheet}!{ref} became {again.data_type} in LibreOffice"
        # shown as the same text, not evaluated (LibreOffice stores a CR LF inside a cell as LF)
        assert values[sheet][ref].value == c.value.replace("\r\n", "\n")


def test_set_text_or_value_rules() -> None:
    from openpyxl import Workbook

    ws = Workbook().active
    assert ws is not None
    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        c = set_text_or_value(ws["A1"], text)
        assert c.data_type == "s" and c.value == text and c.quotePrefix
    c = set_text_or_value(ws["A2"], "plain 文本")
    assert c.data_type == "s" and not c.quotePrefix
    c = set_text_or_value(ws["A3"], "a\x00b\x1fc")
    assert c.value == "a\ufffdb\ufffdc"
    c = set_text_or_value(ws["A4"], 12.5)
    assert c.value == 12.5 and c.data_type == "n"
