"""One reader for the cells of a batch table, checked against the pydantic fields the columns feed.

A case file is validated by the input models (valuation/models.py, each method's inputs); a batch row
is the flat form of the same inputs, so each :class:`~valuation.batch_types.BatchColumn` names the
model field it feeds (``feeds=ModelField(CostLine, "amount")``) and :class:`RowReader` reads the
field's rules off pydantic's ``model_fields`` — bounds (ge / gt / le / lt), finiteness
(``allow_inf_nan``), integer type, the values of an enum (also inside ``tuple[Enum, ...]``), whether
the field is required and its default — and applies them to a whole column at once (numpy masks; a
python loop only over the bad cells, to word their errors).

What cannot be read off one field stays with its caller: rules between fields (weights summing to 1,
forms and their share column, basis and tax rate, dates against the valuation date) and a method's
own needs (the market's X4 needs records > 0). Bounds that hold in a batch only are declared on the
column (``batch_bounds``).

Every problem of every row is recorded (an :class:`~base.errors.AssetError` naming the column), and a
row with any problem is marked bad; the wording of the errors is each method's (:class:`Wording`).
"""

from __future__ import annotations

import enum
import functools
import math
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from pydantic_core import PydanticUndefined

from base.errors import AssetError
from base.money import MAX_AMOUNT_FLOAT, amount_range_message, check_amount
from base.ranges import EARLIEST_DATE, LATEST_DATE, date_range_message
from valuation.batch_types import BatchColumn, Bounds, ModelField, blank_cells

_TRUE = frozenset({"true", "1", "1.0", "yes", "y", "t", "是"})
_FALSE = frozenset({"false", "0", "0.0", "no", "n", "f", "否", ""})


