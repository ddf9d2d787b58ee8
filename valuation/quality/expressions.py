"""Row rules over columns, e.g. ``ship_date >= order_date`` or ``0 < quantity <= 1000``.

A rule is a small Python-like expression, parsed once with :mod:`ast` and evaluated vectorized on
numpy arrays, never with ``eval``. What is allowed:

- column names (a name that is not a Python identifier is written ``col("单价 price")``);
- numbers, ``date("2024-01-01")`` (a day number), ``abs(x)``;
- ``+ - * /``, unary ``-``; comparisons ``< <= > >= == !=`` (chained: ``0 < q <= 1000``);
- ``and``, ``or``, ``not`` between comparisons.

Values are numbers: a number column as parsed, a date or datetime column as days since 1970-01-01
(fractional for times), so ``ship_date - order_date <= 30`` means "within 30 days". ``==`` and
``!=`` compare within a tolerance (|a − b| ≤ tol; default 1e-6, set per rule), the other comparisons
are exact. A row where a referenced value is null or cannot be parsed is not checked (nulls belong to
completeness, unparsable values to conformance).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

DEFAULT_TOLERANCE = 1e-6
_EPOCH = date(1970, 1, 1)
_ARITH = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
_COMPARE = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_FUNCTIONS = ("abs", "date", "col")


class ExpressionError(ValueError):
    """An expression outside the small language above (message says what is allowed)."""


@dataclass(frozen=True)
class Expression:
    """A parsed row rule: its text, the columns it reads, and its syntax tree."""

    text: str
    columns: tuple[str, ...]
    tree: ast.expr

    def evaluate(self, values: Mapping[str, np.ndarray], tolerance: float = DEFAULT_TOLERANCE) -> np.ndarray:
        """Boolean array: the rule holds on each row. ``values`` maps each column to float64 (n,)."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.asarray(_eval_bool(self.tree, values, tolerance), dtype=bool)


def parse_expression(text: str) -> Expression:
    """Parse and check a rule; raise :class:`ExpressionError` saying what is wrong."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression ({exc.msg} at column {exc.offset}): {text!r}") from None
    columns: list[str] = []
    _check_bool(tree, columns, text)
    return Expression(text=text, columns=tuple(dict.fromkeys(columns)), tree=tree)


def _fail(node: ast.AST, text: str, what: str) -> ExpressionError:
    snippet = ast.get_source_segment(text.strip(), node) or type(node).__name__
    return ExpressionError(
        f"{what} in {text!r} (at {snippet!r}); allowed: column names, numbers, date(\"YYYY-MM-DD\"), abs(), "
        "col(\"name\"), + - * /, comparisons, and/or/not"
    )


def _check_bool(node: ast.expr, columns: list[str], text: str) -> None:
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check_bool(v, columns, text)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check_bool(node.operand, columns, text)
    elif isinstance(node, ast.Compare):
        if not all(isinstance(op, _COMPARE) for op in node.ops):
            raise _fail(node, text, "only < <= > >= == != compare values")
        for operand in (node.left, *node.comparators):
            _check_value(operand, columns, text)
    else:
        raise _fail(node, text, "a rule must be a comparison (or comparisons joined by and/or/not)")


def _check_value(node: ast.expr, columns: list[str], text: str) -> None:
    if isinstance(node, ast.Name):
        columns.append(node.id)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise _fail(node, text, "constants must be numbers")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _ARITH:
            raise _fail(node, text, "only + - * / are allowed")
        _check_value(node.left, columns, text)
        _check_value(node.right, columns, text)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check_value(node.operand, columns, text)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
            raise _fail(node, text, "only abs(x), date(\"YYYY-MM-DD\") and col(\"name\") may be called")
        if len(node.args) != 1:
            raise _fail(node, text, f"{node.func.id}() takes one argument")
        arg = node.args[0]
        if node.func.id == "abs":
            _check_value(arg, columns, text)
        elif not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise _fail(node, text, f"{node.func.id}() takes a quoted string")
        elif node.func.id == "col":
            columns.append(arg.value)
        else:
            try:
                date.fromisoformat(arg.value)
            except ValueError:
                raise _fail(node, text, f"date() expects YYYY-MM-DD, got {arg.value!r}") from None
    else:
        raise _fail(node, text, "unsupported element")


def _eval_bool(node: ast.expr, values: Mapping[str, np.ndarray], tol: float) -> np.ndarray:
    if isinstance(node, ast.BoolOp):
        parts = [_eval_bool(v, values, tol) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        joined = parts[0]
        for p in parts[1:]:
            joined = combine(joined, p)
        return joined
    if isinstance(node, ast.UnaryOp):
        negated: np.ndarray = np.logical_not(_eval_bool(node.operand, values, tol))
        return negated
    assert isinstance(node, ast.Compare)
    left = _eval_value(node.left, values)
    out: np.ndarray | None = None
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = _eval_value(comparator, values)
        if isinstance(op, ast.Eq):
            holds = np.abs(left - right) <= tol
        elif isinstance(op, ast.NotEq):
            holds = np.abs(left - right) > tol
        elif isinstance(op, ast.Lt):
            holds = left < right
        elif isinstance(op, ast.LtE):
            holds = left <= right
        elif isinstance(op, ast.Gt):
            holds = left > right
        else:
            holds = left >= right
        out = holds if out is None else np.logical_and(out, holds)
        left = right
    assert out is not None
    return out


def _eval_value(node: ast.expr, values: Mapping[str, np.ndarray]) -> np.ndarray:
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # checked at parse time
        return np.asarray(float(node.value))
    if isinstance(node, ast.BinOp):
        return np.asarray(_ARITH[type(node.op)](_eval_value(node.left, values), _eval_value(node.right, values)))
    if isinstance(node, ast.UnaryOp):
        v = _eval_value(node.operand, values)
        return -v if isinstance(node.op, ast.USub) else v
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    arg = node.args[0]
    if node.func.id == "abs":
        absolute: np.ndarray = np.abs(_eval_value(arg, values))
        return absolute
    assert isinstance(arg, ast.Constant) and isinstance(arg.value, str)  # checked at parse time
    if node.func.id == "col":
        return values[arg.value]
    return np.asarray(float((date.fromisoformat(arg.value) - _EPOCH).days))
