"""Excel workbooks an auditor can trace: books, valuation and pledge workpapers, the engagement template.

- :func:`export_workbook` — one workbook per case and period (cover, journal, ledgers, trial balance,
  balance-sheet extract, notes, valuation workpapers, pledge workpaper, 校验 checks), streamed, with
  live formulas that carry the engine's figures; :class:`ExportReport` says what was written.
- :func:`write_credit_memo` — the pledge workpaper alone.
- :func:`write_case_workbook` / :func:`read_case_workbook` — the engagement template, round trip.
- :func:`set_text_or_value` — the one way user text goes into a cell (never a formula).

See docs/excel.md.
"""

from ledger_export.case_template import read_case_workbook, write_case_workbook
from ledger_export.cells import set_text_or_value
from ledger_export.cover import InputRef, fingerprint
from ledger_export.credit_memo import write_credit_memo
from ledger_export.export import ExportReport, export_workbook

__all__ = ["ExportReport", "InputRef", "export_workbook", "fingerprint", "read_case_workbook", "set_text_or_value",
           "write_case_workbook", "write_credit_memo"]
