"""Workpapers an auditor can file: the sample workbook printed to PDF by LibreOffice.

The full sample (self-developed books, parking valuation, bullet-loan pledge: what ``dataval export``
writes) is rendered with ``soffice --headless --convert-to pdf`` and read back with poppler's
``pdfinfo`` / ``pdftotext``. Each page must carry the workpaper header (被审计单位, the sheet's 索引号) and
footer (编制人, 复核人, 第 k 页 共 N 页); each sheet must print on the expected number of pages and never
spill to a second page width (every page shows both ends of the sheet's repeated title row). The cover's
contents links and every sheet's link back to the cover must survive LibreOffice.

The workbook is built here rather than taken from the session fixture, so only this one workbook is
converted (twice: to PDF, and to xlsx for the links). Needs LibreOffice and poppler-utils
(scripts/system_deps.sh); on CI a missing tool fails the test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string

from cli.commands.export import load_books, load_pledge, load_valuation
from ledger_export.export import export_workbook
from ledger_export.style import BACK_LINK, header_text, sheet_index
from tests.conftest import require
from tests.ledger_export.conftest import AS_OF, BOOKS, PLEDGES, VALUATIONS
from tests.ledger_export.libreoffice import soffice

COVER = "封面 Cover"
# Sheets that may run over several pages (long lists); every other sheet of the sample fits on one page.
MULTI_PAGE = {"附注 Notes": 3, "市场法 Market": 3, "校验 Checks": 4}  # at most this many pages


@dataclass
class Printed:
    xlsx: Path
    pdf: Path
    roundtrip: Path
    company: str
    sheets: list[str]
    pages: list[str]  # text of each page, whitespace removed


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _convert(exe: str, fmt: str, src: Path, outdir: Path) -> Path:
    profile = Path(tempfile.mkdtemp(prefix="dataval_lo_pdf_"))
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                       check=True, timeout=300, capture_output=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / f"{src.stem}.{fmt}"
    assert out.exists(), f"LibreOffice did not convert {src.name} to {fmt}"
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    exe = soffice()
    require(exe is not None, "LibreOffice")
    require(shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None,
            "poppler-utils (pdftotext, pdfinfo)")
    assert exe is not None
    tmp = tmp_path_factory.mktemp("print")
    _bcase, bres = load_books(BOOKS[2], AS_OF)
    _vcase, vres, index = load_valuation(VALUATIONS[2])
    pcase, pres = load_pledge(PLEDGES[2])
    xlsx = tmp / "sample.xlsx"
    report = export_workbook(xlsx, books=bres, valuation=vres, pledge=(pcase, pres), preparer="测试 tester",
                             price_index=index)
    pdf = _convert(exe, "pdf", xlsx, tmp / "pdf")
    roundtrip = _convert(exe, "xlsx", xlsx, tmp / "xlsx")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    n_pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [_squash(p) for p in text.split("\f")][:n_pages]
    assert len(pages) == n_pages
    return Printed(xlsx, pdf, roundtrip, bres.company, list(report.sheets), pages)


def _page_sheets(p: Printed) -> list[str]:
    """The sheet each page belongs to, read from the 索引号 in its header."""
    by_index = {_squash(sheet_index(k)): title for k, title in enumerate(p.sheets)}
    out = []
    for k, page in enumerate(p.pages, start=1):
        found = re.findall(r"索引号Index：(A-\d\d)", page)
        assert len(found) == 1, f"page {k}: no single 索引号 in its header"
        out.append(by_index[found[0]])
    return out


def test_every_page_has_the_workpaper_header_and_footer(printed: Printed) -> None:
    n = len(printed.pages)
    company = _squash(header_text(printed.company).replace("&&", "&"))
    assert company
    for k, page in enumerate(printed.pages, start=1):
        assert "被审计单位" in page and company in page, f"page {k}: no entity in the header"
        assert "索引号" in page, f"page {k}: no index"
        assert "编制人" in page and "复核人" in page and page.count("日期") >= 2, f"page {k}: no sign-off lines"
        assert f"第{k}页共{n}页" in page, f"page {k}: no page number 第 {k} 页 共 {n} 页"
    assert "第1页" in printed.pages[0]


def test_pages_per_sheet_in_contents_order(printed: Printed) -> None:
    sheets = _page_sheets(printed)
    # every sheet prints, in workbook order, its pages together
    assert list(dict.fromkeys(sheets)) == printed.sheets
    counts = {s: sheets.count(s) for s in printed.sheets}
    for title, n in counts.items():
        assert 1 <= n <= MULTI_PAGE.get(title, 1), f"{title}: {n} pages"
    assert counts[COVER] == 1


def _title_row_ends(ws: Any) -> tuple[str, str]:
    """First words of the leftmost and rightmost labels of the repeated title rows, within the print area."""
    rows = ws.print_title_rows
    area = ws.print_area
    assert rows and area, ws.title
    first, last = (int(r) for r in rows.replace("$", "").split(":"))
    m = re.search(r"\$([A-Z]+)\$\d+:\$([A-Z]+)\$\d+$", area)
    assert m, area
    lo, hi = column_index_from_string(m.group(1)), column_index_from_string(m.group(2))
    labels = [(c.column, str(c.value)) for row in ws.iter_rows(min_row=first, max_row=last, min_col=lo, max_col=hi)
              for c in row if c.value is not None and str(c.value).strip()]
    assert labels, ws.title
    labels.sort()
    word = lambda text: text.split()[0]  # noqa: E731  (a wrapped header cell keeps its first word on one line)
    return word(labels[0][1]), word(labels[-1][1])


def test_no_sheet_spills_to_a_second_page_width(printed: Printed) -> None:
    """Fit to one page wide: every page of a sheet shows both ends of its repeated title row (a sheet cut
    into page columns would show the left end on one page and the right end on another)."""
    wb = load_workbook(printed.xlsx)
    sheets = _page_sheets(printed)
    for title in printed.sheets:
        left, right = _title_row_ends(wb[title])
        for k, (sheet, page) in enumerate(zip(sheets, printed.pages, strict=True), start=1):
            if sheet == title:
                assert _squash(left) in page and _squash(right) in page, (title, k, left, right)


def test_every_sheet_is_print_ready(printed: Printed) -> None:
    wb = load_workbook(printed.xlsx)
    assert wb.sheetnames == printed.sheets
    ws: Any
    for k, ws in enumerate(wb.worksheets):
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.print_title_rows and ws.print_area, ws.title
        assert ws.oddHeader.left.text.startswith("被审计单位"), ws.title
        assert ws.oddHeader.right.text.endswith(sheet_index(k)), ws.title
        assert "编制人" in ws.oddFooter.left.text and "复核人" in ws.oddFooter.right.text, ws.title
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页", ws.title
        m = re.search(r"\$([A-Z]+)\$\d+$", ws.print_area)
        assert m, ws.print_area
        if column_index_from_string(m.group(1)) > 8:  # wide sheets print landscape
            assert ws.page_setup.orientation == "landscape", ws.title


def _links(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(cover contents: sheet -> link location, each sheet -> location of its back link in row 1)."""
    wb = load_workbook(path)
    contents = {str(c.value): c.hyperlink.location for row in wb[COVER].iter_rows() for c in row
                if c.hyperlink is not None and c.hyperlink.location}
    back: dict[str, str] = {}
    for ws in wb.worksheets[1:]:
        for c in ws[1]:
            if c.hyperlink is not None and c.hyperlink.location and c.value == BACK_LINK:
                back[ws.title] = c.hyperlink.location
    return contents, back


@pytest.mark.parametrize("which", ["written", "after LibreOffice"])
def test_contents_link_to_every_sheet_and_back(printed: Printed, which: str) -> None:
    contents, back = _links(printed.xlsx if which == "written" else printed.roundtrip)
    sheets = printed.sheets[1:]
    assert set(contents) == set(sheets)
    for title in sheets:
        assert contents[title].replace("$", "") == f"'{title}'!A1", (which, title)
        assert back[title].replace("$", "") == f"'{COVER}'!A1", (which, title)


def test_cover_lists_each_sheet_with_its_index(printed: Printed) -> None:
    wb = load_workbook(printed.xlsx)
    rows = {r[0]: r[2] for r in wb[COVER].iter_rows(values_only=True) if r and r[0] in printed.sheets}
    assert rows == {title: sheet_index(k) for k, title in enumerate(printed.sheets) if k > 0}


def test_header_text_is_safe() -> None:
    assert header_text("A&B\x0b=HYPERLINK(1)") == "A&&B =HYPERLINK(1)"
    assert len(header_text("长" * 500)) == 80