@dataclass(frozen=True)
class FieldRule:
    """What a model field allows, as the batch reader applies it to a column."""

    bounds: Bounds = field(default_factory=Bounds)
    finite: bool = False  # allow_inf_nan=False (and every int field)
    integer: bool = False
    choices: tuple[str, ...] = ()  # values of an enum field, in declaration order; () = any value
    required: bool = False  # no default: a case file must give it
    default: Any = None  # the value a blank cell stands for (None: no default)
    money: bool = False  # an amount: |value| ≤ MAX_AMOUNT (base/money.py), refused with the floor's message

    def tightened(self, extra: Bounds | None) -> FieldRule:
        """The rule with ``extra`` bounds added (the tighter of each end)."""
        if extra is None:
            return self
        b = self.bounds
        if extra.low > b.low or (extra.low == b.low and extra.low_open):
            low, low_open = extra.low, extra.low_open
        else:
            low, low_open = b.low, b.low_open
        if extra.high < b.high or (extra.high == b.high and extra.high_open):
            high, high_open = extra.high, extra.high_open
        else:
            high, high_open = b.high, b.high_open
        return FieldRule(Bounds(low, high, low_open, high_open), self.finite, self.integer, self.choices,
                         self.required, self.default, self.money)


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """(the type, the constraints found on the way): ``X | None`` → X, ``tuple[X, ...]`` → X,
    ``Annotated[X, Field(ge=0)]`` → X and Field's constraints (a shared alias such as ``Years | None``
    keeps its bounds inside the union, not on the field)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        kind, *extras = typing.get_args(annotation)
        found = [m for e in extras for m in getattr(e, "metadata", [e])]
        inner, more = _unwrap(kind)
        return inner, found + more
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else (annotation, [])
    if origin is tuple:
        items = typing.get_args(annotation)
        return _unwrap(items[0]) if len(items) == 2 and items[1] is Ellipsis else (annotation, [])
    return annotation, []


@functools.cache
def field_rule(ref: ModelField) -> FieldRule:
    """The rule of a model field, read off ``model_fields`` (pydantic's FieldInfo and its metadata)."""
    info = ref.model.model_fields[ref.name]
    kind, inner = _unwrap(info.annotation)
    low, high, low_open, high_open, finite, is_money = -math.inf, math.inf, False, False, False, False
    for item in [*inner, *info.metadata]:
        if getattr(item, "func", None) is check_amount:  # the floor's money range (AfterValidator)
            is_money = True
        if getattr(item, "ge", None) is not None:
            low, low_open = float(item.ge), False
        if getattr(item, "gt", None) is not None:
            low, low_open = float(item.gt), True
        if getattr(item, "le", None) is not None:
            high, high_open = float(item.le), False
        if getattr(item, "lt", None) is not None:
            high, high_open = float(item.lt), True
        if getattr(item, "allow_inf_nan", None) is False:
            finite = True
    integer = kind is int
    choices: tuple[str, ...] = ()
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        choices = tuple(str(m.value) for m in kind)
    default = None if info.default is PydanticUndefined else info.default
    if isinstance(default, enum.Enum):
        default = default.value
    return FieldRule(Bounds(low, high, low_open, high_open), finite or integer, integer, choices,
                     info.is_required(), default, is_money)


def column_rule(column: BatchColumn) -> FieldRule:
    """The rule of a batch column: its model field's, with the column's batch-only bounds added; a
    column in CNY (or feeding a money field) holds amounts, |amount| ≤ MAX_AMOUNT (base/money.py)."""
    rule = field_rule(column.feeds) if column.feeds is not None else FieldRule()
    rule = rule.tightened(column.batch_bounds)
    if column.unit == "CNY" and not rule.money:
        rule = FieldRule(rule.bounds, True, rule.integer, rule.choices, rule.required, rule.default, True)
    return rule


def interval(b: Bounds) -> str:
    """"[0, 1)", "(0, inf)" ..."""
    return f"{'(' if b.low_open else '['}{b.low:g}, {b.high:g}{')' if b.high_open or math.isinf(b.high) else ']'}"


@dataclass(frozen=True)
class Wording:
    """How a method words the errors of its cells. Templates take ``what`` (the column's name in the
    message), ``raw`` (the cell as given), ``value`` (the number read), ``bounds`` (the method's
    ``range`` of the rule), ``integer`` ("an integer " or ""), ``choices`` (the allowed values)."""

    invalid: str  # rule of a bad cell
    missing: str  # rule of a blank cell that is needed
    not_number: str
    out_of_range: str
    blank: str
    not_choice: str = "expected {what}: one of {choices}, got {raw!r}"
    blank_choice: str = "{what} is required, got a blank"
    not_flag: str = "{what} must be true or false, got {raw!r}"
    not_date: str = "expected {what} as a date YYYY-MM-DD, got {raw!r}"
    range: Callable[[Bounds], str] = lambda b: f"in {interval(b)}"
    list_choices: Callable[[Sequence[str]], str] = lambda c: str(list(c))


@dataclass(frozen=True)
class Numbers:
    """A number column as read.

    value  : the number where usable, the field's default where blank (NaN where it has none), NaN
             where refused
    number : the number as parsed, NaN for blanks and text
    blank  : empty cells
    given  : a usable number is in the cell (on the rows read)
    """

    value: np.ndarray
    number: np.ndarray
    blank: np.ndarray
    given: np.ndarray


def parse_numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(numbers with NaN for blanks and text, blank mask, text mask) of a column as read from
    CSV/Parquet: a number column as it is, anything else through ``pd.to_numeric``."""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        values = raw.to_numpy(dtype=np.float64, na_value=np.nan)
        blank = np.isnan(values)
        return values, blank, np.zeros(len(values), dtype=bool)
    blank = blank_cells(raw)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return values, blank, np.isnan(values) & ~blank


class RowReader:
    """Reads the columns of one table (any index) and records one AssetError per problem.

    ``columns`` are the batch columns the caller reads (their ``feeds`` give the rules); ``bad`` marks
    the rows with any problem, ``errors`` lists them in the order found (``error_rows`` their rows).
    """

    def __init__(self, table: pd.DataFrame, columns: Iterable[BatchColumn], wording: Wording,
                 ids: np.ndarray | None = None) -> None:
        self.table = table
        self.n = len(table)
        self.columns = {c.name: c for c in columns}
        self.wording = wording
        if ids is None:
            ids = self.raw("asset_id").astype("string").fillna("").to_numpy(dtype=object)
        self.ids = ids
        self.bad = np.zeros(self.n, dtype=bool)
        self.errors: list[AssetError] = []
        self.error_rows: list[int] = []  # the row (0..n−1) of each error

    # --- bookkeeping -------------------------------------------------------------------------------
    def fail(self, mask: np.ndarray, rule: str, column: str, message: str | Sequence[str]) -> None:
        """One AssetError per flagged row; ``message`` is one text or one per flagged row."""
        idx = np.flatnonzero(mask)
        for j, i in enumerate(idx):
            text = message if isinstance(message, str) else message[j]
            self.errors.append(AssetError(str(self.ids[i]), rule, column, text))
            self.error_rows.append(int(i))
        self.bad[idx] = True

    def raw(self, column: str) -> pd.Series:
        """The column with a 0..n−1 index; all blank when the table does not have it."""
        if column in self.table.columns:
            return self.table[column].reset_index(drop=True)
        return pd.Series([None] * self.n, dtype=object)

    def rule(self, column: str, extra: Bounds | None = None) -> FieldRule:
        return column_rule(self.columns[column]).tightened(extra)

    def given(self, column: str) -> np.ndarray:
        """True where the cell is not blank."""
        return ~blank_cells(self.raw(column))

    def _required(self, rule: FieldRule, required: bool | np.ndarray | None) -> np.ndarray:
        need = rule.required and rule.default is None if required is None else required
        return np.broadcast_to(np.asarray(need, dtype=bool), (self.n,))

    # --- readers -----------------------------------------------------------------------------------
    def numbers(
        self,
        column: str,
        *,
        what: str,
        required: bool | np.ndarray | None = None,
        where: np.ndarray | None = None,
        bounds: Bounds | None = None,
    ) -> Numbers:
        """A number column checked against its rule on the rows ``where`` (default all): text, a blank
        where ``required`` (default: the field is required and has no default), a value outside the
        bounds, a non-finite value where the field is finite, a fraction where it is an integer.
        ``bounds`` adds a caller's own bounds to the field's."""
        rule = self.rule(column, bounds)
        w = self.wording
        raw = self.raw(column)
        number, blank, text = parse_numbers(raw)
        read = np.ones(self.n, dtype=bool) if where is None else np.asarray(where, dtype=bool)
        cells = raw.to_numpy(dtype=object)
        bad_text = read & text
        self.fail(bad_text, w.invalid, column,
                  [w.not_number.format(what=what, raw=v) for v in cells[bad_text]])
        missing = read & blank & self._required(rule, required)
        self.fail(missing, w.missing, column, w.blank.format(what=what))
        b = rule.bounds
        if rule.money:  # the floor's stated range of money, refused with its own message
            with np.errstate(invalid="ignore"):
                huge = read & ~blank & ~text & (np.abs(number) > MAX_AMOUNT_FLOAT)
            self.fail(huge, w.invalid, column, [amount_range_message(v, column) for v in number[huge]])
            text = text | huge  # not checked again below, not given
        with np.errstate(invalid="ignore"):
            below = number <= b.low if b.low_open else number < b.low
            above = number >= b.high if b.high_open else number > b.high
            out = below | above
            if rule.finite:
                out |= np.isinf(number)
            if rule.integer:
                out |= np.isfinite(number) & (number != np.round(number))
        out &= read & ~blank & ~text
        shown = w.range(b)
        integer = "an integer " if rule.integer else ""
        self.fail(out, w.invalid, column,
                  [w.out_of_range.format(what=what, raw=r, value=v, bounds=shown, integer=integer)
                   for r, v in zip(cells[out], number[out], strict=True)])
        given = read & ~blank & ~text & ~out
        default = np.nan if rule.default is None else float(rule.default)
        value = np.where(given, number, np.where(blank, default, np.nan))
        return Numbers(value, number, blank, given)

    def choice(self, column: str, *, what: str, required: bool | np.ndarray | None = None) -> np.ndarray:
        """A column of the field's enum values (case and surrounding spaces ignored): the value of each
        row, the field's default where blank, "" where there is no valid value (already an error)."""
        rule = self.rule(column)
        w = self.wording
        raw = self.raw(column)
        blank = blank_cells(raw)
        text = raw.astype("string").fillna("").str.strip().str.lower().to_numpy(dtype=object)
        unknown = ~blank & ~np.isin(text, list(rule.choices))
        listed = w.list_choices(rule.choices)
        self.fail(unknown, w.invalid, column,
                  [w.not_choice.format(what=what, raw=v, choices=listed) for v in raw.to_numpy(dtype=object)[unknown]])
        missing = blank & self._required(rule, required)
        self.fail(missing, w.missing, column, w.blank_choice.format(what=what, choices=listed))
        default = "" if rule.default is None else str(rule.default)
        return np.where(unknown | missing, "", np.where(blank, default, text))

    def flag(self, column: str, *, what: str) -> np.ndarray:
        """A true/false column (true, 1, yes, 是 ... / false, 0, no, 否 ...); blank is the field's
        default (false when it has none)."""
        raw = self.raw(column)
        text = raw.astype("string").fillna("").str.strip().str.lower().to_numpy(dtype=object)
        truthy = np.isin(text, list(_TRUE))
        bad = ~truthy & ~np.isin(text, list(_FALSE))
        self.fail(bad, self.wording.invalid, column,
                  [self.wording.not_flag.format(what=what, raw=v) for v in raw.to_numpy(dtype=object)[bad]])
        if self.rule(column).default is True:
            truthy |= blank_cells(raw)
        return truthy

    def dates(self, column: str, *, what: str, first_row: int | None = None,
              earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> tuple[np.ndarray, np.ndarray]:
        """A date column ('YYYY-MM-DD' text or datetime64) as datetime64[D], NaT where blank,
        unreadable (``2025-02-30``, ``garbage``) or outside ``earliest`` … ``latest`` (default the
        stated window 1990-01-01 … 2100-12-31, base/ranges.py) — each such cell is an error, never
        read as another date; and the blank mask. ``first_row`` (the file row of the table's first
        row) puts the row in the message."""
        raw = self.raw(column)
        blank = blank_cells(raw)
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            values = raw.to_numpy().astype("datetime64[D]")
        else:
            text = raw.astype("string").str.strip()
            parsed = pd.to_datetime(text.where(~pd.Series(blank)), errors="coerce", format="ISO8601")
            values = parsed.to_numpy().astype("datetime64[D]")
        bad = ~blank & np.isnat(values)
        where = [f"row {first_row + int(i)}: " if first_row is not None else "" for i in np.flatnonzero(bad)]
        self.fail(bad, self.wording.invalid, column,
                  [w + self.wording.not_date.format(what=what, raw=v)
                   for w, v in zip(where, raw.to_numpy(dtype=object)[bad], strict=True)])
        low, high = np.datetime64(earliest, "D"), np.datetime64(latest, "D")
        with np.errstate(invalid="ignore"):
            out = ~blank & ~bad & ((values < low) | (values > high))
        rows = np.flatnonzero(out)
        self.fail(out, self.wording.invalid, column,
                  [(f"row {first_row + int(i)}: " if first_row is not None else "")
                   + date_range_message(values[i], what, earliest, latest) for i in rows])
        values = np.where(out, np.datetime64("NaT"), values)
        return values, blank
