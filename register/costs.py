"""An asset's cost lines edited as a table: checked as cost-method lines, then saved in one transaction.

The editor reads the lines with their versions and sends back the whole table. :func:`save_cost_lines`
adds the new lines, changes the edited ones and removes the ones left out, refusing the save when a line
changed (or was added) since it was read — :class:`~register.errors.ConcurrentEdit`, never a silent
overwrite.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def _line_fields(line: dict[str, Any]) -> dict[str, Any]:
    return {k: line[k] for k in LINE_FIELDS if line.get(k) is not None}


def cost_line_problems(code: str, lines: Sequence[dict[str, Any]]) -> list[str]:
    """Every problem of edited cost lines as cost lines of the cost method (``valuation.cost.CostLine``:
    category, item, amount ≥ 0, date), each naming the asset, the line and the field."""
    from valuation.cost.inputs import CostLine  # valuation.cost loads scipy and statsmodels (about a second)

    problems: list[str] = []
    for i, ln in enumerate(lines, start=1):
        try:
            CostLine.model_validate(_line_fields(ln))
        except ValidationError as exc:
            problems += [f"{code} cost line {i} {'.'.join(map(str, e['loc']))}: {describe(dict(e))}"
                         for e in exc.errors()]
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
    clean = [(int(ln["id"]) if isinstance(ln.get("id"), int) else None, CostLine.model_validate(_line_fields(ln)))
             for ln in lines]
    added = changed = removed = 0
    asset = get_asset(session, company, code)
    stored = {c.id: c for c in asset.cost_lines}
    keep = {lid for lid, _ in clean if lid is not None}
    for sid, row in list(stored.items()):
        if sid not in read_versions:
            raise ConcurrentEdit(f"the cost lines of {code} (line {row.line_no} was added since you read them)",
                                 expected=0, found=row.version, asset_id=code)
        if row.version != read_versions[sid]:
            raise ConcurrentEdit(f"cost line {row.line_no} of {code}", expected=read_versions[sid],
                                 found=row.version, asset_id=code)
        if sid not in keep:
            asset.cost_lines.remove(row)
            removed += 1
    gone = sorted(lid for lid in keep if lid not in stored)
    if gone:
        raise ConcurrentEdit(f"cost line id {gone[0]} of {code}", expected=read_versions.get(gone[0], 0),
                             found=None, asset_id=code)
    session.flush()
    for lid, m in clean:
        if lid is None:
            new_row = add_cost_line(session, company, code, category=m.category.value, item=m.item,
                                    amount=str(m.amount), incurred_on=m.incurred_on, evidence=m.evidence)
            new_row.restate = m.restate
            added += 1
            continue
        row_: LineRow = stored[lid]
        new = {"category": m.category.value, "item": m.item, "amount_fen": to_fen(str(m.amount)),
               "incurred_on": m.incurred_on, "evidence": m.evidence, "restate": m.restate}
        if any(getattr(row_, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(row_, k, v)
            changed += 1
    session.flush()
    return added, changed, removed
