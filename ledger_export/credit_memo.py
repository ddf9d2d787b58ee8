"""The credit memo (授信审查表) of a pledge assessment on its own: a workbook of the cover, the pledge
workpaper sheets (:mod:`ledger_export.pledge_sheets`) and the 校验 checks (``dataval pledge -o``).

The same sheets go into the full workbook with ``dataval export --pledge``
(:func:`ledger_export.export.export_workbook`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ledger_export.cover import InputRef
from ledger_export.export import ExportReport, export_workbook

if TYPE_CHECKING:
    from pledge import PledgeAssessment, PledgeCase

TITLE = ("数据资产质押融资授信审查表", "Data-asset pledge loan: credit memo")


def write_credit_memo(case: PledgeCase, result: PledgeAssessment, path: Path, *, preparer: str = "",
                      inputs: Sequence[InputRef] = (), record: bool = False,
                      prepared_at: datetime | None = None) -> ExportReport:
    """Write the credit memo of ``result`` (a PledgeAssessment of ``case``) to ``path`` (atomically)."""
    return export_workbook(path, pledge=(case, result), preparer=preparer, inputs=inputs, record=record,
                           prepared_at=prepared_at, title=TITLE)
