"""The link between the bank's pledge and the company's books (docs/pledge.md §The accounting link).

pledge/ and accounting/ never import each other; this shell module joins them:

- :func:`holding_from_books` reads the books to say whether the company holds the asset and which of
  its pledges are still active, so :func:`pledge.check_pledgeable` can refuse a pledge of an asset not
  held and a second pledge;
- :func:`pledge_event` turns the assessment's :class:`pledge.PledgeRestriction` into the accounting
  ``pledge`` event, so the disclosures list the asset as restricted with its carrying amount and the
  period's amortization (财会〔2023〕11号 disclosure of restricted / pledged data resources).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from accounting import BookCase
from accounting.enums import EventKind
from pledge import Holding, PledgeRestriction

DERECOGNIZING = {EventKind.DISPOSAL, EventKind.LAPSE}


def holding_from_books(books: BookCase, asset_id: str, as_of: date) -> Holding:
    """Holding facts at ``as_of``: the asset is on the books and not derecognized; active pledges."""
    on_books = any(r.asset_id == asset_id for r in books.resources)
    events = sorted((e for e in books.events if e.asset_id == asset_id and e.date <= as_of), key=lambda e: e.date)
    derecognized = any(e.kind in DERECOGNIZING for e in events)
    active: list[str] = []
    for e in events:
        if e.kind == EventKind.PLEDGE:
            active.append(getattr(e, "registration", "") or f"pledge of {e.date} to {getattr(e, 'pledgee', '?')}")
        elif e.kind == EventKind.PLEDGE_RELEASE and active:
            active.pop(0)
    return Holding(holds_asset=on_books and not derecognized, existing_pledges=tuple(active))


def pledge_event(restriction: PledgeRestriction, *, on: date, event_id: str | None = None) -> dict[str, Any]:
    """The accounting ``pledge`` event (JSON-ready) recording the restriction from ``on``."""
    event: dict[str, Any] = {
        "kind": EventKind.PLEDGE.value,
        "asset_id": restriction.asset_id,
        "date": on.isoformat(),
        "pledgee": restriction.pledgee,
        "secured_amount": f"{restriction.amount:.2f}",
        "registration": restriction.pledge_registration_number or "",
    }
    if event_id:
        event["event_id"] = event_id
    return event


def with_pledge(books: BookCase, restriction: PledgeRestriction, *, on: date) -> BookCase:
    """The books with the new pledge recorded (and its release at the loan's end, when known)."""
    raw = books.model_dump(mode="json")
    raw["events"].append(pledge_event(restriction, on=on, event_id=f"PLG-{restriction.loan_id}"))
    if restriction.end is not None:
        raw["events"].append({"kind": EventKind.PLEDGE_RELEASE.value, "asset_id": restriction.asset_id,
                              "date": restriction.end.isoformat(), "event_id": f"REL-{restriction.loan_id}"})
    return BookCase.model_validate(raw)
