"""Pledges of data resources: recorded on the state, disclosed as restricted (财会〔2023〕11号 §4); no entry."""

from __future__ import annotations

from dataclasses import replace

from accounting.classify import PROVISIONS
from accounting.errors import InvalidEvent
from accounting.events import Pledge, PledgeRelease
from accounting.handlers.state import AssetState, Outcome, PledgeRecord, Tx


def pledge(tx: Tx, s: AssetState, ev: Pledge) -> Outcome:
    """Pledge to a creditor: one open pledge at a time."""
    if any(p.released is None for p in s.pledges):
        raise InvalidEvent("already pledged; release the existing pledge first", field="kind")
    rec = PledgeRecord(pledgee=ev.pledgee, since=ev.date, event_id=tx.event_id,
                       secured_amount=ev.secured_amount, registration=ev.registration)
    return replace(s, pledges=(*s.pledges, rec)), f"pledged to {ev.pledgee}", [
        "Pledged data resource: restricted; disclosed with carrying amount and the period's amortization "
        f"({PROVISIONS} §4)."], {}


def pledge_release(tx: Tx, s: AssetState, ev: PledgeRelease) -> Outcome:
    """Release of the open pledge."""
    open_ = [p for p in s.pledges if p.released is None]
    if not open_:
        raise InvalidEvent("no pledge to release", field="kind")
    pledges = tuple(replace(p, released=ev.date) if p.released is None else p for p in s.pledges)
    return replace(s, pledges=pledges), "pledge released", [], {}
