"""One workbook per case and period: the books, the valuation workpapers and the pledge workpaper.

    report = export_workbook(path, books=book_result, valuation=case_result, pledge=(pledge_case, assessment),
                             preparer="张三", inputs=[InputRef(...)], price_index=index)

Any part may be left out (``dataval value -o x.xlsx`` writes only the valuation, ``dataval book -o``
only the books). Sheets, in order: 封面 Cover; 凭证 Journal, 总账, 明细账, 科目余额表, 资产负债表摘录,
附注表A, 附注表B, 附注 (books); 成本法, 收益法, 市场法, 评估结论, 敏感性与模拟 (valuation); 授信摘要,
还款计划, 押品路径, 预警与压力 (pledge); 校验 Checks. Everything is streamed (openpyxl write-only) and
written atomically; the returned :class:`ExportReport` lists the sheets and, with ``record=True``, every
formula cell with the engine's figure it must show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from base import __version__
from ledger_export import accounts, notes, pledge_sheets, workpapers
from ledger_export.checks import overall_expected, write_checks
from ledger_export.cover import TITLE as COVER
from ledger_export.cover import CoverInfo, InputRef, write_cover
from ledger_export.workbook import Book, Expectation, Formula, Tee

if TYPE_CHECKING:
    from accounting import BookResult
    from pledge import PledgeAssessment, PledgeCase
    from valuation.engine import CaseResult
    from valuation.price_index import PriceIndex


@dataclass(frozen=True)
class ExportReport:
    """What was written: the sheets, the number of formula cells and (when recorded) their figures."""

    path: Path
    sheets: tuple[str, ...]
    n_formulas: int
    n_checks: int
    expectations: tuple[Expectation, ...]
    checks_expected: str


BOOK_CONTENTS = [
    (accounts.JOURNAL, "记账凭证：每笔分录的每一行（期初凭证标记为期初）Journal: every line of every entry"),
    (accounts.GENERAL_LEDGER, "总账：按科目、按月汇总（SUMIFS 取自凭证）General ledger by account and month"),
    (accounts.SUBLEDGER, "明细账：按科目和资产逐笔记录与余额 Subsidiary ledger by account and asset"),
    (accounts.TRIAL_BALANCE, "科目余额表：期初、本期发生额、期末 Trial balance"),
    (accounts.BALANCE_SHEET, "资产负债表“其中：数据资源”项目 Balance-sheet data lines"),
    (notes.TABLE_A, "确认为无形资产的数据资源 Table A: data resources recognized as intangible assets"),
    (notes.TABLE_B, "确认为存货的数据资源 Table B: data resources recognized as inventory"),
    (notes.OTHER_NOTES, "其他披露：寿命与摊销、受限资产、研发、减值、存货、评估、IFRS 差异 Other disclosures"),
]


def export_workbook(path: Path, *, books: BookResult | None = None, valuation: CaseResult | None = None,
                    pledge: tuple[PledgeCase, PledgeAssessment] | None = None, preparer: str = "",
                    inputs: Sequence[InputRef] = (), price_index: PriceIndex | None = None,
                    record: bool = False, prepared_at: datetime | None = None,
                    title: tuple[str, str] | None = None, tee: Tee | None = None) -> ExportReport:
    """Write the workbook of a case and period to ``path`` (atomically).

    Parameters
    ----------
    books
        An ``accounting.BookResult``: journal, ledgers, trial balance, balance sheet, notes.
    valuation
        A ``valuation.engine.CaseResult``: cost, income and market workpapers, conclusion, sensitivity.
    pledge
        ``(PledgeCase, PledgeAssessment)``: the pledge workpaper (credit memo sheets).
    price_index
        The ``PriceIndex`` the valuation used; with it the restatement factors are live formulas
        I(valuation month) / I(incurred month).
    record
        Keep every formula cell with its expected figure in the report (tests); off for large ledgers.
    tee
        Called with (sheet title, row of plain values) for every row written (the benchmark's baseline
        dumps the same cells with bare openpyxl).
    """
    if books is None and valuation is None and pledge is None:
        raise ValueError("nothing to export: give books, valuation or pledge")
    book = Book(record=record, tee=tee)
    contents: list[tuple[str, str]] = []
    cases: list[tuple[str, str]] = []
    company = ""
    if books is not None:
        contents += BOOK_CONTENTS
        cases.append(("账务案例 accounting case", books.case_id))
        company = books.company
    if valuation is not None:
        contents += workpapers.contents(valuation)
        eng = valuation.engagement
        cases.append(("评估案例 valuation case", f"{eng.case_id} · 委托方 {eng.client} · 评估基准日 {eng.valuation_date}"))
        company = company or eng.client
    if pledge is not None:
        contents += pledge_sheets.CONTENTS
        cases.append(("质押案例 pledge case", f"{pledge[1].case_id} · {pledge[0].collateral.name}"))
    contents.append(("校验 Checks", "全部勾稽关系及结果 every tie with its result"))
    heading = title or _title(books, valuation, pledge)
    info = CoverInfo(title_zh=heading[0], title_en=heading[1], company=company, cases=tuple(cases),
                     period_start=books.period_start if books is not None else None,
                     as_of=books.as_of if books is not None else None, preparer=preparer,
                     engine_version=__version__, prepared_at=prepared_at, inputs=tuple(inputs))
    _cover, summary_cell = write_cover(book, info, contents)
    if books is not None:
        write_books(book, books)
    if valuation is not None:
        workpapers.write_valuation(book, valuation, price_index=price_index)
    if pledge is not None:
        pledge_sheets.write_pledge_sheets(book, pledge[0], pledge[1])
    cross_references(book, books, valuation, pledge)
    write_checks(book)
    expected = overall_expected(book)
    book.set_expect(COVER, summary_cell, expected)
    if [s.title for s in book.sheets[1:]] != [title for title, _ in contents]:
        raise AssertionError("the cover's contents table does not list the sheets in order")
    book.print_ready(company)
    book.save(path)
    return ExportReport(path=path, sheets=tuple(s.title for s in book.sheets), n_formulas=book.n_formulas,
                        n_checks=len(book.checks), expectations=tuple(book.expectations), checks_expected=expected)


def write_books(book: Book, result: BookResult) -> accounts.BookRefs:
    """The accounting sheets of ``result`` (a BookResult), in order."""
    refs = accounts.BookRefs()
    accounts.write_journal(book, result, refs)
    accounts.write_general_ledger(book, result, refs)
    accounts.write_subledger(book, result, refs)
    accounts.write_trial_balance(book, result, refs)
    accounts.write_balance_sheet(book, result, refs)
    notes.write_table(book, result.table_a, "A", refs)
    notes.write_table(book, result.table_b, "B", refs)
    notes.write_other_notes(book, result, refs)
    return refs


def _title(books: BookResult | None, valuation: CaseResult | None,
           pledge: tuple[PledgeCase, PledgeAssessment] | None) -> tuple[str, str]:
    parts_zh, parts_en = [], []
    if books is not None:
        parts_zh.append("数据资源账簿与附注")
        parts_en.append("data-resource books and notes")
    if valuation is not None:
        parts_zh.append("评估工作底稿")
        parts_en.append("valuation workpapers")
    if pledge is not None:
        parts_zh.append("质押融资工作底稿")
        parts_en.append("pledge workpaper")
    return "、".join(parts_zh), ", ".join(parts_en).capitalize()


def cross_references(book: Book, books: BookResult | None, valuation: CaseResult | None,
                     pledge: tuple[PledgeCase, PledgeAssessment] | None) -> None:
    """Ties between the parts of one workbook: an impairment test that rests on a valuation in the
    workbook (评估结论 − 可收回金额 = the costs of disposal the test deducted, 0 for a value in use), and
    the pledge's concluded value = the valuation's conclusion. Live formulas on defined names, so a
    changed input in one part shows as a failed tie in 校验."""
    if valuation is None:
        return
    names = book.wb.defined_names
    values = {v.asset.asset_id: v.conclusion.value for v in valuation.valuations}
    section = "交叉引用 cross-reference"
    if books is not None:
        refs = {(o.asset_id, o.date): o.valuation for o in books.events
                if o.valuation is not None and o.kind.value == "impairment_test"}
        seen: dict[str, int] = {}
        for x in books.disclosures.impairments:
            k = seen[x.asset_id] = seen.get(x.asset_id, 0) + 1
            rec = f"{book.prefix(x.asset_id)}_recoverable" + (f"_{k}" if k > 1 else "")
            v_name = f"{book.prefix(x.asset_id)}_V"
            ref = refs.get((x.asset_id, x.date))
            if ref is None or x.asset_id not in values or rec not in names or v_name not in names:
                continue
            costs = float(ref.value - x.recoverable_amount)  # what the test deducted from the appraised value
            book.check(section, f"{x.asset_id} 评估结论 − 减值测试可收回金额 = 处置费用（{x.date}）",
                       f"{x.asset_id} valuation conclusion − recoverable amount = costs of disposal ({x.date})",
                       Formula(f"={v_name}-{rec}", float(values[x.asset_id]) - float(x.recoverable_amount)),
                       costs, expect_difference=float(values[x.asset_id]) - float(ref.value),
                       engine_ok=abs(float(values[x.asset_id]) - float(ref.value)) < 0.005)
    if pledge is not None:
        asset = pledge[0].collateral.asset_id
        v_name = f"{book.prefix(asset)}_V"
        if asset in values and v_name in names and "pledge_concluded_value" in names:
            concluded = float(pledge[0].collateral.concluded_value)
            book.check(section, f"{asset} 质押押品评估结论 = 评估底稿结论", f"{asset} pledge concluded value = valuation",
                       Formula("=pledge_concluded_value", concluded), Formula(f"={v_name}", float(values[asset])),
                       expect_difference=concluded - float(values[asset]),
                       engine_ok=abs(concluded - float(values[asset])) < 0.005)
