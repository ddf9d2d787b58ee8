"""An asset's cost lines edited as a table: checked as cost-method lines, then saved in one transaction.

The editor reads the lines with their versions and sends back the whole table. :func:`save_cost_lines`
adds the new lines, changes the edited ones and removes the ones left out, refusing the save when a line
changed (or was added) since it was read — :class:`~register.errors.ConcurrentEdit`, never a silent
overwrite. A removed line is deleted as a row (``session.delete``), so the audit log keeps it and its
evidence files as they were.

What was typed is checked as typed: an amount is a plain non-negative number of CNY up to 10^15 (text
such as ``-5000``, ``1e20`` or ``abc`` is refused with the line and the field named, never turned into
another number), and a date lies between 1990-01-01 and today.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from base.errors import InvalidInput
from base.messages import describe
from base.money import to_fen
from register.assets import add_cost_line, get_asset
from register.errors import ConcurrentEdit
from register.models import CostLine as LineRow

LINE_FIELDS = ("category", "item", "amount", "incurred_on", "evidence", "restate")
MAX_AMOUNT = Decimal(10) ** 15  # CNY
EARLIEST = date(1990, 1, 1)
_PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+|\d{1,3}(,\d{3})+(\.\d*)?)$")


def _line_fields(line: dict[str, Any]) -> dict[str, Any]:
    return {k: line[k] for k in LINE_FIELDS if line.get(k) is not None}


def parse_amount(value: Any) -> tuple[Decimal | None, str | None]:
    """An amount as typed (text, or a number) → (CNY, None), or (None, why it is refused; Chinese first).

    Text must be a plain number (digits, a decimal point, thousands commas): no sign, no exponent, no
    letters — ``-5000``, ``1e20`` and ``abc`` are refused, not read as 5000, 120 or nothing.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "金额必填 — the amount is required"
    if isinstance(value, bool):
        return None, f"金额不是数字 — the amount is not a number: {value!r}"
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("-", "−")):
            return None, f"金额不能为负数 — the amount must be ≥ 0, got {text!r}"
        if not _PLAIN.match(text):
            return None, (f"金额 {text!r} 不是有效数字（只接受如 1234.56 的写法，不接受正负号、科学计数法或文字）"
                          f" — {text!r} is not a plain amount (e.g. 1234.56; no sign, exponent or letters)")
        amount = Decimal(text.replace(",", ""))
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            return None, f"金额不是有限数字 — the amount is not a finite number: {value!r}"
        try:
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return None, f"金额不是数字 — the amount is not a number: {value!r}"
        if not amount.is_finite():
            return None, f"金额不是有限数字 — the amount is not a finite number: {value!r}"
        if amount < 0:
            return None, f"金额不能为负数 — the amount must be ≥ 0, got {value!r}"
    else:
        return None, f"金额不是数字 — the amount is not a number: {value!r}"
    if amount > MAX_AMOUNT:
        return None, f"金额超过上限 10^15 元 — the amount is above 10^15 CNY: {value!r}"
    return amount, None


def _date_problem(value: Any, latest: date) -> str | None:
    if not isinstance(value, date):
        return None  # missing or not a date: the cost line model says so
    if isinstance(value, datetime):
        value = value.date()
    if value < EARLIEST:
        return f"日期早于 {EARLIEST} — the date is before {EARLIEST}: {value}"
    if value > latest:
        return f"日期晚于 {latest}（今天或估值基准日）— the date is after {latest} (today or the valuation date): {value}"
    return None


