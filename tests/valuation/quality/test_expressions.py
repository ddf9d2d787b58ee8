"""Row rules: the small expression language, parsed with ast and evaluated on arrays (never eval)."""

from __future__ import annotations

import numpy as np
import pytest

from valuation.quality import ExpressionError, parse_expression


def _eval(text: str, tol: float = 1e-6, **cols: list[float]) -> list[bool]:
    values = {k: np.array(v, dtype=np.float64) for k, v in cols.items()}
    return parse_expression(text).evaluate(values, tol).tolist()


def test_columns_are_listed_once_in_order() -> None:
    e = parse_expression('amount == quantity * unit_price + col("运费 freight") - quantity')
    assert e.columns == ("amount", "quantity", "unit_price", "运费 freight")


def test_arithmetic_and_comparisons() -> None:
    assert _eval("a + b * 2 > 10", a=[1, 5, 4], b=[4, 3, 3]) == [False, True, False]  # 9, 11, 10
    assert _eval("a / b <= 0.5", a=[1, 3], b=[2, 4]) == [True, False]
    assert _eval("-a < 0", a=[1, -1]) == [True, False]
    assert _eval("abs(a - b) <= 1", a=[1, 5], b=[2, 2]) == [True, False]


def test_chained_comparison_is_a_range() -> None:
    assert _eval("0 < q <= 1000", q=[0, 1, 1000, 1001]) == [False, True, True, False]


def test_and_or_not() -> None:
    assert _eval("a > 0 and b > 0", a=[1, 1, -1], b=[1, -1, 1]) == [True, False, False]
    assert _eval("a > 0 or b > 0", a=[1, -1, -1], b=[-1, 1, -1]) == [True, True, False]
    assert _eval("not a > 0", a=[1, -1]) == [False, True]


def test_equality_uses_the_tolerance() -> None:
    # 0.1 × 3 is 0.30000000000000004 in binary floating point: equal within the default 1e-6
    assert _eval("a == b * 3", a=[0.3, 0.31], b=[0.1, 0.1]) == [True, False]
    assert _eval("a == b", 0.005, a=[100.004, 100.006], b=[100.0, 100.0]) == [True, False]
    assert _eval("a != b", 0.005, a=[100.004, 100.006], b=[100.0, 100.0]) == [False, True]


def test_dates_are_day_numbers() -> None:
    # date("1970-01-31") is day 30; 2024-01-01 is day 19723 (54 years with 13 leap days: 54·365 + 13)
    assert _eval('d >= date("2024-01-01")', d=[54 * 365 + 13 - 1, 54 * 365 + 13]) == [False, True]
    assert _eval('d == date("1970-01-31")', d=[30]) == [True]


def test_division_by_zero_fails_the_rule_without_warnings() -> None:
    with np.errstate(all="raise"):
        assert _eval("a / b < 10", a=[1, 1, 0], b=[0, 1, 0]) == [False, True, False]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a +", "not a valid expression"),
        ("a", "must be a comparison"),
        ("a + 1", "must be a comparison"),
        ("a == 'x'", "constants must be numbers"),
        ("a == True", "constants must be numbers"),
        ("__import__('os').system('echo hi') == 0", "may be called"),
        ("a.real > 0", "unsupported element"),
        ("a ** 2 > 1", "only + - * /"),
        ("a in b", "only < <= > >= == !="),
        ("max(a, b) > 0", "may be called"),
        ('date("31/01/2024") > 0', "date() expects YYYY-MM-DD"),
        ("col(a) > 0", "takes a quoted string"),
        ("abs(a, b) > 0", "takes one argument"),
        ("(lambda: 1)() > 0", "may be called"),
        ("a if b else c", "must be a comparison"),
    ],
)
def test_anything_else_is_refused_with_what_is_allowed(text: str, says: str) -> None:
    with pytest.raises(ExpressionError, match=r"allowed: column names|not a valid expression") as exc:
        parse_expression(text)
    assert says in str(exc.value)
