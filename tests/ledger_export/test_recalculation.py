"""Every exported workbook, recalculated by LibreOffice: every formula cell shows the engine's figure.

The exporter records, for each formula it writes, the figure the engine computed for that cell (a
total, a tie, a discount factor, a value). LibreOffice opens the file, recalculates every formula from
the inputs in the workbook and saves the results; each one must equal the engine's figure to the fen
(ratios to 1e-9). The set of formula cells in the file must be exactly the set recorded: no formula is
left unchecked, and no text became a formula.
"""

from __future__ import annotations

import pytest

from ledger_export.checks import ALL_PASS
from tests.ledger_export.conftest import Exported
from tests.ledger_export.libreoffice import formula_cells, mismatches

EXPORTS = ["full-0", "full-1", "full-2", "book-inventory-h1", "book-self-2024", "book-hand", "book-hand-h2",
           "book-hand-empty", "book-later-life", "book-later-life-2024", "value-parking", "memo-retail", "hostile", "cross-ref"]


@pytest.mark.parametrize("name", EXPORTS)
def test_every_formula_cell_is_recorded(workbooks: dict[str, Exported], name: str) -> None:
    w = workbooks[name]
    recorded = {(e.sheet, e.cell) for e in w.report.expectations}
    assert len(recorded) == len(w.report.expectations) == w.report.n_formulas > 0
    assert formula_cells(w.path) == recorded


@pytest.mark.parametrize("name", EXPORTS)
def test_libreoffice_recalculates_every_formula_to_the_engine_figure(recalculated: dict[str, Exported],
                                                                     name: str) -> None:
    w = recalculated[name]
    assert w.recalculated is not None
    bad = mismatches(w.report.expectations, w.recalculated)
    assert not bad, f"{len(bad)} of {len(w.report.expectations)} formula cells differ, e.g. {bad[:5]}"


@pytest.mark.parametrize("name", EXPORTS)
def test_all_ties_hold_on_the_examples(workbooks: dict[str, Exported], name: str) -> None:
    assert workbooks[name].report.checks_expected == ALL_PASS
    assert workbooks[name].report.n_checks > 0