def cost_line_problems(code: str, lines: Sequence[dict[str, Any]], *, latest: date | None = None) -> list[str]:
    """Every problem of edited cost lines as cost lines of the cost method (``valuation.cost.CostLine``:
    category, item, amount, date), each naming the asset, the line and the field.

    The amount is checked as typed (:func:`parse_amount`: a plain number, 0 … 10^15 CNY); the date lies
    between 1990-01-01 and ``latest`` (default today; a valuation date when there is one)."""
    from valuation.cost.inputs import CostLine  # valuation.cost loads scipy and statsmodels (about a second)

    latest = latest or date.today()
    problems: list[str] = []
    for i, ln in enumerate(lines, start=1):
        fields = _line_fields(ln)
        amount, why = parse_amount(ln.get("amount"))
        if why is not None:
            problems.append(f"{code} cost line {i} amount: {why}")
            fields["amount"] = 0.0  # the amount is reported above; check the other fields
        else:
            fields["amount"] = float(amount)  # type: ignore[arg-type]
        try:
            CostLine.model_validate(fields)
        except ValidationError as exc:
            problems += [f"{code} cost line {i} {'.'.join(map(str, e['loc']))}: {describe(dict(e))}"
                         for e in exc.errors()]
        when = _date_problem(ln.get("incurred_on"), latest)
        if when is not None:
            problems.append(f"{code} cost line {i} incurred_on: {when}")
    return problems


def save_cost_lines(session: Session, company: str, code: str, lines: Sequence[dict[str, Any]],
                    read_versions: dict[int, int]) -> tuple[int, int, int]:
    """Replace an asset's cost lines by the edited table: (added, changed, removed).

    ``lines``: the table, a line with an integer ``id`` being a stored line, one without a new line;
    ``read_versions``: the version of each stored line when it was read (by id). Each line is checked first
    as a cost line of the cost method; a problem names the asset, the line and the field
    (:class:`~base.errors.InvalidInput`), and nothing is saved. A line changed by someone else since it
    was read (its version moved), added since, or removed since is refused (:class:`ConcurrentEdit`).
    """
    from valuation.cost.inputs import CostLine  # valuation.cost loads scipy and statsmodels (about a second)

    problems = cost_line_problems(code, lines)
    if problems:
        raise InvalidInput("成本明细未保存 cost lines not saved:\n" + "\n".join(problems), asset_id=code)
    clean = []
    for ln in lines:
        amount, _ = parse_amount(ln.get("amount"))
        assert amount is not None  # checked above
        clean.append((int(ln["id"]) if isinstance(ln.get("id"), int) else None, amount,
                      CostLine.model_validate({**_line_fields(ln), "amount": float(amount)})))
    added = changed = removed = 0
    asset = get_asset(session, company, code)
    stored = {c.id: c for c in asset.cost_lines}
    keep = {lid for lid, _, _ in clean if lid is not None}
    for sid, row in list(stored.items()):
        if sid not in read_versions:
            raise ConcurrentEdit(f"the cost lines of {code} (line {row.line_no} was added since you read them)",
                                 expected=0, found=row.version, asset_id=code)
        if row.version != read_versions[sid]:
            raise ConcurrentEdit(f"cost line {row.line_no} of {code}", expected=read_versions[sid],
                                 found=row.version, asset_id=code)
        if sid not in keep:
            session.delete(row)  # deleted as a row, its evidence files with it: each audited with its before
            removed += 1
    gone = sorted(lid for lid in keep if lid not in stored)
    if gone:
        raise ConcurrentEdit(f"cost line id {gone[0]} of {code}", expected=read_versions.get(gone[0], 0),
                             found=None, asset_id=code)
    session.flush()
    if removed:
        session.expire(asset, ["cost_lines"])  # the collection read before the deletes
    for lid, amount, m in clean:
        if lid is None:
            new_row = add_cost_line(session, company, code, category=m.category.value, item=m.item,
                                    amount=amount, incurred_on=m.incurred_on, evidence=m.evidence)
            new_row.restate = m.restate
            added += 1
            continue
        row_: LineRow = stored[lid]
        new = {"category": m.category.value, "item": m.item, "amount_fen": to_fen(amount),
               "incurred_on": m.incurred_on, "evidence": m.evidence, "restate": m.restate}
        if any(getattr(row_, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(row_, k, v)
            changed += 1
    session.flush()
    return added, changed, removed
