"""Pledges and other restrictions of data resources: recorded on the state, disclosed as restricted with the
carrying amount and the period's amortization (财会〔2023〕11号 三 (二)); no entry."""

from __future__ import annotations

from dataclasses import replace

from accounting.citations import DISCLOSURE
from accounting.enums import RestrictionKind, label
from accounting.errors import InvalidEvent
from accounting.events import Pledge, PledgeRelease
from accounting.handlers.state import AssetState, Outcome, PledgeRecord, Tx


def pledge(tx: Tx, s: AssetState, ev: Pledge) -> Outcome:
    """Pledge to a creditor, or another restriction: one open pledge at a time (other restrictions may add up)."""
    if ev.restriction == RestrictionKind.PLEDGE and any(
            p.released is None and p.restriction == RestrictionKind.PLEDGE for p in s.pledges):
        raise InvalidEvent("already pledged; release the existing pledge first", field="kind")
    rec = PledgeRecord(pledgee=ev.pledgee, since=ev.date, event_id=tx.event_id, restriction=ev.restriction,
                       secured_amount=ev.secured_amount, registration=ev.registration)
    what = label(ev.restriction.value, "zh")
    return replace(s, pledges=(*s.pledges, rec)), f"{what} restricted ({ev.restriction.value}) in favour of {ev.pledgee}", [
        f"所有权或使用权受限（{what}）的数据资源：披露账面价值及本期摊销 restricted ({ev.restriction.value}): disclosed with "
        f"the carrying amount and the period's amortization ({DISCLOSURE})."], {}


def pledge_release(tx: Tx, s: AssetState, ev: PledgeRelease) -> Outcome:
    """Release of the open pledge."""
    open_ = [p for p in s.pledges if p.released is None]
    if not open_:
        raise InvalidEvent("no pledge to release", field="kind")
    pledges = tuple(replace(p, released=ev.date) if p.released is None else p for p in s.pledges)
    return replace(s, pledges=pledges), "pledge released", [], {}
