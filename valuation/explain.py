"""The figures of a method's explanation as a declarative table, rendered by one function.

Each method states its figures once, in reading order, as a tuple of :class:`FigureRow` (one figure)
and :class:`FigureRows` (one figure per item of a list, e.g. per cost category or per term of the
discount rate). A row names the figure, gives its Chinese and English labels, its unit and formula, and
says how its number and evidence are read from the method's explained source (a prepared value with
its result). :func:`render_figures` turns a table and a source into the :class:`Figure` objects of the
result, skipping the rows whose ``when`` is false.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from valuation.models import Figure

S = TypeVar("S")

Text = str | Callable[[S], str]
"""A fixed text, or one read from the source."""


def _text(text: Text[S], source: S) -> str:
    return text if isinstance(text, str) else text(source)


@dataclass(frozen=True)
class FigureRow(Generic[S]):
    """One figure: ``value(source)`` in ``unit``, shown when ``when(source)`` (always if None).

    ``label_en`` is the English name of the figure for readers of the table; the rendered
    :class:`Figure` carries the Chinese label, as the reports print it.
    """

    key: Text[S]
    label_zh: Text[S]
    label_en: str
    unit: str
    value: Callable[[S], float]
    formula: Text[S] = ""
    evidence: Text[S] = ""
    when: Callable[[S], bool] | None = None

    def render(self, source: S) -> Figure:
        return Figure(
            name=_text(self.key, source),
            label_zh=_text(self.label_zh, source),
            value=self.value(source),
            unit=self.unit,
            formula=_text(self.formula, source),
            evidence=_text(self.evidence, source),
        )


@dataclass(frozen=True)
class FigureRows(Generic[S]):
    """One figure per item of ``items(source)``, each rendered by ``row`` from that item."""

    items: Callable[[S], Iterable[Any]]
    row: FigureRow[Any]


FigureTable = tuple[FigureRow[S] | FigureRows[S], ...]


def render_figures(table: FigureTable[S], source: S) -> tuple[Figure, ...]:
    """The table's figures for ``source``, in the table's order."""
    out: list[Figure] = []
    for entry in table:
        if isinstance(entry, FigureRows):
            out.extend(entry.row.render(item) for item in entry.items(source) if _shown(entry.row, item))
        elif _shown(entry, source):
            out.append(entry.render(source))
    return tuple(out)


def _shown(row: FigureRow[Any], source: Any) -> bool:
    return row.when is None or row.when(source)
