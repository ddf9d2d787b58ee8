"""The data-quality report workbook (数据质量评估表) of a quality profile, with live formulas.

Sheets: 质量概览 Summary (the file profiled, the six dimension scores and Q = Σ w_j s_j), 检查明细
Checks (every check with its counts; failed and pass rate as formulas), 权重 Weights (the weights,
and the AHP matrix with λmax, CI = (λmax − n)/(n − 1), CR = CI/RI when AHP was used), 说明 Notes.

The dimension scores are formulas over the Checks sheet — Σ passed / Σ checked (SUMIFS), or the
mean of the declared ratios for accessibility (AVERAGEIFS) — and Q is SUMPRODUCT(weights, scores),
so a reviewer recalculating the workbook gets the profile's figures from its counts.
:func:`add_quality_sheets` adds the same sheets to another workbook (the valuation workpaper).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ledger_export.cells import Plain, set_text_or_value
from ledger_export.style import FACTOR, RATIO, TITLE_FONT, finish_sheet, header_row
from valuation.models import LABELS_ZH
from valuation.quality import KIND_LABELS_ZH, QualityProfile, ScoringMethod

SUMMARY = "质量概览 Summary"
CHECKS = "检查明细 Checks"
WEIGHTS = "权重 Weights"
NOTES = "说明 Notes"
COUNT = "#,##0.##"

CHECK_HEADERS = [
    "编号 check id",
    "维度 dimension",
    "维度 (中文)",
    "类型 kind",
    "名称 name",
    "字段 columns",
    "规则 rule",
    "检验数 checked",
    "通过数 passed",
    "未通过 failed",
    "通过率 pass rate",
    "未检验 not checked",
    "抽样比例 sample",
    "单位 unit",
    "首批不合格记录 first failing records (1 = 首行数据 first data row)",
    "说明 note",
    "依据 evidence",
]
# columns of the Checks sheet used by formulas
_DIM, _CHECKED, _PASSED, _RATE = "B", "H", "I", "K"


def _title(prefix: str, name: str) -> str:
    return (prefix + name)[:31]


def _name(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _kv(ws: Worksheet, row: int, label: str, value: Plain, fmt: str | None = None, *, formula: bool = False) -> int:
    """Label and value on ``row``; ``formula`` marks a formula of ours (user text is never one)."""
    set_text_or_value(ws.cell(row, 1), label)
    cell = ws.cell(row, 2)
    if formula:
        cell.value = value
    else:
        set_text_or_value(cell, value)
    if fmt:
        cell.number_format = fmt
    return row + 1


def _checks_sheet(ws: Worksheet, profile: QualityProfile) -> int:
    header_row(ws, 1, CHECK_HEADERS)
    r = 2
    for c in profile.checks():
        values: list[Plain] = [
            c.check_id, c.dimension.value, LABELS_ZH[c.dimension.value],
            f"{KIND_LABELS_ZH[c.kind]} {c.kind.value}", c.name, ", ".join(c.columns), c.rule,
            c.checked, c.passed,
        ]
        for j, v in enumerate(values, start=1):
            set_text_or_value(ws.cell(r, j), v)
        ws.cell(r, 8).number_format = COUNT
        ws.cell(r, 9).number_format = COUNT
        ws.cell(r, 10, f"={_CHECKED}{r}-{_PASSED}{r}").number_format = COUNT
        ws.cell(r, 11, f'=IF({_CHECKED}{r}=0,"",{_PASSED}{r}/{_CHECKED}{r})').number_format = RATIO
        ws.cell(r, 12, c.not_checked).number_format = COUNT
        ws.cell(r, 13, c.sample).number_format = RATIO
        set_text_or_value(ws.cell(r, 14), c.unit)
        set_text_or_value(ws.cell(r, 15), ", ".join(str(x) for x in c.failed_records))
        set_text_or_value(ws.cell(r, 16), c.note)
        set_text_or_value(ws.cell(r, 17), c.evidence)
        r += 1
    finish_sheet(ws, {"A": 28, "B": 14, "C": 10, "D": 18, "E": 34, "F": 22, "G": 40, "H": 13, "I": 13,
                      "J": 12, "K": 11, "L": 12, "M": 10, "N": 10, "O": 26, "P": 40, "Q": 40},
                 freeze="B2", landscape=True)
    return r - 1


def _weights_sheet(ws: Worksheet, profile: QualityProfile) -> dict[str, str]:
    """Weights and AHP figures; returns the cell of each dimension's weight."""
    w = profile.weighting
    ws.cell(1, 1, "维度权重 Dimension weights").font = TITLE_FONT
    r = 3
    r = _kv(ws, r, "权重来源 source", {"given": "给定 given", "ahp": "层次分析法 AHP", "equal": "等权 equal"}[w.source.value])
    r = _kv(ws, r, "依据 evidence", w.evidence)
    r += 1
    header_row(ws, r, ["维度 dimension", "权重 weight"])
    r += 1
    cells: dict[str, str] = {}
    for dim, weight in w.as_dict().items():
        set_text_or_value(ws.cell(r, 1), f"{LABELS_ZH[dim]} {dim}")
        ws.cell(r, 2, weight).number_format = FACTOR
        cells[dim] = f"'{ws.title}'!$B${r}"
        r += 1
    ws.cell(r, 1, "合计 total")
    ws.cell(r, 2, f"=SUM(B{r - 6}:B{r - 1})").number_format = FACTOR
    r += 2
    if w.ahp is not None:
        a = w.ahp
        ws.cell(r, 1, "判断矩阵 AHP judgement matrix (Saaty 1-9)").font = TITLE_FONT
        r += 1
        dims = list(w.as_dict())
        header_row(ws, r, ["", *[f"{LABELS_ZH[d]} {d}" for d in dims]])
        r += 1
        for i, row in enumerate(a.matrix):
            set_text_or_value(ws.cell(r, 1), f"{LABELS_ZH[dims[i]]} {dims[i]}")
            for j, x in enumerate(row, start=2):
                ws.cell(r, j, x).number_format = FACTOR
            r += 1
        r += 1
        r = _kv(ws, r, "n", a.n)
        n_row = r - 1
        r = _kv(ws, r, "最大特征值 λmax", a.lambda_max, FACTOR)
        lam = r - 1
        r = _kv(ws, r, "一致性指标 CI = (λmax − n)/(n − 1)", f"=MAX(0,(B{lam}-B{n_row})/(B{n_row}-1))", FACTOR,
                formula=True)
        ci = r - 1
        r = _kv(ws, r, "随机一致性指标 RI(n) (Saaty)", a.ri, FACTOR)
        r = _kv(ws, r, "一致性比率 CR = CI/RI (< 0.10)", f"=B{ci}/B{r - 1}", FACTOR, formula=True)
    finish_sheet(ws, {"A": 34, "B": 14, "C": 14, "D": 14, "E": 14, "F": 14, "G": 14})
    return cells


