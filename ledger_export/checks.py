"""The 校验 Checks sheet: every tie registered while the workbook was written, each a live formula.

One row per tie: the left and right figures (live references into the other sheets, or the engine's
figure where the tie compares the workbook's arithmetic with the engine's), their difference, the
tolerance, the result as a formula (通过 OK / 不符 FAIL) and the engine's own verdict beside it. The
summary at the bottom counts the rows that pass; its result is the defined name ``checks_result``,
shown on the cover.
"""

from __future__ import annotations

from decimal import Decimal

from ledger_export.style import CNY, FACTOR_LONG
from ledger_export.workbook import Book, CellInput, CheckRow, Formula, Kind, Styled

TITLE = "校验 Checks"
OK, FAIL = "通过 OK", "不符 FAIL"
ALL_PASS, SOME_FAIL = "全部通过 ALL PASS", "存在不符 FAILURES"


def _expected_ok(c: CheckRow) -> bool:
    if c.engine_ok is not None:
        return c.engine_ok
    return abs(float(c.expect_difference)) <= c.tolerance


def overall_expected(book: Book) -> str:
    """What ``checks_result`` must show: every tie holds by the engine's own figures."""
    return ALL_PASS if all(_expected_ok(c) for c in book.checks) else SOME_FAIL


def _side(v: CellInput, fmt: str) -> CellInput:
    if isinstance(v, Formula):
        return Formula(v.text, v.expect, v.kind, v.fmt or fmt)
    if isinstance(v, Styled):
        return v
    if isinstance(v, int | float | Decimal) and not isinstance(v, bool):
        return Styled(v, fmt=fmt)
    return v


def write_checks(book: Book) -> str:
    """Write the 校验 sheet from ``book.checks``; returns the name of the overall result cell."""
    sh = book.sheet(TITLE, {"A": 6, "B": 16, "C": 46, "D": 46, "E": 18, "F": 18, "G": 14, "H": 10, "I": 12,
                            "J": 12, "K": 40}, freeze="A2", landscape=True)
    sh.header(["序号 #", "类别 section", "校验项", "check", "左 left", "右 right", "差异 difference",
               "容差 tolerance", "结果 result", "引擎结论 engine", "引擎校验名 engine tie"])
    first = sh.row + 1
    for i, c in enumerate(book.checks, start=1):
        r = sh.row + 1
        fmt = CNY if c.tolerance >= 0.005 else FACTOR_LONG
        kind: Kind = "money" if c.tolerance >= 0.005 else "ratio"
        engine = "" if c.engine_ok is None else (OK if c.engine_ok else FAIL)
        sh.append([
            i, c.section, c.name_zh, c.name_en, _side(c.left, fmt), _side(c.right, fmt),
            Formula(f"=E{r}-F{r}", c.expect_difference, kind, fmt),
            Styled(c.tolerance, fmt="0.00E+00"),
            Formula(f'=IF(ABS(G{r})<=H{r},"{OK}","{FAIL}")', OK if _expected_ok(c) else FAIL, "text"),
            engine, c.engine_name,
        ])
    last = sh.row
    n = last - first + 1
    n_ok = sum(_expected_ok(c) for c in book.checks)
    sh.blank()
    count_ref = f"I{first}:I{max(last, first)}"
    sh.append(["", "汇总 summary", "通过的校验 checks passing", "",
               Formula(f'=COUNTIF({count_ref},"{OK}")', n_ok, "count", "0"), Styled(n, fmt="0")])
    r = sh.append(["", "汇总 summary", "全部校验结论 overall", "",
                   Formula(f'=IF(E{sh.row}=F{sh.row},"{ALL_PASS}","{SOME_FAIL}")', overall_expected(book),
                           "text", bold=True)])
    return book.define("checks_result", sh, 5, r)
