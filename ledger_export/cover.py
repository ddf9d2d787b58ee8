"""The 封面 Cover sheet: what the workbook is, for which case and period, who prepared it, on which
engine version and inputs (SHA-256 fingerprints), the overall check result and the list of sheets, each
linked to its sheet and with its workpaper index (索引号)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from ledger_export.style import sheet_index
from ledger_export.workbook import Book, Formula, Sheet, Styled

if TYPE_CHECKING:
    from pydantic import BaseModel

TITLE = "封面 Cover"


@dataclass(frozen=True)
class InputRef:
    """One input of the workbook: its role, where it came from, and the SHA-256 of its canonical JSON."""

    role: str
    source: str
    sha256: str


@dataclass(frozen=True)
class CoverInfo:
    """Everything the cover shows besides the sheet list."""

    title_zh: str
    title_en: str
    company: str = ""
    cases: tuple[tuple[str, str], ...] = ()
    period_start: date | None = None
    as_of: date | None = None
    preparer: str = ""
    engine_version: str = ""
    prepared_at: datetime | None = None
    inputs: tuple[InputRef, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def fingerprint(model: BaseModel) -> str:
    """SHA-256 of a pydantic model's canonical JSON (sorted keys, UTF-8), as the valuation engine does."""
    payload = json.dumps(model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_cover(book: Book, info: CoverInfo, contents: list[tuple[str, str]]) -> tuple[Sheet, str]:
    """Write the cover; returns the sheet and the cell of the check summary (its figure is set later)."""
    sh = book.sheet(TITLE, {"A": 30, "B": 70, "C": 68}, freeze=None, title_rows=None)
    book.home = TITLE  # every later sheet links back here
    sh.title_row(f"{info.title_zh} {info.title_en}")
    sh.blank()
    if info.company:
        sh.kv("公司 company", info.company)
    for label, value in info.cases:
        sh.kv(label, value)
    if info.period_start is not None:
        r = sh.kv("期间开始 period start", info.period_start)
        book.define("period_start", sh, 2, r)
    if info.as_of is not None:
        r = sh.kv("资产负债表日 as of", info.as_of)
        book.define("as_of", sh, 2, r)
    sh.kv("编制人 preparer", info.preparer or "（未填写 not stated）")
    sh.kv("编制时间 prepared at", (info.prepared_at or datetime.now()).strftime("%Y-%m-%d %H:%M:%S"))
    sh.kv("引擎版本 engine version", f"dataval {info.engine_version}")
    summary_row = sh.kv("校验结论 checks", Formula("=checks_result", None, "text", bold=True),
                        "明细见 see 校验 Checks")
    for note in info.notes:
        sh.kv("说明 note", note)
    sh.blank()
    sh.append([Styled("输入指纹 input fingerprints (SHA-256 of the validated input, canonical JSON)", bold=True)])
    sh.header(["角色 role", "来源 source", "SHA-256"])
    for ref in info.inputs:
        sh.append([ref.role, ref.source, ref.sha256])
    sh.blank()
    sh.append([Styled("工作表 sheets", bold=True)])
    sh.header(["工作表 sheet", "内容 contents", "索引号 index"])
    for k, (title, text) in enumerate(contents, start=1):  # the sheets follow the cover in this order
        sh.append([Styled(title, link=title), text, sheet_index(k)])
    sh.blank()
    sh.append(["格式 conventions", Styled("金额单位：人民币元 CNY；黄色单元格为关键输入（已定义名称）；公式单元格均为实时公式。"
               "Amounts in CNY; yellow cells are key inputs (defined names); computed cells are live formulas.",
               wrap=True)])
    return sh, f"B{summary_row}"