def add_quality_sheets(wb: Workbook, profile: QualityProfile, *, prefix: str = "") -> None:
    """Add the Summary, Checks, Weights and Notes sheets of ``profile`` to ``wb``.

    ``prefix`` (e.g. an asset id and a space) keeps sheet names apart when a workbook holds several
    profiles; names are cut to Excel's 31 characters. Defined names (``quality_score`` and
    ``quality_<dimension>``) are added only without a prefix.
    """
    summary = wb.create_sheet(_title(prefix, SUMMARY))
    checks = wb.create_sheet(_title(prefix, CHECKS))
    weights = wb.create_sheet(_title(prefix, WEIGHTS))
    notes = wb.create_sheet(_title(prefix, NOTES))
    last = _checks_sheet(checks, profile)
    weight_cells = _weights_sheet(weights, profile)
    cq = f"'{checks.title}'!"

    ws = summary
    ws.cell(1, 1, "数据质量评估表 Data-quality profile (GB/T 36344-2018)").font = TITLE_FONT
    src = profile.source
    r = 3
    r = _kv(ws, r, "数据集 dataset", profile.dataset)
    r = _kv(ws, r, "文件 file", src.name + (f" [{src.sheet}]" if src.sheet else ""))
    r = _kv(ws, r, "格式 format", src.format)
    r = _kv(ws, r, "SHA-256", src.sha256)
    r = _kv(ws, r, "记录数 records", profile.records, COUNT)
    r = _kv(ws, r, "规则文件 rules", profile.rules_source)
    r = _kv(ws, r, "时效基准日 as of", profile.as_of.isoformat() if profile.as_of else "")
    r += 1
    header_row(ws, r, ["维度 dimension", "检查项 checks", "检验数 checked", "通过数 passed", "得分 score",
                       "权重 weight", "加权得分 w × s", "计分方法 scoring"])
    r += 1
    first = r
    rng = f"{cq}${{col}}$2:${{col}}${max(2, last)}"
    for d in profile.dimensions:
        key = d.dimension.value
        set_text_or_value(ws.cell(r, 1), f"{LABELS_ZH[key]} {key}")
        ws.cell(r, 2, len(d.checks))
        dim_range, checked_range, passed_range, rate_range = (
            rng.format(col=c) for c in (_DIM, _CHECKED, _PASSED, _RATE))
        if d.method == ScoringMethod.POOLED:  # declared metrics have different units: no sum
            ws.cell(r, 3, f'=SUMIFS({checked_range},{dim_range},"{key}")').number_format = COUNT
            ws.cell(r, 4, f'=SUMIFS({passed_range},{dim_range},"{key}")').number_format = COUNT
        if d.score is None:
            set_text_or_value(ws.cell(r, 5), "未度量 not measured")
        elif d.method == ScoringMethod.MEAN_OF_RATIOS:
            ws.cell(r, 5, f'=AVERAGEIFS({rate_range},{dim_range},"{key}")').number_format = FACTOR
        else:
            ws.cell(r, 5, f"=D{r}/C{r}").number_format = FACTOR
        ws.cell(r, 6, f"={weight_cells[key]}").number_format = FACTOR
        ws.cell(r, 7, f'=IF(ISNUMBER(E{r}),F{r}*E{r},"")').number_format = FACTOR
        set_text_or_value(ws.cell(r, 8), d.formula)
        if not prefix:
            _name(wb, f"quality_{key}", f"'{ws.title}'!$E${r}")
        r += 1
    set_text_or_value(ws.cell(r, 1), "综合质量 Q = Σ w_j · s_j")
    if profile.quality_score is None:
        set_text_or_value(ws.cell(r, 5), "未度量 not measured (a dimension has no score)")
    else:
        ws.cell(r, 5, f"=SUMPRODUCT(F{first}:F{r - 1},E{first}:E{r - 1})").number_format = FACTOR
        if not prefix:
            _name(wb, "quality_score", f"'{ws.title}'!$E${r}")
    ws.cell(r, 1).font = TITLE_FONT
    finish_sheet(ws, {"A": 30, "B": 44, "C": 16, "D": 16, "E": 12, "F": 10, "G": 14, "H": 44}, landscape=True)

    notes.cell(1, 1, "说明 Notes").font = TITLE_FONT
    lines = [
        "得分 score of accuracy, consistency, completeness, conformance, timeliness = Σ 通过 passed / Σ 检验 checked "
        "over the dimension's checks; accessibility = mean of the declared ratios achieved / total.",
        "综合质量 Q = Σ w_j · s_j (GB/T 36344-2018 six dimensions; 中评协〔2023〕17号).",
        "缺失 missing = empty, blank, or a null text of the rules; missing values are counted by completeness only.",
        *profile.notes,
    ]
    for i, line in enumerate(lines, start=3):
        set_text_or_value(notes.cell(i, 1), line)
    finish_sheet(notes, {"A": 120})


def write_quality_report(profile: QualityProfile, path: Path) -> None:
    """Write the report workbook of ``profile`` to ``path`` (atomically: temp file, then rename)."""
    wb = Workbook()
    default = wb.active
    add_quality_sheets(wb, profile)
    if default is not None:
        wb.remove(default)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
